"""The supplier search's "cluster member" filter follows membership changes."""

import pytest
from django.core.exceptions import ValidationError

from clusters import services
from matching.search import SupplierSearchFilters, supplier_search
from tests.factories import ClusterFactory


def found(**params):
    page = supplier_search(user=None, query="", filters=SupplierSearchFilters.from_params(params))
    return {hit.organisation.legal_name for hit in page.hits}


def test_cluster_filter_finds_active_members_only(
    cluster, sme, sme_user, manager, django_capture_on_commit_callbacks
):
    found()  # the index as it stands: no members yet
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_apply(
            cluster=cluster, actor=sme_user, listed_publicly=True
        )
    assert found(cluster=str(cluster.pk)) == set()  # applied is not a member yet

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(membership=membership, actor=manager)
    assert found(cluster=str(cluster.pk)) == {"Knit One Exports"}
    assert found(cluster="any") == {"Knit One Exports"}

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_leave(membership=membership, actor=sme_user)
    assert found(cluster=str(cluster.pk)) == set()


def test_an_unknown_or_unapproved_cluster_is_a_field_error(manager, staff_user):
    proposed = ClusterFactory(proposed_by=manager, name="Not Yet Reviewed", status="proposed")
    for value in ("999999", "abc", str(proposed.pk)):
        with pytest.raises(ValidationError) as exc:
            SupplierSearchFilters.from_params({"cluster": value})
        assert "cluster" in exc.value.message_dict
