"""Clusters of SMEs, the people who run them, and who belongs to them.

A cluster is proposed by a cluster body (an industry association or development
agency) and approved by staff. Its managers are users of that body. An SME joins
by applying or by accepting an invitation; every change of a membership is kept
as a ``MembershipEvent`` with who made it and when.

A membership row is one episode: an SME that left and joins again gets a new
row, so each row's events tell one story from start to end.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property

from companies import geography
from companies.models import HsCode, IsicCode, Organisation
from sme_platform.constraints import known_choice

# How every length limit of the clusters' texts is told, on the pages and in the API alike.
TOO_LONG = {"max_length": "At most %(limit_value)d characters (you gave %(show_value)d)."}
FIRST_FOUNDING_YEAR = 1800


def _membership_token() -> str:
    return secrets.token_urlsafe(32)


def validate_founding_year(year: int) -> None:
    """A founding year lies between 1800 and this year (which moves, so no fixed maximum)."""
    this_year = timezone.now().year
    if not FIRST_FOUNDING_YEAR <= year <= this_year:
        raise ValidationError(
            f"Give a year between {FIRST_FOUNDING_YEAR} and {this_year}.", code="founding_year"
        )


def validate_country_code(code: str) -> None:
    """An ISO 3166-1 alpha-2 code of a country."""
    if not geography.is_country(code):
        raise ValidationError(f"Unknown country code: {code}.", code="unknown_country")


class WebAddressField(models.URLField):
    """A web address a visitor can open: http or https only (no ftp, no mailto)."""

    default_validators = [
        URLValidator(
            schemes=["http", "https"],
            message="Give a web address starting with http:// or https://.",
        )
    ]


class LimitedTextField(models.TextField):
    """A long text whose ``max_length`` the model checks too: Django's TextField leaves
    it to the forms, and a service writes without one."""

    @cached_property
    def validators(self) -> list:
        limit = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *limit]


class ClusterStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class MembershipStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    APPLIED = "applied", "Applied"
    ACTIVE = "active", "Member"
    REFUSED = "refused", "Refused"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"
    LEFT = "left", "Left"


# Statuses in which a membership still binds the SME to the cluster (or is on its way
# to); at most one such row per cluster and SME.
OPEN_STATUSES = (
    MembershipStatus.INVITED,
    MembershipStatus.APPLIED,
    MembershipStatus.ACTIVE,
    MembershipStatus.SUSPENDED,
)
MEMBER_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)


class Cluster(models.Model):
    """An industrial cluster: firms of one sector gathered in one place."""

    Status = ClusterStatus

    name = models.CharField(
        max_length=160,
        error_messages={**TOO_LONG, "blank": "This field is required."},
        help_text="e.g. Tiruppur Knitwear Cluster",
    )
    slug = models.SlugField(
        max_length=80, unique=True, allow_unicode=True, help_text="The cluster's page address"
    )
    country = models.CharField(
        max_length=2,
        validators=[validate_country_code],
        error_messages={"blank": "Unknown country code: (empty)."},
        help_text="ISO 3166-1 alpha-2 code",
    )
    province = models.CharField(
        max_length=10, blank=True, help_text="ISO 3166-2 code of the province or region"
    )
    sector = models.ForeignKey(
        IsicCode,
        on_delete=models.PROTECT,
        related_name="clusters",
        help_text="The cluster's main activity (ISIC Rev. 4)",
    )
    main_products = models.ManyToManyField(
        HsCode,
        blank=True,
        related_name="clusters",
        help_text="What the cluster's firms mainly make (HS codes)",
    )
    description = LimitedTextField(blank=True, max_length=5000, error_messages=TOO_LONG)
    website = WebAddressField(blank=True, error_messages=TOO_LONG)
    founded = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[validate_founding_year],
        help_text="Year the cluster or its association was founded",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PROPOSED,
        help_text="Set by staff: only approved clusters are public and take members",
    )
    review_note = models.CharField(
        max_length=500,
        blank=True,
        error_messages=TOO_LONG,
        help_text="Staff's reason, shown to the managers",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="clusters",
        limit_choices_to={"kind": Organisation.Kind.CLUSTER_BODY},
        help_text="The cluster body that proposed the cluster and runs it",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_clusters",
        help_text="Users of the cluster body who run the cluster",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "country"])]
        constraints = [
            known_choice("status", ClusterStatus, name="cluster_status_known"),
            models.CheckConstraint(
                condition=Q(founded__isnull=True) | Q(founded__gte=FIRST_FOUNDING_YEAR),
                name="cluster_founded_not_before_1800",
            ),
            models.CheckConstraint(
                condition=Q(status=ClusterStatus.PROPOSED) | Q(reviewed_at__isnull=False),
                name="cluster_reviewed_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ClusterMembership(models.Model):
    """One SME's membership of one cluster, from invitation or application to its end."""

    Status = MembershipStatus

    OPEN_STATUSES = OPEN_STATUSES
    # Members: suspended ones stay members, marked (not proposed in consortia).
    MEMBER_STATUSES = MEMBER_STATUSES

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    supplier = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cluster_memberships",
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
        help_text="The SME; empty while an invitation waits for the firm to sign up",
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    listed_publicly = models.BooleanField(
        default=False, help_text="The member agreed to be listed on the cluster's public page"
    )
    share_contacts = models.BooleanField(
        default=False,
        help_text="The member agreed that the cluster's managers see its contact people",
    )
    invited_email = models.EmailField(
        blank=True,
        error_messages={"invalid": "Give a valid e-mail address."},
        help_text="Address invited when the SME was not registered yet",
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        default=_membership_token,
        help_text="Secret of the invitation link sent by e-mail",
    )
    message = LimitedTextField(
        blank=True,
        max_length=2000,
        error_messages=TOO_LONG,
        help_text="The application's or invitation's own words",
    )
    # When the invitation e-mail went out: a job delivered twice must not mail twice.
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "supplier"],
                condition=Q(status__in=OPEN_STATUSES),
                name="uniq_open_membership_per_supplier",
            ),
            models.UniqueConstraint(
                fields=["cluster", "invited_email"],
                condition=Q(status="invited", supplier__isnull=True),
                name="uniq_open_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=Q(supplier__isnull=False) | ~Q(invited_email=""),
                name="membership_has_supplier_or_email",
            ),
            known_choice("status", MembershipStatus, name="membership_status_known"),
            models.CheckConstraint(
                condition=~Q(status__in=MEMBER_STATUSES) | Q(joined_at__isnull=False),
                name="member_has_joined_at",
            ),
            models.CheckConstraint(
                condition=Q(joined_at__isnull=True) | Q(joined_at__gte=F("created_at")),
                name="member_joined_after_created",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status"])]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.cluster} ({self.status})"

    @property
    def is_member(self) -> bool:
        return self.status in self.MEMBER_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def display_name(self) -> str:
        return self.supplier.legal_name if self.supplier is not None else self.invited_email


class MembershipEvent(models.Model):
    """One change of a membership, with who made it and when: the membership's history."""

    membership = models.ForeignKey(
        ClusterMembership, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who made the change",
    )
    from_status = models.CharField(
        max_length=10,
        choices=ClusterMembership.Status.choices,
        blank=True,
        help_text="Empty for the event that created the membership",
    )
    to_status = models.CharField(max_length=10, choices=ClusterMembership.Status.choices)
    note = models.CharField(
        max_length=500, blank=True, error_messages=TOO_LONG, help_text="Reason or remark"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            known_choice("to_status", MembershipStatus, name="event_to_status_known"),
            models.CheckConstraint(
                condition=Q(from_status="") | Q(from_status__in=MembershipStatus.values),
                name="event_from_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.from_status or '—'} → {self.to_status}"
