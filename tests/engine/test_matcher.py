import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from engine import SupplierIndex
from engine.matcher import (
    DEFAULT_WEIGHTS,
    constraint_failures,
    hs_factor,
    match_request,
    score_pair,
)
from engine.records import RequestRecord
from tests.engine.conftest import TODAY


@pytest.fixture
def index(taxonomy, records):
    return SupplierIndex(taxonomy=taxonomy).fit(records)


@pytest.fixture
def by_id(records):
    return {r.id: r for r in records}


def loader(by_id):
    return lambda ids: {i: by_id[i] for i in ids if i in by_id}


def request(**fields):
    data = {"id": "r1", "title": "Cotton T-shirts", "today": TODAY}
    return RequestRecord(**{**data, **fields})


def test_a_heading_earns_full_credit_from_its_subheadings_and_part_from_siblings():
    assert hs_factor(["6109"], ["610910"])[0] == 1.0
    assert hs_factor(["610910"], ["610990"])[0] == 0.5
    assert hs_factor(["610910"], ["611020"])[0] == 0.25
    assert hs_factor(["610910"], ["940360"])[0] == 0.0


def test_ranking_puts_the_supplier_of_the_requested_product_first(index, by_id):
    result = match_request(index, request(hs_codes=["6109"]), loader(by_id))
    ranked = [p.supplier_id for p in result.proposals]
    assert set(ranked[:2]) == {"knit", "small-knit"}
    assert ranked.index("jersey") > 1  # same chapter: partial credit, lower
    assert "surgical" not in ranked


def test_concordance_links_an_isic_request_to_hs_suppliers(index, by_id):
    result = match_request(
        index, request(title="Knitted apparel maker", isic_codes=["1430"]), loader(by_id)
    )
    top = result.proposals[0]
    assert top.supplier_id in {"knit", "small-knit", "jersey"}
    assert top.factors["bridge"] == 1.0


def test_concordance_links_an_hs_request_to_a_supplier_naming_only_isic(index, by_id):
    result = match_request(
        index, request(title="Wooden furniture", hs_codes=["940360"]), loader(by_id)
    )
    assert result.proposals[0].supplier_id == "furniture"
    assert result.proposals[0].factors["bridge"] == 1.0


def test_failing_constraints_make_near_misses_with_reasons(index, by_id):
    result = match_request(
        index,
        request(
            hs_codes=["6109"],
            required_certifications=["oeko-tex"],
            certification_names={"oeko-tex": "OEKO-TEX"},
            volume=10_000,
            unit="pieces",
        ),
        loader(by_id),
    )
    assert [p.supplier_id for p in result.proposals] == ["knit"]
    near = {n.supplier_id: n.near_miss_reasons for n in result.near_misses}
    assert near["small-knit"] == ["lacks OEKO-TEX", "capacity 2,000 < 10,000 pieces a month"]


def test_expired_certificate_unit_and_country_reasons(by_id):
    surgical = by_id["surgical"]
    reasons = constraint_failures(
        request(
            required_certifications=["iso-13485"],
            certification_names={"iso-13485": "ISO 13485"},
            countries=["VN", "TH"],
        ),
        surgical,
    )
    assert reasons == ["ISO 13485 has expired", "outside the wanted countries (PK)"]
    assert constraint_failures(request(volume=10, unit="kg"), by_id["knit"]) == [
        "unit differs (pieces, not kg)"
    ]


def test_every_proposal_carries_its_breakdown_and_explanation(index, by_id):
    result = match_request(
        index,
        request(
            hs_codes=["6109"],
            required_certifications=["oeko-tex"],
            certification_names={"oeko-tex": "OEKO-TEX"},
        ),
        loader(by_id),
    )
    top = result.proposals[0]
    assert set(top.factors) == set(DEFAULT_WEIGHTS)
    assert "Makes HS 610910 T-shirts, singlets and other vests; of cotton" in top.explanation[0]
    assert "OEKO-TEX held" in top.explanation
    assert any(line.startswith("Words in common: Cotton") for line in top.explanation)


def test_character_ngrams_rescue_a_misspelling(index, by_id):
    exact = score_pair(index, request(title="stainless forceps"), by_id["surgical"])
    typo = score_pair(index, request(title="stainles forcepss"), by_id["surgical"])
    assert typo.factors["text"] == 0.0  # no word in common
    other = score_pair(index, request(title="stainles forcepss"), by_id["knit"])
    assert typo.factors["chars"] > 3 * other.factors["chars"]  # but many n-grams are
    assert exact.factors["chars"] > typo.factors["chars"]


def test_score_pair_agrees_with_match_request(index, by_id):
    req = request(hs_codes=["6109"])
    ranked = {p.supplier_id: p.score for p in match_request(index, req, loader(by_id)).proposals}
    assert score_pair(index, req, by_id["knit"]).score == ranked["knit"]


def test_estimator_conventions(taxonomy, records):
    index = SupplierIndex(taxonomy=taxonomy, min_df=1)
    assert clone(index).get_params()["min_df"] == 1
    with pytest.raises(NotFittedError):
        index.matched_words("cotton", "knit")
    assert index.fit(records) is index


def test_each_certificate_keeps_its_own_expiry_whatever_order_it_was_given_in():
    # given: the second supplier lists its certificates in the other order, one expired
    from engine import SupplierIndex, SupplierRecord
    from engine.records import CertificationRecord, Query

    today = 20_000
    iso = CertificationRecord("iso-9001", "ISO 9001", today + 100)
    wrap = CertificationRecord("wrap", "WRAP", today + 100)
    records = [
        SupplierRecord(id=1, name="First", description="knitwear", certifications=[iso, wrap]),
        SupplierRecord(
            id=2,
            name="Second",
            description="knitwear",
            certifications=[CertificationRecord("wrap", "WRAP", today - 1), iso],
        ),
    ]
    index = SupplierIndex().fit(records)

    # when / then: its valid ISO 9001 counts and its expired WRAP does not
    ids, _, _ = index.search(Query(text="knitwear", certifications=["iso-9001"], today=today))
    assert sorted(ids) == [1, 2]
    ids, _, _ = index.search(Query(text="knitwear", certifications=["wrap"], today=today))
    assert ids == [1]


@pytest.mark.parametrize("ids", [[3, 7, 42], [42, 3, 7], ["s9", "s1", "s5"]])
def test_suppliers_are_found_by_id_whether_or_not_ids_come_in_order(ids):
    from engine import SupplierIndex, SupplierRecord

    records = [SupplierRecord(id=i, name=f"Firm {i}", description="knitwear") for i in ids]
    index = SupplierIndex().fit(records)
    for row, supplier_id in enumerate(ids):
        assert index.base_.row_of(supplier_id) == row
    assert index.base_.row_of(10**6 if isinstance(ids[0], int) else "s0") is None
