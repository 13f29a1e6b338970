"""The cluster analytics page, its charts, and each table as a CSV download.

Managers of the cluster and staff only: anyone else gets a 404, for the page and
every download alike.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clusters.permissions import can_manage_cluster
from sme_platform.csv_export import csv_response
from workspaces import charts, selectors

__all__ = ["cluster_analytics", "cluster_analytics_csv"]


def _cluster(request: HttpRequest, slug: str):
    cluster = selectors.cluster_get_for_analytics(user=request.user, slug=slug)
    if cluster is None:
        raise Http404("Not found.")
    return cluster


def _charts(analytics: selectors.ClusterAnalytics) -> dict[str, str]:
    gaps = analytics.certification_gaps
    return {
        "sectors": charts.bar_chart(
            [(f"{r.code} {r.label}" if r.code else r.label, r.members) for r in analytics.sectors],
            title="Members by sector (ISIC division)",
        ),
        "countries": charts.bar_chart(
            [(r.label, r.members) for r in analytics.countries], title="Members by country"
        ),
        "certifications": charts.bar_chart(
            [(g.name, round(g.gap * 100, 1)) for g in gaps if g.gap > 0],
            title="Upgrading gaps: share of requests asking minus share of members holding",
            value_suffix=" pts",
            max_value=100,
        ),
        "activity": charts.line_chart(
            [
                m.label if i == 0 or m.month.endswith("-01") else m.label.split()[0]
                for i, m in enumerate(analytics.activity)
            ],
            [
                charts.Series("Proposals", [m.proposals for m in analytics.activity]),
                charts.Series("Linkages", [m.linkages for m in analytics.activity]),
            ],
            title="Proposals and linkages per month",
        ),
        "near_misses": charts.bar_chart(
            [(r.name, r.near_misses) for r in analytics.near_misses],
            title="Near-misses by missing certification",
        ),
    }


@login_required
def cluster_analytics(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    analytics = selectors.cluster_analytics(user=request.user, cluster=cluster)
    return render(
        request,
        "workspaces/analytics.html",
        {
            "cluster": cluster,
            "analytics": analytics,
            "charts": _charts(analytics),
            "months_shown": selectors.MONTHS_SHOWN,
            "recent_days": selectors.RECENT_REQUEST_DAYS,
            "is_manager": can_manage_cluster(request.user, cluster),
        },
    )


@login_required
def cluster_analytics_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    analytics = selectors.cluster_analytics(user=request.user, cluster=cluster)
    downloadable = selectors.analytics_table(analytics, table)
    if downloadable is None:
        raise Http404("No such table.")
    header, rows = downloadable
    return csv_response(f"{cluster.slug}-{table}.csv", header, rows)
