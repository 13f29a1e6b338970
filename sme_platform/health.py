"""Liveness and readiness: do the database, the broker and the cache answer.

The answer names each part ``ok`` or ``down`` (``eager`` and ``local`` when the site
runs without Redis) and nothing else: no address, no error text, which could carry a
host name or a password to whoever asks.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

# Long enough for a loaded Redis, short enough for a load balancer's probe.
PING_TIMEOUT_SECONDS = 1


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False
    return True


def _redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_timeout=PING_TIMEOUT_SECONDS, socket_connect_timeout=PING_TIMEOUT_SECONDS
        )
        client.ping()
    except Exception:  # noqa: BLE001
        return False
    return True


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "eager"
    return "ok" if _redis_answers(settings.REDIS_URL) else "down"


def _cache_status() -> str:
    if not isinstance(caches["default"], RedisCache):
        return "local"
    # Asked directly: the cache itself answers an outage as a miss, which hides it.
    location = settings.CACHES["default"]["LOCATION"]
    first = location[0] if isinstance(location, list | tuple) else location.split(",")[0]
    return "ok" if _redis_answers(first) else "down"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "down"
    broker = _broker_status()
    cache = _cache_status()
    healthy = database == "ok" and broker != "down" and cache != "down"
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "broker": broker,
            "cache": cache,
        },
        status=200 if healthy else 503,
    )
