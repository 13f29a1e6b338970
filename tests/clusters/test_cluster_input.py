"""Bad input when proposing or editing a cluster: a field error, and nothing written."""

import pytest

from clusters import services
from clusters.models import Cluster
from sme_platform.errors import ApplicationError

pytestmark = pytest.mark.django_db

GOOD = {"name": "Jepara Furniture", "country": "ID", "sector": "3100"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"province": "TH-10"}, "province"),
        ({"sector": "9999"}, "sector"),
        ({"sector": ""}, "sector"),
        ({"main_products": ["770000"]}, "main_products"),
        ({"name": ""}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"website": "not a url"}, "website"),
        ({"founded": 1200}, "founded"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(manager, changes, field):
    with pytest.raises(ApplicationError) as exc:
        services.cluster_propose(actor=manager, **{**GOOD, **changes})

    assert field in exc.value.extra
    assert not Cluster.objects.exists()


def test_the_province_must_belong_to_the_country(manager):
    cluster = services.cluster_propose(actor=manager, **GOOD, province="ID-JT")

    assert cluster.province == "ID-JT"


def test_codes_are_normalised(manager):
    cluster = services.cluster_propose(actor=manager, **GOOD, main_products=["9403.60"])

    assert [c.code for c in cluster.main_products.all()] == ["940360"]


def test_a_bad_update_changes_nothing(cluster, manager):
    with pytest.raises(ApplicationError) as exc:
        services.cluster_update(
            cluster=cluster, actor=manager, data={"name": "Renamed", "sector": "0000"}
        )

    assert "sector" in exc.value.extra
    cluster.refresh_from_db()
    assert cluster.name == "Tiruppur Knitwear Cluster"


def test_an_update_cannot_set_the_status(cluster, manager):
    with pytest.raises(ApplicationError) as exc:
        services.cluster_update(cluster=cluster, actor=manager, data={"status": "approved"})

    assert "status" in exc.value.extra


def test_a_reserved_page_address_is_not_used_as_slug(manager):
    cluster = services.cluster_propose(actor=manager, **{**GOOD, "name": "Propose"})

    assert cluster.slug == "propose-cluster"
