"""The site under gunicorn and a real Celery worker, on a PostgreSQL and a Redis of the
test's own, each stopped while the site is in use and started again.

- PostgreSQL stopped: pages answer the project's 503 page and the API a 503 in its
  error shape, with Retry-After; /healthz names the database; jobs that cannot reach it
  retry with backoff and are not marked FAILED. Started again, the same processes serve
  200s and the retried jobs complete: nothing is restarted.
- Redis stopped: log-in, sessions and the lockout work (they live in the database), the
  throttles let requests through and the site logs it, the pages that read the cache
  still render, and a write that enqueues a job succeeds (the job waits in the outbox).

Both scenarios share one set of servers, started once for the module. The module
takes 80-100 s on the 2-core machines the project is built on when they are busy with
other work, three quarters of it migrating, loading the taxonomies and seeding the new
cluster; every wait is bounded (a server that does not start fails the module within a
minute, a job within 90 s). Every server is stopped in teardown, whatever happened.
"""

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.urls import reverse

from tests.integration.conftest import missing_service
from tests.integration.own_services import (
    Answer,
    Browser,
    LiveSite,
    OwnPostgres,
    OwnRedis,
    Worker,
    manage,
    missing_binaries,
    site_environment,
    wait_until,
)

pytestmark = pytest.mark.integration

DATABASE = "sme_outage"
PASSWORD = "a-long-enough-password-91"
# Low, so the lockout test needs few attempts; the site reads it from the environment.
FAILURE_LIMIT = 3
JOB_DONE_SECONDS = 90
LOCKED = "Too many failed log-in attempts"

SEED = f"""
import json
from django.urls import reverse
from companies import services
from companies.models import Invitation
from clusters.models import MemberImport
from matching.models import MatchRun
from tests.factories import TEST_PASSWORD, ClusterFactory, MemberImportFactory, StaffUserFactory

def owner(name, email):
    return services.organisation_register(
        kind="supplier", legal_name=name, country="MY", email=email, password={PASSWORD!r}
    )

member = owner("Penang Outage Components Sdn. Bhd.", "owner@outage-member.example")
victim = owner("Johor Outage Moulding Sdn. Bhd.", "owner@outage-victim.example")
invitation = Invitation.objects.create(
    organisation=member.organisation, email="colleague@outage-member.example", invited_by=member
)
run = MatchRun.objects.create(started_by=StaffUserFactory())
cluster = ClusterFactory()
manager = cluster.managers.order_by("pk").first()
member_import = MemberImportFactory(cluster=cluster, uploaded_by=manager)
MemberImport.objects.filter(pk=member_import.pk).update(status=MemberImport.Status.APPLYING)
print("SEED " + json.dumps({{
    "member": member.email,
    "victim": victim.email,
    "manager": manager.email,
    "manager_password": TEST_PASSWORD,
    "invitation": invitation.pk,
    "run": run.pk,
    "import_page": reverse(
        "cluster-import-detail", kwargs={{"slug": cluster.slug, "pk": member_import.pk}}
    ),
}}))
"""


@pytest.fixture(scope="module", autouse=True)
def _servers_can_be_started() -> None:
    # Module-wide, before any server starts: a machine without the services skips at once.
    reason = missing_service() or missing_binaries()
    if reason is None:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(f"outage tests need PostgreSQL, Redis and their binaries: {reason}")


