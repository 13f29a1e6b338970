"""A job delivered twice, or run again after a crash, ends where running it once did.

The broker delivers at least once (the outbox re-sends, a worker killed mid-job gets
its message back), so each matching job is run twice here, eagerly, and the
database, the notices and the e-mails sent are compared with what the first run left.
The same jobs against a real worker: ``tests/integration/test_job_faults.py``.
"""

from datetime import timedelta
from typing import Any, cast

import pytest
from django.core import mail
from django.utils import timezone

from companies.models import HsCode, Organisation, User
from consortia.models import Consortium
from matching import services
from matching import tasks as matching_tasks
from matching.models import MatchRun, NearMiss, Proposal, SavedSearchHit, SourcingRequest
from notifications.models import Notification
from tests.factories import (
    BuyerFactory,
    ProductLineFactory,
    SavedSearchFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def state() -> dict[str, Any]:
    """Everything a matching job writes or sends, as plain rows."""
    return {
        "proposals": sorted(
            Proposal.objects.values_list(
                "pk",
                "request_id",
                "supplier_id",
                "status",
                "buyer_decision",
                "supplier_decision",
                "rank",
                "supplier_notified_at",
                "buyer_notified_at",
            )
        ),
        "near_misses": sorted(NearMiss.objects.values_list("pk", "request_id", "supplier_id")),
        "notifications": sorted(
            Notification.objects.values_list("pk", "user_id", "kind", "key", "emailed_at")
        ),
        "saved_search_hits": sorted(SavedSearchHit.objects.values_list("pk", "supplier_id")),
        "consortia": sorted(Consortium.objects.values_list("pk", "cluster_id", "status")),
        "mails": sorted((m.to[0], m.subject) for m in mail.outbox),
    }


def knitter(name: str) -> Organisation:
    org = cast(
        Organisation,
        SupplierFactory(
            legal_name=name,
            country="VN",
            description="Cotton T-shirts and polo shirts, knitted and dyed in our own mill.",
            verification=Organisation.Verification.VERIFIED,
        ),
    )
    org.hs_codes.set(HsCode.objects.filter(pk="610910"))
    ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=50_000)
    UserFactory(organisation=org, email=f"owner@{name.lower().replace(' ', '-')}.example")
    return org


@pytest.fixture
def knitters(rebuild_search_index) -> list[Organisation]:
    orgs = [knitter("Saigon Knits"), knitter("Hanoi Knits")]
    rebuild_search_index()
    return orgs


@pytest.fixture
def opened(knitters, django_capture_on_commit_callbacks) -> SourcingRequest:
    """A buyer's request for T-shirts, opened: matched once, both sides told."""
    buyer_user = cast(User, UserFactory(organisation=BuyerFactory(), email="anna@hanse.example"))
    request = services.request_create(
        actor=buyer_user,
        title="Cotton T-shirts, knitted",
        description="Plain knitted cotton tees for our spring line.",
        deadline=timezone.now() + timedelta(days=30),
        hs_codes=["610910"],
        volume_per_month=10_000,
        unit="pieces",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_open(request=request, actor=buyer_user)
    return request


def run_twice(capture, job, *args: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The state after the job ran once, and after it ran again; e-mails included."""
    with capture(execute=True):
        job.delay(*args)
    once = state()
    with capture(execute=True):
        job.delay(*args)
    return once, state()


def test_opening_a_request_proposes_each_supplier_once_and_tells_each_side_once(opened):
    proposals = Proposal.objects.filter(request=opened)

    assert proposals.count() == 2
    # One notice and one e-mail per supplier's proposal, one summary for the buyer.
    assert Notification.objects.filter(key__startswith="proposal:").count() == 2
    assert Notification.objects.filter(key__startswith=f"request:{opened.pk}:").count() == 1
    assert len(mail.outbox) == 3


def test_matching_a_request_twice_keeps_its_rows_their_answers_and_tells_nobody_again(
    opened, django_capture_on_commit_callbacks
):
    # given one supplier accepted and the other declined after the first match
    accepted, declined = Proposal.objects.filter(request=opened).order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decide(
            proposal=accepted, actor=accepted.supplier.users.get(), accept=True
        )
        services.proposal_decide(
            proposal=declined,
            actor=declined.supplier.users.get(),
            accept=False,
            reason=Proposal.DeclineReason.NOT_RELEVANT,
        )
    before = state()

    # when the request's match job is delivered twice more
    once, twice = run_twice(
        django_capture_on_commit_callbacks, matching_tasks.match_request_task, opened.pk
    )

    # then the same proposal rows keep their answers, and nobody is told or mailed again
    assert once == before
    assert twice == before
    accepted.refresh_from_db()
    declined.refresh_from_db()
    assert accepted.supplier_decision == Proposal.Decision.ACCEPTED
    assert declined.status == Proposal.Status.DECLINED


def test_a_supplier_job_delivered_twice_proposes_alerts_and_tells_once(
    opened, rebuild_search_index, django_capture_on_commit_callbacks
):
    # given a buyer's saved search, and a knitter that registers after it
    search = SavedSearchFactory(user=opened.created_by, query="knitted cotton t-shirts")
    newcomer = knitter("Da Nang Knits")
    assert newcomer.created_at > search.created_at

    # when the profile-changed job (index, saved searches, matching) runs twice
    once, twice = run_twice(
        django_capture_on_commit_callbacks,
        matching_tasks.supplier_profile_changed_task,
        newcomer.pk,
    )

    # then the second run changed nothing
    assert twice == once
    assert Proposal.objects.filter(request=opened, supplier=newcomer).count() == 1
    assert SavedSearchHit.objects.filter(saved_search=search, supplier=newcomer).count() == 1
    newcomer_user = newcomer.users.get()
    assert Notification.objects.filter(user=newcomer_user, kind="proposal_new").count() == 1
    assert Notification.objects.filter(user=opened.created_by, kind="saved_search_hit").count() == 1
    # ... and the supplier job alone, twice more, still changes nothing
    assert run_twice(
        django_capture_on_commit_callbacks, matching_tasks.match_supplier_task, newcomer.pk
    ) == (once, once)


def test_a_full_run_twice_updates_the_same_proposals_and_tells_nobody_again(
    opened, django_capture_on_commit_callbacks, settings
):
    settings.MATCH_SHARDS = 2
    before = state()

    with django_capture_on_commit_callbacks(execute=True):
        first = services.match_run_start(trigger="test")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.match_run_start(trigger="test")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (MatchRun.Status.SUCCEEDED,) * 2
    assert (first.proposals_created, second.proposals_created) == (0, 0)
    assert second.proposals_updated == 2
    after = state()
    assert after["proposals"] == before["proposals"]
    assert after["notifications"] == before["notifications"]
    assert after["mails"] == before["mails"]


def test_drafting_consortia_twice_drafts_once_and_tells_the_managers_once(
    consortium_world, django_capture_on_commit_callbacks
):
    once, twice = run_twice(
        django_capture_on_commit_callbacks,
        matching_tasks.match_request_task,
        consortium_world.request.pk,
    )

    assert twice == once
    assert len(once["consortia"]) == 1
    drafts = Notification.objects.filter(user=consortium_world.manager, kind="consortium_draft")
    assert drafts.count() == 1
    assert drafts.get().key == f"consortium:{once['consortia'][0][0]}:draft"
