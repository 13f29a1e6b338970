"""The OpenAPI schema is the contract: schemathesis fuzzes every operation of a live
server, as each role, and every answer must keep to the schema.

For each role (an SME's user, a buyer's user, a cluster manager, anonymous; token
auth) one test builds a world of its own (a cluster of four knitwear members, a
buyer's open request, a proposal, a consortium draft), starts nothing but pytest-
django's live server on it, and lets schemathesis generate ``SCHEMA_FUZZ_EXAMPLES``
(default 50) cases per operation: valid input, input the schema forbids (which
must be refused with a documented 4xx), and valid input whose path ids name the
world's real objects, so operations act on things that exist, not only on 404s. Each answer must
pass schemathesis' ``not_a_server_error``, ``status_code_conformance``,
``content_type_conformance`` and ``response_schema_conformance``; every failure of
every operation is collected and reported together.

Generation is derandomized (the same cases every run) with no example database, so a
failure reproduces. The throttles are raised for this test only (the rates and, since
DRF's throttles copy them when imported, the throttle class's own table): otherwise the
fuzzer's hundreds of requests a minute would be answered 429, which the schema allows
but which would test nothing. Writes land in the test's own database, emptied after
each test (``transaction=True``), so the tests share no state.

In CI (``REQUIRE_SERVICES=1``) it runs on PostgreSQL; without services it runs on
SQLite as well (the live server shares the in-memory database). On the project's
2-core machines the four roles take about 6 minutes of CPU together (28 minutes
of wall time measured on PostgreSQL while the machine was shared, load 8-13).
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from django.conf import settings
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from companies import services as company_services
from companies.taxonomy import load_taxonomies
from tests.api_paths import add_one_of_each, real_path_values
from tests.integration.conftest import missing_service
from tests.worlds import consortium_world_of_its_own

pytestmark = pytest.mark.django_db(transaction=True)

# CI fuzzes 50 examples per operation; a plain `make test` on a laptop runs 10, so the
# newcomer's command stays a few minutes long.
_DEFAULT_EXAMPLES = "50" if os.environ.get("REQUIRE_SERVICES") == "1" else "10"
EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", _DEFAULT_EXAMPLES))
ROLES = ("sme", "buyer", "cluster_manager", "anonymous")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Far above what the fuzzer sends in a minute, for every scope.
RAISED_RATE = "100000/minute"


@pytest.fixture(autouse=True)
def _real_services_required() -> None:
    """Unlike the other integration tests this one also runs on SQLite; CI still
    insists on PostgreSQL and Redis."""
    reason = missing_service()
    if reason is not None and os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)


@pytest.fixture
def raised_throttles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    rest = dict(settings.REST_FRAMEWORK)
    rates = {scope: RAISED_RATE for scope in rest["DEFAULT_THROTTLE_RATES"]}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    with override_settings(REST_FRAMEWORK={**rest, "DEFAULT_THROTTLE_RATES": rates}):
        yield


def build_world() -> dict[str, Any]:
    """Users of each role with real objects around them."""
    load_taxonomies()  # transactional tests start from an empty database
    world = consortium_world_of_its_own()
    add_one_of_each(world)
    return {
        "sme": world.users["Alpha Knit"],
        "buyer": world.buyer_user,
        "cluster_manager": world.manager,
        "anonymous": None,
    }


def path_strategies(operation: Any) -> list[Any]:
    """Strategies with the path ids fixed to real objects, one per object (a few)."""
    names = [p.name for p in operation.path_parameters]
    choices = real_path_values(operation.path, names) if names else {}
    if not choices:
        return []
    count = max(len(values) for values in choices.values())
    fixed = [
        {name: values[i % len(values)] for name, values in choices.items()} for i in range(count)
    ]
    return [operation.as_strategy(path_parameters=params) for params in fixed]


def fuzz(operation: Any, base_url: str, headers: dict[str, str]) -> None:
    # Valid input, input the schema forbids (which must be a 4xx, never a 5xx), and
    # valid input on real objects.
    strategy = st.one_of(
        operation.as_strategy(),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        *path_strategies(operation),
    )
    session = requests.Session()

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        # Shrinking a failure would re-send it many times; the failing case is printed.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_the_schema(role, live_server, raised_throttles) -> None:
    # given a world and a token for the role
    user = build_world()[role]
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Token {company_services.auth_token_issue(user=user)}"
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")

    # when every operation is fuzzed
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz(operation, live_server.url, headers)
        except BaseException as exc:  # hypothesis raises failures as exception groups
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]

    # then no answer broke the schema
    assert operations > 90
    report = "\n\n".join(f"{label}\n{text}" for label, text in sorted(failures.items()))
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n{report}"
