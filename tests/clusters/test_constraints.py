"""What the database refuses whatever a service does: a bug cannot store a bad row."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership, MemberImport, MembershipEvent

pytestmark = pytest.mark.django_db


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_a_cluster_row_keeps_to_its_rules(cluster):
    rows = Cluster.objects.filter(pk=cluster.pk)

    assert refused(rows, status="archived")
    assert refused(rows, founded=1200)
    assert refused(rows, reviewed_at=None)  # approved, yet never reviewed
    assert not refused(rows, founded=1925)


def test_a_firm_holds_one_open_membership_of_a_cluster(cluster, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterMembership.objects.create(
            cluster=cluster, supplier=member.supplier, status=ClusterMembership.Status.APPLIED
        )


def test_an_invitation_names_a_firm_or_an_address(cluster):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterMembership.objects.create(cluster=cluster, status=ClusterMembership.Status.INVITED)


def test_a_member_has_joined_and_a_status_is_known(member):
    rows = ClusterMembership.objects.filter(pk=member.pk)

    assert refused(rows, joined_at=None)
    assert refused(rows, joined_at=member.created_at - timedelta(days=1))
    assert refused(rows, status="expelled")
    assert not refused(rows, status=ClusterMembership.Status.LEFT, joined_at=None)


def test_a_history_event_names_known_statuses(member):
    rows = MembershipEvent.objects.filter(membership=member)

    assert refused(rows, to_status="expelled")
    assert refused(rows, from_status="expelled")


def test_an_import_counts_no_more_rows_than_it_has(cluster, manager):
    member_import = MemberImport.objects.create(
        cluster=cluster, uploaded_by=manager, file_name="members.csv", rows_total=3
    )
    rows = MemberImport.objects.filter(pk=member_import.pk)

    assert refused(rows, rows_done=4)
    assert refused(rows, applied_at=timezone.now())  # applied, never checked
    assert refused(rows, checked_at=timezone.now(), applied_at=timezone.now() - timedelta(hours=1))
    assert refused(rows, created_count=2, rejected_count=2)
    assert not refused(rows, created_count=2, rejected_count=1, rows_done=3)


def test_a_negative_count_is_refused(cluster, manager):
    member_import = MemberImport.objects.create(
        cluster=cluster, uploaded_by=manager, file_name="members.csv", rows_total=3
    )

    assert refused(MemberImport.objects.filter(pk=member_import.pk), created_count=-1)


def test_a_decided_cluster_keeps_its_review_time(cluster):
    assert cluster.reviewed_at is not None
    assert cluster.reviewed_at <= timezone.now()
