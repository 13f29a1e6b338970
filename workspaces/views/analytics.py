"""The cluster analytics page, its charts, and each table as a CSV download.

Managers of the cluster and staff only: anyone else gets a 404, for the page and
every download alike.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clusters.permissions import can_manage_cluster
from sme_platform.csv_export import csv_response
from workspaces import charts as workspaces_charts
from workspaces import selectors as workspaces_selectors

__all__ = ["cluster_analytics", "cluster_analytics_csv"]


def _cluster(request: HttpRequest, slug: str):
    cluster = workspaces_selectors.cluster_get_for_analytics(user=request.user, slug=slug)
    if cluster is None:
        raise Http404("Not found.")
    return cluster


def _charts(analytics: workspaces_selectors.ClusterAnalytics) -> dict[str, str]:
    gaps = analytics.certification_gaps
    return {
        "sectors": workspaces_charts.bar_chart(
            [(f"{r.code} {r.label}" if r.code else r.label, r.members) for r in analytics.sectors],
            title="Members by sector (ISIC division)",
        ),
        "countries": workspaces_charts.bar_chart(
            [(r.label, r.members) for r in analytics.countries], title="Members by country"
        ),
        "certifications": workspaces_charts.bar_chart(
            [(g.name, round(g.gap * 100, 1)) for g in gaps if g.gap > 0],
            title="Upgrading gaps: share of requests asking minus share of members holding",
            value_suffix=" pts",
            max_value=100,
        ),
        "activity": workspaces_charts.line_chart(
            [
                m.label if i == 0 or m.month.endswith("-01") else m.label.split()[0]
                for i, m in enumerate(analytics.activity)
            ],
            [
                workspaces_charts.Series("Proposals", [m.proposals for m in analytics.activity]),
                workspaces_charts.Series("Linkages", [m.linkages for m in analytics.activity]),
            ],
            title="Proposals and linkages per month",
        ),
        "near_misses": workspaces_charts.bar_chart(
            [(r.name, r.near_misses) for r in analytics.near_misses],
            title="Near-misses by missing certification",
        ),
    }


@login_required
def cluster_analytics(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    analytics = workspaces_selectors.cluster_analytics(user=request.user, cluster=cluster)
    return render(
        request,
        "workspaces/analytics.html",
        {
            "cluster": cluster,
            "analytics": analytics,
            "charts": _charts(analytics),
            "months_shown": workspaces_selectors.MONTHS_SHOWN,
            "recent_days": workspaces_selectors.RECENT_REQUEST_DAYS,
            "is_manager": can_manage_cluster(request.user, cluster),
        },
    )


@login_required
def cluster_analytics_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    if table not in workspaces_selectors.ANALYTICS_TABLES:
        raise Http404("No such table.")
    analytics = workspaces_selectors.cluster_analytics(user=request.user, cluster=cluster)
    header, rows = workspaces_selectors.analytics_table(analytics, table)
    return csv_response(f"{cluster.slug}-{table}.csv", header, rows)
