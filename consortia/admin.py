"""Staff read consortia and broadcasts in the admin."""

from django.contrib import admin
from django.http import HttpRequest

from consortia.models import Broadcast, BroadcastRecipient, Consortium, ConsortiumMember


class BroadcastRecipientInline(admin.TabularInline):
    model = BroadcastRecipient
    extra = 0
    can_delete = False
    fields = ["supplier", "notified_at", "read_at", "read_by"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    """Read-only: broadcasts are sent by the managers through the service."""

    list_display = ["subject", "cluster", "sender", "audience", "status", "created_at"]
    list_filter = ["status", "audience"]
    search_fields = ["subject", "cluster__name"]
    inlines = [BroadcastRecipientInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    can_delete = False
    fields = ["supplier", "is_lead", "hs_codes", "capacity_pledged", "score", "decision", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    """Read-only: managers edit and propose consortia, the buyer and members answer."""

    list_display = ["request", "cluster", "status", "score", "proposed_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["request__title", "cluster__name"]
    inlines = [ConsortiumMemberInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
