"""What every app's jobs share: which errors are worth a retry, and how often."""

from django.db import InterfaceError, OperationalError

# Database and broker hiccups are retried with backoff; anything else is permanent
# and leaves the job's object FAILED with its error for a person to read.
TRANSIENT = (ConnectionError, TimeoutError, OperationalError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_kwargs": {"max_retries": 5}}
