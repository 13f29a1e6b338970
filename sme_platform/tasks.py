"""What every app's jobs share: which errors are worth a retry, how often, and what a
job leaves behind when it fails for good.

Every job is declared ``@shared_task(base=PlatformTask, name="<app>.<function>")``. A
job whose object shows its state to a person (a match run, a member import) also
names ``on_permanent_failure``: a callable ``(arguments, error)`` that records the
FAILED state, where ``arguments`` are the job's own arguments by name and ``error``
reads ``"ExceptionType: message"``.
"""

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import kombu.exceptions
import redis.exceptions
from celery import Task, shared_task
from celery.exceptions import Ignore, Reject, Retry
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

FailureRecorder = Callable[[Mapping[str, Any], str], None]

# Database, broker and mail server hiccups: the same job may well succeed a little later.
# OSError covers smtplib's errors and the builtin ConnectionError and TimeoutError; the
# redis client's own connection errors do not derive from them.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    OSError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
# OSErrors about a missing or forbidden file say the same on every attempt.
NOT_TRANSIENT: tuple[type[BaseException], ...] = (
    FileNotFoundError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)
MAX_RETRIES = 5
# A database outage (a restart, a fail-over) lasts minutes where the other hiccups last
# seconds: a job that cannot reach the database keeps retrying, with the same capped and
# jittered backoff, for about an hour (at most two) before it counts as failed, so an
# outage marks nothing FAILED.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
DATABASE_MAX_RETRIES = 20

# Celery's own control flow, not a failure: a retry already scheduled, or a job told to
# stop without an outcome.
_NOT_A_FAILURE = (Retry, Ignore, Reject)
_RECORDED = "platform_task_failure_recorded"


def error_text(exc: BaseException) -> str:
    """How a failure reads on the page that shows it."""
    return f"{type(exc).__name__}: {exc}"


class PlatformTask(Task):
    """The retry policy and the permanent-failure path of every job in the project.

    A transient error is retried with exponential backoff and full jitter, so that
    workers that lost the database together do not all come back in the same second,
    up to ``MAX_RETRIES`` times (``DATABASE_MAX_RETRIES`` for a database that does not
    answer). Any other error, or a transient one that outlived its retries, is
    permanent: ``on_permanent_failure`` is called once, then the error is raised as
    usual so that Celery records it too.
    """

    autoretry_for = TRANSIENT
    dont_autoretry_for = NOT_TRANSIENT
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = MAX_RETRIES

    on_permanent_failure: ClassVar[FailureRecorder | None] = None

    def retry(self, *args: Any, exc: BaseException | None = None, **options: Any) -> Any:
        outage = options.get("max_retries") is None and isinstance(exc, DATABASE_ERRORS)
        if outage:
            options["max_retries"] = DATABASE_MAX_RETRIES
        try:
            return super().retry(*args, exc=exc, **options)
        finally:
            if outage:
                # Celery keeps an explicit limit on the task object, shared by every later
                # run in the process: the next error of another kind gets its own budget.
                self.__dict__.pop("override_max_retries", None)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # A worker, or apply() in eager mode, has already pushed the request (with its id
        # and retry count) and calls the task itself; Task.__call__ would push a bare one
        # over it, and retry() would then take every attempt for a direct call.
        try:
            if self.request.called_directly:
                return super().__call__(*args, **kwargs)
            return self.run(*args, **kwargs)
        except _NOT_A_FAILURE:
            raise
        except Exception as exc:
            # Retries, when any were left, were scheduled above as Retry: what reaches here
            # is final for this job.
            self._record_permanent_failure(args, kwargs, exc)
            raise

    def _record_permanent_failure(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], exc: Exception
    ) -> None:
        # Read through the class: a plain function stored as a task option would otherwise
        # bind to the task as a method.
        recorder = type(self).on_permanent_failure
        # A job run inside this one (a chord run eagerly) that already recorded the error
        # said more precisely where it happened.
        if recorder is None or getattr(exc, _RECORDED, False):
            return
        try:
            recorder(self._arguments(args, kwargs), error_text(exc))
            setattr(exc, _RECORDED, True)
        except Exception:
            # The job's own error matters more than why it could not be recorded.
            logger.exception("Could not record the failure of %s", self.name)

    def _arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Mapping[str, Any]:
        try:
            bound = inspect.signature(self.run).bind(*args, **kwargs)
        except TypeError:
            return dict(kwargs)
        return bound.arguments


@shared_task(base=PlatformTask, bind=True, name="sme_platform.sweep_outbox_task")
def sweep_outbox_task(self: Task) -> int:
    """Send again the jobs whose enqueue failed, now that the broker answers."""
    from sme_platform.outbox import sweep_outbox

    return sweep_outbox(app=self.app)
