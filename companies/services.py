"""Writes for organisations, their users and capabilities.

Every function takes input its form, serializer or admin form has already parsed
(typed keyword arguments, or a typed dict for a partial edit), checks the rules,
writes inside one transaction and enqueues follow-up jobs on commit. Limits, formats
and choices are the models'; a code, country or language is checked against its
nomenclature here. A refused write raises ``ValidationError`` keyed by field and
writes nothing.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack, cast

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from companies import hooks, permissions, validation
from companies.models import (
    FIRST_YEAR_FOUNDED,
    Certification,
    CertificationScheme,
    ContactPerson,
    HsCode,
    Invitation,
    IsicCode,
    Organisation,
    ProductLine,
    User,
)
from companies.tasks import send_invitation_task
from sme_platform.slugs import unique_slug

Checked = TypeVar("Checked")

# Text fields a user may change on the profile; their limits are the model's.
_PROFILE_TEXT_FIELDS = (
    "legal_name",
    "local_name",
    "city",
    "nearest_port",
    "description",
    "processes",
)
SUPPLIER_ONLY_FIELDS = {"processes", "hs_codes", "isic_codes", "export_markets", "languages"}
BUYER_ONLY_FIELDS = {"sourcing_regions", "sectors_of_interest"}
PROFILE_FIELDS = (
    set(_PROFILE_TEXT_FIELDS)
    | SUPPLIER_ONLY_FIELDS
    | BUYER_ONLY_FIELDS
    | {"country", "province", "year_founded", "employees_band", "website"}
)


def _supplier_changed(organisation: Organisation) -> None:
    """After commit, refresh the supplier in the search index and what depends on it."""
    if organisation.kind != Organisation.Kind.SUPPLIER:
        return
    hooks.supplier_profile_changed.send(sender=Organisation, organisation_id=organisation.pk)


def _attach_cluster_invitations(organisation: Organisation, user: User) -> None:
    """Clusters may have invited this address before it had an account: attach them now."""
    if organisation.kind != Organisation.Kind.SUPPLIER:
        return
    hooks.user_joined_organisation.send(sender=Organisation, organisation=organisation, user=user)


def _claim_imported_profile(organisation: Organisation, user: User) -> None:
    """A cluster imported this profile; its first user makes it the firm's own.

    From now on it is public, searched and matched (the job enqueued on commit puts
    it in the index and matches it), and its membership of the importing cluster
    becomes active.
    """
    if organisation.claimed:
        return
    organisation.claimed = True
    organisation.save(update_fields=["claimed", "updated_at"])
    hooks.imported_profile_claimed.send(sender=Organisation, organisation=organisation, user=user)
    _supplier_changed(organisation)


class _FieldErrors:
    """Field errors of several checks, raised together so a form shows them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field[field] = [message]

    def check(self, check: Callable[..., Checked], *args: Any, **kwargs: Any) -> Checked | None:
        """``check``'s answer, or None with its field errors kept."""
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            self.by_field.update(exc.message_dict)
            return None

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _clean_email_free(email: str) -> str:
    email = email.lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["An account with this e-mail address already exists."]})
    return email


# REGISTRATION
# ------------------------------------------------------------------------------


@transaction.atomic
def organisation_register(
    *,
    kind: str,
    legal_name: str,
    country: str,
    email: str,
    password: str,
    full_name: str = "",
    local_name: str = "",
    province: str = "",
    city: str = "",
) -> User:
    """Create an organisation and its first user, who owns it."""
    errors = _FieldErrors()
    if not legal_name:
        errors.add("legal_name", "The organisation's legal name is required.")
    email = errors.check(_clean_email_free, email) or email
    country_given = errors.check(validation.clean_country, country)
    if country_given is not None:
        country = country_given
        province = errors.check(validation.clean_province, province, country) or ""
    try:
        validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors.by_field["password"] = list(exc.messages)
    errors.raise_any()

    organisation = Organisation(
        kind=kind,
        legal_name=legal_name,
        local_name=local_name,
        slug=unique_slug(Organisation.objects.all(), legal_name, fallback="organisation"),
        country=country,
        province=province,
        city=city,
    )
    organisation.full_clean()
    organisation.save()
    user = User(email=email, full_name=full_name, organisation=organisation)
    user.role = User.Role.OWNER
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _supplier_changed(organisation)
    _attach_cluster_invitations(organisation, user)
    return user


