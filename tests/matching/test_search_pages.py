"""The supplier search page and API: who may search, what a result shows, bad filters."""

import pytest
from django.urls import reverse

from companies.models import Organisation
from tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def suppliers(rebuild_search_index):
    knit = SupplierFactory(
        legal_name="Saigon Knitwear",
        country="VN",
        description="Organic cotton T-shirts, knitted and dyed in our own mill.",
        verification=Organisation.Verification.VERIFIED,
    )
    knit.hs_codes.set(["610910"])
    ProductLineFactory(organisation=knit, hs_code_id="610910", monthly_capacity=50000)
    CertificationFactory(organisation=knit, scheme_id="gots")
    ContactPersonFactory(organisation=knit, email="owner@saigon-knit.example")
    surgical = SupplierFactory(
        legal_name="Sialkot Surgical Works",
        country="PK",
        description="Stainless steel surgical instruments: forceps and scissors.",
    )
    surgical.hs_codes.set(["901890"])
    for n in range(25):
        SupplierFactory(legal_name=f"Cotton Mill {n:02d}", country="IN", description="Cotton yarn.")
    rebuild_search_index()
    return {"knit": knit, "surgical": surgical}


# PAGE
# ------------------------------------------------------------------------------


def test_page_ranks_results_and_says_why_they_matched(client, buyer_user, suppliers):
    client.force_login(buyer_user)

    page = client.get(
        reverse("supplier-search"), {"q": "organic cotton t-shirts", "hs_code": "6109"}
    ).content.decode()

    assert "Saigon Knitwear" in page
    assert "Sialkot Surgical Works" not in page
    assert "Why it matched" in page
    assert "<mark>organic</mark>" in page
    assert "HS 610910" in page


def test_page_filters_narrow_the_results(client, buyer_user, suppliers):
    client.force_login(buyer_user)

    page = client.get(reverse("supplier-search"), {"country": "PK"}).content.decode()

    assert "Sialkot Surgical Works" in page
    assert "Saigon Knitwear" not in page


def test_page_is_paginated(client, buyer_user, suppliers):
    client.force_login(buyer_user)

    first = client.get(reverse("supplier-search"), {"q": "cotton"}).content.decode()
    second = client.get(reverse("supplier-search"), {"q": "cotton", "page": "2"}).content.decode()

    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second


def test_page_bad_filter_is_shown_at_the_field(client, buyer_user, suppliers):
    client.force_login(buyer_user)

    response = client.get(reverse("supplier-search"), {"q": "cotton", "hs_code": "610999"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown HS code: 610999" in page
    assert "Saigon Knitwear" not in page


def test_page_offers_to_save_the_search_with_its_filters(client, buyer_user, suppliers):
    client.force_login(buyer_user)

    page = client.get(
        reverse("supplier-search"), {"q": "knitwear", "country": "VN"}
    ).content.decode()

    assert "Save this search" in page
    assert 'name="country" value="VN"' in page
    assert 'name="q" value="knitwear"' in page


def test_page_is_for_buyers_and_staff(client, supplier_user, staff_user, suppliers):
    client.force_login(supplier_user)
    as_sme = client.get(reverse("supplier-search"), {"q": "cotton"})
    client.force_login(staff_user)
    as_staff = client.get(reverse("supplier-search"), {"q": "cotton"})

    assert as_sme.status_code == 403
    assert as_staff.status_code == 200


def test_page_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("supplier-search"))

    assert response.status_code == 302
    assert reverse("login") in response.url


# API
# ------------------------------------------------------------------------------


def test_api_hits_carry_public_fields_score_and_why(api_as, buyer_user, suppliers):
    response = api_as(buyer_user).get(
        "/api/v1/suppliers/search/", {"q": "organic cotton", "certification": "gots"}
    )

    assert response.status_code == 200
    assert response.data["count"] == 1
    [hit] = response.data["results"]
    assert hit["organisation"]["legal_name"] == "Saigon Knitwear"
    assert hit["score"] > 0
    assert "organic" in hit["matched_words"]
    assert any("GOTS" in code for code in hit["matched_codes"])
    assert "contacts" not in hit["organisation"]
    assert "owner@saigon-knit.example" not in str(response.data)


def test_api_heading_finds_suppliers_of_its_subheadings(api_as, buyer_user, suppliers):
    response = api_as(buyer_user).get("/api/v1/suppliers/search/", {"hs_code": "61"})

    assert [h["organisation"]["legal_name"] for h in response.data["results"]] == [
        "Saigon Knitwear"
    ]


def test_api_pages(api_as, buyer_user, suppliers):
    client = api_as(buyer_user)

    first = client.get("/api/v1/suppliers/search/", {"q": "cotton", "page_size": 10}).data
    third = client.get("/api/v1/suppliers/search/", {"q": "cotton", "page_size": 10, "page": 3})

    assert first["count"] == 26
    assert len(first["results"]) == 10
    assert len(third.data["results"]) == 6


def test_api_bad_filter_is_a_field_error(api_as, buyer_user, suppliers):
    response = api_as(buyer_user).get(
        "/api/v1/suppliers/search/", {"subregion": "atlantis", "min_capacity": "-3"}
    )

    assert response.status_code == 400
    assert {"subregion", "min_capacity"} <= set(response.data["errors"])


def test_api_sme_gets_a_403_that_says_why(api_as, supplier_user):
    response = api_as(supplier_user).get("/api/v1/suppliers/search/", {"q": "cotton"})

    assert response.status_code == 403
    assert "buyers' users" in response.data["message"]


def test_api_cluster_body_gets_a_403(api_as, cluster_body_user):
    assert api_as(cluster_body_user).get("/api/v1/suppliers/search/").status_code == 403


def test_api_anonymous_gets_a_401(api_client):
    assert api_client.get("/api/v1/suppliers/search/", {"q": "cotton"}).status_code == 401


def test_api_staff_may_search(api_as, staff_user, suppliers):
    response = api_as(staff_user).get("/api/v1/suppliers/search/", {"country": "PK"})

    assert response.status_code == 200
    assert response.data["count"] == 1


def test_schema_generates_without_warnings(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/api/schema/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/suppliers/search/" in body
    assert "/api/v1/requests/{id}/open/" in body
