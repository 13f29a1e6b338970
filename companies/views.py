"""Pages of the organisations app.

Each view reads through a selector (another organisation's private object is a
404, never a 403), validates with a form, and writes through the same service as
the API. A service's ValidationError is shown on the form, next to its field.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from companies import forms, permissions, selectors, services, uploads
from companies.http import AuthenticatedHttpRequest
from companies.models import Organisation
from sme_platform.errors import messages_of
from sme_platform.pages import apply_service_errors, found
from sme_platform.throttles import page_throttled

DIRECTORY_PAGE_SIZE = 20
_LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"

View = Callable[..., HttpResponse]


def organisation_required(view: View) -> View:
    """Log-in required, and the user must belong to an organisation."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.organisation_id is None:
            messages.info(request, "Your account does not belong to an organisation.")
            return redirect("dashboard")
        return view(request, *args, **kwargs)

    return wrapped


def _own_organisation(request: AuthenticatedHttpRequest) -> Organisation:
    """The organisation of the user (``organisation_required`` made sure there is one)."""
    return found(selectors.organisation_of(user=request.user))


# PUBLIC PAGES
# ------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    summary = selectors.home_summary()
    return render(
        request,
        "companies/home.html",
        {
            "kinds": Organisation.Kind,
            "verified_supplier_count": summary.verified_supplier_count,
            "recent_suppliers": summary.recent_suppliers,
        },
    )


def supplier_directory(request: HttpRequest) -> HttpResponse:
    form = forms.DirectoryFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    suppliers = selectors.supplier_directory(**filters) if not form.errors else None
    page = None
    if suppliers is not None:
        page = Paginator(suppliers, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/directory.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query": query.urlencode(),
            "directory_version": selectors.directory_version(),
        },
    )


def organisation_profile(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = found(selectors.organisation_public_get(slug=slug))
    return render(
        request,
        "companies/profile.html",
        {
            "organisation": organisation,
            # Expired and rejected certificates are not claims a buyer may rely on.
            "certifications": [c for c in organisation.certifications.all() if c.counts],
            "is_own": permissions.works_for(request.user, organisation),
        },
    )


# ACCOUNTS
# ------------------------------------------------------------------------------


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: dict[str, Any] | None,
) -> HttpResponse:
    """The lockout's answer to a page: the log-in form as it was, with the lockout's
    message on it (EmailAuthenticationForm), answered 429."""
    if original_response is None:
        return HttpResponse(services.lockout_message(), status=429)
    original_response.status_code = 429
    return original_response


@require_http_methods(["GET", "POST"])
@page_throttled("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    initial = {}
    if request.GET.get("kind") in Organisation.Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("invitation"):
        initial["invitation_token"] = request.GET["invitation"][:64]
    form = forms.SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.organisation_register(**form.service_arguments())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user, backend=_LOGIN_BACKEND)
            messages.success(
                request,
                _(
                    "Welcome! %(name)s is registered. Complete its profile so that partners "
                    "can find it. We have sent a confirmation link to %(email)s: follow it "
                    "to open requests, answer proposals and see contacts."
                )
                % {"name": found(user.organisation).legal_name, "email": user.email},
            )
            return redirect("dashboard")
    return render(request, "companies/signup.html", {"form": form})


