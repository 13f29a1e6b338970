"""A Redis cache that a Redis outage turns into an empty cache, never into an error.

Nothing the platform keeps in the cache is the only copy: throttle counters, import
progress, rendered fragments and counts can all be recomputed or done without. So while
Redis does not answer, every read is a miss (``get`` gives the default), every write is
dropped, and the page or API call carries on: throttles that count in the cache let the
client through (they fail open), cached fragments are drawn afresh. The first failure
logs a warning, then one a minute while the outage lasts, and the return of Redis is
logged too.

For a hung Redis, each connection gives up after ``OPTIONS["socket_timeout"]`` (the
settings use ``BROKER_TIMEOUT``), and after a failure the cache does not ask again for
``PAUSE_SECONDS``: a page that reads the cache ten times waits out one timeout, not ten.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

__all__ = ["CACHE_ERRORS", "PAUSE_SECONDS", "WARN_EVERY_SECONDS", "TolerantRedisCache"]

logger = logging.getLogger(__name__)

# What the redis client raises when the server is away, slow or still loading its data.
CACHE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
# After a failure, operations answer as a miss without trying Redis for this long.
PAUSE_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0

Result = TypeVar("Result")


class _Outage:
    """What this process knows of the cache server's health, shared by its threads (and by
    every alias of this backend: the project has one cache server)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down = False
        self.pause_until = 0.0
        self.warned_at = float("-inf")
        self.failures = 0

    def paused(self) -> bool:
        return self.down and time.monotonic() < self.pause_until

    def failed(self, operation: str, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self.down = True
            self.pause_until = now + PAUSE_SECONDS
            self.failures += 1
            if now - self.warned_at < WARN_EVERY_SECONDS:
                return
            self.warned_at = now
            failures, self.failures = self.failures, 0
        logger.warning(
            "The cache does not answer (%s on %s; %d failure(s) since the last warning): "
            "reads are misses, writes are dropped and throttles let requests through "
            "until it does. %s",
            type(error).__name__,
            operation,
            failures,
            error,
        )

    def answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            was_down, self.down = self.down, False
            self.warned_at = float("-inf")
            self.failures = 0
        if was_down:
            logger.warning("The cache answers again.")

    def reset(self) -> None:
        with self._lock:
            self.down = False
            self.pause_until = 0.0
            self.warned_at = float("-inf")
            self.failures = 0


OUTAGE = _Outage()


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is away."""

    def _tolerant(self, operation: str, call: Callable[[], Result], default: Result) -> Result:
        if OUTAGE.paused():
            return default
        try:
            result = call()
        except CACHE_ERRORS as error:
            OUTAGE.failed(operation, error)
            return default
        OUTAGE.answered()
        return result

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._tolerant(
            "add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._tolerant(
            "get", lambda: super(TolerantRedisCache, self).get(key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._tolerant(
            "set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._tolerant(
            "touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._tolerant(
            "delete", lambda: super(TolerantRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._tolerant(
            "get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._tolerant(
            "has_key", lambda: super(TolerantRedisCache, self).has_key(key, version), False
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        missing = object()
        value = self._tolerant(
            "incr", lambda: super(TolerantRedisCache, self).incr(key, delta, version), missing
        )
        if value is missing:
            # What a missing key raises, so a caller's "start the counter" path runs.
            raise ValueError(f"Key '{key}' not found (the cache does not answer)")
        return cast(int, value)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._tolerant(
            "set_many",
            lambda: super(TolerantRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._tolerant(
            "delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version), None
        )

    def clear(self) -> None:
        self._tolerant("clear", lambda: super(TolerantRedisCache, self).clear(), None)
