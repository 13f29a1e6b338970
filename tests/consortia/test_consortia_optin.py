"""Double opt-in for consortia: nobody's contacts show until the buyer and EVERY member
have accepted. Every route that shows a consortium or its request is checked, for the
buyer and each member, before any answer, after some, and after the linkage."""

import copy
from collections.abc import Iterator

import pytest
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from consortia import services as consortia_services
from consortia.models import Consortium
from tests.built_once import built_once
from tests.worlds import (
    BUYER_SECRET,
    ConsortiumWorld,
    consortium_world_of_its_own,
    proposed,
    secret_of,
)

pytestmark = pytest.mark.django_db

PARTIES = ("buyer", "Alpha Knit", "Beta Knit")  # Alpha leads; Gamma and Delta are left out


@pytest.fixture(scope="module")
def proposed_once(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[ConsortiumWorld]:
    # Built once: the tests only read it, or answer the consortium in their own rollback.
    with built_once(django_db_blocker):
        world = consortium_world_of_its_own()
        world.consortium = proposed(world)
        yield world


@pytest.fixture
def world(proposed_once: ConsortiumWorld, db: None) -> ConsortiumWorld:
    """The consortium world with Alpha (the lead) and Beta proposed to the buyer."""
    return copy.deepcopy(proposed_once)


def user_of(world, party):
    return world.buyer_user if party == "buyer" else world.users[party]


def secret(party):
    return BUYER_SECRET if party == "buyer" else secret_of(party)


def accept(world, *parties):
    consortium = world.consortium
    for party in parties:
        consortium = consortia_services.consortium_decide(
            consortium=consortium, actor=user_of(world, party), accept=True
        )
    world.consortium = consortium
    return consortium


PAGE_ROUTES = {
    "consortium page": lambda w, party: reverse("consortium-detail", args=[w.consortium.pk]),
    "request page": lambda w, party: reverse("request-detail", args=[w.request.pk]),
    "my proposals page": lambda w, party: reverse("proposal-list"),
}
API_ROUTES = {
    "consortium API": lambda w, party: reverse("api:consortium-detail", args=[w.consortium.pk]),
    "consortium list API": lambda w, party: reverse("api:consortium-list"),
    "request API": lambda w, party: reverse("api:request-detail", args=[w.request.pk]),
}
BEFORE_LINKAGE = {
    "no answer": (),
    "buyer accepted": ("buyer",),
    "buyer and the lead accepted": ("buyer", "Alpha Knit"),
    "every member but not the buyer": ("Alpha Knit", "Beta Knit"),
}


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def api(api_as, user, url):
    response = api_as(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def others(party):
    return [p for p in PARTIES if p != party]


@pytest.mark.parametrize("state", BEFORE_LINKAGE)
@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_pages_hide_everyones_contacts_before_everyone_accepted(client, world, state, party, route):
    accept(world, *BEFORE_LINKAGE[state])

    html = page(client, user_of(world, party), PAGE_ROUTES[route](world, party))

    for other in others(party):
        assert secret(other) not in html


@pytest.mark.parametrize("state", BEFORE_LINKAGE)
@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("route", API_ROUTES)
def test_api_hides_everyones_contacts_before_everyone_accepted(api_as, world, state, party, route):
    accept(world, *BEFORE_LINKAGE[state])

    body = api(api_as, user_of(world, party), API_ROUTES[route](world, party))

    for other in others(party):
        assert secret(other) not in body


@pytest.mark.parametrize("state", BEFORE_LINKAGE)
def test_the_buyers_request_consortia_api_hides_contacts_before_linkage(api_as, world, state):
    accept(world, *BEFORE_LINKAGE[state])
    url = reverse("api:request-consortium-list", args=[world.request.pk])

    body = api(api_as, world.buyer_user, url)

    assert str(world.consortium.pk) in body
    for member in ("Alpha Knit", "Beta Knit"):
        assert secret(member) not in body


@pytest.mark.parametrize("party", PARTIES)
def test_after_everyone_accepted_each_party_sees_the_others_contacts_page_and_api(
    client, api_as, world, party
):
    assert accept(world, *PARTIES).status == Consortium.Status.LINKED

    html = page(
        client, user_of(world, party), reverse("consortium-detail", args=[world.consortium.pk])
    )
    data = (
        api_as(user_of(world, party))
        .get(reverse("api:consortium-detail", args=[world.consortium.pk]))
        .json()
    )

    shown = {c["email"] for p in data["contacts"] for c in p["contacts"]}
    for other in others(party):
        assert secret(other) in html
        assert secret(other) in shown
    # never a firm that was left out of the consortium
    assert secret("Gamma Knit") not in html
    assert secret("Gamma Knit") not in shown


def test_after_linkage_the_buyers_request_page_shows_the_members_contacts(client, world):
    accept(world, *PARTIES)

    html = page(client, world.buyer_user, reverse("request-detail", args=[world.request.pk]))

    assert secret("Alpha Knit") in html
    assert secret("Beta Knit") in html


@pytest.mark.parametrize("party", PARTIES)
def test_lists_never_carry_contacts_even_after_linkage(api_as, world, party):
    accept(world, *PARTIES)

    body = api(api_as, user_of(world, party), reverse("api:consortium-list"))

    for other in others(party):
        assert secret(other) not in body


def test_managers_see_the_linkage_but_not_the_buyers_contacts(client, api_as, world):
    accept(world, *PARTIES)
    cluster = world.cluster

    html = page(
        client,
        world.manager,
        reverse("cluster-consortium-detail", args=[cluster.slug, world.consortium.pk]),
    )
    body = api(
        api_as,
        world.manager,
        reverse("api:cluster-consortium-detail", args=[cluster.pk, world.consortium.pk]),
    )

    assert "Linkage" in html
    assert BUYER_SECRET not in html
    assert BUYER_SECRET not in body


def test_a_member_declining_never_reveals_contacts(client, api_as, world):
    accept(world, "buyer", "Alpha Knit")
    consortia_services.consortium_decide(
        consortium=world.consortium, actor=world.users["Beta Knit"], accept=False, reason="timing"
    )

    html = page(client, world.buyer_user, reverse("consortium-detail", args=[world.consortium.pk]))
    body = api(
        api_as,
        world.users["Alpha Knit"],
        reverse("api:consortium-detail", args=[world.consortium.pk]),
    )

    assert secret("Beta Knit") not in html
    assert BUYER_SECRET not in body
    assert "Returned to the managers" in html
