"""Reads of match runs, for staff."""

from typing import Any

from django.db.models import QuerySet

from matching.models import MatchRun

__all__ = [
    "match_run_get",
    "match_runs",
]


def match_runs() -> QuerySet[MatchRun]:
    """Every match run, newest first (staff read them)."""
    return MatchRun.objects.select_related("started_by", "index_version").order_by("-created_at")


def match_run_get(*, pk: Any) -> MatchRun | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return match_runs().filter(pk=pk).first()