# PROFILE
# ------------------------------------------------------------------------------


class ProfileChanges(TypedDict, total=False):
    """A profile edit, parsed by the form, serializer or admin form that took it in.

    Codes and country and language lists arrive as the codes the user typed or picked;
    the service checks them against the nomenclatures.
    """

    legal_name: str
    local_name: str
    country: str
    province: str
    city: str
    nearest_port: str
    year_founded: int | None
    employees_band: str
    website: str
    description: str
    processes: str
    hs_codes: list[str]
    isic_codes: list[str]
    export_markets: list[str]
    languages: list[str]
    sourcing_regions: list[str]
    sectors_of_interest: list[str]


# Profile fields taken as given: their limits, formats and choices are the model's.
_PLAIN_PROFILE_FIELDS = (*_PROFILE_TEXT_FIELDS, "website", "employees_band", "year_founded")


def _refuse_fields_not_of(organisation: Organisation, fields: set[str]) -> None:
    unknown = fields - PROFILE_FIELDS
    if unknown:
        raise ValidationError({f: ["This field cannot be changed here."] for f in sorted(unknown)})
    wrong_kind = (fields & SUPPLIER_ONLY_FIELDS if not organisation.is_supplier else set()) | (
        fields & BUYER_ONLY_FIELDS if not organisation.is_buyer else set()
    )
    if wrong_kind:
        raise ValidationError(
            {f: ["Not a field of this kind of organisation."] for f in sorted(wrong_kind)}
        )


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, data: ProfileChanges
) -> Organisation:
    """Change the profile fields given in ``data``; fields not given stay as they are."""
    permissions.require_member_of(actor, organisation)
    _refuse_fields_not_of(organisation, set(data))
    errors = _FieldErrors()
    # The same checks run for several fields, named by a variable rather than a literal.
    given = cast(dict[str, Any], data)

    if "country" in data:
        organisation.country = errors.check(validation.clean_country, data["country"]) or (
            organisation.country
        )
    province = data.get("province")
    if province is None and "country" in data and organisation.province:
        # A province of the old country makes no sense in the new one.
        province = ""
    if province is not None:
        checked = errors.check(validation.clean_province, province, organisation.country)
        if checked is not None:
            organisation.province = checked

    relations: dict[str, list[HsCode] | list[IsicCode]] = {}
    if "hs_codes" in data:
        relations["hs_codes"] = errors.check(validation.clean_hs_codes, data["hs_codes"]) or []
    for field in ("isic_codes", "sectors_of_interest"):
        if field in data:
            codes = errors.check(validation.clean_isic_codes, given[field], field=field)
            relations[field] = codes or []
    for field in ("export_markets", "sourcing_regions"):
        if field in data:
            countries = errors.check(validation.clean_countries, given[field], field=field)
            if countries is not None:
                setattr(organisation, field, countries)
    if "languages" in data:
        languages = errors.check(validation.clean_languages, data["languages"])
        if languages is not None:
            organisation.languages = languages

    for field in _PLAIN_PROFILE_FIELDS:
        if field in data:
            setattr(organisation, field, given[field])
    if "legal_name" in data and not organisation.legal_name:
        errors.add("legal_name", "The organisation's legal name is required.")
    year = organisation.year_founded
    if "year_founded" in data and year is not None:
        if not FIRST_YEAR_FOUNDED <= year <= timezone.now().year:
            errors.add(
                "year_founded",
                f"Give a year between {FIRST_YEAR_FOUNDED} and {timezone.now().year}.",
            )
    errors.raise_any()

    organisation.full_clean(exclude=["slug"])
    organisation.save()
    for field, objects in relations.items():
        getattr(organisation, field).set(objects)
    _supplier_changed(organisation)
    return organisation


