"""Consortia: members of one cluster answering together a request none meets alone.

A consortium is its own kind of proposal: one request × one set of members of
one cluster, not a row per supplier. The matcher drafts it; a manager of the
cluster reviews it, edits it, names a lead and proposes it to the buyer. The
buyer and every member then accept or decline. Contacts are revealed only when
the buyer and every member have accepted (double opt-in); a member declining
returns it to the manager, who edits it or withdraws it.

Members coordinate capacity and delivery, never prices (competition law).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clusters.models.memberships import TOO_LONG, Cluster, ClusterMembership, LimitedTextField
from companies.models import Organisation
from matching.models import Proposal, SourcingRequest
from sme_platform.constraints import known_choice

# Each side's answer, as on a proposal to one supplier.
Decision = Proposal.Decision


class DeclineReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", "Not what we make / need"
    CAPACITY = "capacity", "Capacity or volume does not fit"
    CERTIFICATION = "certification", "Certification missing"
    PARTNERS = "partners", "We would rather not work with these partners"
    LOCATION = "location", "Location or logistics"
    TIMING = "timing", "Timing"
    OTHER = "other", "Other"


class ConsortiumStatus(models.TextChoices):
    DRAFT = "draft", "Draft: for the managers to review"
    PROPOSED = "proposed", "Proposed to the buyer"
    LINKED = "linked", "Linkage: the buyer and every member accepted"
    RETURNED = "returned", "Returned to the managers: a member declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Declined by the buyer"
    CLOSED = "closed", "Request closed"


# Statuses only a proposal reaches: the buyer and the members have seen the consortium.
PROPOSED_STATUSES = (
    ConsortiumStatus.PROPOSED,
    ConsortiumStatus.LINKED,
    ConsortiumStatus.RETURNED,
    ConsortiumStatus.DECLINED,
)


def _answer_constraints(prefix: str, decision: str, reason: str) -> list[models.CheckConstraint]:
    """An answer is one of the decisions, and a reason goes only with a decline."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{decision}__in": Decision.values}), name=f"{prefix}_decision_known"
        ),
        models.CheckConstraint(
            condition=Q(**{reason: ""})
            | Q(**{decision: Decision.DECLINED, f"{reason}__in": DeclineReason.values}),
            name=f"{prefix}_reason_only_when_declined",
        ),
    ]


class Consortium(models.Model):
    """A set of members of one cluster proposed together for one request."""

    Status = ConsortiumStatus

    # Statuses in which a manager may still change the members and the lead.
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    # Statuses that end the consortium's story.
    FINAL_STATUSES = (Status.LINKED, Status.WITHDRAWN, Status.DECLINED, Status.CLOSED)

    request = models.ForeignKey(
        SourcingRequest,
        on_delete=models.CASCADE,
        related_name="consortia",
        help_text="The sourcing request the consortium answers",
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        related_name="consortia",
        help_text="The cluster whose members form the consortium",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Where the consortium stands: draft, proposed, linked, returned, ended",
    )
    status_reason = models.CharField(
        max_length=255,
        blank=True,
        error_messages=TOO_LONG,
        help_text="Why it is in this status, in words",
    )
    score = models.FloatField(
        default=0.0, help_text="Total match score of the members for the request (sum, 0 to 5)"
    )
    breakdown = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Volume and unit asked, pooled capacity, capacity per product, certifications "
            "required, covered and missing, products missing, and each member's score"
        ),
    )
    engine_version = models.CharField(
        max_length=40, blank=True, help_text="Index and weights version that scored the members"
    )
    drafted_by_matcher = models.BooleanField(
        default=True, help_text="The matcher made the draft; re-matching may still update it"
    )
    edited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a manager last changed the members or the lead; re-matching then "
        "leaves it alone",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The manager who last changed the members or the lead",
    )
    proposed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a manager last proposed it to the buyer"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The manager who last proposed it to the buyer",
    )
    buyer_decision = models.CharField(
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        help_text="The buyer's answer to the latest proposal",
    )
    buyer_reason = models.CharField(
        max_length=20,
        choices=DeclineReason.choices,
        blank=True,
        help_text="Why the buyer declined",
    )
    buyer_note = LimitedTextField(
        blank=True,
        max_length=2000,
        error_messages=TOO_LONG,
        help_text="The buyer's own words with its answer",
    )
    buyer_decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the buyer answered"
    )
    buyer_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The buyer's user who answered",
    )
    managers_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the managers were told of the draft (once)"
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was first drafted")
    updated_at = models.DateTimeField(auto_now=True, help_text="When it last changed")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "consortia"
        constraints = [
            models.UniqueConstraint(
                fields=["request", "cluster"], name="uniq_consortium_per_request_cluster"
            ),
            known_choice("status", ConsortiumStatus, name="consortium_status_known"),
            models.CheckConstraint(condition=Q(score__gte=0), name="consortium_score_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=PROPOSED_STATUSES) | Q(proposed_at__isnull=False),
                name="consortium_proposed_at_when_proposed",
            ),
            *_answer_constraints("consortium_buyer", "buyer_decision", "buyer_reason"),
            models.CheckConstraint(
                condition=Q(buyer_decided_at__isnull=True)
                | Q(proposed_at__isnull=False, buyer_decided_at__gte=F("proposed_at")),
                name="consortium_buyer_answers_after_proposal",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status"])]

    def __str__(self) -> str:
        return f"{self.cluster} consortium for {self.request}"

    @property
    def is_linkage(self) -> bool:
        return self.status == self.Status.LINKED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def was_proposed(self) -> bool:
        return self.proposed_at is not None


class ConsortiumMember(models.Model):
    """One member's place in a consortium: its part, its capacity, its answer."""

    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.CASCADE,
        related_name="members",
        help_text="The consortium this member belongs to",
    )
    membership = models.ForeignKey(
        ClusterMembership,
        on_delete=models.CASCADE,
        related_name="consortium_places",
        help_text="The cluster membership that makes the firm eligible",
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="consortium_places",
        help_text="The SME taking part",
    )
    hs_codes = models.JSONField(
        default=list, blank=True, help_text="The requested HS codes this member supplies"
    )
    capacity_pledged = models.PositiveIntegerField(
        default=0,
        help_text="Monthly capacity for the requested products, in the request's unit",
    )
    score = models.FloatField(default=0.0, help_text="The member's own match score, 0 to 1")
    is_lead = models.BooleanField(
        default=False, help_text="The lead member speaks for the consortium to the buyer"
    )
    decision = models.CharField(
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        help_text="The member's answer to the latest proposal",
    )
    reason = models.CharField(
        max_length=20,
        choices=DeclineReason.choices,
        blank=True,
        help_text="Why the member declined",
    )
    note = LimitedTextField(
        blank=True,
        max_length=2000,
        error_messages=TOO_LONG,
        help_text="The member's own words with its answer",
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When the member answered")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member's user who answered",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it joined the consortium")

    class Meta:
        ordering = ["-is_lead", "-capacity_pledged", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "supplier"], name="uniq_consortium_member"
            ),
            models.UniqueConstraint(
                fields=["consortium"], condition=Q(is_lead=True), name="one_lead_per_consortium"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0), name="consortium_member_score_not_negative"
            ),
            *_answer_constraints("consortium_member", "decision", "reason"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} in {self.consortium}"
