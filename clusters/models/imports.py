"""Member lists a cluster's manager imports from CSV, and the profiles they create.

An import is checked first (a dry run: what each row would do, and why a row is
rejected), then applied. The parsed rows are kept with the import, so a manager
can come back to a dry run and apply it later, and see every past import with
its report.

An imported firm is an unclaimed SME profile: no user of the firm has accepted
the invitation yet. Its e-mail address is the key that makes re-importing the
same list idempotent.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clusters.models.memberships import Cluster
from companies.models import Invitation, Organisation


class MemberImport(models.Model):
    """One uploaded member list: who, when, which file, what each row did."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked: ready to apply"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    ACTIVE_STATUSES = (Status.CHECKING, Status.APPLYING)

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="member_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255, help_text="Name of the uploaded file")
    encoding = models.CharField(max_length=20, blank=True, help_text="As detected")
    delimiter = models.CharField(max_length=12, blank=True, help_text="As detected")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    apply_when_checked = models.BooleanField(
        default=False, help_text="Uploaded without a dry run: apply as soon as it is checked"
    )
    rows = models.JSONField(
        default=list,
        blank=True,
        help_text="The parsed rows: [{'row': spreadsheet row number, 'values': {column: text}}]",
    )
    report = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Per row: {'row', 'email', 'legal_name', 'action' (create, update, "
            "unchanged, reject), 'reasons', 'changes'}"
        ),
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0, help_text="Progress of the running step")
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the import failed, for the manager")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")), name="import_done_within_total"
            ),
            models.CheckConstraint(
                condition=Q(
                    rows_total__gte=F("created_count")
                    + F("updated_count")
                    + F("unchanged_count")
                    + F("rejected_count")
                ),
                name="import_counts_within_total",
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True)
                | Q(checked_at__isnull=False, applied_at__gte=F("checked_at")),
                name="import_applied_after_checked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.cluster} ({self.status})"

    @property
    def progress_key(self) -> str:
        """Cache key of the progress while applying (the transaction hides the row's own)."""
        return f"member-import-progress:{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_apply(self) -> bool:
        return self.status == self.Status.CHECKED and (self.created_count + self.updated_count) > 0


class ImportedFirm(models.Model):
    """An SME profile created by a cluster's import, keyed by the firm's e-mail address."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="import_origin"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="imported_firms")
    email = models.EmailField(
        unique=True, help_text="The firm's address: the key of re-imports, and where to invite"
    )
    member_import = models.ForeignKey(
        MemberImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_firms",
        help_text="The import that created the profile",
    )
    invitation = models.ForeignKey(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The invitation to claim the profile",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.email} ({self.organisation})"