@transaction.atomic
def organisation_set_verification(
    *, organisation: Organisation, actor: User, verification: str
) -> Organisation:
    """Staff mark an organisation verified or rejected after checking it."""
    permissions.require_staff(actor)
    organisation.verification = verification
    organisation.verified_by = actor
    organisation.verified_at = timezone.now()
    organisation.save(update_fields=["verification", "verified_by", "verified_at", "updated_at"])
    _supplier_changed(organisation)
    return organisation


# CONTACT PEOPLE
# ------------------------------------------------------------------------------


class ContactChanges(TypedDict, total=False):
    """What an edit of a contact person may change; fields not given stay as they are."""

    name: str
    position: str
    email: str
    phone: str
    is_primary: bool


def _save_contact(contact: ContactPerson) -> ContactPerson:
    if contact.is_primary:
        # One primary contact per organisation (the database refuses a second): the new
        # one takes over before it is saved.
        ContactPerson.objects.filter(
            organisation_id=contact.organisation_id, is_primary=True
        ).exclude(pk=contact.pk).update(is_primary=False)
    contact.save()
    return contact


@transaction.atomic
def contact_person_create(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    email: str,
    position: str = "",
    phone: str = "",
    is_primary: bool = False,
) -> ContactPerson:
    permissions.require_member_of(actor, organisation)
    return _save_contact(
        ContactPerson(
            organisation=organisation,
            name=name,
            email=email,
            position=position,
            phone=phone,
            is_primary=is_primary,
        )
    )


@transaction.atomic
def contact_person_update(
    *, contact: ContactPerson, actor: User, **changes: Unpack[ContactChanges]
) -> ContactPerson:
    permissions.require_member_of(actor, contact.organisation)
    for field, value in changes.items():
        setattr(contact, field, value)
    return _save_contact(contact)


@transaction.atomic
def contact_person_delete(*, contact: ContactPerson, actor: User) -> None:
    permissions.require_member_of(actor, contact.organisation)
    contact.delete()


# CERTIFICATIONS
# ------------------------------------------------------------------------------


@transaction.atomic
def certification_add(
    *,
    organisation: Organisation,
    actor: User,
    scheme: str,
    issuer: str,
    certificate_number: str,
    valid_until: date,
    evidence: UploadedFile | None = None,
) -> Certification:
    """Record a certificate the organisation holds; staff check it later."""
    permissions.require_member_of(actor, organisation)
    errors = _FieldErrors()
    scheme_obj = CertificationScheme.objects.filter(code=scheme).first()
    if scheme_obj is None:
        scheme_obj = CertificationScheme.objects.filter(name__iexact=scheme).first()
    if scheme_obj is None:
        errors.add("scheme", f"Unknown certification: {scheme or '(empty)'}.")
    if valid_until < timezone.localdate():
        errors.add("valid_until", "This certificate has already expired; add a current one.")
    errors.check(validation.clean_evidence, evidence)
    errors.raise_any()
    certification = Certification(
        organisation=organisation,
        scheme=scheme_obj,
        issuer=issuer,
        certificate_number=certificate_number,
        valid_until=valid_until,
    )
    if evidence is not None:
        certification.evidence = evidence
    certification.full_clean()
    certification.save()
    _supplier_changed(organisation)
    return certification


@transaction.atomic
def certification_delete(*, certification: Certification, actor: User) -> None:
    permissions.require_member_of(actor, certification.organisation)
    if certification.evidence:
        certification.evidence.delete(save=False)
    certification.delete()
    _supplier_changed(certification.organisation)


@transaction.atomic
def certification_check(*, certification: Certification, actor: User, status: str) -> Certification:
    """Staff record the outcome of checking a certificate's evidence."""
    permissions.require_staff(actor)
    certification.status = status
    certification.checked_by = actor
    certification.checked_at = timezone.now()
    certification.save(update_fields=["status", "checked_by", "checked_at"])
    _supplier_changed(certification.organisation)
    return certification


# PRODUCT LINES
# ------------------------------------------------------------------------------


class ProductLineChanges(TypedDict, total=False):
    """A product line edit, parsed by its form or serializer; the HS code is the code
    the user typed, checked against the nomenclature here."""

    hs_code: str
    description: str
    monthly_capacity: int
    unit: str
    min_order_quantity: int


