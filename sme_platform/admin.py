"""What every app's admin shares: pages on which staff read rows and change nothing,
because the services are the one write path."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db.models import Field, Model, URLField
from django.http import HttpRequest

from sme_platform.models import OutboxJob

__all__ = ["ReadOnlyAdmin", "ReadOnlyInline"]

# A read-only form still builds its fields; a web address without a scheme is read as
# https, as Django 6 will.
_URL_FORM_FIELDS: "Mapping[type[Field[Any, Any]], Mapping[str, Any]]" = {
    URLField: {"assume_scheme": "https"}
}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows staff read and nobody edits or deletes here."""

    formfield_overrides = _URL_FORM_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent; changed on their own pages, through services."""

    extra = 0
    can_delete = False
    show_change_link = True
    formfield_overrides = _URL_FORM_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(OutboxJob)
class OutboxJobAdmin(ReadOnlyAdmin):
    """What was enqueued and whether the broker took it: pending rows name the last error."""

    list_display = ["task_name", "args", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name"]
