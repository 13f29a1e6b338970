"""Staff read consortia and broadcasts in the admin, and write nothing there: managers
send broadcasts, edit and propose consortia, and the buyer and members answer, all
through the services (which check who may, and queue delivery and notices)."""

from django.contrib import admin

from consortia.models import Broadcast, BroadcastRecipient, Consortium, ConsortiumMember
from sme_platform.admin import ReadOnlyAdmin, ReadOnlyInline


class BroadcastRecipientInline(ReadOnlyInline):
    model = BroadcastRecipient
    fields = readonly_fields = ("supplier", "notified_at", "read_at", "read_by")


@admin.register(Broadcast)
class BroadcastAdmin(ReadOnlyAdmin):
    list_display = ["subject", "cluster", "sender", "audience", "status", "created_at"]
    list_filter = ["status", "audience"]
    search_fields = ["subject", "cluster__name"]
    inlines = [BroadcastRecipientInline]


class ConsortiumMemberInline(ReadOnlyInline):
    model = ConsortiumMember
    fields = readonly_fields = (
        "supplier",
        "is_lead",
        "hs_codes",
        "capacity_pledged",
        "score",
        "decision",
        "reason",
    )


@admin.register(Consortium)
class ConsortiumAdmin(ReadOnlyAdmin):
    list_display = ["request", "cluster", "status", "score", "proposed_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["request__title", "cluster__name"]
    inlines = [ConsortiumMemberInline]
