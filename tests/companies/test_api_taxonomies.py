"""The public code pickers the forms use: HS, ISIC, certifications, countries, units."""

import pytest
from django.urls import reverse

HS_URL = reverse("api:taxonomy-hs")
ISIC_URL = reverse("api:taxonomy-isic")

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200
    return [row["code"] for row in response.json()["results"]]


def test_hs_picker_finds_tshirts_by_words(api_client):
    response = api_client.get(HS_URL, {"q": "t-shirt"})

    assert {"6109", "610910", "610990"} <= set(codes(response))


def test_hs_picker_finds_codes_by_prefix(api_client):
    response = api_client.get(HS_URL, {"q": "6109"})

    assert codes(response) == ["6109", "610910", "610990"]


def test_hs_picker_accepts_dotted_codes(api_client):
    response = api_client.get(HS_URL, {"q": "6109.10"})

    assert codes(response) == ["610910"]


def test_hs_picker_filters_by_level(api_client):
    response = api_client.get(HS_URL, {"q": "t-shirt", "level": 4})

    found = codes(response)
    assert "6109" in found
    assert all(len(code) == 4 for code in found)


def test_hs_picker_result_shape(api_client):
    response = api_client.get(HS_URL, {"q": "610910"})

    assert response.json()["results"] == [
        {
            "code": "610910",
            "description": "T-shirts, singlets and other vests; of cotton, knitted or crocheted",
            "level": 6,
        }
    ]


def test_hs_picker_is_paginated(api_client):
    response = api_client.get(HS_URL, {"level": 2})

    body = response.json()
    assert body["count"] > 90
    assert len(body["results"]) == 20
    assert body["next"]


def test_hs_picker_refuses_unknown_level(api_client):
    response = api_client.get(HS_URL, {"level": 5})

    assert response.status_code == 400
    assert "level" in response.json()["errors"]


def test_isic_picker_finds_apparel_by_words(api_client):
    response = api_client.get(ISIC_URL, {"q": "wearing apparel", "level": 4})

    assert "1410" in codes(response)


def test_isic_picker_finds_codes_by_prefix(api_client):
    response = api_client.get(ISIC_URL, {"q": "141"})

    assert codes(response)[:2] == ["141", "1410"]


def test_certification_catalogue(api_client):
    response = api_client.get(reverse("api:taxonomy-certifications"))

    assert response.status_code == 200
    by_code = {row["code"]: row for row in response.json()}
    assert by_code["iso-13485"]["name"] == "ISO 13485"
    assert set(by_code["gots"]) == {"code", "name", "full_name", "covers", "category"}


def test_country_list(api_client):
    response = api_client.get(reverse("api:taxonomy-countries"))

    assert response.status_code == 200
    assert {"code": "VN", "name": "Viet Nam"} in response.json()


def test_province_list_of_a_country(api_client):
    response = api_client.get(reverse("api:taxonomy-provinces", kwargs={"country_code": "vn"}))

    assert response.status_code == 200
    provinces = {row["code"]: row for row in response.json()}
    assert provinces["VN-SG"]["name"] == "Hồ Chí Minh"
    assert set(provinces["VN-SG"]) == {"code", "name", "type"}


def test_province_list_of_unknown_country_is_404(api_client):
    response = api_client.get(reverse("api:taxonomy-provinces", kwargs={"country_code": "ZZ"}))

    assert response.status_code == 404


def test_unit_list(api_client):
    response = api_client.get(reverse("api:taxonomy-units"))

    assert response.status_code == 200
    assert {"code": "m2", "name": "m²"} in response.json()
    assert len(response.json()) == 10
