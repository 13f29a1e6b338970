"""Sourcing requests, proposals and linkages, saved searches, engine versions, match runs."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from companies.models import CertificationScheme, HsCode, IsicCode, Organisation, Unit
from matching.validators import (
    TextLimit,
    validate_country_codes,
    validate_subregion_slugs,
    validate_volume,
)


def max_length_of(model: type[models.Model], name: str) -> int:
    """A text field's limit, for the pages and checks that show or apply it."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} has no length limit")
    return field.max_length


class TrimmedCharField(models.CharField):
    """Text whose surrounding spaces are not part of it, so that "   " counts as blank.

    Its length limit says how many characters were given, in the platform's words.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = self.max_length
        if limit is not None:
            self.validators[:] = [
                TextLimit(limit) if type(v) is MaxLengthValidator else v for v in self.validators
            ]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.strip() if isinstance(value, str) else value


class TrimmedTextField(models.TextField):
    """Trimmed text like ``TrimmedCharField``, whose ``max_length`` the model enforces too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(TextLimit(self.max_length))

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.strip() if isinstance(value, str) else value


class CodeListField(models.JSONField):
    """A list of codes kept trimmed, in one case and without repeats, whoever writes it."""

    def __init__(self, *args: Any, upper: bool = True, **kwargs: Any) -> None:
        self.upper = upper
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if not self.upper:
            kwargs["upper"] = False
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            codes = (str(item).strip() for item in value if str(item).strip())
            return list(dict.fromkeys(c.upper() if self.upper else c.lower() for c in codes))
        return value


class SourcingRequest(models.Model):
    """What a buyer needs: products, activities, standards, where, how much, by when."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        AWARDED = "awarded", "Awarded"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: any SME may see it"
        CONFIDENTIAL = "confidential", "Confidential: only suppliers it is proposed to"

    buyer = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sourcing_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = TrimmedCharField(max_length=200, error_messages={"blank": "Give the request a title."})
    description = TrimmedTextField(max_length=10000, blank=True)
    hs_codes = models.ManyToManyField(HsCode, blank=True, related_name="requests")
    isic_codes = models.ManyToManyField(IsicCode, blank=True, related_name="requests")
    required_certifications = models.ManyToManyField(
        CertificationScheme, blank=True, related_name="requests"
    )
    countries = CodeListField(
        default=list,
        blank=True,
        validators=[validate_country_codes],
        help_text="ISO 3166-1 alpha-2 codes",
    )
    subregions = CodeListField(
        default=list,
        blank=True,
        upper=False,
        validators=[validate_subregion_slugs],
        help_text="UN M49 subregion slugs",
    )
    allow_consortium = models.BooleanField(
        default=True, help_text="Whether a consortium of cluster members may answer"
    )
    volume_per_month = models.PositiveIntegerField(
        null=True, blank=True, validators=[validate_volume]
    )
    unit = models.CharField(
        max_length=10,
        choices=Unit.choices,
        blank=True,
        error_messages={"invalid_choice": f"Choose one of: {', '.join(Unit.values)}."},
        help_text="One of the units",
    )
    target_start = models.DateField(
        null=True, blank=True, help_text="When you would like supplies to begin."
    )
    deadline = models.DateTimeField(
        help_text="Responses close at this moment (UTC)",
        error_messages={
            "null": "Give the deadline for responses.",
            "invalid": "Give a date and time.",
        },
    )
    visibility = models.CharField(
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        error_messages={"invalid_choice": "Choose public or confidential."},
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "visibility", "deadline"])]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="request_has_title"),
            models.CheckConstraint(
                condition=Q(volume_per_month__isnull=True) | Q(volume_per_month__gt=0),
                name="request_volume_positive",
            ),
            # Capacity is compared only in the same unit, so a volume without one means nothing.
            models.CheckConstraint(
                condition=Q(volume_per_month__isnull=True) | ~Q(unit=""),
                name="request_volume_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(unit="") | Q(unit__in=Unit.values), name="request_unit_known"
            ),
            models.CheckConstraint(
                condition=Q(opened_at__isnull=True)
                | Q(closed_at__isnull=True)
                | Q(closed_at__gte=F("opened_at")),
                name="request_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_status(self) -> str:
        """Open requests past their deadline read as closed even before the job runs."""
        if self.status == self.Status.OPEN and self.deadline <= timezone.now():
            return self.Status.CLOSED
        return self.status

    @property
    def is_open(self) -> bool:
        return self.effective_status == self.Status.OPEN


class Proposal(models.Model):
    """A proposed linkage of a request and a supplier, with each side's decision.

    Accepted by both sides it is a linkage, and only then are contacts revealed.
    Every decision is kept: it is what the matcher learns from.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting decisions"
        LINKED = "linked", "Linkage: both accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Request closed"

    class Origin(models.TextChoices):
        MATCHER = "matcher", "Proposed by the matcher"
        INVITATION = "invitation", "Invited by the buyer"

    class DeclineReason(models.TextChoices):
        NOT_RELEVANT = "not_relevant", "Not what we make / need"
        CAPACITY = "capacity", "Capacity or volume does not fit"
        CERTIFICATION = "certification", "Certification missing"
        LOCATION = "location", "Location or logistics"
        PRICE = "price", "Price expectations"
        TIMING = "timing", "Timing"
        OTHER = "other", "Other"

    request = models.ForeignKey(SourcingRequest, on_delete=models.CASCADE, related_name="proposals")
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="proposals")
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.MATCHER)
    score = models.FloatField(default=0.0, help_text="Weighted match score, 0 to 1")
    rank = models.PositiveIntegerField(null=True, blank=True)
    breakdown = models.JSONField(default=dict, blank=True, help_text="Score per factor")
    explanation = models.JSONField(
        default=list, blank=True, help_text="Sentences a person reads: what matched and why"
    )
    near_miss_reasons = models.JSONField(
        default=list, blank=True, help_text="Constraints it failed, e.g. 'lacks ISO 13485'"
    )
    engine_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(max_length=255, blank=True)
    buyer_decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    buyer_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    buyer_note = models.TextField(blank=True, max_length=2000)
    buyer_decided_at = models.DateTimeField(null=True, blank=True)
    buyer_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplier_decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    supplier_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    supplier_note = models.TextField(blank=True, max_length=2000)
    supplier_decided_at = models.DateTimeField(null=True, blank=True)
    supplier_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded = models.BooleanField(default=False, help_text="The buyer awarded this linkage")
    buyer_notified_at = models.DateTimeField(null=True, blank=True)
    supplier_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["request", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="uniq_proposal_per_pair"),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="proposal_rank_from_one"
            ),
            # Only a linkage (both sides accepted) can be awarded.
            models.CheckConstraint(
                condition=Q(awarded=False) | Q(status="linked"),
                name="proposal_awarded_is_linked",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "status"])]

    def __str__(self) -> str:
        return f"{self.request} × {self.supplier}"

    @property
    def is_linkage(self) -> bool:
        return self.status == self.Status.LINKED

    @property
    def is_near_miss(self) -> bool:
        return bool(self.near_miss_reasons)


