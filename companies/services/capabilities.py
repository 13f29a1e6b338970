"""Writes of what a firm can show: contact people, certificates and product lines."""

from datetime import date
from typing import Any, NotRequired, TypedDict, Unpack, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from companies import hooks, permissions, validation
from companies.models import (
    Certification,
    CertificationScheme,
    ContactPerson,
    Organisation,
    ProductLine,
    User,
)
from companies.services._shared import _FieldErrors, _supplier_changed
from sme_platform.errors import refusal


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
    stored_evidence = errors.check(validation.clean_evidence, evidence)
    errors.raise_any()
    certification = Certification(
        organisation=organisation,
        scheme=scheme_obj,
        issuer=issuer,
        certificate_number=certificate_number,
        valid_until=valid_until,
    )
    if stored_evidence is not None:
        certification.evidence = stored_evidence
    certification.full_clean()
    certification.save()
    _supplier_changed(organisation)
    return certification


class CertificationChanges(TypedDict, total=False):
    """What an edit of a certificate may change; fields not given stay as they are."""

    issuer: str
    certificate_number: str
    valid_until: date


@transaction.atomic
def certification_update(
    *, certification: Certification, actor: User, **changes: Unpack[CertificationChanges]
) -> Certification:
    """Correct a recorded certificate; a new number or expiry is not what staff checked."""
    permissions.require_member_of(actor, certification.organisation)
    checked_as = (certification.certificate_number, certification.valid_until)
    valid_until = changes.get("valid_until")
    if valid_until is not None and valid_until < timezone.localdate():
        raise refusal({"valid_until": ["This certificate has already expired; add a current one."]})
    for field, value in changes.items():
        setattr(certification, field, value)
    lapsed = certification.status != Certification.Status.PENDING and checked_as != (
        certification.certificate_number,
        certification.valid_until,
    )
    if lapsed:
        certification.status = Certification.Status.PENDING
        certification.checked_at = None
        certification.checked_by = None
    certification.full_clean()
    certification.save()
    if lapsed:
        hooks.certification_check_lapsed.send(
            sender=Certification, certification=certification, actor=actor
        )
    _supplier_changed(certification.organisation)
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
        raise refusal({"hs_code": ["Only SME suppliers list product lines."]})
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
