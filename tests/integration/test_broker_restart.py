"""The broker stops and starts again: writes made meanwhile answer at once, and their
jobs run once it is back.

A Redis of the test's own (``redis-server`` on port 7501, nothing saved to disk) is the
broker and result store of a real worker; the test stops that Redis, opens a request
and saves a supplier profile through the pages, starts Redis again, and the outbox
sweeper, run by the worker, sends what was pending. About 30 s on the 2-core machines.
"""

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db.models import F
from django.urls import reverse

from matching.models import Proposal, SourcingRequest
from notifications.models import Notification
from sme_platform.models import OutboxJob
from sme_platform.outbox import GRACE
from sme_platform.tasks import sweep_outbox_task
from tests.companies.test_pages_profile import edit_data
from tests.integration.conftest import JOB_DONE_SECONDS, wait_for
from tests.integration.knitwear import assert_told_once, draft

pytestmark = pytest.mark.integration

PORT = 7501
URL = f"redis://127.0.0.1:{PORT}/0"
# A user's write must answer well within this whatever the broker does.
ANSWER_SECONDS = 2


class OwnRedis:
    """A redis-server process of the test's own, stopped and started at will."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is not installed", pytrace=False)
        self.process = subprocess.Popen(
            [server, "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
            + ["no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(URL, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        if not wait_for(answers, seconds=10, interval=0.1):
            self.stop()
            pytest.fail(f"redis-server did not start on port {PORT}", pytrace=False)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker_url(own_redis) -> str:
    return URL


def test_writes_while_the_broker_is_down_answer_at_once_and_their_jobs_run_once_it_is_back(
    own_redis, knitters, knit_buyer, start_worker, jobs_through_broker, client
):
    worker = start_worker(env={"REDIS_URL": URL})
    request = draft(knit_buyer)
    supplier = knitters[0]
    supplier_user = supplier.users.get()

    # given the broker stops
    own_redis.stop()

    # when the buyer opens the request and a supplier saves its profile
    client.force_login(knit_buyer)
    started = time.monotonic()
    opened = client.post(reverse("request-open", kwargs={"pk": request.pk}))
    open_seconds = time.monotonic() - started
    client.force_login(supplier_user)
    started = time.monotonic()
    saved = client.post(
        reverse("organisation-edit", args=[supplier.pk]),
        edit_data(
            supplier, description="Cotton T-shirts and polo shirts, knitted.", hs_codes="610910"
        ),
    )
    save_seconds = time.monotonic() - started

    # then both answer at once, their writes are kept and their jobs wait in the outbox
    assert (opened.status_code, saved.status_code) == (302, 302)
    assert open_seconds < ANSWER_SECONDS
    assert save_seconds < ANSWER_SECONDS
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.OPEN
    supplier.refresh_from_db()
    assert supplier.description == "Cotton T-shirts and polo shirts, knitted."
    pending = OutboxJob.objects.filter(sent_at__isnull=True)
    assert set(pending.values_list("task_name", flat=True)) == {
        "matching.match_request_task",
        "matching.supplier_profile_changed_task",
    }
    assert all(job.last_error for job in pending)
    assert not Proposal.objects.filter(request=request).exists()

    # when the broker is back and beat's sweeper runs (the jobs aged past its grace)
    own_redis.start()
    OutboxJob.objects.filter(sent_at__isnull=True).update(
        created_at=F("created_at") - GRACE - timedelta(seconds=1)
    )
    sweep_outbox_task.delay()

    # then the worker sends the pending jobs again and runs them: the proposals appear
    def matched() -> bool:
        return Proposal.objects.filter(request=request).count() == len(knitters)

    assert wait_for(matched, seconds=JOB_DONE_SECONDS, interval=0.5), worker.log()

    def all_sent() -> bool:
        return not OutboxJob.objects.filter(sent_at__isnull=True).exists()

    assert wait_for(all_sent, seconds=JOB_DONE_SECONDS, interval=0.5), worker.log()
    assert "Task sme_platform.sweep_outbox_task[" in worker.log()
    assert_told_once(request, knitters)
    edited = Proposal.objects.get(request=request, supplier=supplier)
    assert Notification.objects.filter(key=f"proposal:{edited.pk}:new").count() == 1
