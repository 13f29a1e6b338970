"""Staff read notifications in the admin (to answer "I never got told"); nobody edits them."""

from django.contrib import admin

from notifications.models import Notification
from sme_platform.admin import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__email"]
