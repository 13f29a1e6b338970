from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from companies import services
from companies.models import Organisation
from matching.search import SupplierSearchFilters, supplier_matches, supplier_search
from tests.factories import CertificationFactory, ProductLineFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def search(query="", user=None, **params):
    return supplier_search(
        user=user, query=query, filters=SupplierSearchFilters.from_params(params)
    )


def names(page):
    return [hit.organisation.legal_name for hit in page.hits]


@pytest.fixture
def suppliers(db):
    knit = SupplierFactory(
        legal_name="Saigon Knitwear",
        country="VN",
        description="Cotton T-shirts and polo shirts, knitted in our own mill.",
        verification=Organisation.Verification.VERIFIED,
    )
    knit.hs_codes.set(["610910"])
    ProductLineFactory(organisation=knit, hs_code_id="610910", monthly_capacity=50000)
    CertificationFactory(organisation=knit, scheme_id="oeko-tex")
    surgical = SupplierFactory(
        legal_name="Sialkot Surgical Works",
        country="PK",
        description="Stainless steel surgical instruments: forceps, scissors, retractors.",
    )
    surgical.hs_codes.set(["901890"])
    CertificationFactory(
        organisation=surgical,
        scheme_id="iso-13485",
        valid_until=timezone.localdate() - timedelta(days=3),
    )
    thai = SupplierFactory(
        legal_name="Siam Textile",
        local_name="บริษัท สยามเท็กซ์ไทล์",
        country="TH",
        description="Woven shirts and T-shirts for export.",
    )
    ProductLineFactory(organisation=thai, hs_code_id="610910", monthly_capacity=8000)
    chinese = SupplierFactory(
        legal_name="Ningbo Garment", local_name="宁波服装有限公司", country="CN", description=""
    )
    return {"knit": knit, "surgical": surgical, "thai": thai, "chinese": chinese}


def test_results_are_ranked_by_relevance_to_the_words(suppliers):
    page = search("cotton t-shirts")
    assert names(page)[0] == "Saigon Knitwear"
    assert "Sialkot Surgical Works" not in names(page)
    assert page.hits[0].score >= page.hits[-1].score


def test_each_hit_says_which_words_matched(suppliers):
    hit = search("surgical forceps").hits[0]
    assert hit.organisation.legal_name == "Sialkot Surgical Works"
    assert hit.matched_words == ["surgical", "forceps"]


def test_code_titles_are_searchable(suppliers):
    # "singlets" is in the HS 6109 title, not in the supplier's own words.
    assert "Saigon Knitwear" in names(search("singlets"))


def test_a_heading_finds_suppliers_of_its_subheadings(suppliers):
    page = search(hs_code="6109")
    assert set(names(page)) == {"Saigon Knitwear", "Siam Textile"}
    assert any(code.startswith("HS 610910") for code in page.hits[0].matched_codes)


def test_isic_filter_reaches_suppliers_through_the_concordance(suppliers):
    assert set(names(search(isic_code="1430"))) == {"Saigon Knitwear", "Siam Textile"}


def test_an_expired_certificate_does_not_count(suppliers):
    assert names(search(certification="iso-13485")) == []
    assert names(search(certification="oeko-tex")) == ["Saigon Knitwear"]


def test_country_subregion_capacity_and_verified_filters(suppliers):
    assert set(names(search(subregion="south-eastern-asia"))) == {"Saigon Knitwear", "Siam Textile"}
    assert names(search(country="PK")) == ["Sialkot Surgical Works"]
    assert names(search(min_capacity="10000", unit="pieces")) == ["Saigon Knitwear"]
    assert names(search(verified_only="true")) == ["Saigon Knitwear"]


def test_names_in_thai_and_chinese_are_found(suppliers):
    assert names(search("สยามเท็กซ์")) == ["Siam Textile"]
    assert names(search("宁波")) == ["Ningbo Garment"]


def test_results_are_paginated_with_a_total(suppliers):
    first = supplier_search(
        user=None, query="", filters=SupplierSearchFilters(), page=1, page_size=3
    )
    second = supplier_search(
        user=None, query="", filters=SupplierSearchFilters(), page=2, page_size=3
    )
    assert first.total == second.total == 4
    assert len(first.hits) == 3
    assert len(second.hits) == 1
    assert not set(names(first)) & set(names(second))


def test_the_searchers_own_organisation_is_left_out(suppliers, supplier_user):
    supplier_user.organisation = suppliers["knit"]
    assert "Saigon Knitwear" not in names(search("t-shirts", user=supplier_user))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"subregion": "atlantis"}, "subregion"),
        ({"hs_code": "123456"}, "hs_code"),
        ({"isic_code": "9"}, "isic_code"),
        ({"certification": "made-up"}, "certification"),
        ({"min_capacity": "-1"}, "min_capacity"),
        ({"unit": "barrels"}, "unit"),
    ],
)
def test_bad_filters_are_field_errors(params, field):
    with pytest.raises(ValidationError) as exc:
        SupplierSearchFilters.from_params(params)
    assert field in exc.value.message_dict


def test_a_profile_change_is_searchable_after_commit(
    suppliers, supplier_user, django_capture_on_commit_callbacks
):
    search("anything")  # builds the index as it stands
    supplier_user.organisation = suppliers["chinese"]
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(
            organisation=suppliers["chinese"],
            actor=supplier_user,
            data={"description": "Silk scarves and embroidered shawls"},
        )
    assert names(search("embroidered shawls")) == ["Ningbo Garment"]


def test_supplier_matches_answers_for_one_supplier(suppliers):
    filters = SupplierSearchFilters.from_params({"country": "VN"})
    assert supplier_matches(supplier_id=suppliers["knit"].pk, query="t-shirts", filters=filters)
    assert not supplier_matches(supplier_id=suppliers["thai"].pk, query="t-shirts", filters=filters)