class NewProductLine(TypedDict):
    """A new product line: its code, capacity and unit are required."""

    hs_code: str
    monthly_capacity: int
    unit: str
    description: NotRequired[str]
    min_order_quantity: NotRequired[int]


def _save_product_line(line: ProductLine, data: ProductLineChanges | NewProductLine) -> ProductLine:
    errors = _FieldErrors()
    unchecked: list[str] = []
    if "hs_code" in data:
        codes = errors.check(validation.clean_hs_codes, [data["hs_code"]], field="hs_code")
        if codes:
            line.hs_code = codes[0]
        else:
            if codes is not None:
                errors.add("hs_code", "Give the HS code of the product.")
            unchecked.append("hs_code")
    given = cast(dict[str, Any], data)
    for field in ("description", "monthly_capacity", "unit", "min_order_quantity"):
        if field in given:
            setattr(line, field, given[field])
    # Limits and units are the model's; its errors are reported beside the code's.
    errors.check(line.full_clean, exclude=unchecked)
    errors.raise_any()
    line.save()
    _supplier_changed(line.organisation)
    return line


@transaction.atomic
def product_line_create(
    *, organisation: Organisation, actor: User, data: NewProductLine
) -> ProductLine:
    permissions.require_member_of(actor, organisation)
    if not organisation.is_supplier:
        raise ValidationError({"hs_code": ["Only SME suppliers list product lines."]})
    return _save_product_line(ProductLine(organisation=organisation), data)


@transaction.atomic
def product_line_update(
    *, line: ProductLine, actor: User, data: ProductLineChanges | NewProductLine
) -> ProductLine:
    permissions.require_member_of(actor, line.organisation)
    return _save_product_line(line, data)


@transaction.atomic
def product_line_delete(*, line: ProductLine, actor: User) -> None:
    permissions.require_member_of(actor, line.organisation)
    line.delete()
    _supplier_changed(line.organisation)


# COLLEAGUES
# ------------------------------------------------------------------------------


@transaction.atomic
def colleague_invite(
    *, organisation: Organisation, actor: User, email: str, role: str = User.Role.MEMBER
) -> Invitation:
    """An owner invites a colleague by e-mail; the e-mail goes out after commit."""
    permissions.require_owner_of(actor, organisation)
    email = email.lower()
    probe = Invitation(organisation=organisation, email=email, role=role)
    probe.full_clean(exclude=["token", "invited_by", "expires_at"])
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["This person already has an account on the platform."]})
    if organisation.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        raise ValidationError({"email": ["An invitation to this address is already open."]})
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=actor
    )

    transaction.on_commit(lambda: send_invitation_task.delay(invitation.pk))
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str) -> Invitation:
    """Send the invitation e-mail and record when it went out."""
    inviter = "A colleague"
    if invitation.invited_by is not None:
        inviter = invitation.invited_by.full_name or invitation.invited_by.email
    return invitation_mail(
        invitation=invitation,
        subject=f"{invitation.organisation.legal_name} invites you to join it",
        message=(
            f"{inviter} invites you to join {invitation.organisation.legal_name} "
            "on the platform.\n\n"
            f"Accept the invitation here: {accept_url}\n\n"
            f"The link is valid until {invitation.expires_at:%Y-%m-%d}."
        ),
    )


def invitation_mail(*, invitation: Invitation, subject: str, message: str) -> Invitation:
    """E-mail an invitation's words to its address and record when it went out."""
    from django.core.mail import send_mail

    send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str = "") -> User:
    """The invited colleague creates an account inside the inviting organisation."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError({"token": ["This invitation is unknown, used or expired."]})
    _clean_email_free(invitation.email)
    user = User(
        email=invitation.email,
        full_name=full_name,
        organisation=invitation.organisation,
        role=invitation.role,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _claim_imported_profile(invitation.organisation, user)
    _attach_cluster_invitations(invitation.organisation, user)
    return user


# API TOKENS
# ------------------------------------------------------------------------------


def auth_token_issue(*, user: User) -> str:
    """The user's API token, made on first request; the same token until revoked."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return token.key