@dataclass
class Servers:
    postgres: OwnPostgres
    redis: OwnRedis
    site: LiveSite
    worker: Worker
    queue: str
    seed: dict[str, Any]

    def browser(self) -> Browser:
        return Browser(self.site.base)

    def logs(self) -> str:
        return (
            f"--- site ---\n{self.site.output()[-6000:]}\n"
            f"--- worker ---\n{self.worker.output()[-6000:]}"
        )

    def send_job(self, name: str, *args: Any) -> str:
        """Publish a job to the worker's queue as the site would, by name; its id."""
        app = Celery("outage-test", broker=self.redis.url(), backend=self.redis.url())
        try:
            return str(app.send_task(name, args=list(args), queue=self.queue).id)
        finally:
            app.close()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.postgres.query(DATABASE, sql, *params)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with ExitStack() as cleanup:
        root = Path(tempfile.mkdtemp(prefix="sme-outage-site-"))
        cleanup.callback(shutil.rmtree, root, True)
        postgres = OwnPostgres()
        cleanup.callback(postgres.close)
        postgres.start()
        postgres.create_database(DATABASE)
        redis = OwnRedis()
        cleanup.callback(redis.close)
        redis.start()
        queue = f"outage-{uuid.uuid4().hex[:12]}"
        env = site_environment(
            database_url=postgres.url(DATABASE),
            redis_url=redis.url(),
            root=root,
            extra={
                # Kept connections, checked before reuse: the case a restart must not break.
                "CONN_MAX_AGE": "60",
                "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT),
                "MATCH_SHARDS": "1",
                "CELERY_TASK_DEFAULT_QUEUE": queue,
            },
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_taxonomies")
        seeded = manage({**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, "shell", "-c", SEED)
        seed = json.loads(seeded.split("SEED ", 1)[1].splitlines()[0])
        site = LiveSite(env, root / "site.log")
        cleanup.callback(site.close)
        worker = Worker(env, queue, root / "worker.log")
        cleanup.callback(worker.close)
        # Both asked first, so their shutdowns overlap.
        cleanup.callback(worker.signal_stop)
        cleanup.callback(site.signal_stop)
        yield Servers(postgres, redis, site, worker, queue, seed)


# POSTGRESQL STOPPED
# ------------------------------------------------------------------------------


@dataclass
class DatabaseOutage:
    during: dict[str, Answer] = field(default_factory=dict)
    after: dict[str, Answer] = field(default_factory=dict)
    after_quick_restart: list[int] = field(default_factory=list)
    jobs: dict[str, str] = field(default_factory=dict)
    retried_while_down: dict[str, bool] = field(default_factory=dict)
    pids_before: tuple[int, int] = (0, 0)


def _retried(servers: Servers, job_id: str) -> bool:
    return f"[{job_id}] retry: Retry in" in servers.worker.output()


@pytest.fixture(scope="module")
def database_outage(servers: Servers) -> DatabaseOutage:
    seen = DatabaseOutage(pids_before=(servers.site.pid, servers.worker.pid))
    member = servers.browser()
    assert member.log_in(reverse("login"), servers.seed["member"], PASSWORD).status == 302
    token = (
        servers.browser()
        .request(
            reverse("api:auth-token"),
            json_body={"email": servers.seed["member"], "password": PASSWORD},
        )
        .json()["token"]
    )
    pages = {
        "directory": lambda: servers.browser().get(reverse("supplier-directory")),
        "dashboard": lambda: member.get(reverse("dashboard")),
        "api": lambda: servers.browser().get(reverse("api:organisation-list")),
        "api with a token": lambda: servers.browser().get(
            reverse("api:me"), Authorization=f"Token {token}"
        ),
        "healthz": lambda: servers.browser().get("/healthz"),
    }
    # Kept connections that a restart broke, met by the next request of each thread.
    for _ in range(4):
        assert pages["directory"]().status == 200
    servers.postgres.stop()
    servers.postgres.start()
    seen.after_quick_restart = [pages["directory"]().status for _ in range(4)]

    servers.postgres.stop()
    try:
        for name, visit in pages.items():
            seen.during[name] = visit()
        seen.during["log-in"] = servers.browser().log_in(
            reverse("login"), servers.seed["victim"], PASSWORD
        )
        # Jobs under way when the database went: an e-mail, and a full match run.
        seen.jobs = {
            "invitation": servers.send_job(
                "companies.send_invitation_task", servers.seed["invitation"]
            ),
            "match run": servers.send_job("matching.run_full_match_task", servers.seed["run"]),
        }
        for name, job_id in seen.jobs.items():
            seen.retried_while_down[name] = wait_until(
                lambda job_id=job_id: _retried(servers, job_id), seconds=30
            )
    finally:
        servers.postgres.start()
    for name, visit in pages.items():
        seen.after[name] = visit()
    return seen


class TestDatabaseOutage:
    def test_pages_answer_the_projects_503_page(self, servers, database_outage):
        for name in ("directory", "dashboard", "log-in"):
            answer = database_outage.during[name]
            assert answer.status == 503, (name, answer.body[:500], servers.logs())
            assert answer.headers["retry-after"].isdigit()
            assert "Briefly unavailable" in answer.body
            assert "Traceback" not in answer.body
            assert servers.seed["member"] not in answer.body

    def test_the_api_answers_503_in_its_error_shape(self, servers, database_outage):
        for name in ("api", "api with a token"):
            answer = database_outage.during[name]
            assert answer.status == 503, (name, answer.body[:500], servers.logs())
            assert answer.headers["retry-after"].isdigit()
            assert set(answer.json()) == {"message", "errors"}

    def test_healthz_says_the_database_is_down_and_nothing_more(self, database_outage):
        answer = database_outage.during["healthz"]

        assert answer.status == 503
        assert answer.json() == {
            "status": "degraded",
            "database": "down",
            "broker": "ok",
            "cache": "ok",
        }

    def test_workers_retry_the_jobs_that_lost_the_database(self, servers, database_outage):
        assert database_outage.retried_while_down == {"invitation": True, "match run": True}, (
            servers.logs()
        )
        assert "OperationalError" in servers.worker.output()

    def test_after_the_restart_the_same_processes_serve_again(self, servers, database_outage):
        assert database_outage.after_quick_restart == [200] * 4, servers.logs()
        for name, answer in database_outage.after.items():
            assert answer.status == 200, (name, answer.body[:500], servers.logs())
        # the session made before the outage still holds
        assert "Penang Outage Components" in database_outage.after["dashboard"].body
        assert (servers.site.pid, servers.worker.pid) == database_outage.pids_before
        assert servers.site.alive()
        assert servers.worker.alive()

    def test_the_retried_jobs_complete_and_nothing_is_failed(self, servers, database_outage):
        def done() -> bool:
            [(sent_at,)] = servers.query(
                "SELECT sent_at FROM companies_invitation WHERE id = %s",
                servers.seed["invitation"],
            )
            [(status,)] = servers.query(
                "SELECT status FROM matching_matchrun WHERE id = %s", servers.seed["run"]
            )
            return sent_at is not None and status in {"succeeded", "failed"}

        assert wait_until(done, seconds=JOB_DONE_SECONDS, interval=0.5), servers.logs()
        [(status, error)] = servers.query(
            "SELECT status, error FROM matching_matchrun WHERE id = %s", servers.seed["run"]
        )
        assert (status, error) == ("succeeded", ""), servers.logs()
        log = servers.worker.output()
        assert f"[{database_outage.jobs['invitation']}] succeeded" in log
        # the e-mail went out once (the console backend prints it in the worker's log)
        assert log.count("To: colleague@outage-member.example") == 1


# REDIS STOPPED
# ------------------------------------------------------------------------------


@dataclass
class RedisOutage:
    during: dict[str, Answer] = field(default_factory=dict)
    api_burst: list[Answer] = field(default_factory=list)
    outbox: list[tuple[Any, ...]] = field(default_factory=list)
    healthz_after: Answer | None = None


@pytest.fixture(scope="module")
def redis_outage(servers: Servers, database_outage: DatabaseOutage) -> RedisOutage:
    # After the database scenario: both share the servers, and neither may see the other.
    seen = RedisOutage()
    manager = servers.browser()
    assert (
        manager.log_in(
            reverse("login"), servers.seed["manager"], servers.seed["manager_password"]
        ).status
        == 302
    )
    servers.redis.stop()
    try:
        member = servers.browser()
        seen.during["log-in"] = member.log_in(reverse("login"), servers.seed["member"], PASSWORD)
        seen.during["dashboard after log-in"] = member.get(reverse("dashboard"))
        seen.during["token"] = servers.browser().request(
            reverse("api:auth-token"),
            json_body={"email": servers.seed["member"], "password": PASSWORD},
        )
        for name, path in {
            "home": reverse("home"),
            "directory": reverse("supplier-directory"),
            "clusters": reverse("cluster-directory"),
            "manager's dashboard": reverse("dashboard"),
            "import progress": servers.seed["import_page"],
        }.items():
            seen.during[name] = manager.get(path)
        seen.api_burst = [servers.browser().get(reverse("api:organisation-list")) for _ in range(5)]
        # A write that enqueues a job: an invitation e-mail to a new colleague.
        seen.during["invite"] = member.request(
            reverse("api:invitation-list"), json_body={"email": "new@outage-member.example"}
        )
        seen.outbox = servers.query(
            "SELECT sent_at, last_error FROM sme_platform_outboxjob "
            "WHERE task_name = 'companies.send_invitation_task' AND args::text LIKE %s",
            "%" + str(_invitation_id(servers, "new@outage-member.example")) + "%",
        )
        seen.during["healthz"] = servers.browser().get("/healthz")
        # Last: the lockout locks the address as well as the account.
        victim = servers.browser()
        for _ in range(FAILURE_LIMIT):
            victim.log_in(reverse("login"), servers.seed["victim"], "not-the-password")
        seen.during["locked log-in"] = victim.log_in(
            reverse("login"), servers.seed["victim"], PASSWORD
        )
    finally:
        servers.redis.start()
    seen.healthz_after = servers.browser().get("/healthz")
    return seen


def _invitation_id(servers: Servers, email: str) -> int:
    rows = servers.query("SELECT id FROM companies_invitation WHERE email = %s", email)
    return int(rows[0][0]) if rows else -1


class TestRedisOutage:
    def test_log_in_and_the_session_work(self, servers, redis_outage):
        assert redis_outage.during["log-in"].status == 302, servers.logs()
        dashboard = redis_outage.during["dashboard after log-in"]
        assert dashboard.status == 200
        assert "Penang Outage Components" in dashboard.body
        assert redis_outage.during["token"].status == 200

    def test_the_lockout_holds(self, servers, redis_outage):
        locked = redis_outage.during["locked log-in"]

        assert locked.status == 429, (locked.body[:500], servers.logs())
        assert LOCKED in locked.body

    def test_pages_that_use_the_cache_still_render(self, servers, redis_outage):
        for name in ("home", "directory", "clusters", "manager's dashboard", "import progress"):
            answer = redis_outage.during[name]
            assert answer.status == 200, (name, answer.body[:500], servers.logs())

    def test_throttles_let_requests_through_and_the_site_logs_it(self, servers, redis_outage):
        assert [answer.status for answer in redis_outage.api_burst] == [200] * 5
        # a refused connection is noticed at once, and then not asked again for a while
        assert max(answer.seconds for answer in redis_outage.api_burst) < 2
        assert "The cache does not answer" in servers.site.output()

    def test_a_write_that_enqueues_a_job_succeeds_and_keeps_the_job(self, servers, redis_outage):
        invite = redis_outage.during["invite"]

        assert invite.status == 201, (invite.body[:500], servers.logs())
        assert invite.seconds < 3
        [(sent_at, last_error)] = redis_outage.outbox
        assert sent_at is None
        assert last_error

    def test_healthz_names_the_cache_and_broker_until_redis_returns(self, redis_outage):
        during = redis_outage.during["healthz"]
        assert during.status == 503
        assert during.json() == {
            "status": "degraded",
            "database": "ok",
            "broker": "down",
            "cache": "down",
        }
        assert redis_outage.healthz_after is not None
        assert redis_outage.healthz_after.status == 200
