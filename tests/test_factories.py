"""Every model has a factory, and each factory makes a valid row with no arguments."""

import pytest
from django.apps import apps

from clusters.models import Cluster, ClusterMembership
from matching.models import SourcingRequest
from tests import factories

pytestmark = pytest.mark.django_db

APPS = ["companies", "notifications", "clusters", "matching", "consortia", "workspaces"]
FACTORIES = [getattr(factories, name) for name in factories.__all__ if name.endswith("Factory")]


def test_every_model_of_the_apps_has_a_factory():
    made = {f._meta.model for f in FACTORIES}
    models = {
        model
        for app in APPS
        if apps.is_installed(app)
        for model in apps.get_app_config(app).get_models()
    }

    assert sorted(m.__name__ for m in models - made) == []


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_valid_row(factory_class):
    row = factory_class()

    row.full_clean()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_cluster_is_approved_by_staff_through_the_service():
    cluster = factories.ClusterFactory()
    proposed = factories.ClusterFactory(name="Awaiting Review", status="proposed")

    assert cluster.status == Cluster.Status.APPROVED
    assert cluster.reviewed_by.is_staff
    assert proposed.status == Cluster.Status.PROPOSED
    assert list(cluster.managers.all()) == [cluster.proposed_by]


@pytest.mark.parametrize("status", ["applied", "active", "refused", "suspended", "removed", "left"])
def test_a_membership_reaches_its_status_through_the_services(status):
    membership = factories.ClusterMembershipFactory(status=status)

    assert membership.status == status
    assert membership.events.last().to_status == status
    assert isinstance(membership, ClusterMembership)


def test_a_request_is_opened_by_its_buyer_unless_asked_not_to():
    opened = factories.SourcingRequestFactory()
    draft = factories.SourcingRequestFactory(opened=False, title="Draft")

    assert opened.status == SourcingRequest.Status.OPEN
    assert opened.buyer == opened.created_by.organisation
    assert [c.code for c in opened.hs_codes.all()] == ["6109"]
    assert draft.status == SourcingRequest.Status.DRAFT


def test_factories_are_fixtures(cluster_factory, sourcing_request_factory, hs_isic_link_factory):
    assert cluster_factory is factories.ClusterFactory
    assert sourcing_request_factory is factories.SourcingRequestFactory
    assert hs_isic_link_factory is factories.HsIsicLinkFactory
