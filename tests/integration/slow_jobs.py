"""Loaded by a test's own worker only (``celery worker --include``): slows the match
jobs' write down, so that a test can kill the worker in the middle of it.

Every attempt at writing a match (``proposals_apply_match``) writes its proposals,
then, before it commits, leaves a file ``attempt-<n>`` in ``SLOW_JOB_DIR`` holding the
process id that runs it. The first ``SLOW_JOB_ATTEMPTS`` attempts then sleep
``SLOW_JOB_SECONDS`` with their transaction open; later ones commit at once. So the
test knows when a job is mid-write, and which process to kill.
"""

import os
import time
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction

from matching.services import runs

DIRECTORY = Path(os.environ["SLOW_JOB_DIR"])
SLOW_SECONDS = float(os.environ.get("SLOW_JOB_SECONDS", "60"))
SLOW_ATTEMPTS = int(os.environ.get("SLOW_JOB_ATTEMPTS", "1"))

_real_apply = runs.proposals_apply_match


def _record_attempt() -> int:
    """Number this attempt: the lowest ``attempt-<n>`` not taken, made with its content
    in one step (a hard link fails if the name exists)."""
    draft = DIRECTORY / f".draft-{uuid.uuid4().hex}"
    draft.write_text(str(os.getpid()))
    number = 1
    try:
        while True:
            try:
                os.link(draft, DIRECTORY / f"attempt-{number}")
            except FileExistsError:
                number += 1
            else:
                return number
    finally:
        draft.unlink()


def _slow_apply(**kwargs: Any) -> Any:
    with transaction.atomic():
        counts = _real_apply(**kwargs)
        if _record_attempt() <= SLOW_ATTEMPTS:
            time.sleep(SLOW_SECONDS)
    return counts


runs.proposals_apply_match = _slow_apply
