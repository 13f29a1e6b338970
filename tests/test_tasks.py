"""Every job's retry policy and permanent-failure path (sme_platform.tasks.PlatformTask).

Jobs run eagerly in the tests: ``.delay()`` goes through Celery's tracer as a worker
would. The test settings make an eager job raise at once, even a Retry; the tests of
retries turn that off, so that Celery runs each retry in turn (without waiting out its
countdown) and the result raises the last error.
"""

import smtplib
from collections.abc import Callable, Iterator
from typing import Any

import kombu.exceptions
import pytest
import redis.exceptions
from celery.app import autoretry
from django.db import IntegrityError, InterfaceError, OperationalError
from django.urls import reverse

from clusters import services as cluster_services
from clusters import tasks as cluster_tasks
from clusters.models import MemberImport
from companies import tasks as company_tasks
from companies.models import Invitation
from consortia import services as consortium_services
from consortia import tasks as consortium_tasks
from consortia.models import Broadcast
from matching import services as matching_services
from matching import tasks as matching_tasks
from matching.models import MatchRun
from notifications import tasks as notification_tasks
from sme_platform import tasks as platform_tasks
from sme_platform.celery import app
from sme_platform.tasks import DATABASE_MAX_RETRIES, MAX_RETRIES, PlatformTask
from tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db

TASK_MODULES = [
    company_tasks,
    notification_tasks,
    cluster_tasks,
    matching_tasks,
    consortium_tasks,
    platform_tasks,
]


def project_tasks() -> Iterator[Any]:
    modules = {module.__name__ for module in TASK_MODULES}
    return (task for task in app.tasks.values() if type(task).__module__ in modules)


