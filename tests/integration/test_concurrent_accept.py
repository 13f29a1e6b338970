"""Two accepts of the same proposal at the same moment, on the real PostgreSQL: each in
a thread with its own database connection, released together by a barrier. The
answer locks the proposal's row before reading it, so exactly one transition is made
and each person is told once.

To make a missing lock fail every time rather than now and then, each answer pauses
after reading the proposal (inside its transaction): without the lock both would read
"pending" and both would write.
"""

import threading
import time
from collections.abc import Callable
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from companies.models import User
from companies.taxonomy import load_taxonomies
from matching import services
from matching.index_store import forget_loaded_index
from matching.models import Proposal
from matching.services import proposals as proposal_services
from notifications.models import Notification
from tests.factories import BuyerFactory, SupplierFactory, UserFactory
from tests.worlds import open_request_for, propose

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PAUSE_AFTER_READING = 0.3
JOIN_SECONDS = 30


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads released together; each result or the error raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each one raised
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), "an accept never finished (deadlock?)"
    return results


def slow_reader(real=proposal_services.side_of):
    def side_of(actor, proposal):
        side = real(actor, proposal)
        time.sleep(PAUSE_AFTER_READING)
        return side

    return side_of


@pytest.fixture
def world():
    load_taxonomies()  # transactional tests start from an empty database
    forget_loaded_index()
    buyer = BuyerFactory(legal_name="Hanse Apparel GmbH", verified=True)
    buyer_user = UserFactory(organisation=buyer)
    supplier = SupplierFactory(legal_name="Saigon Knitwear Co.")
    owner = UserFactory(organisation=supplier)
    colleague = UserFactory(organisation=supplier)
    request = open_request_for(buyer_user)
    # Opening committed and ran the match job, which may have proposed the supplier.
    proposal = Proposal.objects.filter(request=request, supplier=supplier).first()
    proposal = proposal or propose(request, supplier)
    return {"proposal": proposal, "buyer": buyer_user, "owner": owner, "colleague": colleague}


def accept(proposal: Proposal, user: User) -> Callable[[], Proposal]:
    return lambda: services.proposal_decide(proposal=proposal, actor=user, accept=True)


def test_two_colleagues_accepting_at_once_make_one_decision_and_one_notice(world):
    proposal = world["proposal"]

    with mock.patch.object(proposal_services, "side_of", slow_reader()):
        results = at_once(accept(proposal, world["owner"]), accept(proposal, world["colleague"]))

    made = [r for r in results if isinstance(r, Proposal)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1, results
    assert len(refused) == 1, results
    assert "already answered" in str(refused[0])
    proposal.refresh_from_db()
    assert proposal.supplier_decision == Proposal.Decision.ACCEPTED
    assert proposal.supplier_decided_by_id in (world["owner"].pk, world["colleague"].pk)
    assert proposal.status == Proposal.Status.PENDING
    assert Notification.objects.filter(user=world["buyer"], kind="proposal_accepted").count() == 1


def test_both_sides_accepting_at_once_make_one_linkage_told_once_to_each(world):
    proposal = world["proposal"]

    with mock.patch.object(proposal_services, "side_of", slow_reader()):
        results = at_once(accept(proposal, world["buyer"]), accept(proposal, world["owner"]))

    assert all(isinstance(r, Proposal) for r in results), results
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.LINKED
    assert (proposal.buyer_decision, proposal.supplier_decision) == ("accepted", "accepted")
    for user in (world["buyer"], world["owner"], world["colleague"]):
        assert Notification.objects.filter(user=user, kind="linkage").count() == 1, user
