"""Staff views of requests, proposals and saved searches.

Lifecycle changes (open, close, award) go through the services on the pages and
the API, which validate and notify; here staff look, search and correct typos,
and a correction is saved by the same service as the buyer's edit, so it is
checked the same way and the request is matched again.
"""

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from companies.models import User
from matching import services
from matching.models import (
    EngineIndexVersion,
    MatchRun,
    Proposal,
    SavedSearch,
    SavedSearchHit,
    SourcingRequest,
)
from matching.services import RequestData
from sme_platform.admin import ReadOnlyAdmin


def _service_value(value: Any) -> Any:
    """Catalogue rows as the codes the service takes (their primary keys)."""
    if hasattr(value, "model") and hasattr(value, "values_list"):
        return [row.pk for row in value]
    return value


@admin.register(SourcingRequest)
class SourcingRequestAdmin(admin.ModelAdmin):
    """Buyers post requests on the pages; staff correct them here through request_update."""

    list_display = ["title", "buyer", "status", "visibility", "deadline", "created_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["title", "description", "buyer__legal_name"]
    raw_id_fields = ["hs_codes", "isic_codes"]
    readonly_fields = [
        "buyer",
        "created_by",
        "status",
        "opened_at",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: SourcingRequest, form: ModelForm, change: bool
    ) -> None:
        data = {
            name: _service_value(form.cleaned_data[name])
            for name in form.changed_data
            if name in services.REQUEST_FIELDS
        }
        if not data:
            return
        stored = SourcingRequest.objects.get(pk=obj.pk)
        try:
            services.request_update(
                request=stored, actor=cast(User, request.user), data=cast(RequestData, data)
            )
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, level=messages.ERROR)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        # request_update has set the codes and certifications already.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
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
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "query", "notify_email", "created_at"]
    search_fields = ["name", "query", "user__email"]
    raw_id_fields = ["user"]
    inlines = [SavedSearchHitInline]


@admin.register(EngineIndexVersion)
class EngineIndexVersionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "base", "supplier_count", "size_bytes", "created_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in EngineIndexVersion._meta.fields]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
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

    @admin.display(description="duration")
    def run_duration(self, run: MatchRun) -> str:
        return f"{run.duration.total_seconds():.1f} s" if run.duration else "—"
