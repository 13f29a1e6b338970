"""What the database refuses in consortia and broadcasts whatever a service does."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from consortia.models import Broadcast, Consortium, ConsortiumMember
from tests.worlds import build_world, proposed

pytestmark = pytest.mark.django_db


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def world(manager, cluster, rebuild_search_index):
    return build_world(manager, cluster, rebuild_search_index)


def test_a_broadcast_has_a_subject_and_known_choices(cluster, manager):
    broadcast = Broadcast.objects.create(cluster=cluster, sender=manager, subject="Opportunity")
    rows = Broadcast.objects.filter(pk=broadcast.pk)

    assert refused(rows, subject="")
    assert refused(rows, audience="friends")
    assert refused(rows, status="sent", sent_at=None)
    assert refused(rows, status="sent", sent_at=broadcast.created_at - timedelta(minutes=1))


def test_a_consortium_row_keeps_to_its_rules(world):
    consortium = proposed(world)
    rows = Consortium.objects.filter(pk=consortium.pk)

    assert refused(rows, score=-1.0)
    assert refused(rows, status="merged")
    assert refused(rows, proposed_at=None)  # proposed, yet never proposed
    assert refused(rows, buyer_decided_at=consortium.proposed_at - timedelta(days=1))
    assert refused(rows, buyer_reason="timing")  # a reason without a decline
    assert not refused(rows, buyer_decision="declined", buyer_reason="timing")


def test_a_member_declines_with_a_reason_only(world):
    consortium = proposed(world)
    rows = ConsortiumMember.objects.filter(consortium=consortium)

    assert refused(rows, reason="timing")
    assert refused(rows, decision="maybe")
    assert refused(rows, score=-0.5)
    assert not refused(rows, decision="declined", reason="timing")
