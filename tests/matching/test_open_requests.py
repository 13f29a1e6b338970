"""The open-requests board for SMEs: filters, and whether the SME meets each request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import selectors, services
from matching.models import SourcingRequest
from tests.factories import CertificationFactory, ProductLineFactory

pytestmark = pytest.mark.django_db


def post(user, title, **fields) -> SourcingRequest:
    fields.setdefault("deadline", timezone.now() + timedelta(days=30))
    request = services.request_create(actor=user, title=title, **fields)
    return services.request_open(request=request, actor=user)


def fits(supplier, **filters):
    return {
        fit.request.title: fit
        for fit in selectors.open_requests_for_supplier(supplier=supplier, **filters)
    }


@pytest.fixture
def knitter(supplier):
    """A Vietnamese knitter: 2,000 T-shirts a month, valid OEKO-TEX, expired ISO 13485."""
    supplier.country = "VN"
    supplier.save()
    ProductLineFactory(
        organisation=supplier, hs_code_id="610910", monthly_capacity=2000, unit="pieces"
    )
    CertificationFactory(organisation=supplier, scheme_id="oeko-tex")
    CertificationFactory(
        organisation=supplier,
        scheme_id="iso-13485",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    return supplier


# FILTERS
# ------------------------------------------------------------------------------


def test_only_public_open_requests_before_their_deadline_are_listed(knitter, buyer_user):
    post(buyer_user, "Open public")
    post(buyer_user, "Confidential", visibility="confidential")
    services.request_create(
        actor=buyer_user, title="Draft", deadline=timezone.now() + timedelta(days=3)
    )
    closed = post(buyer_user, "Closed")
    services.request_close(request=closed, actor=buyer_user)
    expired = post(buyer_user, "Expired")
    SourcingRequest.objects.filter(pk=expired.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )

    assert list(fits(knitter)) == ["Open public"]


def test_code_filter_heading_finds_requests_for_its_subheadings(knitter, buyer_user):
    post(buyer_user, "T-shirts", hs_codes=["610910"])
    post(buyer_user, "Forceps", hs_codes=["901890"])

    assert list(fits(knitter, code="6109")) == ["T-shirts"]


def test_code_filter_takes_isic_codes(knitter, buyer_user):
    post(buyer_user, "Knitting", isic_codes=["1430"])
    post(buyer_user, "Forceps", hs_codes=["901890"])

    assert list(fits(knitter, code="1430")) == ["Knitting"]


def test_country_filter_follows_subregions_and_keeps_requests_open_to_anywhere(knitter, buyer_user):
    post(buyer_user, "South-east Asia", subregions=["south-eastern-asia"])
    post(buyer_user, "Anywhere")
    post(buyer_user, "Pakistan", countries=["PK"])

    assert sorted(fits(knitter, country="TH")) == ["Anywhere", "South-east Asia"]


def test_certification_filter(knitter, buyer_user):
    post(buyer_user, "Needs GOTS", required_certifications=["gots"])
    post(buyer_user, "Needs nothing")

    assert list(fits(knitter, certification="gots")) == ["Needs GOTS"]


# MEETS AND LACKS
# ------------------------------------------------------------------------------


def test_a_request_the_supplier_meets(knitter, buyer_user):
    post(
        buyer_user,
        "Fits",
        hs_codes=["6109"],
        required_certifications=["oeko-tex"],
        volume_per_month=1500,
        unit="pieces",
        subregions=["south-eastern-asia"],
    )

    fit = fits(knitter)["Fits"]

    assert fit.meets is True
    assert fit.lacks == []


def test_lacking_a_certification_is_named(knitter, buyer_user):
    post(buyer_user, "Needs GOTS", required_certifications=["gots", "oeko-tex"])

    assert fits(knitter)["Needs GOTS"].lacks == ["lacks GOTS"]


def test_an_expired_certificate_does_not_count(knitter, buyer_user):
    post(buyer_user, "Needs ISO 13485", required_certifications=["iso-13485"])

    fit = fits(knitter)["Needs ISO 13485"]

    assert fit.meets is False
    assert fit.lacks == ["lacks ISO 13485"]


def test_too_little_capacity_gives_both_figures(knitter, buyer_user):
    post(buyer_user, "Big order", hs_codes=["6109"], volume_per_month=10000, unit="pieces")

    assert fits(knitter)["Big order"].lacks == ["capacity 2,000 < 10,000 pieces a month"]


def test_capacity_adds_up_the_lines_for_the_requested_products(knitter, buyer_user):
    ProductLineFactory(
        organisation=knitter, hs_code_id="610990", monthly_capacity=9000, unit="pieces"
    )
    ProductLineFactory(
        organisation=knitter, hs_code_id="620520", monthly_capacity=50000, unit="pieces"
    )
    post(buyer_user, "T-shirts", hs_codes=["6109"], volume_per_month=10000, unit="pieces")

    assert fits(knitter)["T-shirts"].meets is True


def test_capacity_in_another_unit_is_a_unit_difference(knitter, buyer_user):
    post(buyer_user, "By weight", hs_codes=["6109"], volume_per_month=500, unit="kg")

    assert fits(knitter)["By weight"].lacks == ["unit differs"]


def test_capacity_for_other_products_does_not_count(knitter, buyer_user):
    post(buyer_user, "Forceps", hs_codes=["901890"], volume_per_month=100, unit="pieces")

    assert fits(knitter)["Forceps"].lacks == ["no stated capacity for the requested products"]


def test_a_supplier_outside_the_wanted_countries(knitter, buyer_user):
    post(buyer_user, "South Asia", subregions=["southern-asia"], countries=["CN"])

    assert fits(knitter)["South Asia"].lacks == ["outside the wanted countries"]


def test_everything_lacking_is_listed(knitter, buyer_user):
    post(
        buyer_user,
        "Hard",
        hs_codes=["6109"],
        required_certifications=["iso-13485"],
        volume_per_month=10000,
        unit="pieces",
        countries=["PK"],
    )

    assert fits(knitter)["Hard"].lacks == [
        "lacks ISO 13485",
        "capacity 2,000 < 10,000 pieces a month",
        "outside the wanted countries",
    ]


# API AND PAGE
# ------------------------------------------------------------------------------


def test_api_lists_meets_and_lacks(api_as, knitter, supplier_user, buyer_user):
    post(buyer_user, "Needs GOTS", required_certifications=["gots"])

    response = api_as(supplier_user).get("/api/v1/open-requests/")

    assert response.status_code == 200
    [fit] = response.data["results"]
    assert fit["request"]["title"] == "Needs GOTS"
    assert fit["meets"] is False
    assert fit["lacks"] == ["lacks GOTS"]


def test_api_filters(api_as, knitter, supplier_user, buyer_user):
    post(buyer_user, "T-shirts", hs_codes=["610910"], required_certifications=["gots"])
    post(buyer_user, "Forceps", hs_codes=["901890"])

    client = api_as(supplier_user)
    by_code = client.get("/api/v1/open-requests/?code=6109").data["results"]
    by_cert = client.get("/api/v1/open-requests/?certification=gots").data["results"]
    by_country = client.get("/api/v1/open-requests/?country=VN").data["results"]

    assert [f["request"]["title"] for f in by_code] == ["T-shirts"]
    assert [f["request"]["title"] for f in by_cert] == ["T-shirts"]
    assert len(by_country) == 2


def test_api_is_for_smes_only(api_as, buyer_user):
    response = api_as(buyer_user).get("/api/v1/open-requests/")

    assert response.status_code == 403
    assert "SME supplier" in response.data["message"]


def test_api_anonymous_is_401(api_client):
    assert api_client.get("/api/v1/open-requests/").status_code == 401


def test_page_shows_what_the_sme_lacks(client, knitter, supplier_user, buyer_user):
    post(buyer_user, "Big order", hs_codes=["6109"], volume_per_month=10000, unit="pieces")
    post(buyer_user, "Small order", hs_codes=["6109"], volume_per_month=100, unit="pieces")
    client.force_login(supplier_user)

    page = client.get(reverse("open-requests")).content.decode()

    assert "capacity 2,000 &lt; 10,000 pieces a month" in page
    assert "You meet it" in page


def test_page_filters_by_code(client, knitter, supplier_user, buyer_user):
    post(buyer_user, "T-shirts", hs_codes=["610910"])
    post(buyer_user, "Forceps", hs_codes=["901890"])
    client.force_login(supplier_user)

    page = client.get(reverse("open-requests"), {"code": "6109"}).content.decode()

    assert "T-shirts" in page
    assert "Forceps" not in page


def test_page_is_for_smes_only(client, buyer_user):
    client.force_login(buyer_user)

    assert client.get(reverse("open-requests")).status_code == 403


def test_request_detail_shows_the_sme_its_fit(client, knitter, supplier_user, buyer_user):
    request = post(buyer_user, "Needs GOTS", required_certifications=["gots"])
    client.force_login(supplier_user)

    page = client.get(reverse("request-detail", kwargs={"pk": request.pk})).content.decode()

    assert "lacks GOTS" in page