class SavedSearch(models.Model):
    """A buyer's supplier search, kept to be told when a new supplier matches it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = TrimmedCharField(max_length=120)
    query = TrimmedCharField(max_length=500, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    notify_email = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="saved_search_has_name")]

    def __str__(self) -> str:
        return self.name


class SavedSearchHit(models.Model):
    """A supplier a saved search was told about; keeps each supplier to one notice."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "supplier"], name="uniq_saved_hit")
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.supplier_id}"


class EngineIndexVersion(models.Model):
    """One stored version of the engine's supplier index.

    A full build stands alone; a delta holds only the suppliers changed since the
    version before it and is applied on top of its base.
    """

    class Kind(models.TextChoices):
        FULL = "full", "Full build"
        DELTA = "delta", "Changed suppliers"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="deltas"
    )
    artifact = models.CharField(max_length=255, help_text="Path in the default storage")
    supplier_count = models.PositiveIntegerField(default=0)
    size_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # A full build stands alone; a delta is applied on top of its base.
            models.CheckConstraint(
                condition=Q(kind="full", base__isnull=True) | Q(kind="delta", base__isnull=False),
                name="index_version_delta_has_base",
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__gte=0), name="index_version_size_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"index v{self.pk} ({self.kind})"


class MatchRun(models.Model):
    """One run of the matcher: who started it, how far it got, what it did."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Scope(models.TextChoices):
        FULL = "full", "Rebuild and re-match everything"
        REQUEST = "request", "One request"
        SUPPLIER = "supplier", "One supplier"

    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.FULL)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=40, default="schedule", help_text="schedule, staff, save")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    shards_total = models.PositiveIntegerField(default=0)
    shards_done = models.PositiveIntegerField(default=0)
    requests_matched = models.PositiveIntegerField(default=0)
    proposals_created = models.PositiveIntegerField(default=0)
    proposals_updated = models.PositiveIntegerField(default=0)
    proposals_withdrawn = models.PositiveIntegerField(default=0)
    index_version = models.ForeignKey(
        EngineIndexVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_at__isnull=True)
                | Q(finished_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="match_run_finished_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"match run {self.pk} ({self.status})"

    @property
    def progress(self) -> float:
        return self.shards_done / self.shards_total if self.shards_total else 0.0

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ScoringWeights(models.Model):
    """One version of the matcher's factor weights, fitted from people's decisions.

    Kept only when it ranked held-out decisions better than the weights before it.
    """

    weights = models.JSONField(help_text="Weight per factor: text, chars, hs, isic, bridge")
    decisions_used = models.PositiveIntegerField(default=0)
    holdout_ndcg = models.FloatField(null=True, blank=True, help_text="NDCG@10 on held-out 20%")
    previous_ndcg = models.FloatField(
        null=True, blank=True, help_text="NDCG@10 of the weights in force, same held-out 20%"
    )
    adopted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "scoring weights"

    def __str__(self) -> str:
        return f"weights v{self.pk}{' (adopted)' if self.adopted else ''}"


class NearMiss(models.Model):
    """A supplier that would rank for a request but fails a hard constraint.

    Derived by each match, never decided on: the buyer sees who nearly fits, the
    supplier sees what it lacks (for instance "lacks ISO 13485"), and clusters see
    which certifications their members miss most.
    """

    request = models.ForeignKey(
        SourcingRequest, on_delete=models.CASCADE, related_name="near_misses"
    )
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="near_misses")
    score = models.FloatField(default=0.0)
    breakdown = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, help_text="Constraints failed, in words")
    missing_certifications = models.JSONField(
        default=list, blank=True, help_text="Catalogue codes of required certificates it lacks"
    )
    engine_version = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["request", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="uniq_near_miss_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} nearly fits {self.request}"
