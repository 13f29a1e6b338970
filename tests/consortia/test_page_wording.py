"""What the consortium pages say in the places people misread: figures written as
people write them, and a member's way back to its proposals."""

import pytest
from django.urls import reverse

from tests.worlds import draft, proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(consortium_world):
    return consortium_world.cluster


@pytest.fixture
def manager(consortium_world):
    return consortium_world.manager


def test_consortium_list_writes_the_volume_with_separators_and_the_unit_label(
    client, manager, cluster, consortium_world
):
    draft(consortium_world)
    client.force_login(manager)

    html = client.get(reverse("cluster-consortium-list", args=[cluster.slug])).content.decode()

    assert "/ 45,000 pieces" in html


def test_a_member_on_a_consortium_page_has_a_way_back_to_its_proposals(
    client, cluster, consortium_world
):
    consortium = proposed(consortium_world)
    client.force_login(consortium_world.users["Alpha Knit"])

    html = client.get(reverse("consortium-detail", args=[consortium.pk])).content.decode()

    assert f'href="{reverse("proposal-list")}">My proposals</a>' in html
    assert f'href="{reverse("cluster-page", args=[cluster.slug])}"' in html
