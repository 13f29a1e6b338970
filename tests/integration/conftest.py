"""Integration tests talk to a real PostgreSQL, Redis and Celery worker.

On a developer's machine without those services they skip and say why. CI sets
``REQUIRE_SERVICES=1``: there a missing service is a failure, never a silent skip.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection

from companies.models import Organisation, User
from companies.taxonomy import load_taxonomies
from sme_platform.celery import app as celery_app
from tests.factories import BuyerFactory, UserFactory
from tests.integration.knitwear import knitter


def missing_service() -> str | None:
    """What the integration tests need and do not have, or None when all is there."""
    if connection.vendor != "postgresql":
        return f"DATABASE_URL is not a PostgreSQL database (the database is {connection.vendor})"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {settings.REDIS_URL} does not answer ({exc})"
    return None


@pytest.fixture(autouse=True)
def _real_services_required() -> None:
    reason = missing_service()
    if reason is None:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(f"integration test needs PostgreSQL and Redis: {reason}")


PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKER_READY_SECONDS = 60
JOB_DONE_SECONDS = 60
WORKER_STOP_SECONDS = 20


def _test_database_url() -> str:
    """The URL of the database pytest-django created, which the worker must share."""
    db = connection.settings_dict
    credentials = db["USER"] or "postgres"
    if db["PASSWORD"]:
        credentials += f":{db['PASSWORD']}"
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def wait_for(predicate, *, seconds: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.fixture
def worker_queue() -> str:
    # A queue of its own, so messages left by other runs or other workers never mix in.
    return f"integration-{uuid.uuid4().hex[:12]}"


@dataclass
class Worker:
    """A Celery worker process the test started, in a process group of its own."""

    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text()

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill_all(self) -> None:
        """``kill -9`` on the main process and its pool alike, then reap them."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown; what does not end within its time is killed."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        # Pool processes outlive a main process that was killed: end the whole group.
        self.kill_all()


def worker_env(tmp_path: Path, queue: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sme_platform.settings.base",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_DEBUG": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ENGINE_STORAGE_ROOT": str(tmp_path / "engine"),
        # Jobs the worker itself sends (a chord's shards) must come back to it.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **extra,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


@pytest.fixture
def start_worker(transactional_db, worker_queue, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start real workers on the test database, listening only to ``worker_queue``.

    ``start_worker(pool="prefork", env={...}, include=[...])``: ``env`` adds to the
    worker's environment (``REDIS_URL``, ``BROKER_VISIBILITY_TIMEOUT`` …) and
    ``include`` names extra modules it imports. Every worker started is ended at
    teardown, killed if it does not stop.
    """
    started: list[Worker] = []

    def start(
        *, pool: str = "solo", env: dict[str, str] | None = None, include: Sequence[str] = ()
    ) -> Worker:
        number = len(started) + 1
        log_path = tmp_path / f"worker-{number}.log"
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "sme_platform",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            worker_queue,
            "-n",
            f"{worker_queue}-{number}@%h",
        ]
        if include:
            command += ["--include", ",".join(include)]
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=worker_env(tmp_path, worker_queue, **(env or {})),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(process, log_path)
        started.append(worker)
        ready = wait_for(
            lambda: not worker.alive() or " ready." in worker.log(), seconds=WORKER_READY_SECONDS
        )
        if not worker.alive() or not ready:
            pytest.fail(f"The Celery worker did not start:\n{worker.log()}", pytrace=False)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def celery_worker(start_worker) -> Path:
    """One worker (the solo pool) with the settings as they are; its log's path."""
    return start_worker().log_path


def _drop_broker_connections() -> None:
    """The app keeps its producers for the broker it first connected to; drop them, so
    that it connects to ``broker_url`` as it is now."""
    kombu.pools.reset()  # closes and forgets every pooled connection and producer
    # Celery has no public reset of the references it keeps to those pools.
    celery_app._pool = None  # noqa: SLF001
    celery_app.amqp._producer_pool = None  # noqa: SLF001


@pytest.fixture
def broker_url() -> str:
    """The Redis the test sends jobs through; a test with a Redis of its own overrides it."""
    return settings.REDIS_URL


@pytest.fixture
def jobs_through_broker(worker_queue, broker_url) -> Iterator[None]:
    """Send jobs to Redis instead of running them in the test process (test settings
    make them eager), on the worker's own queue."""
    saved = {
        key: celery_app.conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    _drop_broker_connections()
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker_url
    celery_app.conf.task_default_queue = worker_queue
    try:
        yield
    finally:
        _drop_broker_connections()
        for key, value in saved.items():
            celery_app.conf[key] = value


# THE FAULT TESTS' WORLD
# ------------------------------------------------------------------------------


@pytest.fixture
def knitters(transactional_db) -> list[Organisation]:
    """Two knitters that a T-shirt request matches (tests/integration/knitwear.py)."""
    load_taxonomies()  # transactional tests start from an empty database
    return [knitter("Saigon Knit"), knitter("Dhaka Knit")]


@pytest.fixture
def knit_buyer(transactional_db) -> User:
    return cast(User, UserFactory(organisation=BuyerFactory(legal_name="Hanse Apparel")))
