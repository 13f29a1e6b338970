"""Staff pages of match runs: the list, one run with its progress, and starting a run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from matching import services
from matching.models import MatchRun
from matching.permissions import can_run_matcher
from matching.selectors import match_run_get, match_runs
from matching.views.actors import signed_in_user
from sme_platform.pages import found

RUN_PAGE_SIZE = 20


ACTIVE_RUN_STATUSES = (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)


def _require_staff(request: HttpRequest) -> None:
    """Staff tools do not exist for anyone else: a 404, not a 403."""
    if not can_run_matcher(request.user):
        raise Http404("Not found.")


@login_required
def match_run_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    page = Paginator(match_runs(), RUN_PAGE_SIZE).get_page(request.GET.get("page"))
    active = [run.pk for run in page.object_list if run.status in ACTIVE_RUN_STATUSES]
    return render(request, "matching/match_run_list.html", {"page": page, "active_ids": active})


@login_required
def match_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    run = found(match_run_get(pk=pk))
    return render(
        request,
        "matching/match_run_detail.html",
        {"run": run, "active_ids": [run.pk] if run.status in ACTIVE_RUN_STATUSES else []},
    )


@login_required
@require_POST
def match_run_start(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    run = services.match_run_start(actor=signed_in_user(request), trigger="staff")
    messages.success(
        request,
        f"Match run {run.pk} queued: the index is rebuilt, then every open "
        "request is matched shard by shard.",
    )
    return redirect("match-run-list")
