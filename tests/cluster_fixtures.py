"""Clusters built through the real services: proposed by a cluster body, approved by staff."""

import pytest

from clusters import services
from tests.factories import ClusterBodyFactory, SupplierFactory, UserFactory


def make_cluster(manager, staff, *, name="Tiruppur Knitwear Cluster", approve=True):
    cluster = services.cluster_propose(
        actor=manager,
        name=name,
        country="IN",
        province="IN-TN",
        sector="1430",
        main_products=["611030"],
        description="Knitwear makers around Tiruppur.",
    )
    if approve:
        cluster = services.cluster_review(cluster=cluster, actor=staff, status="approved")
    return cluster


@pytest.fixture
def manager(cluster_body_user):
    return cluster_body_user


@pytest.fixture
def cluster(manager, staff_user):
    return make_cluster(manager, staff_user)


@pytest.fixture
def other_manager(staff_user):
    return UserFactory(organisation=ClusterBodyFactory(legal_name="Sialkot Chamber"))


@pytest.fixture
def other_cluster(other_manager, staff_user):
    return make_cluster(other_manager, staff_user, name="Sialkot Surgical Cluster")


@pytest.fixture
def sme(db):
    return SupplierFactory(legal_name="Knit One Exports", country="IN")


@pytest.fixture
def sme_user(sme):
    return UserFactory(organisation=sme)


@pytest.fixture
def member(cluster, sme_user, manager):
    """An active membership of ``sme`` that agreed to both listing and contact sharing."""
    membership = services.membership_apply(
        cluster=cluster, actor=sme_user, listed_publicly=True, share_contacts=True
    )
    return services.membership_approve(membership=membership, actor=manager)
