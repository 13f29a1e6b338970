"""The matcher's jobs, run by a real Celery worker on Redis against PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from companies.models import Organisation
from companies.taxonomy import load_taxonomies
from matching import services
from matching.models import MatchRun, Proposal
from tests.factories import ProductLineFactory, SupplierFactory, UserFactory
from tests.integration.conftest import JOB_DONE_SECONDS, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def knitters(transactional_db):
    load_taxonomies()  # transactional tests start from an empty database
    orgs = []
    for name, country in (("Saigon Knit", "VN"), ("Dhaka Knit", "BD"), ("Penang Chips", "MY")):
        org = SupplierFactory(
            legal_name=name,
            country=country,
            description="Cotton T-shirts knitted and dyed in our own mill."
            if "Knit" in name
            else "Printed circuit boards.",
            verification=Organisation.Verification.VERIFIED,
        )
        code = "610910" if "Knit" in name else "853400"
        org.hs_codes.set([code])
        ProductLineFactory(organisation=org, hs_code_id=code, monthly_capacity=50_000)
        orgs.append(org)
    return orgs


def test_opening_a_request_gets_proposals_from_the_worker(
    knitters, celery_worker, jobs_through_broker
):
    # given a buyer's draft request for knitted T-shirts
    buyer_user = UserFactory(organisation=SupplierFactory(kind=Organisation.Kind.BUYER))
    request = services.request_create(
        actor=buyer_user,
        title="Cotton T-shirts",
        description="Knitted cotton tees, monthly orders.",
        hs_codes=["6109"],
        deadline=timezone.now() + timedelta(days=20),
    )

    # when the buyer opens it, the match job goes through Redis to the worker
    services.request_open(request=request, actor=buyer_user)

    # then the worker writes the explained proposals to PostgreSQL
    def proposed() -> bool:
        return Proposal.objects.filter(request=request).count() == 2

    assert wait_for(proposed, seconds=JOB_DONE_SECONDS, interval=0.5), celery_worker.read_text()
    names = set(
        Proposal.objects.filter(request=request).values_list("supplier__legal_name", flat=True)
    )
    assert names == {"Saigon Knit", "Dhaka Knit"}
    proposal = Proposal.objects.filter(request=request).first()
    assert proposal.breakdown["hs"] == 1.0
    assert proposal.explanation


def test_a_full_run_in_shards_completes_on_the_worker(
    knitters, celery_worker, jobs_through_broker, settings
):
    settings.MATCH_SHARDS = 2
    buyer_user = UserFactory(organisation=SupplierFactory(kind=Organisation.Kind.BUYER))
    request = services.request_create(
        actor=buyer_user,
        title="Cotton T-shirts",
        hs_codes=["6109"],
        deadline=timezone.now() + timedelta(days=20),
    )
    services.request_open(request=request, actor=buyer_user)

    run = services.match_run_start(trigger="integration test")

    def finished() -> bool:
        run.refresh_from_db()
        return run.status in (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED)

    assert wait_for(finished, seconds=JOB_DONE_SECONDS, interval=0.5), celery_worker.read_text()
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    assert run.shards_done == run.shards_total
    assert Proposal.objects.filter(request=request).count() == 2
