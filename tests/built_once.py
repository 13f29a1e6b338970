"""Rows built once for many tests, as Django's ``TestCase.setUpTestData`` does.

``built_once(django_db_blocker)`` opens a transaction that outlives the tests run
inside it: what a module-scoped fixture writes there is seen by each of its tests,
each test's own changes roll back at the test's end (pytest-django's ``db`` wraps
it in a savepoint), and everything rolls back after the last one. On-commit
callbacks of the setup never run, as in a test. A fixture hands each test a
``copy.deepcopy`` of the objects it built, so one test's changes to them in memory
never reach the next.

Only for tests marked ``django_db`` without ``transaction=True``; and every test of
the module sees the rows, also a test that does not ask for the fixture once
another test has.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from pytest_django import DjangoDbBlocker

from matching.index_store import forget_loaded_index


@contextmanager
def built_once(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            # An engine index loaded from the rows rolled back must not serve later tests.
            forget_loaded_index()
