"""/healthz tells a load balancer or compose whether the database and broker answer."""

import pytest


@pytest.fixture
def no_broker(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def unreachable_broker(settings):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_reports_database_ok_and_eager_jobs_without_redis(client, no_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "cache": "local",
    }


@pytest.mark.django_db
def test_healthz_is_unavailable_when_the_broker_does_not_answer(client, unreachable_broker):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db
def test_healthz_is_unavailable_when_the_cache_does_not_answer(client, no_broker, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "sme_platform.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "eager",
        "cache": "down",
    }
    # the answer names no address (a cache URL may carry a password)
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_json_to_anonymous_visitors(client, no_broker):
    response = client.get("/healthz")

    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_healthz_refuses_writes(client, no_broker):
    response = client.post("/healthz")

    assert response.status_code == 405
