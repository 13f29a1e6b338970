"""Consortia of members other than the shared world's: a cluster whose members the
test chooses, so it cannot share the world the other consortium tests build once."""

import pytest

from consortia import services as consortia_services
from consortia.models import Consortium
from tests.factories import BuyerFactory, UserFactory
from tests.worlds import ConsortiumWorld, add_member, open_request

pytestmark = pytest.mark.django_db


def names(consortium: Consortium) -> list[str]:
    return sorted(m.supplier.legal_name for m in consortium.members.all())


def test_opening_a_request_runs_the_match_job_that_drafts_the_consortium(
    manager, cluster, rebuild_search_index, django_capture_on_commit_callbacks
):
    consortium_world = ConsortiumWorld(cluster, manager)
    for name, capacity in {"Alpha Knit": 30_000, "Beta Knit": 20_000}.items():
        add_member(consortium_world, name, capacity)
    rebuild_search_index()
    buyer_user = UserFactory(organisation=BuyerFactory())

    with django_capture_on_commit_callbacks(execute=True):
        request = open_request(buyer_user)

    consortium = Consortium.objects.get(request=request)
    assert names(consortium) == ["Alpha Knit", "Beta Knit"]


def test_capacity_in_another_unit_never_counts(build_consortium_world):
    consortium_world = build_consortium_world(capacities={"Alpha Knit": 30_000})
    add_member(consortium_world, "Kilo Knit", 900_000, unit="kg")

    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []
