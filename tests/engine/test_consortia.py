"""The consortium search alone: plain records in, ranked sets of members out."""

import time

from engine.consortia import ConsortiumNeed, MemberCandidate, evaluate, find_consortia
from engine.records import ProductLineRecord
from engine.thresholds import CONSORTIUM_MAX_MEMBERS

OEKO = "oeko-tex"
NEED = ConsortiumNeed(volume=50_000, unit="pieces", hs_codes=["6109"])


def member(id_, capacity, score=0.5, *, unit="pieces", hs="610910", certs=()):
    return MemberCandidate(
        id=id_,
        score=score,
        product_lines=[ProductLineRecord(hs, capacity, unit)],
        certifications=frozenset(certs),
    )


def test_pooled_capacity_meets_the_volume():
    # given three firms of 20,000 and 30,000 pieces a month: no one meets 50,000
    candidates = [member("a", 20_000), member("b", 30_000), member("c", 10_000)]

    # when
    found = find_consortia(NEED, candidates)

    # then the pair a + b pools exactly 50,000
    assert found[0].member_ids == ["b", "a"]
    assert found[0].pooled_capacity == 50_000
    assert found[0].meets
    assert all(option.pooled_capacity >= 50_000 for option in found)


def test_fewest_members_preferred_even_when_a_larger_set_scores_higher():
    # given a weak pair that meets the volume, and three strong small firms that also do
    candidates = [
        member("big1", 25_000, score=0.1),
        member("big2", 25_000, score=0.1),
        member("s1", 17_000, score=0.9),
        member("s2", 17_000, score=0.9),
        member("s3", 17_000, score=0.9),
    ]

    found = find_consortia(NEED, candidates)

    # then the pair (total 0.2) comes before any trio (total 2.7)
    assert sorted(found[0].member_ids) == ["big1", "big2"]
    assert all(len(option.members) == 2 for option in found)


def test_ties_of_size_are_ordered_by_total_score():
    candidates = [
        member("a", 30_000, score=0.2),
        member("b", 30_000, score=0.8),
        member("c", 30_000, score=0.5),
    ]

    found = find_consortia(NEED, candidates, limit=3)

    assert [sorted(o.member_ids) for o in found] == [["b", "c"], ["a", "b"], ["a", "c"]]
    assert [o.total_score for o in found] == [1.3, 1.0, 0.7]


def test_capacity_in_another_unit_is_ignored():
    # given a firm whose capacity is in kilograms: it adds nothing to pieces
    candidates = [member("a", 30_000), member("kg", 900_000, unit="kg")]

    assert find_consortia(NEED, candidates) == []


def test_capacity_for_other_products_is_ignored():
    candidates = [member("a", 30_000), member("shoes", 900_000, hs="640399")]

    assert find_consortia(NEED, candidates) == []


def test_every_member_holds_every_required_certification():
    need = ConsortiumNeed(
        volume=50_000, unit="pieces", hs_codes=["6109"], required_certifications=[OEKO]
    )
    candidates = [
        member("a", 30_000, certs=[OEKO]),
        member("b", 30_000, score=0.9),  # lacks OEKO-TEX: never a candidate
        member("c", 20_000, certs=[OEKO]),
    ]

    found = find_consortia(need, candidates)

    assert [sorted(o.member_ids) for o in found] == [["a", "c"]]
    assert found[0].certifications_covered == [OEKO]


def test_no_member_holds_the_certifications_so_no_consortium():
    need = ConsortiumNeed(
        volume=50_000, unit="pieces", hs_codes=["6109"], required_certifications=[OEKO]
    )

    assert find_consortia(need, [member("a", 30_000), member("b", 30_000)]) == []


def test_members_together_cover_every_requested_product():
    need = ConsortiumNeed(volume=40_000, unit="pieces", hs_codes=["6109", "6110"])
    candidates = [
        member("tees1", 30_000, score=0.9),
        member("tees2", 30_000, score=0.9),
        member("jumpers", 10_000, score=0.1, hs="611030"),
    ]

    found = find_consortia(need, candidates)

    # the two big T-shirt makers pool enough, but nobody in that pair makes pullovers
    assert all("jumpers" in o.member_ids for o in found)
    assert found[0].capacity_by_product == {"6109": 30_000, "6110": 10_000}


def test_no_set_meets_the_volume():
    candidates = [member(str(i), 5_000) for i in range(CONSORTIUM_MAX_MEMBERS + 3)]

    # five of 5,000 pool 25,000: short of 50,000 whatever the choice
    assert find_consortia(NEED, candidates) == []


def test_a_single_member_that_meets_the_need_makes_no_consortium():
    assert find_consortia(NEED, [member("giant", 60_000), member("b", 30_000)]) == []


def test_no_volume_or_no_candidate_gives_nothing():
    assert find_consortia(ConsortiumNeed(volume=0, unit="pieces"), [member("a", 1)]) == []
    assert find_consortia(NEED, []) == []


def test_suspended_members_are_left_out_upstream():
    # The service hands in active members only; a member not handed in is never chosen.
    active = [member("a", 30_000), member("b", 20_000)]
    found = find_consortia(NEED, active)
    assert "suspended" not in found[0].member_ids


def test_evaluate_says_what_a_chosen_set_misses():
    need = ConsortiumNeed(
        volume=50_000, unit="pieces", hs_codes=["6109"], required_certifications=[OEKO]
    )

    option = evaluate(need, [member("a", 20_000, certs=[OEKO]), member("b", 10_000)])

    assert not option.meets
    assert option.shortfall == 20_000
    assert option.missing_certifications == [OEKO]
    assert option.certifications_covered == []


def test_a_big_cluster_is_searched_without_walking_every_subset():
    # 3,000 firms of 1,000 to 10,000 pieces: walking every set of five would never end
    candidates = [
        member(i, 1_000 + (i * 37) % 9_000, score=(i * 13 % 100) / 100) for i in range(3000)
    ]
    need = ConsortiumNeed(volume=45_000, unit="pieces", hs_codes=["6109"])

    started = time.process_time()
    found = find_consortia(need, candidates)
    elapsed = time.process_time() - started

    assert found
    assert len(found[0].members) == 5
    assert found[0].pooled_capacity >= 45_000
    assert elapsed < 5
