"""A broadcast's delivery job, run by a real Celery worker on Redis against PostgreSQL."""

import pytest

from clusters import services
from companies.taxonomy import load_taxonomies
from consortia import services as consortia_services
from consortia.models import BroadcastRecipient
from notifications.models import Notification
from tests.factories import ClusterBodyFactory, ClusterFactory, SupplierFactory, UserFactory
from tests.integration.conftest import JOB_DONE_SECONDS, wait_for

pytestmark = pytest.mark.integration


def test_the_worker_tells_every_active_member_of_a_broadcast(
    transactional_db, celery_worker, jobs_through_broker
):
    # given a cluster with two active members
    load_taxonomies()  # transactional tests start from an empty database
    manager = UserFactory(organisation=ClusterBodyFactory())
    staff = UserFactory(organisation=None, is_staff=True)
    cluster = ClusterFactory(proposed_by=manager, reviewed_by=staff)
    member_users = []
    for name in ("Worker Knit A", "Worker Knit B"):
        user = UserFactory(organisation=SupplierFactory(legal_name=name))
        membership = services.membership_apply(cluster=cluster, actor=user)
        services.membership_approve(membership=membership, actor=manager)
        member_users.append(user)

    # when the manager sends a broadcast, its delivery goes through Redis to the worker
    broadcast = consortia_services.broadcast_send(
        cluster=cluster, actor=manager, subject="Buyers visit", body="Bring samples."
    )

    # then the worker notifies each member's user and records the delivery
    def delivered() -> bool:
        return not BroadcastRecipient.objects.filter(
            broadcast=broadcast, notified_at__isnull=True
        ).exists()

    assert wait_for(delivered, seconds=JOB_DONE_SECONDS, interval=0.5), celery_worker.read_text()
    told = set(Notification.objects.filter(kind="cluster_broadcast").values_list("user", flat=True))
    assert told == {user.pk for user in member_users}
    assert "consortia.deliver_broadcast_task" in celery_worker.read_text()
