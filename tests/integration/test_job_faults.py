"""Match jobs that race, are delivered twice, or lose their worker mid-job, against
PostgreSQL, Redis and real worker processes: nothing is lost and nothing doubled.

Each test ends with exactly one proposal per (request, supplier), one notice per
supplier's proposal and one per buyer's summary, however the jobs were run.
Runtimes on the 2-core machines: the race ~10 s, each kill test ~20–30 s.
"""

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from companies.models import Organisation
from matching import services
from matching import tasks as matching_tasks
from matching.index_store import forget_loaded_index, index_build_full
from matching.models import Proposal, SourcingRequest
from matching.services import runs
from notifications.models import Notification
from sme_platform import outbox
from tests.integration.conftest import JOB_DONE_SECONDS, Worker, wait_for
from tests.integration.knitwear import assert_told_once, draft, job_state

pytestmark = pytest.mark.integration

ROUNDS = 12
# The worker's own, short enough to wait out in a test.
VISIBILITY_TIMEOUT = 5


# JOBS THAT RACE
# ------------------------------------------------------------------------------


def run_together(*jobs: Callable[[], Any]) -> list[BaseException]:
    """Run the jobs in threads of their own (each its own database connection); the
    errors they raised."""
    errors: list[BaseException] = []

    def run(job: Callable[[], Any]) -> None:
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - the test reports every error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOB_DONE_SECONDS)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.mark.parametrize("pair", ["the request's job twice", "the request's and a supplier's"])
def test_two_match_jobs_at_once_never_collide_and_tell_each_side_once(
    knitters, knit_buyer, monkeypatch, pair
):
    # given open requests whose jobs have not run yet
    with monkeypatch.context() as quiet:
        quiet.setattr(outbox, "outbox_send", lambda **kwargs: False)
        requests = [draft(knit_buyer, f"Cotton T-shirts {n}") for n in range(ROUNDS)]
        for request in requests:
            services.request_open(request=request, actor=knit_buyer)
    forget_loaded_index()
    index_build_full()
    runs.current_index()  # loaded once here, not by both threads at once

    # when two jobs reach the write for the same request at the same moment
    barrier = threading.Barrier(2, timeout=JOB_DONE_SECONDS)
    real_apply = runs.proposals_apply_match
    target: dict[str, int] = {}

    def apply_together(**kwargs: Any) -> Any:
        if kwargs["request"].pk == target["request"]:
            barrier.wait()
        return real_apply(**kwargs)

    monkeypatch.setattr(runs, "proposals_apply_match", apply_together)

    def request_job(request_id: int) -> Callable[[], Any]:
        return lambda: services.match_one_request(request_id=request_id)

    def supplier_job(supplier_id: int) -> Callable[[], Any]:
        return lambda: services.match_one_supplier(supplier_id=supplier_id)

    for request in requests:
        target["request"] = request.pk
        barrier.reset()
        if pair == "the request's job twice":
            other = request_job(request.pk)
        else:
            other = supplier_job(knitters[0].pk)
        errors = run_together(request_job(request.pk), other)

        # then neither failed, and each side was told once
        assert errors == []
        assert_told_once(request, knitters)
    if pair == "the request's job twice":
        for request in requests:
            summaries = Notification.objects.filter(key__startswith=f"request:{request.pk}:")
            assert summaries.count() == 1


# A WORKER KILLED MID-JOB
# ------------------------------------------------------------------------------


def slow_worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    marks = tmp_path / "attempts"
    marks.mkdir(exist_ok=True)
    return {
        "SLOW_JOB_DIR": str(marks),
        "SLOW_JOB_SECONDS": "60",
        "SLOW_JOB_ATTEMPTS": "1",
        "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        **extra,
    }


def attempt(tmp_path: Path, number: int) -> Path:
    return tmp_path / "attempts" / f"attempt-{number}"


