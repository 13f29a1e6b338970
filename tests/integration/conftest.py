"""Integration tests talk to a real PostgreSQL, Redis and Celery worker.

On a developer's machine without those services they skip and say why. CI sets
``REQUIRE_SERVICES=1``: there a missing service is a failure, never a silent skip.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sme_platform.celery import app as celery_app


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


@pytest.fixture
def celery_worker(transactional_db, worker_queue, tmp_path) -> Iterator[Path]:
    """A real worker process on the test database, listening only to ``worker_queue``."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sme_platform.settings.base",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_DEBUG": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ENGINE_STORAGE_ROOT": str(tmp_path / "engine"),
        # Jobs the worker itself sends (a chord's shards) must come back to it.
        "CELERY_TASK_DEFAULT_QUEUE": worker_queue,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery),
        "-A",
        "sme_platform",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        worker_queue,
        "-n",
        f"{worker_queue}@%h",
    ]
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        ready = wait_for(
            lambda: worker.poll() is not None or " ready." in log_path.read_text(),
            seconds=WORKER_READY_SECONDS,
        )
        if worker.poll() is not None or not ready:
            pytest.fail(f"The Celery worker did not start:\n{log_path.read_text()}", pytrace=False)
        yield log_path
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


@pytest.fixture
def jobs_through_broker(worker_queue) -> Iterator[None]:
    """Send jobs to Redis instead of running them in the test process (test settings
    make them eager), on the worker's own queue."""
    saved = {
        key: celery_app.conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.REDIS_URL
    celery_app.conf.task_default_queue = worker_queue
    try:
        yield
    finally:
        for key, value in saved.items():
            celery_app.conf[key] = value
