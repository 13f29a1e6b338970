"""Profiles a cluster imports are written by the companies services, and never once
the firm has claimed its profile."""

import pytest
from django.core.exceptions import ValidationError

from companies import services
from companies.models import Invitation, Organisation, User
from sme_platform.errors import ApplicationError
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def test_an_imported_profile_is_created_unclaimed_with_its_product_line():
    organisation = services.imported_profile_save(
        organisation=None,
        fields={"legal_name": "Lotus Knit", "country": "VN"},
        hs_codes=["610910"],
        product_line=("610910", 20000, "pieces", 500),
    )

    assert organisation.kind == Organisation.Kind.SUPPLIER
    assert organisation.claimed is False
    assert organisation.slug == "lotus-knit"
    assert list(organisation.hs_codes.values_list("code", flat=True)) == ["610910"]
    line = organisation.product_lines.get()
    assert (line.monthly_capacity, line.unit, line.min_order_quantity) == (20000, "pieces", 500)


def test_a_second_import_replaces_the_product_lines_and_keeps_what_it_does_not_name():
    organisation = services.imported_profile_save(
        organisation=None,
        fields={"legal_name": "Lotus Knit", "country": "VN", "city": "Hanoi"},
        product_line=("610910", 20000, "pieces", 500),
    )

    services.imported_profile_save(
        organisation=organisation, fields={"city": "Hai Phong"}, clear_product_lines=True
    )

    organisation.refresh_from_db()
    assert (organisation.legal_name, organisation.city) == ("Lotus Knit", "Hai Phong")
    assert not organisation.product_lines.exists()


def test_a_bad_value_is_refused_and_nothing_is_written():
    # the model's own limits refuse it
    with pytest.raises(ValidationError, match="At most"):
        services.imported_profile_save(
            organisation=None, fields={"legal_name": "Lotus Knit", "city": "x" * 500}
        )

    assert not Organisation.objects.filter(legal_name="Lotus Knit").exists()


def test_a_claimed_profile_is_never_written_by_an_import():
    claimed = SupplierFactory(legal_name="Own Words Ltd")

    with pytest.raises(ApplicationError):
        services.imported_profile_save(organisation=claimed, fields={"city": "Elsewhere"})
    with pytest.raises(ApplicationError):
        services.imported_profile_invite(
            organisation=claimed, email="x@firm.example", invited_by=None
        )

    claimed.refresh_from_db()
    assert claimed.city != "Elsewhere"
    assert not Invitation.objects.filter(email="x@firm.example").exists()


def test_the_claim_invitation_makes_its_user_the_owner():
    organisation = services.imported_profile_save(
        organisation=None, fields={"legal_name": "Lotus Knit", "country": "VN"}
    )

    invitation = services.imported_profile_invite(
        organisation=organisation, email="owner@lotus.example", invited_by=None
    )

    assert (invitation.organisation, invitation.role) == (organisation, User.Role.OWNER)