@require_http_methods(["GET"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: confirms the address it was sent to."""
    try:
        user = services.email_confirm(token=token)
    except ValidationError as exc:
        return render(
            request,
            "companies/email_confirm_invalid.html",
            {"errors": messages_of(exc)},
            status=400,
        )
    messages.success(
        request,
        _("Thank you: %(email)s is confirmed.") % {"email": user.email},
    )
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@login_required
@require_http_methods(["GET", "POST"])
@page_throttled("confirm_email")
def email_confirmation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where an unconfirmed user reads what waits on confirmation and asks for a new link."""
    if request.method == "POST":
        try:
            services.email_confirmation_request(user=request.user)
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.info(request, message)
        else:
            messages.success(
                request,
                _("A new confirmation link is on its way to %(email)s.")
                % {"email": request.user.email},
            )
        return redirect("email-confirmation")
    return render(request, "companies/email_confirmation.html")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_open_get(token=token)
    if invitation is None:
        return render(request, "companies/invitation_invalid.html", status=404)
    form = forms.InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user, backend=_LOGIN_BACKEND)
            messages.success(request, f"Welcome to {invitation.organisation.legal_name}.")
            return redirect("dashboard")
    return render(
        request, "companies/invitation_accept.html", {"form": form, "invitation": invitation}
    )


# MY ORGANISATION
# ------------------------------------------------------------------------------


@organisation_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = found(selectors.organisation_private_get(user=request.user, pk=pk))
    form = forms.ProfileForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                actor=request.user,
                data=form.service_data(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect("organisation-profile", slug=organisation.slug)
    return render(
        request, "companies/profile_edit.html", {"form": form, "organisation": organisation}
    )


# CERTIFICATIONS
# ------------------------------------------------------------------------------


@organisation_required
def certification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    certifications = selectors.certification_list(user=request.user).filter(
        organisation=_own_organisation(request)
    )
    return render(request, "companies/certification_list.html", {"certifications": certifications})


@organisation_required
@require_http_methods(["GET", "POST"])
def certification_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.CertificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_add(
                organisation=_own_organisation(request),
                actor=request.user,
                **form.service_arguments(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Certification added. Staff will check it shortly.")
            return redirect("certification-list")
    return render(request, "companies/certification_form.html", {"form": form})


@login_required
def certification_evidence(
    request: AuthenticatedHttpRequest, pk: int, filename: str | None = None
) -> FileResponse:
    """The uploaded copy of a certificate, for its organisation's users and staff only."""
    certification = found(selectors.certification_get(user=request.user, pk=pk))
    if not certification.evidence:
        raise Http404("No evidence was uploaded.")
    handle = certification.evidence.open("rb")
    # The type is read from the content again: files stored before uploads were checked
    # may carry any name, and one that is no known kind is only offered for download.
    kind = uploads.detect_file(handle)
    name = uploads.served_name(certification.pk, kind)
    if filename is not None and filename != name:
        handle.close()
        raise Http404("No such file.")
    if kind is None:
        response = FileResponse(
            handle, as_attachment=True, filename=name, content_type="application/octet-stream"
        )
    else:
        response = FileResponse(handle, filename=name, content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Even a PDF viewer's scripts run with no access to the site's origin.
    response["Content-Security-Policy"] = "sandbox"
    return response


@organisation_required
@require_http_methods(["GET", "POST"])
def certification_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certification = found(selectors.certification_get(user=request.user, pk=pk))
    if request.method == "POST":
        services.certification_delete(certification=certification, actor=request.user)
        messages.success(request, f"{certification.scheme.name} certificate removed.")
        return redirect("certification-list")
    return render(
        request,
        "companies/confirm_delete.html",
        {
            "object_label": f"the {certification.scheme.name} certificate "
            f"{certification.certificate_number}",
            "cancel_url": "certification-list",
        },
    )


# PRODUCT LINES
# ------------------------------------------------------------------------------


@organisation_required
def product_line_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    lines = selectors.product_line_list(user=request.user).filter(
        organisation=_own_organisation(request)
    )
    return render(
        request,
        "companies/product_line_list.html",
        {"product_lines": lines, "is_supplier": _own_organisation(request).is_supplier},
    )


@organisation_required
@require_http_methods(["GET", "POST"])
def product_line_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ProductLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_line_create(
                organisation=_own_organisation(request),
                actor=request.user,
                data=form.service_data(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Product line added.")
            return redirect("product-line-list")
    return render(request, "companies/product_line_form.html", {"form": form, "line": None})


@organisation_required
@require_http_methods(["GET", "POST"])
def product_line_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = found(selectors.product_line_get(user=request.user, pk=pk))
    initial = {
        "hs_code": line.hs_code_id,
        "description": line.description,
        "monthly_capacity": line.monthly_capacity,
        "unit": line.unit,
        "min_order_quantity": line.min_order_quantity,
    }
    form = forms.ProductLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_line_update(line=line, actor=request.user, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Product line saved.")
            return redirect("product-line-list")
    return render(request, "companies/product_line_form.html", {"form": form, "line": line})


@organisation_required
@require_http_methods(["GET", "POST"])
def product_line_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = found(selectors.product_line_get(user=request.user, pk=pk))
    if request.method == "POST":
        services.product_line_delete(line=line, actor=request.user)
        messages.success(request, "Product line removed.")
        return redirect("product-line-list")
    return render(
        request,
        "companies/confirm_delete.html",
        {
            "object_label": f"the product line {line.hs_code_id} ({line.hs_code.description})",
            "cancel_url": "product-line-list",
        },
    )


# CONTACT PEOPLE
# ------------------------------------------------------------------------------


@organisation_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contacts = selectors.contact_list(user=request.user, organisation=_own_organisation(request))
    return render(request, "companies/contact_list.html", {"contacts": contacts})


@organisation_required
@require_http_methods(["GET", "POST"])
def contact_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_person_create(
                organisation=_own_organisation(request),
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Contact person added.")
            return redirect("contact-list")
    return render(request, "companies/contact_form.html", {"form": form, "contact": None})


@organisation_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = found(selectors.contact_get(user=request.user, pk=pk))
    initial = {f: getattr(contact, f) for f in ("name", "position", "email", "phone", "is_primary")}
    form = forms.ContactPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_person_update(contact=contact, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Contact person saved.")
            return redirect("contact-list")
    return render(request, "companies/contact_form.html", {"form": form, "contact": contact})


@organisation_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = found(selectors.contact_get(user=request.user, pk=pk))
    if request.method == "POST":
        services.contact_person_delete(contact=contact, actor=request.user)
        messages.success(request, f"{contact.name} removed from the contact people.")
        return redirect("contact-list")
    return render(
        request,
        "companies/confirm_delete.html",
        {"object_label": f"the contact person {contact.name}", "cancel_url": "contact-list"},
    )


# COLLEAGUES
# ------------------------------------------------------------------------------


@organisation_required
def colleague_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    invitations = [
        i
        for i in selectors.invitation_list(user=request.user).filter(
            organisation=_own_organisation(request)
        )
        if i.is_open
    ]
    return render(
        request,
        "companies/colleague_list.html",
        {"colleagues": selectors.colleague_list(user=request.user), "invitations": invitations},
    )


@organisation_required
@require_http_methods(["GET", "POST"])
def colleague_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The service refuses a non-owner's invitation; the form is not even shown to one.
    if request.method == "GET" and not permissions.owns_an_organisation(request.user):
        raise PermissionDenied("Only an owner of the organisation may invite colleagues.")
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.colleague_invite(
                organisation=_own_organisation(request), actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("colleague-list")
    return render(request, "companies/invite_form.html", {"form": form})
