"""In-app notifications, each with an optional e-mail copy."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app notice to one user; e-mail copies follow the user's preferences."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When the e-mail copy went out: a job delivered twice must not mail twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What the notice is about, as "<subject>:<id>:<event>": a job run twice (a message
    # delivered again, a worker killed mid-job) tells each person once. Blank for notices
    # that follow a person's own action, which the action's state checks make once.
    key = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="What the notice is about; one notice per user and key",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_user_and_key",
            ),
            models.CheckConstraint(
                condition=models.Q(read_at__isnull=True)
                | models.Q(read_at__gte=models.F("created_at")),
                name="notification_read_after_it_was_made",
            ),
        ]

    def __str__(self) -> str:
        return self.title
