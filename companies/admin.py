"""Staff admin. Verification of organisations and certificates goes through the services
(as admin actions), so it is recorded with who checked and when, like any other write."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from companies import services
from companies.models import (
    Certification,
    CertificationScheme,
    ContactPerson,
    HsCode,
    HsIsicLink,
    Invitation,
    IsicCode,
    Organisation,
    ProductLine,
    User,
)


def _apply(request: HttpRequest, queryset: QuerySet, action, done: str) -> None:
    """Run one service per selected row; report how many succeeded and why others failed."""
    changed = 0
    for obj in queryset:
        try:
            action(obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{obj}: {exc}")
        else:
            changed += 1
    if changed:
        messages.success(request, f"{changed} {done}.")


# ORGANISATIONS
# ------------------------------------------------------------------------------


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class ProductLineInline(admin.TabularInline):
    model = ProductLine
    extra = 0
    autocomplete_fields = ["hs_code"]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ["scheme", "issuer", "certificate_number", "valid_until", "evidence", "status"]
    readonly_fields = ["status"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "kind", "country", "verification", "created_at"]
    list_filter = ["verification", "kind", "country"]
    search_fields = ["legal_name", "local_name", "slug", "users__email"]
    readonly_fields = ["verification", "verified_at", "verified_by", "created_at", "updated_at"]
    autocomplete_fields = ["hs_codes", "isic_codes", "sectors_of_interest"]
    prepopulated_fields = {"slug": ["legal_name"]}
    inlines = [ProductLineInline, CertificationInline, ContactPersonInline]
    actions = ["mark_verified", "mark_rejected"]
    date_hierarchy = "created_at"

    @admin.action(description="Mark verified")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        _apply(
            request,
            queryset,
            lambda org: services.organisation_set_verification(
                organisation=org,
                actor=request.user,
                verification=Organisation.Verification.VERIFIED,
            ),
            "organisation(s) marked verified",
        )

    @admin.action(description="Mark rejected")
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        _apply(
            request,
            queryset,
            lambda org: services.organisation_set_verification(
                organisation=org,
                actor=request.user,
                verification=Organisation.Verification.REJECTED,
            ),
            "organisation(s) marked rejected",
        )


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = [
        "scheme",
        "organisation",
        "issuer",
        "certificate_number",
        "valid_until",
        "status",
        "has_evidence",
    ]
    list_filter = ["status", "scheme"]
    search_fields = ["organisation__legal_name", "certificate_number", "issuer"]
    list_select_related = ["scheme", "organisation"]
    readonly_fields = ["status", "checked_at", "checked_by", "created_at", "evidence_link"]
    autocomplete_fields = ["organisation"]
    actions = ["mark_verified", "mark_rejected"]

    @admin.display(boolean=True, description="Evidence")
    def has_evidence(self, obj: Certification) -> bool:
        return bool(obj.evidence)

    @admin.display(description="Open the evidence")
    def evidence_link(self, obj: Certification) -> str:
        # Evidence is served by a page that checks who asks, not from the public media URL.
        if not obj.pk or not obj.evidence:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">View the uploaded file</a>',
            reverse("certification-evidence", args=[obj.pk]),
        )

    @admin.action(description="Mark verified")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Certification]) -> None:
        _apply(
            request,
            queryset,
            lambda cert: services.certification_check(
                certification=cert, actor=request.user, status=Certification.Status.VERIFIED
            ),
            "certificate(s) marked verified",
        )

    @admin.action(description="Mark rejected")
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Certification]) -> None:
        _apply(
            request,
            queryset,
            lambda cert: services.certification_check(
                certification=cert, actor=request.user, status=Certification.Status.REJECTED
            ),
            "certificate(s) marked rejected",
        )


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "phone", "is_primary"]
    search_fields = ["name", "email", "organisation__legal_name"]
    autocomplete_fields = ["organisation"]


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ["organisation", "hs_code", "monthly_capacity", "unit", "min_order_quantity"]
    list_filter = ["unit"]
    search_fields = ["organisation__legal_name", "hs_code__code", "description"]
    autocomplete_fields = ["organisation", "hs_code"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "sent_at", "accepted_at"]
    search_fields = ["email", "organisation__legal_name"]
    readonly_fields = ["token", "created_at", "sent_at", "accepted_at"]
    autocomplete_fields = ["organisation"]


# USERS
# ------------------------------------------------------------------------------


class EmailUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "role"]
    search_fields = ["email", "full_name", "organisation__legal_name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "time_zone")}),
        ("Organisation", {"fields": ("organisation", "role")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


# TAXONOMIES
# ------------------------------------------------------------------------------


@admin.register(HsCode)
class HsCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "level", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "description"]
    raw_id_fields = ["parent"]


@admin.register(IsicCode)
class IsicCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "level"]
    list_filter = ["level"]
    search_fields = ["code", "description"]
    raw_id_fields = ["parent"]


@admin.register(HsIsicLink)
class HsIsicLinkAdmin(admin.ModelAdmin):
    list_display = ["hs_code", "isic_code"]
    search_fields = ["hs_code__code", "isic_code__code"]
    raw_id_fields = ["hs_code", "isic_code"]


@admin.register(CertificationScheme)
class CertificationSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "full_name", "category"]
    list_filter = ["category"]
    search_fields = ["name", "full_name", "code"]
