"""Clusters built through the real services (``ClusterFactory``): proposed by a cluster
body, approved by staff; and a member that applied and was approved."""

import pytest

from tests.factories import (
    ClusterBodyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    SupplierFactory,
    UserFactory,
)


@pytest.fixture
def manager(cluster_body_user):
    return cluster_body_user


@pytest.fixture
def cluster(manager, staff_user):
    return ClusterFactory(proposed_by=manager, reviewed_by=staff_user)


@pytest.fixture
def other_manager(staff_user):
    return UserFactory(organisation=ClusterBodyFactory(legal_name="Sialkot Chamber"))


@pytest.fixture
def other_cluster(other_manager, staff_user):
    return ClusterFactory(
        proposed_by=other_manager, reviewed_by=staff_user, name="Sialkot Surgical Cluster"
    )


@pytest.fixture
def sme(db):
    return SupplierFactory(legal_name="Knit One Exports", country="IN")


@pytest.fixture
def sme_user(sme):
    return UserFactory(organisation=sme)


@pytest.fixture
def member(cluster, sme_user, manager):
    """An active membership of ``sme`` that agreed to both listing and contact sharing."""
    return ClusterMembershipFactory(
        cluster=cluster, applicant=sme_user, listed_publicly=True, share_contacts=True
    )
