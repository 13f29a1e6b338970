"""Staff admin. Every edit goes through the services, like a page's or the API's: the
same checks run, verification is recorded with who checked and when, and a supplier's
change refreshes it in the search index. What no service writes (taxonomies, the
catalogue, invitations) is read-only here."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet, URLField
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
from sme_platform.admin import ReadOnlyAdmin, ReadOnlyInline
from sme_platform.errors import ApplicationError


def _apply(request: HttpRequest, queryset: QuerySet, action, done: str) -> None:
    """Run one service per selected row; report how many succeeded and why others failed."""
    changed = 0
    for obj in queryset:
        try:
            action(obj)
        except (ValidationError, ApplicationError, PermissionDenied) as exc:
            messages.error(request, f"{obj}: {_describe(exc)}")
        else:
            changed += 1
    if changed:
        messages.success(request, f"{changed} {done}.")


def _staff(request: HttpRequest) -> User:
    """The staff user acting in the admin (the admin lets no one else in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class _Refused(Exception):
    """A service refused an admin's save or delete; carries the service's error."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def refused_by_service(call: Callable[[], Any]) -> Any:
    """Run a service call from an admin save or delete, marking its refusal as such."""
    try:
        return call()
    except (ValidationError, ApplicationError, PermissionDenied) as exc:
        raise _Refused(exc) from exc


class ServiceWritesAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes call the services; a refusal is shown, not a 500.

    The admin wraps each view in a transaction, so a refused write leaves nothing behind.
    """

    # A web address typed without a scheme is read as https, as Django 6 will.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as exc:
            return self._refused(request, exc.error)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused as exc:
            return self._refused(request, exc.error)

    def _refused(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        self.message_user(request, f"Not saved: {_describe(exc)}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except _Refused as exc:
                self.message_user(request, f"{obj}: {_describe(exc.error)}", messages.ERROR)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        details = [f"{field}: {' '.join(map(str, errors))}" for field, errors in exc.extra.items()]
        return " ".join([str(exc.message), *details])
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(
            f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# ORGANISATIONS
# ------------------------------------------------------------------------------


class ContactPersonInline(ReadOnlyInline):
    model = ContactPerson


class ProductLineInline(ReadOnlyInline):
    model = ProductLine


class CertificationInline(ReadOnlyInline):
    model = Certification
    fields = ["scheme", "issuer", "certificate_number", "valid_until", "status"]


def _profile_value(value: Any) -> Any:
    """The service takes codes, as a page sends them, where the admin form holds rows."""
    if isinstance(value, QuerySet):
        return [obj.pk for obj in value]
    return value


@admin.register(Organisation)
class OrganisationAdmin(ServiceWritesAdmin):
    list_display = ["legal_name", "kind", "country", "verification", "created_at"]
    list_filter = ["verification", "kind", "country"]
    search_fields = ["legal_name", "local_name", "slug", "users__email"]
    # Kind, slug and claim are settled by registration and import, never edited.
    readonly_fields = [
        "kind",
        "slug",
        "claimed",
        "verification",
        "verified_at",
        "verified_by",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["hs_codes", "isic_codes", "sectors_of_interest"]
    inlines = [ProductLineInline, CertificationInline, ContactPersonInline]
    actions = ["mark_verified", "mark_rejected"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An organisation comes with its first user: it is registered, not added here.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # The same fields by kind as the profile page: the service refuses the others.
        if not isinstance(obj, Organisation):
            return ()
        excluded = set()
        if not obj.is_supplier:
            excluded |= services.SUPPLIER_ONLY_FIELDS
        if not obj.is_buyer:
            excluded |= services.BUYER_ONLY_FIELDS
        return sorted(excluded)

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool
    ) -> None:
        # The admin form's fields are the model's, parsed to the types the service takes.
        data = cast(
            services.ProfileChanges,
            {
                name: _profile_value(form.cleaned_data[name])
                for name in form.changed_data
                if name in services.PROFILE_FIELDS
            },
        )
        if data:
            refused_by_service(
                lambda: services.organisation_update(
                    organisation=obj, actor=_staff(request), data=data
                )
            )

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        # The service has set the codes; the read-only inlines save nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    @admin.action(description="Mark verified")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        _apply(
            request,
            queryset,
            lambda org: services.organisation_set_verification(
                organisation=org,
                actor=_staff(request),
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
                actor=_staff(request),
                verification=Organisation.Verification.REJECTED,
            ),
            "organisation(s) marked rejected",
        )


@admin.register(Certification)
class CertificationAdmin(ServiceWritesAdmin):
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
    fields = [
        "organisation",
        "scheme",
        "issuer",
        "certificate_number",
        "valid_until",
        "evidence",
        "evidence_link",
        "status",
        "checked_at",
        "checked_by",
        "created_at",
    ]
    readonly_fields = ["status", "checked_at", "checked_by", "created_at", "evidence_link"]
    autocomplete_fields = ["organisation"]
    actions = ["mark_verified", "mark_rejected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # A recorded certificate is checked (the actions) or removed, never rewritten.
        if obj is not None:
            return self.fields
        return self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: Certification, form: ModelForm, change: bool
    ) -> None:
        if change:
            return
        certification = refused_by_service(
            lambda: services.certification_add(
                organisation=obj.organisation,
                actor=_staff(request),
                scheme=obj.scheme_id,
                issuer=obj.issuer,
                certificate_number=obj.certificate_number,
                valid_until=obj.valid_until,
                evidence=form.cleaned_data.get("evidence") or None,
            )
        )
        obj.pk = certification.pk
        obj.evidence = certification.evidence

    def delete_model(self, request: HttpRequest, obj: Certification) -> None:
        refused_by_service(
            lambda: services.certification_delete(certification=obj, actor=_staff(request))
        )

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
                certification=cert, actor=_staff(request), status=Certification.Status.VERIFIED
            ),
            "certificate(s) marked verified",
        )

    @admin.action(description="Mark rejected")
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Certification]) -> None:
        _apply(
            request,
            queryset,
            lambda cert: services.certification_check(
                certification=cert, actor=_staff(request), status=Certification.Status.REJECTED
            ),
            "certificate(s) marked rejected",
        )


