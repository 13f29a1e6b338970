"""Staff's match runs: the page with progress, the start button, the API and the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun, Proposal
from tests.factories import ProductLineFactory, SupplierFactory, UserFactory
from tests.worlds import open_request_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_run(staff_user):
    now = timezone.now()
    return MatchRun.objects.create(
        started_by=staff_user,
        trigger="staff",
        status=MatchRun.Status.SUCCEEDED,
        shards_total=4,
        shards_done=4,
        requests_matched=12,
        proposals_created=37,
        proposals_updated=5,
        proposals_withdrawn=2,
        started_at=now - timedelta(seconds=42),
        finished_at=now,
    )


@pytest.fixture
def running_run():
    return MatchRun.objects.create(
        trigger="schedule",
        status=MatchRun.Status.RUNNING,
        shards_total=4,
        shards_done=1,
        started_at=timezone.now(),
    )


@pytest.fixture
def matchable(buyer_user):
    """Two knitters and an open request, so that a full run has something to do."""
    for name in ("Knit A", "Knit B"):
        org = SupplierFactory(
            legal_name=name, description="Cotton T-shirts, knitted and dyed in our own mill."
        )
        org.hs_codes.set(["610910"])
        ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=50_000)
    return open_request_for(buyer_user)


def non_staff(request, who):
    return request.getfixturevalue(who)


# PAGES
# ------------------------------------------------------------------------------


def test_page_lists_runs_with_status_progress_counts_and_duration(
    client, staff_user, finished_run, running_run
):
    client.force_login(staff_user)

    page = client.get(reverse("match-run-list")).content.decode()

    assert "Succeeded" in page
    assert "Running" in page
    assert "4/4" in page
    assert "1/4" in page
    assert '<progress data-field="progress" max="4" value="1">' in page
    assert "37 new · 5 updated · 2 withdrawn" in page
    assert "took 42.0 s" in page


def test_page_shows_a_failed_runs_error(client, staff_user):
    MatchRun.objects.create(status=MatchRun.Status.FAILED, error="shard 2: MemoryError: boom")
    client.force_login(staff_user)

    page = client.get(reverse("match-run-list")).content.decode()

    assert "Failed" in page
    assert "shard 2: MemoryError: boom" in page


def test_page_polls_while_a_run_is_active(client, staff_user, running_run):
    client.force_login(staff_user)

    page = client.get(reverse("match-run-list")).content.decode()

    assert 'id="active-runs"' in page
    assert reverse("api:match-run-list") in page
    assert 'http-equiv="refresh"' in page  # inside <noscript>, for browsers without scripts


def test_page_stops_polling_once_every_run_has_finished(client, staff_user, finished_run):
    client.force_login(staff_user)

    page = client.get(reverse("match-run-list")).content.decode()

    assert 'id="active-runs"' not in page
    assert 'http-equiv="refresh"' not in page


def test_run_detail_page_shows_the_run(client, staff_user, finished_run):
    client.force_login(staff_user)

    page = client.get(reverse("match-run-detail", args=[finished_run.pk])).content.decode()

    assert f"Match run #{finished_run.pk}" in page
    assert "4/4" in page


@pytest.mark.parametrize("who", ["buyer_user", "supplier_user", "cluster_body_user"])
def test_run_pages_are_404_to_non_staff(client, finished_run, who, request):
    client.force_login(non_staff(request, who))

    assert client.get(reverse("match-run-list")).status_code == 404
    assert client.get(reverse("match-run-detail", args=[finished_run.pk])).status_code == 404


def test_run_page_needs_a_login(client):
    response = client.get(reverse("match-run-list"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_staff_start_a_full_run_that_succeeds_shard_by_shard(
    client, staff_user, matchable, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("match-run-start"))

    assert response["Location"] == reverse("match-run-list")
    run = MatchRun.objects.get()
    assert (run.trigger, run.started_by) == ("staff", staff_user)
    assert run.status == MatchRun.Status.SUCCEEDED
    assert run.shards_total > 0
    assert run.shards_done == run.shards_total
    assert run.requests_matched == 1
    assert Proposal.objects.filter(request=matchable).count() == 2


@pytest.mark.parametrize("who", ["buyer_user", "supplier_user"])
def test_non_staff_cannot_start_a_run(client, who, request):
    client.force_login(non_staff(request, who))

    response = client.post(reverse("match-run-start"))

    assert response.status_code == 404
    assert not MatchRun.objects.exists()


def test_start_needs_a_post(client, staff_user):
    client.force_login(staff_user)

    assert client.get(reverse("match-run-start")).status_code == 405
    assert not MatchRun.objects.exists()


# API
# ------------------------------------------------------------------------------


def test_api_lists_runs_for_staff(api_as, staff_user, finished_run, running_run):
    response = api_as(staff_user).get(reverse("api:match-run-list"))

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[running_run.pk]["status"] == "running"
    assert (rows[running_run.pk]["shards_done"], rows[running_run.pk]["shards_total"]) == (1, 4)
    assert rows[running_run.pk]["progress"] == 0.25
    assert rows[finished_run.pk]["duration_seconds"] == pytest.approx(42.0)
    assert rows[finished_run.pk]["started_by"] == staff_user.email


def test_api_detail_of_a_run(api_as, staff_user, running_run):
    response = api_as(staff_user).get(reverse("api:match-run-detail", args=[running_run.pk]))

    assert response.status_code == 200
    assert response.json()["status_display"] == "Running"


def test_api_start_creates_a_run_that_succeeds(
    api_as, staff_user, matchable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(staff_user).post(reverse("api:match-run-list"))

    assert response.status_code == 201
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert run.status == MatchRun.Status.SUCCEEDED
    assert run.shards_done == run.shards_total > 0


@pytest.mark.parametrize("who", ["buyer_user", "supplier_user"])
def test_api_runs_are_404_to_non_staff(api_as, finished_run, who, request):
    client = api_as(non_staff(request, who))

    assert client.get(reverse("api:match-run-list")).status_code == 404
    assert client.get(reverse("api:match-run-detail", args=[finished_run.pk])).status_code == 404
    assert client.post(reverse("api:match-run-list")).status_code == 404
    assert MatchRun.objects.count() == 1


def test_api_runs_are_404_to_anonymous(api_client, finished_run):
    assert api_client.get(reverse("api:match-run-list")).status_code == 404
    assert api_client.post(reverse("api:match-run-list")).status_code == 404


def test_api_unknown_run_is_404(api_as, staff_user):
    assert api_as(staff_user).get(reverse("api:match-run-detail", args=[999])).status_code == 404


# ADMIN
# ------------------------------------------------------------------------------


def test_runs_are_in_the_admin(client, finished_run):
    admin = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(admin)

    changelist = client.get(reverse("admin:matching_matchrun_changelist"))
    change = client.get(reverse("admin:matching_matchrun_change", args=[finished_run.pk]))

    assert changelist.status_code == 200
    assert change.status_code == 200
