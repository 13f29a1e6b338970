"""Writes for a cluster's member imports: upload, dry run, apply, and the claim.

Each row of a member list creates an unclaimed SME profile (no user, not public,
never proposed) with an invitation to claim it and an invited membership of the
cluster, or updates a profile this cluster imported that nobody has claimed yet.
A claimed profile belongs to its firm: its row is reported, never applied. The
firm's e-mail address is the key, so importing the same list twice changes
nothing the second time and sends no second invitation.

Checking (the dry run) and applying run as Celery jobs that report progress;
applying writes every valid row in one transaction, re-checking each row first
(a firm may have claimed its profile since the dry run).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from clusters import member_csv
from clusters.forms.imports import FirmData, MemberRowForm
from clusters.models import Cluster, ClusterMembership, ImportedFirm, MemberImport
from clusters.permissions import check_manager
from clusters.services._notices import _notify_managers
from clusters.services.memberships import (
    _transition,
    membership_invite,
)
from clusters.tasks import (
    apply_member_import_task,
    run_member_import_task,
    send_claim_invitations_task,
)
from companies import services as company_services
from companies.models import (
    Invitation,
    Organisation,
    User,
)
from companies.services import invitation_mail
from sme_platform.errors import refusal
from sme_platform.outbox import enqueue_on_commit

__all__ = [
    "imported_profile_claimed",
    "imported_profile_invitation_send",
    "member_import_apply",
    "member_import_check",
    "member_import_fail",
    "member_import_process",
    "member_import_run_apply",
    "member_import_upload",
]

logger = logging.getLogger(__name__)

Status = MemberImport.Status
Action = str  # "create", "update", "unchanged" or "reject"

# Rows between two progress writes: a write per row would cost more than the row.
PROGRESS_EVERY = 50


# ROW CHECKS
# ------------------------------------------------------------------------------


@dataclass
class RowPlan:
    row: int
    email: str
    legal_name: str
    action: Action
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    data: FirmData | None = None
    firm: ImportedFirm | None = None

    def as_report(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "email": self.email,
            "legal_name": self.legal_name,
            "action": self.action,
            "reasons": self.reasons,
            "changes": self.changes,
        }


def _clean_row(values: dict[str, str], reasons: list[str]) -> FirmData:
    """The row parsed by its form (the models' limits and choices); problems go to reasons."""
    form = MemberRowForm(values)
    reasons.extend(form.reasons())
    return form.firm_data()


def _changes(organisation: Organisation, data: FirmData) -> list[str]:
    """The columns whose values differ from the profile's."""
    changed = [name for name, value in data.fields.items() if getattr(organisation, name) != value]
    if data.hs_codes is not None and set(data.hs_codes) != set(
        organisation.hs_codes.values_list("code", flat=True)
    ):
        changed.append("hs_codes")
    if data.isic_codes is not None and set(data.isic_codes) != set(
        organisation.isic_codes.values_list("code", flat=True)
    ):
        changed.append("isic_codes")
    lines = list(
        organisation.product_lines.values_list(
            "hs_code_id", "monthly_capacity", "unit", "min_order_quantity"
        )
    )
    if data.product_line is not None and lines != [data.product_line]:
        changed.append("product line")
    elif data.clear_product_lines and lines:
        changed.append("product line")
    return changed


def _has_open_membership(cluster: Cluster, organisation: Organisation) -> bool:
    # Not locking: the dry run reads outside a transaction; applying holds the cluster's lock.
    return ClusterMembership.objects.filter(
        cluster=cluster, supplier=organisation, status__in=ClusterMembership.OPEN_STATUSES
    ).exists()


def _invitation_open(firm: ImportedFirm) -> bool:
    return firm.invitation is not None and firm.invitation.is_open


def _plan_row(
    cluster: Cluster, number: int, values: dict[str, str], extra_cells: int, seen: dict[str, int]
) -> RowPlan:
    """What one row would do now, and why not when it is rejected."""
    reasons: list[str] = []
    if extra_cells:
        reasons.append(
            f"The row has {extra_cells} cell{'s' if extra_cells > 1 else ''} more than the "
            "header has columns."
        )
    data = _clean_row(values, reasons)
    plan = RowPlan(
        row=number,
        email=data.email,
        legal_name=data.fields.get("legal_name", ""),
        action="reject",
        reasons=reasons,
    )
    if data.email:
        if data.email in seen:
            reasons.append(
                f"email: {data.email} is already in row {seen[data.email]} of this file; "
                "each firm comes once."
            )
        else:
            seen[data.email] = number
    if reasons:
        return plan
    firm = (
        ImportedFirm.objects.select_related("organisation", "invitation")
        .filter(email=data.email)
        .first()
    )
    if firm is None:
        if User.objects.filter(email__iexact=data.email).exists():
            plan.reasons.append(
                "email: A registered user has this address: the firm's profile is its own and "
                "the import does not change it. Invite the firm from the dashboard instead."
            )
            return plan
        if (
            Invitation.objects.filter(email__iexact=data.email, accepted_at__isnull=True)
            .filter(expires_at__gt=timezone.now())
            .exists()
        ):
            plan.reasons.append(
                "email: This address is already invited to join an organisation on the platform."
            )
            return plan
        plan.action, plan.data = "create", data
        return plan
    if firm.organisation.claimed:
        plan.reasons.append(
            "The firm has claimed its profile: it belongs to the firm now and is not changed."
        )
        return plan
    if firm.cluster_id != cluster.pk:
        plan.reasons.append(
            "Another cluster imported this firm and it has not claimed its profile yet: "
            "not changed."
        )
        return plan
    plan.firm, plan.data = firm, data
    plan.changes = _changes(firm.organisation, data)
    if not _has_open_membership(cluster, firm.organisation):
        plan.changes.append("membership (invited again)")
    if not _invitation_open(firm):
        plan.changes.append("invitation (sent again)")
    plan.action = "update" if plan.changes else "unchanged"
    return plan


# UPLOAD AND DRY RUN
# ------------------------------------------------------------------------------


@transaction.atomic
def member_import_upload(
    *,
    cluster: Cluster,
    actor: User,
    upload: UploadedFile | File | None,
    dry_run: bool = True,
    queue: bool = True,
) -> MemberImport:
    """Read a member list and queue its check; without a dry run it is applied right after.

    A file that cannot be read (not CSV, too large, too many rows, another encoding,
    a header that does not match the template) is refused with a message and nothing
    is kept. ``queue=False`` leaves the checking to the caller (the management command
    runs it in its own process, to show its progress).
    """
    check_manager(actor, cluster)
    if not cluster.is_approved:
        raise refusal({"file": ["Imports open once staff approve the cluster."]})
    if upload is None:
        raise refusal({"file": ["Choose the CSV file of members to import."]})
    if upload.size is not None and upload.size > member_csv.MAX_BYTES:
        raise refusal(
            {
                "file": [
                    f"The file is {upload.size / (1024 * 1024):.1f} MB; at most "
                    f"{member_csv.MAX_BYTES // (1024 * 1024)} MB are accepted. "
                    "Split it into smaller files."
                ]
            }
        )
    data = upload.read(member_csv.MAX_BYTES + 1)
    try:
        parsed = member_csv.parse(data)
    except member_csv.MemberFileError as exc:
        raise refusal({"file": [str(exc)]}) from exc
    member_import = MemberImport.objects.create(
        cluster=cluster,
        uploaded_by=actor,
        file_name=(upload.name or "members.csv")[-255:],
        encoding=parsed.encoding,
        delimiter=parsed.delimiter_name,
        status=Status.CHECKING,
        apply_when_checked=not dry_run,
        rows=[
            {"row": r.number, "values": r.values, "extra_cells": r.extra_cells} for r in parsed.rows
        ],
        rows_total=len(parsed.rows),
    )
    if queue:
        enqueue_on_commit(run_member_import_task, member_import.pk)
    return member_import


def _plans(
    member_import: MemberImport, on_progress: Callable[[int], None] | None = None
) -> list[RowPlan]:
    seen: dict[str, int] = {}
    plans = []
    for done, row in enumerate(member_import.rows, start=1):
        plans.append(
            _plan_row(
                member_import.cluster,
                row["row"],
                row["values"],
                row.get("extra_cells", 0),
                seen,
            )
        )
        if on_progress is not None and (
            done % PROGRESS_EVERY == 0 or done == len(member_import.rows)
        ):
            on_progress(done)
    return plans


def _count(member_import: MemberImport, plans: list[RowPlan]) -> None:
    actions = [p.action for p in plans]
    member_import.report = [p.as_report() for p in plans]
    member_import.created_count = actions.count("create")
    member_import.updated_count = actions.count("update")
    member_import.unchanged_count = actions.count("unchanged")
    member_import.rejected_count = actions.count("reject")


def member_import_check(
    *, member_import_id: int, on_progress: Callable[[str, int, int], None] | None = None
) -> MemberImport | None:
    """The dry run: what each row would do, written to the import's report. No profile changes.

    Reads only, so it runs outside a transaction and its progress is seen as it goes.
    """
    member_import = (
        MemberImport.objects.select_related("cluster").filter(pk=member_import_id).first()
    )
    if member_import is None or member_import.status != Status.CHECKING:
        return member_import
    total = member_import.rows_total

    def progress(done: int) -> None:
        MemberImport.objects.filter(pk=member_import_id).update(rows_done=done)
        if on_progress is not None:
            on_progress("checking", done, total)

    plans = _plans(member_import, progress)
    _count(member_import, plans)
    member_import.status = Status.CHECKED
    member_import.checked_at = timezone.now()
    member_import.rows_done = total
    member_import.save()
    return member_import


def member_import_process(
    *, member_import_id: int, on_progress: Callable[[str, int, int], None] | None = None
) -> MemberImport | None:
    """Check an uploaded import; apply it right after when it was uploaded without a dry run."""
    member_import = member_import_check(member_import_id=member_import_id, on_progress=on_progress)
    if (
        member_import is None
        or not member_import.apply_when_checked
        or member_import.status != Status.CHECKED
        or member_import.created_count + member_import.updated_count == 0
    ):
        return member_import
    MemberImport.objects.filter(pk=member_import_id, status=Status.CHECKED).update(
        status=Status.APPLYING, applied_by=member_import.uploaded_by, rows_done=0
    )
    return member_import_run_apply(member_import_id=member_import_id, on_progress=on_progress)


@transaction.atomic
def member_import_apply(*, member_import: MemberImport, actor: User) -> MemberImport:
    """The manager applies a checked import; the job re-checks and writes every valid row."""
    check_manager(actor, member_import.cluster)
    locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    if locked.status != Status.CHECKED:
        raise refusal(
            {
                "status": [
                    f"This import is {locked.get_status_display().lower()}: it cannot be applied."
                ]
            }
        )
    if locked.created_count + locked.updated_count == 0:
        raise refusal({"status": ["No row of this import would change anything."]})
    locked.status = Status.APPLYING
    locked.applied_by = actor
    locked.rows_done = 0
    locked.save(update_fields=["status", "applied_by", "rows_done"])

    enqueue_on_commit(apply_member_import_task, locked.pk)
    return locked


def member_import_fail(*, member_import_id: int, error: str) -> None:
    """A permanent error: the import ends FAILED with the reason shown to the manager."""
    MemberImport.objects.filter(pk=member_import_id).update(
        status=Status.FAILED, error=error[:2000]
    )


# APPLY
# ------------------------------------------------------------------------------


def _write_profile(organisation: Organisation | None, data: FirmData) -> Organisation:
    return company_services.imported_profile_save(
        organisation=organisation,
        fields=data.fields,
        hs_codes=data.hs_codes,
        isic_codes=data.isic_codes,
        product_line=data.product_line,
        clear_product_lines=data.clear_product_lines,
    )


def _invite_to_claim(firm: ImportedFirm, actor: User | None) -> Invitation:
    invitation = company_services.imported_profile_invite(
        organisation=firm.organisation, email=firm.email, invited_by=actor
    )
    firm.invitation = invitation
    firm.save(update_fields=["invitation", "updated_at"])
    return invitation


def _invite_membership(
    member_import: MemberImport, organisation: Organisation, actor: User, row: int
) -> None:
    membership_invite(
        cluster=member_import.cluster,
        actor=actor,
        supplier=organisation,
        message=f"Imported from the member list {member_import.file_name} (row {row}).",
    )


def _apply_plan(
    plan: RowPlan, member_import: MemberImport, actor: User, invitations: list[int]
) -> None:
    data = plan.data
    if data is None:
        return
    if plan.action == "create":
        organisation = _write_profile(None, data)
        firm = ImportedFirm.objects.create(
            organisation=organisation,
            cluster=member_import.cluster,
            email=data.email,
            member_import=member_import,
        )
        invitations.append(_invite_to_claim(firm, actor).pk)
        _invite_membership(member_import, organisation, actor, plan.row)
    elif plan.action == "update" and plan.firm is not None:
        organisation = _write_profile(plan.firm.organisation, data)
        if not _has_open_membership(member_import.cluster, organisation):
            _invite_membership(member_import, organisation, actor, plan.row)
        if not _invitation_open(plan.firm):
            invitations.append(_invite_to_claim(plan.firm, actor).pk)


def member_import_run_apply(
    *, member_import_id: int, on_progress: Callable[[str, int, int], None] | None = None
) -> MemberImport | None:
    """Write every valid row in one transaction; the report then says what each row did.

    Rows are checked again first: what the dry run showed may have changed since (a firm
    claimed its profile, another import created it). Progress goes to the cache while the
    transaction is open, since the row's own updates are invisible until it commits.

    Matching is not queued here: an unclaimed firm is never searched or proposed, so
    scoring it now would be wasted work on a profile that may still change. When the
    firm claims its profile, the claim enqueues the job that indexes and matches it.
    """
    with transaction.atomic():
        member_import = (
            MemberImport.objects.select_for_update(of=("self",))
            .select_related("cluster", "applied_by", "uploaded_by")
            .filter(pk=member_import_id)
            .first()
        )
        if member_import is None or member_import.status != Status.APPLYING:
            return member_import
        # One import of a cluster at a time: two at once would both create the same firm.
        Cluster.objects.select_for_update().filter(pk=member_import.cluster_id).first()
        actor = member_import.applied_by or member_import.uploaded_by
        if actor is None:
            raise PermissionDenied("The manager who applied this import no longer exists.")
        total = member_import.rows_total
        key = member_import.progress_key

        def progress(done: int) -> None:
            cache.set(key, done, timeout=3600)
            if on_progress is not None:
                on_progress("applying", done, total)

        plans = _plans(member_import)
        invitations: list[int] = []
        for done, plan in enumerate(plans, start=1):
            _apply_plan(plan, member_import, actor, invitations)
            if done % PROGRESS_EVERY == 0 or done == len(plans):
                progress(done)
        _count(member_import, plans)
        member_import.status = Status.APPLIED
        member_import.applied_at = timezone.now()
        member_import.rows_done = total
        member_import.save()
        if invitations:
            # One job e-mails the whole batch, not one job per row.
            enqueue_on_commit(send_claim_invitations_task, invitations)
    cache.delete(key)
    return member_import


# CLAIMING
# ------------------------------------------------------------------------------


def imported_profile_invitation_send(*, invitation: Invitation, accept_url: str) -> Invitation:
    """E-mail the firm that a cluster listed it, with the link to claim its profile."""
    firm = (
        ImportedFirm.objects.select_related("cluster__body")
        .filter(organisation_id=invitation.organisation_id)
        .first()
    )
    organisation = invitation.organisation
    cluster_name = firm.cluster.name if firm else "A cluster"
    body = f" ({firm.cluster.body.legal_name})" if firm else ""
    return invitation_mail(
        invitation=invitation,
        subject=f"{cluster_name} lists {organisation.legal_name}: claim your firm's profile",
        message="\n".join(
            [
                f"{cluster_name}{body} has added {organisation.legal_name} to its member list "
                "on the platform, where buyers from global value chains look for suppliers.",
                "",
                "The profile is not public and your firm is not proposed to buyers until you "
                "claim it. Claiming creates your account, makes the profile yours to edit and "
                f"makes your firm a member of {cluster_name}.",
                "",
                f"Claim the profile here: {accept_url}",
                "",
                f"The link is valid until {invitation.expires_at:%Y-%m-%d}. If your firm does "
                "not want this, ignore this e-mail: nothing is shown without you.",
            ]
        ),
    )


@transaction.atomic
def imported_profile_claimed(*, organisation: Organisation, user: User) -> list[ClusterMembership]:
    """The firm's first user claimed an imported profile: its membership of the importing
    cluster becomes active, and the history records who claimed it.

    Called by ``companies`` when the invitation is accepted; the firm decides itself, later,
    whether it is listed on the cluster's page and shares its contacts.
    """
    firm = (
        ImportedFirm.objects.select_for_update(of=("self",))
        .select_related("cluster")
        .filter(organisation=organisation)
        .first()
    )
    if firm is None:
        return []
    firm.claimed_at = timezone.now()
    firm.save(update_fields=["claimed_at", "updated_at"])
    activated = []
    for membership in ClusterMembership.objects.filter(
        cluster=firm.cluster, supplier=organisation, status=ClusterMembership.Status.INVITED
    ):
        activated.append(
            _transition(
                membership,
                actor=user,
                allowed_from=[ClusterMembership.Status.INVITED],
                to_status=ClusterMembership.Status.ACTIVE,
                note=f"{user.email} claimed the imported profile and accepted the invitation.",
                verb="accepted",
            )
        )
    if activated:
        _notify_managers(
            firm.cluster,
            actor=user,
            kind="cluster_import_claimed",
            title=f"{organisation.legal_name} claimed its profile and joined {firm.cluster.name}",
            body="The firm accepted the invitation sent with your member import.",
        )
    return activated
