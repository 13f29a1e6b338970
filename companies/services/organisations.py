"""Writes of an organisation's registration, profile and verification."""

from typing import Any, TypedDict, cast

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from companies import hooks, permissions, validation
from companies.models import (
    FIRST_YEAR_FOUNDED,
    HsCode,
    IsicCode,
    Organisation,
    User,
)
from companies.services._shared import (
    _attach_cluster_invitations,
    _clean_email_free,
    _FieldErrors,
    _supplier_changed,
)
from companies.services.confirmation import email_confirmation_request
from sme_platform.errors import refusal
from sme_platform.slugs import unique_slug

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
    invitation_token: str = "",
) -> User:
    """Create an organisation and its first user, who owns it.

    ``invitation_token`` is the secret of an e-mailed invitation (a cluster's) that led
    here: sent to this very address, it proves the address, so no confirmation is asked.
    """
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
    if hooks.address_proved_by_token(token=invitation_token, email=email):
        user.email_confirmed_at = timezone.now()
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _supplier_changed(organisation)
    _attach_cluster_invitations(organisation, user)
    # Until the link is followed the account may fill in its profile, not speak for
    # the address: an unproved address could be someone else's.
    if not user.is_email_confirmed:
        email_confirmation_request(user=user)
    return user


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
        raise refusal({f: ["This field cannot be changed here."] for f in sorted(unknown)})
    wrong_kind = (fields & SUPPLIER_ONLY_FIELDS if not organisation.is_supplier else set()) | (
        fields & BUYER_ONLY_FIELDS if not organisation.is_buyer else set()
    )
    if wrong_kind:
        raise refusal(
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
    # What staff verified is the stored row: a caller (the admin's form) may have set
    # the new values on the instance already.
    verified_as = (
        Organisation.objects.filter(pk=organisation.pk)
        .values_list("legal_name", "country", "verification")
        .first()
    )
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

    lapsed = (
        verified_as is not None
        and verified_as[2] == Organisation.Verification.VERIFIED
        and verified_as[:2] != (organisation.legal_name, organisation.country)
    )
    if lapsed:
        # Staff verified this name in this country; another firm's name or country
        # is not what they checked.
        organisation.verification = Organisation.Verification.UNVERIFIED
        organisation.verified_at = None
        organisation.verified_by = None
    organisation.full_clean(exclude=["slug"])
    organisation.save()
    for field, objects in relations.items():
        getattr(organisation, field).set(objects)
    if lapsed:
        hooks.organisation_verification_lapsed.send(
            sender=Organisation, organisation=organisation, actor=actor
        )
    _supplier_changed(organisation)
    return organisation


@transaction.atomic
def organisation_set_verification(
    *, organisation: Organisation, actor: User, verification: str
) -> Organisation:
    """Staff mark an organisation verified or rejected after checking it."""
    permissions.require_staff(actor)
    was_verified = Organisation.objects.filter(
        pk=organisation.pk, verification=Organisation.Verification.VERIFIED
    ).exists()
    organisation.verification = verification
    organisation.verified_by = actor
    organisation.verified_at = timezone.now()
    organisation.save(update_fields=["verification", "verified_by", "verified_at", "updated_at"])
    if was_verified != organisation.is_verified:
        # A buyer's linkages show contacts only while it is verified: matching tells
        # both sides when that changes.
        hooks.organisation_verification_changed.send(
            sender=Organisation, organisation=organisation, actor=actor, was_verified=was_verified
        )
    _supplier_changed(organisation)
    return organisation