_CONTACT_FIELDS = ("name", "position", "email", "phone", "is_primary")


class ContactPersonAdminForm(ModelForm):
    def _get_validation_exclusions(self) -> set[str]:
        # A new primary contact takes over from the old one in the service, as on the
        # pages, so the form does not refuse it for the one-primary constraint.
        # The stubs do not declare this hook of ModelForm's validation.
        return {*super()._get_validation_exclusions(), "is_primary"}  # type: ignore[misc]


@admin.register(ContactPerson)
class ContactPersonAdmin(ServiceWritesAdmin):
    form = ContactPersonAdminForm
    list_display = ["name", "organisation", "email", "phone", "is_primary"]
    search_fields = ["name", "email", "organisation__legal_name"]
    autocomplete_fields = ["organisation"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return ["organisation"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: ContactPerson, form: ModelForm, change: bool
    ) -> None:
        data = {name: form.cleaned_data[name] for name in _CONTACT_FIELDS}
        if change:
            refused_by_service(
                lambda: services.contact_person_update(contact=obj, actor=_staff(request), **data)
            )
            return
        contact = refused_by_service(
            lambda: services.contact_person_create(
                organisation=obj.organisation, actor=_staff(request), **data
            )
        )
        obj.pk = contact.pk

    def delete_model(self, request: HttpRequest, obj: ContactPerson) -> None:
        refused_by_service(
            lambda: services.contact_person_delete(contact=obj, actor=_staff(request))
        )


_PRODUCT_LINE_FIELDS = ("hs_code", "description", "monthly_capacity", "unit", "min_order_quantity")


@admin.register(ProductLine)
class ProductLineAdmin(ServiceWritesAdmin):
    list_display = ["organisation", "hs_code", "monthly_capacity", "unit", "min_order_quantity"]
    list_filter = ["unit"]
    search_fields = ["organisation__legal_name", "hs_code__code", "description"]
    autocomplete_fields = ["organisation", "hs_code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return ["organisation"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: ProductLine, form: ModelForm, change: bool
    ) -> None:
        data = {name: form.cleaned_data[name] for name in _PRODUCT_LINE_FIELDS}
        data["hs_code"] = obj.hs_code_id
        # The admin form's fields are the model's, parsed to the types the service takes.
        line_data = cast(services.NewProductLine, data)
        if change:
            refused_by_service(
                lambda: services.product_line_update(
                    line=obj, actor=_staff(request), data=line_data
                )
            )
            return
        line = refused_by_service(
            lambda: services.product_line_create(
                organisation=obj.organisation, actor=_staff(request), data=line_data
            )
        )
        obj.pk = line.pk

    def delete_model(self, request: HttpRequest, obj: ProductLine) -> None:
        refused_by_service(lambda: services.product_line_delete(line=obj, actor=_staff(request)))


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    # Owners invite from their pages (the service sends the e-mail); staff only look.
    list_display = ["email", "organisation", "role", "created_at", "sent_at", "accepted_at"]
    search_fields = ["email", "organisation__legal_name"]
    exclude = ["token"]


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
    # Staff accounts are made here; who belongs to which organisation, and as what, is
    # settled by registration and invitations, so it is shown, not edited.
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "organisation",
        "role",
        "email_confirmed_at",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_staff", "is_active", "role"]
    search_fields = ["email", "full_name", "organisation__legal_name"]
    readonly_fields = ["organisation", "role", "email_confirmed_at", "email_confirmation_sent_at"]
    actions = ["unlock_log_in", "confirm_email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "time_zone")}),
        ("Organisation", {"fields": ("organisation", "role")}),
        (
            _("E-mail confirmation"),
            {"fields": ("email_confirmed_at", "email_confirmation_sent_at")},
        ),
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

    @admin.action(description="Unlock log-in after failed attempts", permissions=["change"])
    def unlock_log_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _apply(
            request,
            queryset,
            lambda user: services.account_unlock(email=user.email, actor=_staff(request)),
            "account(s) unlocked",
        )

    @admin.action(description=_("Confirm the e-mail address"), permissions=["change"])
    def confirm_email(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _apply(
            request,
            queryset,
            lambda user: services.email_confirm_by_staff(user=user, actor=_staff(request)),
            str(_("address(es) confirmed")),
        )


# TAXONOMIES
# ------------------------------------------------------------------------------
# Loaded from the shipped files by ``load_taxonomies``; an edit here would be undone by
# the next load.


@admin.register(HsCode)
class HsCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "description", "level", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "description"]
    raw_id_fields = ["parent"]


@admin.register(IsicCode)
class IsicCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "description", "level"]
    list_filter = ["level"]
    search_fields = ["code", "description"]
    raw_id_fields = ["parent"]


@admin.register(HsIsicLink)
class HsIsicLinkAdmin(ReadOnlyAdmin):
    list_display = ["hs_code", "isic_code"]
    search_fields = ["hs_code__code", "isic_code__code"]
    raw_id_fields = ["hs_code", "isic_code"]


@admin.register(CertificationScheme)
class CertificationSchemeAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "full_name", "category"]
    list_filter = ["category"]
    search_fields = ["name", "full_name", "code"]
