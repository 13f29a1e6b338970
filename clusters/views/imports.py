"""Pages of member imports, for a cluster's managers only (anyone else gets a 404):
upload a list, see the dry run row by row, apply it, and look back at past imports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clusters import forms, member_csv, selectors, services
from clusters.models import Cluster, MemberImport
from clusters.views.signed_in import SignedInRequest
from sme_platform.csv_export import csv_response
from sme_platform.errors import ApplicationError, messages_of
from sme_platform.pages import apply_service_errors

__all__ = [
    "member_import_apply",
    "member_import_detail",
    "member_import_report_csv",
    "member_import_template",
    "member_imports",
]

ACTION_LABELS = {
    "create": "Create",
    "update": "Update",
    "unchanged": "Unchanged",
    "reject": "Rejected",
}
# Once applied, the report says what was done, not what would be.
APPLIED_ACTION_LABELS = {**ACTION_LABELS, "create": "Created", "update": "Updated"}


def _managed(request: HttpRequest, slug: str) -> Cluster:
    cluster = selectors.cluster_get_managed(user=request.user, slug=slug)
    if cluster is None:
        raise Http404("Not found.")
    return cluster


def _import(request: HttpRequest, cluster: Cluster, pk: int) -> MemberImport:
    member_import = selectors.member_import_get_for_manager(
        user=request.user, cluster=cluster, pk=pk
    )
    if member_import is None:
        raise Http404("Not found.")
    return member_import


@login_required
@require_http_methods(["GET", "POST"])
def member_imports(request: SignedInRequest, slug: str) -> HttpResponse:
    """The upload form with the documented columns, and the cluster's past imports."""
    cluster = _managed(request, slug)
    form = forms.MemberImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                member_import = services.member_import_upload(
                    cluster=cluster,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ApplicationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("cluster-import-detail", slug=cluster.slug, pk=member_import.pk)
        status = 400
    return render(
        request,
        "clusters/imports.html",
        {
            "cluster": cluster,
            "form": form,
            "columns": member_csv.COLUMNS,
            "max_rows": member_csv.MAX_ROWS,
            "max_mb": member_csv.MAX_BYTES // (1024 * 1024),
            "imports": selectors.member_imports_for_manager(user=request.user, cluster=cluster),
        },
        status=status,
    )


@login_required
def member_import_template(request: SignedInRequest, slug: str) -> HttpResponse:
    _managed(request, slug)
    return csv_response("member-list-template.csv", member_csv.COLUMN_NAMES, [])


@login_required
def member_import_detail(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    cluster = _managed(request, slug)
    member_import = _import(request, cluster, pk)
    show = request.GET.get("show", "")
    report = member_import.report
    if show in ACTION_LABELS:
        report = [entry for entry in report if entry["action"] == show]
    return render(
        request,
        "clusters/import_detail.html",
        {
            "cluster": cluster,
            "member_import": member_import,
            "progress": selectors.member_import_progress(member_import=member_import),
            "report": report,
            "show": show,
            "action_labels": APPLIED_ACTION_LABELS
            if member_import.status == MemberImport.Status.APPLIED
            else ACTION_LABELS,
        },
    )


@login_required
@require_POST
def member_import_apply(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    cluster = _managed(request, slug)
    member_import = _import(request, cluster, pk)
    try:
        services.member_import_apply(member_import=member_import, actor=request.user)
    except (ApplicationError, PermissionDenied) as exc:
        texts = messages_of(exc)
        for text in texts:
            messages.error(request, text)
    else:
        member_import.refresh_from_db()
        if member_import.status == MemberImport.Status.APPLIED:
            messages.success(
                request,
                f"Import applied: {member_import.created_count} firm(s) created, "
                f"{member_import.updated_count} updated.",
            )
        else:
            messages.success(request, "The import is being applied.")
    return redirect("cluster-import-detail", slug=cluster.slug, pk=member_import.pk)


@login_required
def member_import_report_csv(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """The report row by row, to fix the rejected rows in a spreadsheet."""
    cluster = _managed(request, slug)
    member_import = _import(request, cluster, pk)
    rows = (
        (
            entry["row"],
            entry["email"],
            entry["legal_name"],
            ACTION_LABELS.get(entry["action"], entry["action"]),
            " ".join(entry["reasons"]),
            ", ".join(entry["changes"]),
        )
        for entry in member_import.report
    )
    return csv_response(
        f"member-import-{member_import.pk}-report.csv",
        ["row", "email", "legal_name", "action", "reasons", "changes"],
        rows,
    )
