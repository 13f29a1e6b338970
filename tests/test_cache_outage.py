"""With Redis away, the cache answers as an empty one and nothing that needs it fails:
throttles let requests through and log it, log-in, sessions and the lockout (all in the
database) work as before. Redis is "away" here as a closed port on loopback, so the
client really fails to connect; tests/integration/test_redis_outage.py stops a real one.
"""

import importlib
import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.urls import reverse

from sme_platform import cache as tolerant_cache
from sme_platform import throttles
from sme_platform.cache import OUTAGE, TolerantRedisCache
from tests.factories import TEST_PASSWORD

# Port 1 on loopback: nothing listens there, so every connection is refused at once.
CLOSED = "redis://127.0.0.1:1/0"
TOLERANT = "sme_platform.cache.TolerantRedisCache"
PLAIN = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture(autouse=True)
def fresh_outage_state() -> Iterator[None]:
    OUTAGE.reset()
    yield
    OUTAGE.reset()


@pytest.fixture
def redis_down(settings):
    """The cache of the settings, on a Redis that refuses every connection."""
    settings.CACHES = {"default": {"BACKEND": TOLERANT, "LOCATION": CLOSED}}


@pytest.fixture
def raising_cache_down(settings):
    """Django's own Redis cache, which raises on every call while Redis is away."""
    settings.CACHES = {"default": {"BACKEND": PLAIN, "LOCATION": CLOSED}}


@pytest.fixture
def low_rates(monkeypatch):
    rates = {**throttles.AnonRateThrottle.THROTTLE_RATES, "anon": "2/minute", "user": "2/minute"}
    for throttle in (throttles.AnonRateThrottle, throttles.UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)


def warnings_from(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


# THE CACHE
# ------------------------------------------------------------------------------


def test_with_redis_the_settings_use_the_tolerant_cache_with_short_timeouts(monkeypatch):
    from sme_platform.settings import base

    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    monkeypatch.setenv("BROKER_TIMEOUT", "0.25")
    try:
        with_redis = importlib.reload(base)
        cache_settings = with_redis.CACHES["default"]
    finally:
        monkeypatch.undo()
        importlib.reload(base)

    assert cache_settings["BACKEND"] == TOLERANT
    assert cache_settings["LOCATION"] == "redis://redis.internal:6379/0"
    assert cache_settings["OPTIONS"] == {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}


def test_an_unreachable_cache_answers_as_an_empty_one(redis_down):
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_or_set("k", "computed") == "computed"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.add("k", 1) is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    cache.set("k", 1)
    cache.delete_many(["a", "b"])
    cache.clear()
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")


def test_the_outage_is_logged_once_not_on_every_read(redis_down, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            cache.get("k")
            OUTAGE.pause_until = 0.0  # ask Redis each time, as after each pause

    [warning] = warnings_from(caplog, "sme_platform.cache")
    assert "The cache does not answer" in warning.getMessage()
    assert "ConnectionError on get" in warning.getMessage()


def test_after_a_failure_the_cache_stops_asking_for_a_moment(monkeypatch):
    attempts = []
    backend = TolerantRedisCache(CLOSED, {})

    def refused(*args, **kwargs):
        attempts.append(args)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(RedisCacheClient, "get", refused)

    for _ in range(10):
        assert backend.get("k") is None

    # one timeout waited out, not ten: what matters for a Redis that hangs
    assert len(attempts) == 1


def test_the_return_of_redis_is_logged_and_the_cache_works_again(monkeypatch, caplog):
    backend = TolerantRedisCache(CLOSED, {})
    store: dict = {}
    calls = {"n": 0}

    def flaky_get(client, key, default=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("refused")
        return store.get(key, default)

    monkeypatch.setattr(RedisCacheClient, "get", flaky_get)
    monkeypatch.setattr(tolerant_cache, "PAUSE_SECONDS", 0.0)

    with caplog.at_level(logging.WARNING):
        assert backend.get("k", "miss") == "miss"
        store[backend.make_and_validate_key("k")] = "value"
        assert backend.get("k") == "value"

    messages = [r.getMessage() for r in warnings_from(caplog, "sme_platform.cache")]
    assert messages[-1] == "The cache answers again."


# THROTTLES
# ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_throttle_counts_while_the_cache_answers(api_client, low_rates):
    url = reverse("api:taxonomy-hs")

    statuses = [api_client.get(url).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_throttles_let_requests_through_while_the_cache_is_away(
    api_client, low_rates, redis_down, caplog
):
    url = reverse("api:taxonomy-hs")

    with caplog.at_level(logging.WARNING):
        statuses = [api_client.get(url).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert warnings_from(caplog, "sme_platform.cache")


@pytest.mark.django_db
def test_throttles_fail_open_over_a_cache_that_raises(
    api_client, low_rates, raising_cache_down, caplog
):
    url = reverse("api:taxonomy-hs")

    with caplog.at_level(logging.WARNING):
        statuses = [api_client.get(url).status_code for _ in range(3)]

    assert statuses == [200] * 3
    [first, *_] = warnings_from(caplog, "sme_platform.throttles")
    assert "lets a request through" in first.getMessage()


def test_the_api_uses_the_fail_open_throttles():
    from rest_framework.settings import api_settings

    for throttle in api_settings.DEFAULT_THROTTLE_CLASSES:
        assert issubclass(throttle, throttles.FailOpenThrottle)
    for throttle in throttles.SCOPED_THROTTLES:
        assert issubclass(throttle, throttles.FailOpenThrottle)
    assert issubclass(throttles.PageRateThrottle, throttles.FailOpenThrottle)


# LOG-IN, SESSIONS AND LOCKOUT, WITH A CACHE THAT RAISES ON EVERY CALL
# ------------------------------------------------------------------------------
# Django's own Redis cache raises while Redis is away: if anything on the log-in path
# other than the (fail-open) throttles read the cache, these would answer 500.


def test_sessions_live_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


@pytest.mark.django_db
def test_log_in_and_the_session_work_without_the_cache(client, supplier_user, raising_cache_down):
    response = client.post(
        reverse("login"), {"username": supplier_user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == supplier_user


@pytest.mark.django_db
def test_the_lockout_holds_without_the_cache(client, supplier_user, raising_cache_down):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": supplier_user.email, "password": "wrong"})

    response = client.post(
        reverse("login"), {"username": supplier_user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_token_api_works_without_the_cache(api_client, supplier_user, raising_cache_down):
    response = api_client.post(
        reverse("api:auth-token"),
        {"email": supplier_user.email, "password": TEST_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["token"]
