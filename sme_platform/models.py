"""The outbox: every job a write asks for, recorded in the write's own transaction."""

from django.db import models


class OutboxJob(models.Model):
    """A job a committed write asked for, kept until the broker has taken it.

    The row is written in the same transaction as the write, so a job can be neither
    lost (the write committed but the broker was down) nor sent for a write that rolled
    back. ``sent_at`` stays empty until the broker accepted the message; the sweeper
    sends again what is still empty after a grace period.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending_by_age",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"