class Failing:
    """A stand-in service that raises ``error`` (``times`` times, or always)."""

    def __init__(self, error: BaseException, times: int | None = None, then: Any = None):
        self.error, self.times, self.then = error, times, then
        self.calls = 0

    def __call__(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.times is None or self.calls <= self.times:
            raise self.error
        return self.then


class Counting:
    """The real service, counting its calls."""

    def __init__(self, real: Callable[..., Any]):
        self.real = real
        self.calls = 0

    def __call__(self, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(**kwargs)


@pytest.fixture
def eager_retries() -> Iterator[None]:
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


@pytest.fixture
def run(staff_user) -> MatchRun:
    return MatchRun.objects.create(started_by=staff_user)


@pytest.fixture
def member_import(cluster, manager) -> MemberImport:
    return MemberImport.objects.create(cluster=cluster, uploaded_by=manager, file_name="m.csv")


# THE POLICY
# ------------------------------------------------------------------------------


def test_every_job_uses_the_platform_task_under_a_name_that_says_it_is_one():
    jobs = list(project_tasks())

    assert len(jobs) == 21
    for job in jobs:
        function = type(job).__name__
        assert isinstance(job, PlatformTask), job.name
        assert function.endswith("_task"), job.name
        assert job.name == f"{type(job).__module__.split('.')[0]}.{function}"


def test_every_scheduled_job_is_a_registered_job(settings):
    registered = {job.name for job in project_tasks()}

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled <= registered


def test_the_policy_retries_with_jitter_and_a_limit():
    job = matching_tasks.learn_weights_task

    assert job.retry_jitter is True
    assert job.retry_backoff is True
    assert job.max_retries == MAX_RETRIES == 5


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        ConnectionError("connection refused"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        kombu.exceptions.OperationalError("broker unreachable"),
        redis.exceptions.ConnectionError("Error 111 connecting to redis:6379"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_transient_error_is_retried_with_jittered_backoff(monkeypatch, eager_retries, error):
    service = Failing(error, times=2)
    monkeypatch.setattr(matching_services, "weights_learn", service)
    backoffs = []
    real_backoff = autoretry.get_exponential_backoff_interval

    def backoff(**kwargs: Any) -> int:
        backoffs.append(kwargs)
        return real_backoff(**kwargs)

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", backoff)

    assert matching_tasks.learn_weights_task.delay().get() is None

    assert service.calls == 3
    assert [b["retries"] for b in backoffs] == [0, 1]
    assert all(b["full_jitter"] is True for b in backoffs)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError('connection to server at "db", port 5432 failed: Connection refused'),
        InterfaceError("connection already closed"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_database_outage_is_retried_far_longer_than_a_hiccup(monkeypatch, eager_retries, error):
    # given a database that stays away for more retries than any other error is given
    service = Failing(error, times=MAX_RETRIES + 3, then=None)
    monkeypatch.setattr(matching_services, "weights_learn", service)
    backoffs = []
    real_backoff = autoretry.get_exponential_backoff_interval

    def backoff(**kwargs: Any) -> int:
        backoffs.append(real_backoff(**{**kwargs, "full_jitter": False}))
        return 0

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", backoff)

    # when it comes back, the job completes
    assert matching_tasks.learn_weights_task.delay().get() is None

    assert service.calls == MAX_RETRIES + 4
    # ... having waited longer each time, up to the cap
    assert backoffs == sorted(backoffs)
    assert DATABASE_MAX_RETRIES > MAX_RETRIES


def test_the_outage_budget_covers_about_an_hour_of_backoff():
    job = matching_tasks.learn_weights_task
    ceilings = [min(job.retry_backoff_max, 2**n) for n in range(DATABASE_MAX_RETRIES)]

    # full jitter waits half the ceiling on average
    assert 45 * 60 <= sum(ceilings) / 2 <= 75 * 60


def test_a_hiccup_of_the_broker_keeps_the_short_budget(monkeypatch, eager_retries):
    service = Failing(kombu.exceptions.OperationalError("broker unreachable"))
    monkeypatch.setattr(matching_services, "weights_learn", service)

    with pytest.raises(kombu.exceptions.OperationalError):
        matching_tasks.learn_weights_task.delay().get()

    assert service.calls == MAX_RETRIES + 1


@pytest.mark.parametrize(
    "error",
    [ValueError("bad weights"), FileNotFoundError("no such file")],
    ids=lambda error: type(error).__name__,
)
def test_a_permanent_error_is_not_retried(monkeypatch, eager_retries, error):
    service = Failing(error)
    monkeypatch.setattr(matching_services, "weights_learn", service)

    with pytest.raises(type(error)):
        matching_tasks.learn_weights_task.delay().get()

    assert service.calls == 1


def test_a_job_is_acknowledged_only_once_it_ends_and_handed_out_again_if_its_worker_dies(
    settings,
):
    # A worker killed mid-job leaves the message unacknowledged; a pool process killed
    # mid-job makes its worker give the message back (tests/integration/test_job_faults.py).
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    # Redis hands an unacknowledged message out again after an hour, longer than any job.
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] == settings.BROKER_VISIBILITY_TIMEOUT == 3600
    assert options["unacked_restore_interval"] == settings.BROKER_RESTORE_EVERY == 60


def test_retry_countdowns_are_jittered_and_bounded(monkeypatch, eager_retries, settings):
    monkeypatch.setattr(matching_services, "weights_learn", Failing(TimeoutError("timed out")))
    countdowns: list[int] = []
    real_retry = PlatformTask.retry

    def retry(self: PlatformTask, *args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        return real_retry(self, *args, **kwargs)

    monkeypatch.setattr(PlatformTask, "retry", retry)

    runs = []
    for _ in range(10):
        countdowns.clear()
        with pytest.raises(TimeoutError):
            matching_tasks.learn_weights_task.delay().get()
        # The last call finds no retry left and raises the error instead.
        assert len(countdowns) == MAX_RETRIES + 1
        runs.append(tuple(countdowns[:MAX_RETRIES]))

    # each of the MAX_RETRIES waits is drawn between 0 and 2^attempt seconds...
    for waits in runs:
        for attempt, wait in enumerate(waits):
            assert 0 <= wait <= 2**attempt
    # ... at random, so that workers that failed together do not retry together
    assert len(set(runs)) > 1
    # ... and never longer than the broker keeps a message it handed out: a retry
    # waiting past it would be handed to a second worker as well.
    assert PlatformTask.retry_backoff_max == 600
    assert (
        autoretry.get_exponential_backoff_interval(
            factor=1, retries=40, maximum=PlatformTask.retry_backoff_max, full_jitter=False
        )
        == 600
    )
    assert PlatformTask.retry_backoff_max < settings.BROKER_VISIBILITY_TIMEOUT


@pytest.mark.parametrize(
    ("job", "service_name", "args"),
    [
        (matching_tasks.match_request_task, "match_one_request", (1,)),
        (matching_tasks.match_supplier_task, "match_one_supplier", (1,)),
    ],
    ids=["request", "supplier"],
)
def test_a_match_job_that_loses_a_race_for_a_unique_row_runs_again(
    monkeypatch, eager_retries, job, service_name, args
):
    service = Failing(
        IntegrityError('duplicate key value violates unique constraint "proposal_once"'),
        times=1,
        then=matching_services.ApplyCounts() if service_name == "match_one_request" else 0,
    )
    monkeypatch.setattr(matching_services, service_name, service)

    job.delay(*args).get()

    assert service.calls == 2


def test_a_unique_row_collision_elsewhere_is_a_permanent_error(monkeypatch, eager_retries):
    service = Failing(IntegrityError("duplicate key value"))
    monkeypatch.setattr(matching_services, "weights_learn", service)

    with pytest.raises(IntegrityError):
        matching_tasks.learn_weights_task.delay().get()

    assert service.calls == 1


# MATCH RUNS
# ------------------------------------------------------------------------------


def test_a_permanent_error_records_the_run_failed_once(monkeypatch, run):
    prepare = Failing(ValueError("index storage is read-only"))
    fail = Counting(matching_services.match_run_fail)
    monkeypatch.setattr(matching_services, "match_run_prepare", prepare)
    monkeypatch.setattr(matching_services, "match_run_fail", fail)

    with pytest.raises(ValueError, match="read-only"):
        matching_tasks.run_full_match_task.delay(run.pk)

    assert (prepare.calls, fail.calls) == (1, 1)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.error == "ValueError: index storage is read-only"
    assert run.finished_at is not None


def test_exhausted_retries_leave_the_run_failed(monkeypatch, eager_retries, run):
    prepare = Failing(OperationalError("could not connect to server"))
    fail = Counting(matching_services.match_run_fail)
    monkeypatch.setattr(matching_services, "match_run_prepare", prepare)
    monkeypatch.setattr(matching_services, "match_run_fail", fail)

    with pytest.raises(OperationalError):
        matching_tasks.run_full_match_task.delay(run.pk).get()

    # a database that does not answer is given the longer budget of an outage
    assert (prepare.calls, fail.calls) == (DATABASE_MAX_RETRIES + 1, 1)
    run.refresh_from_db()
    assert (run.status, run.error) == (
        MatchRun.Status.FAILED,
        "OperationalError: could not connect to server",
    )


def test_a_run_recovering_within_its_retries_does_not_fail(monkeypatch, eager_retries, run):
    prepare = Failing(OperationalError("the database system is starting up"), times=1, then=[])
    monkeypatch.setattr(matching_services, "match_run_prepare", prepare)
    monkeypatch.setattr(matching_services, "match_run_finish", lambda **kwargs: run)

    matching_tasks.run_full_match_task.delay(run.pk).get()

    assert prepare.calls == 2
    run.refresh_from_db()
    assert run.status != MatchRun.Status.FAILED
    assert run.error == ""


def test_a_failed_shard_and_a_failed_merge_say_which_step_failed(monkeypatch, run):
    monkeypatch.setattr(matching_services, "match_run_shard", Failing(MemoryError("boom")))
    monkeypatch.setattr(matching_services, "match_run_finish", Failing(KeyError("42")))

    with pytest.raises(MemoryError):
        matching_tasks.match_shard_task.delay(run.pk, 2, 4, [])
    run.refresh_from_db()
    assert run.error == "shard 2: MemoryError: boom"

    with pytest.raises(KeyError):
        matching_tasks.merge_match_shards_task.delay([], run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (MatchRun.Status.FAILED, "merge: KeyError: '42'")


def test_a_failure_that_cannot_be_recorded_still_raises_the_jobs_own_error(monkeypatch, run):
    monkeypatch.setattr(matching_services, "match_run_prepare", Failing(ValueError("broken")))
    monkeypatch.setattr(matching_services, "match_run_fail", Failing(InterfaceError("gone")))

    with pytest.raises(ValueError, match="broken"):
        matching_tasks.run_full_match_task.delay(run.pk)


def test_staff_see_the_failed_run_and_its_error(client, monkeypatch, staff_user, run):
    monkeypatch.setattr(matching_services, "match_run_prepare", Failing(ValueError("no disk")))
    with pytest.raises(ValueError, match="no disk"):
        matching_tasks.run_full_match_task.delay(run.pk)
    client.force_login(staff_user)

    page = client.get(reverse("match-run-list")).content.decode()

    assert "Failed" in page
    assert "ValueError: no disk" in page


def test_a_shard_failing_inside_an_eager_run_keeps_its_own_error(monkeypatch, settings, run):
    settings.MATCH_SHARDS = 2
    monkeypatch.setattr(matching_services, "match_run_prepare", lambda **kwargs: [])
    monkeypatch.setattr(matching_services, "match_run_shard", Failing(MemoryError("boom")))

    with pytest.raises(MemoryError):
        matching_tasks.run_full_match_task.delay(run.pk)

    run.refresh_from_db()
    assert (run.status, run.error) == (MatchRun.Status.FAILED, "shard 0: MemoryError: boom")


# MEMBER IMPORTS
# ------------------------------------------------------------------------------


def test_a_permanent_error_records_the_import_failed_once(monkeypatch, member_import):
    fail = Counting(cluster_services.member_import_fail)
    monkeypatch.setattr(cluster_services, "member_import_run_apply", Failing(RuntimeError("boom")))
    monkeypatch.setattr(cluster_services, "member_import_fail", fail)

    with pytest.raises(RuntimeError):
        cluster_tasks.apply_member_import_task.delay(member_import.pk)

    assert fail.calls == 1
    member_import.refresh_from_db()
    assert (member_import.status, member_import.error) == (
        MemberImport.Status.FAILED,
        "RuntimeError: boom",
    )


def test_exhausted_retries_leave_the_import_failed(monkeypatch, eager_retries, member_import):
    process = Failing(ConnectionError("connection reset by peer"))
    monkeypatch.setattr(cluster_services, "member_import_process", process)

    with pytest.raises(ConnectionError):
        cluster_tasks.run_member_import_task.delay(member_import.pk).get()

    assert process.calls == MAX_RETRIES + 1
    member_import.refresh_from_db()
    assert member_import.status == MemberImport.Status.FAILED
    assert member_import.error == "ConnectionError: connection reset by peer"


def test_the_manager_sees_the_failed_import_and_its_error(
    client, monkeypatch, cluster, manager, member_import
):
    monkeypatch.setattr(cluster_services, "member_import_process", Failing(ValueError("odd file")))
    with pytest.raises(ValueError, match="odd file"):
        cluster_tasks.run_member_import_task.delay(member_import.pk)
    client.force_login(manager)

    page = client.get(
        reverse("cluster-import-detail", args=[cluster.slug, member_import.pk])
    ).content.decode()

    assert "ValueError: odd file" in page


# BROADCASTS
# ------------------------------------------------------------------------------


@pytest.fixture
def broadcast(cluster) -> Broadcast:
    # Sent, its delivery job queued on a commit that never comes in this test.
    return BroadcastFactory(cluster=cluster)


def test_a_broadcast_whose_delivery_fails_for_good_is_not_sent_and_says_why(
    client, monkeypatch, cluster, manager, broadcast
):
    monkeypatch.setattr(
        consortium_services, "broadcast_deliver", Failing(ValueError("no such template"))
    )

    with pytest.raises(ValueError, match="no such template"):
        consortium_tasks.deliver_broadcast_task.delay(broadcast.pk)

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.error) == (
        Broadcast.Status.FAILED,
        "ValueError: no such template",
    )
    client.force_login(manager)
    page = client.get(
        reverse("cluster-broadcast-detail", args=[cluster.slug, broadcast.pk])
    ).content.decode()
    assert "not sent" in page
    assert "ValueError: no such template" in page


def test_a_broadcast_whose_delivery_outlives_its_retries_is_not_sent(
    monkeypatch, eager_retries, broadcast
):
    service = Failing(OperationalError("could not connect to server"))
    monkeypatch.setattr(consortium_services, "broadcast_deliver", service)

    with pytest.raises(OperationalError):
        consortium_tasks.deliver_broadcast_task.delay(broadcast.pk).get()

    # A lost database is waited out longer than other transient errors.
    assert service.calls == DATABASE_MAX_RETRIES + 1
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.FAILED
    assert broadcast.error == "OperationalError: could not connect to server"


def test_a_broadcast_delivered_after_a_hiccup_is_sent(monkeypatch, eager_retries, broadcast):
    real = consortium_services.broadcast_deliver
    calls = []

    def deliver_after_a_hiccup(**kwargs: Any) -> int:
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(consortium_services, "broadcast_deliver", deliver_after_a_hiccup)

    assert consortium_tasks.deliver_broadcast_task.delay(broadcast.pk).get() == 1

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.error) == (Broadcast.Status.SENT, "")


def test_a_late_failure_leaves_a_broadcast_delivered_in_full_sent(broadcast):
    consortium_services.broadcast_deliver(broadcast_id=broadcast.pk)

    consortium_services.broadcast_fail(broadcast_id=broadcast.pk, error="ValueError: late")

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.error) == (Broadcast.Status.SENT, "")


# RUNNING TWICE
# ------------------------------------------------------------------------------


def test_an_invitation_job_run_twice_sends_one_e_mail(mailoutbox, supplier_user):
    invitation = Invitation.objects.create(
        organisation=supplier_user.organisation,
        email="colleague@twice.example",
        invited_by=supplier_user,
    )

    company_tasks.send_invitation_task.delay(invitation.pk)
    company_tasks.send_invitation_task.delay(invitation.pk)

    assert [message.to for message in mailoutbox] == [["colleague@twice.example"]]
