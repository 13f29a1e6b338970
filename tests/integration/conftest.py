"""Integration tests talk to a real PostgreSQL, Redis and Celery worker.

On a developer's machine without those services they skip and say why. CI sets
``REQUIRE_SERVICES=1``: there a missing service is a failure, never a silent skip.
"""

import os

import pytest
from django.conf import settings
from django.db import connection


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