def wait_mid_write(tmp_path: Path, request: SourcingRequest, worker: Worker) -> int:
    """Wait until the match job is inside its write; the pid of the process running it."""
    first = attempt(tmp_path, 1)
    assert wait_for(first.exists, seconds=JOB_DONE_SECONDS), worker.log()
    # The proposals are written but not committed: nothing shows yet.
    assert not Proposal.objects.filter(request=request).exists()
    return int(first.read_text())


def wait_matched(request: SourcingRequest, suppliers: list[Organisation], *logs: Worker) -> None:
    def done() -> bool:
        return Proposal.objects.filter(request=request).count() == len(suppliers)

    assert wait_for(done, seconds=JOB_DONE_SECONDS, interval=0.5), "\n".join(w.log() for w in logs)

    # The notices' e-mail jobs follow on the same worker.
    def mailed() -> bool:
        return not Notification.objects.filter(emailed_at__isnull=True).exists()

    assert wait_for(mailed, seconds=JOB_DONE_SECONDS, interval=0.5), logs[-1].log()


def successes(worker: Worker, task_name: str) -> int:
    return sum(
        1
        for line in worker.log().splitlines()
        if f"Task {task_name}[" in line and "succeeded" in line
    )


def test_a_pool_process_killed_mid_job_runs_the_job_again_and_twice_changes_nothing(
    knitters, knit_buyer, start_worker, jobs_through_broker, tmp_path
):
    worker = start_worker(
        pool="prefork", env=slow_worker_env(tmp_path), include=["tests.integration.slow_jobs"]
    )
    request = draft(knit_buyer)

    # when the request is opened and its job's pool process is killed mid-write
    services.request_open(request=request, actor=knit_buyer)
    pool_pid = wait_mid_write(tmp_path, request, worker)
    assert pool_pid != worker.pid
    os.kill(pool_pid, signal.SIGKILL)

    # then the worker hands the job out again at once, and it completes
    wait_matched(request, knitters, worker)
    assert attempt(tmp_path, 2).exists()
    assert "WorkerLostError" in worker.log()
    assert_told_once(request, knitters)
    once = job_state(request)

    # when the same job is delivered twice more
    matching_tasks.match_request_task.delay(request.pk)
    matching_tasks.match_request_task.delay(request.pk)

    # then the same rows remain and nobody is told again
    def ran_twice_more() -> bool:
        return successes(worker, "matching.match_request_task") == 3

    assert wait_for(ran_twice_more, seconds=JOB_DONE_SECONDS, interval=0.5), worker.log()
    assert job_state(request) == once


def test_a_whole_worker_killed_mid_job_gets_its_job_back_after_the_visibility_timeout(
    knitters, knit_buyer, start_worker, jobs_through_broker, tmp_path
):
    # The first worker never looks for abandoned jobs itself, so it cannot be killed
    # while holding the lock of that search; the second looks every second.
    first = start_worker(
        pool="prefork",
        env=slow_worker_env(tmp_path, BROKER_RESTORE_EVERY="600"),
        include=["tests.integration.slow_jobs"],
    )
    request = draft(knit_buyer)

    # when the request is opened and its worker, main process and pool, is killed mid-job
    services.request_open(request=request, actor=knit_buyer)
    wait_mid_write(tmp_path, request, first)
    first.kill_all()
    killed_at = time.monotonic()

    # then nothing was written, and a new worker gets the job once it has been out for
    # the visibility timeout
    assert not Proposal.objects.filter(request=request).exists()
    second = start_worker(
        pool="prefork",
        env=slow_worker_env(tmp_path, BROKER_RESTORE_EVERY="1"),
        include=["tests.integration.slow_jobs"],
    )
    wait_matched(request, knitters, first, second)
    retried = attempt(tmp_path, 2)
    assert retried.exists()
    assert retried.stat().st_mtime - attempt(tmp_path, 1).stat().st_mtime >= VISIBILITY_TIMEOUT - 1
    assert time.monotonic() - killed_at < JOB_DONE_SECONDS
    assert_told_once(request, knitters)
    assert Notification.objects.filter(key__startswith=f"request:{request.pk}:").count() == 1
