"""Staff views of requests, proposals and saved searches.

Lifecycle changes (open, close, award) go through the services on the pages and
the API, which validate and notify; here staff look, search and correct typos.
"""

from django.contrib import admin

from matching.models import (
    EngineIndexVersion,
    MatchRun,
    Proposal,
    SavedSearch,
    SavedSearchHit,
    SourcingRequest,
)


@admin.register(SourcingRequest)
class SourcingRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "status", "visibility", "deadline", "created_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["title", "description", "buyer__legal_name"]
    raw_id_fields = ["buyer", "created_by", "hs_codes", "isic_codes"]
    readonly_fields = ["status", "opened_at", "closed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["request", "supplier", "status", "score", "awarded", "engine_version"]
    list_filter = ["status", "origin", "awarded", "buyer_decision", "supplier_decision"]
    search_fields = ["request__title", "supplier__legal_name"]
    raw_id_fields = ["request", "supplier", "buyer_decided_by", "supplier_decided_by"]
    readonly_fields = [f.name for f in Proposal._meta.fields if f.name != "id"]


class SavedSearchHitInline(admin.TabularInline):
    model = SavedSearchHit
    raw_id_fields = ["supplier"]
    readonly_fields = ["supplier", "created_at"]
    extra = 0
    can_delete = False


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "query", "notify_email", "created_at"]
    search_fields = ["name", "query", "user__email"]
    raw_id_fields = ["user"]
    inlines = [SavedSearchHitInline]


@admin.register(EngineIndexVersion)
class EngineIndexVersionAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "base", "supplier_count", "size_bytes", "created_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in EngineIndexVersion._meta.fields]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    """Runs are started from the match runs page or the API; here staff only read them."""

    list_display = [
        "id",
        "scope",
        "trigger",
        "status",
        "shards_done",
        "shards_total",
        "requests_matched",
        "proposals_created",
        "proposals_withdrawn",
        "run_duration",
        "created_at",
    ]
    list_filter = ["status", "scope", "trigger"]
    search_fields = ["error", "trigger"]
    readonly_fields = [f.name for f in MatchRun._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="duration")
    def run_duration(self, run: MatchRun) -> str:
        return f"{run.duration.total_seconds():.1f} s" if run.duration else "—"
