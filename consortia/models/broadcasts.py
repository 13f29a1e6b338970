"""Broadcasts: a cluster's managers tell members about an opportunity.

A broadcast points at a public open sourcing request, carries a message of the
managers' own (subject and text), or both. Its recipients are fixed when it is
sent (the cluster's active members, all or a chosen few), one row per member
firm; a Celery job then notifies the firms' users in-app and by e-mail. A firm's
row records when it was told and when one of its users first read it, which is
what the managers see as "read".
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clusters.models.memberships import TOO_LONG, Cluster, ClusterMembership, LimitedTextField
from companies.models import Organisation
from matching.models import SourcingRequest
from sme_platform.constraints import known_choice

SUBJECT_LIMIT = 200
BODY_LIMIT = 5000


class BroadcastAudience(models.TextChoices):
    ALL = "all", "All active members"
    SELECTED = "selected", "Chosen members"


class BroadcastStatus(models.TextChoices):
    QUEUED = "queued", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Broadcast(models.Model):
    """One message from a cluster's managers to some or all of its active members."""

    Audience = BroadcastAudience
    Status = BroadcastStatus

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="broadcasts")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The manager who sent it",
    )
    request = models.ForeignKey(
        SourcingRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broadcasts",
        help_text="The public open request the broadcast points at, if any",
    )
    subject = models.CharField(
        max_length=SUBJECT_LIMIT,
        error_messages=TOO_LONG,
        help_text="The request's title when only a request is sent",
    )
    body = LimitedTextField(
        blank=True, max_length=BODY_LIMIT, error_messages=TOO_LONG, help_text="The managers' words"
    )
    audience = models.CharField(
        max_length=10,
        choices=Audience.choices,
        default=Audience.ALL,
        error_messages={"invalid_choice": "Send to all active members or to chosen ones."},
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job finished telling every recipient"
    )
    error = models.TextField(
        blank=True, help_text="Why the delivery job failed for good, for the managers to read"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(subject=""), name="broadcast_has_subject"),
            known_choice("audience", BroadcastAudience, name="broadcast_audience_known"),
            known_choice("status", BroadcastStatus, name="broadcast_status_known"),
            models.CheckConstraint(
                condition=~Q(status=BroadcastStatus.SENT) | Q(sent_at__isnull=False),
                name="broadcast_sent_at_when_sent",
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(sent_at__gte=F("created_at")),
                name="broadcast_sent_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.subject}"


class BroadcastRecipient(models.Model):
    """A member firm a broadcast was sent to: when it was told, when it first read it."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="recipients")
    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cluster_broadcasts"
    )
    membership = models.ForeignKey(
        ClusterMembership,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The membership that made the firm a recipient",
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the firm's users were notified"
    )
    read_at = models.DateTimeField(
        null=True, blank=True, help_text="When a user of the firm first opened it"
    )
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["supplier__legal_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "supplier"], name="uniq_broadcast_recipient"
            )
        ]
        indexes = [models.Index(fields=["supplier", "broadcast"])]

    def __str__(self) -> str:
        return f"{self.broadcast} → {self.supplier}"
