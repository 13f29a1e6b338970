"""The load test, from an empty database to the printed figures.

    python bench/load/run.py                       # 20,000 suppliers, 50 users, 2 minutes
    python bench/load/run.py --users 10 --duration 30 --suppliers 2000   # a quick look

1. (Re)creates the PostgreSQL database of ``LOAD_DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/sme_load_bench``): it refuses a database that
   holds data unless that data is an earlier load test's. Migrates, loads the
   taxonomies, seeds suppliers, buyers, clusters, open requests and proposals with bulk
   inserts (``bench/load/seed.py``) and builds the engine index.
2. Starts gunicorn, two Celery workers and Celery beat on Redis ``LOAD_REDIS_URL``
   (default ``redis://127.0.0.1:6379/15``; the load's own database: it is flushed), with
   the load generator's address exempt from throttles (``THROTTLE_EXEMPT_ADDRESSES``).
3. Times each page with one client, one request after another: the baseline.
4. Runs locust headless (``bench/load/locustfile.py``): ``--users`` people, each waiting
   1 to 3 s between actions, measured for ``--duration`` seconds from the moment the
   last of them has logged in.
5. Waits for the match queue to drain (no pending outbox row, nothing queued or
   unacknowledged in Redis), prints throughput, p50 and p95 per page beside the
   baseline median, the error count and the queue's state, and stops every process
   it started, whatever happened. Exits 1 on any error or an undrained queue.

Logs of every process go to ``var/load/``.
"""

import argparse
import csv
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.seed import LOAD_PASSWORD, Shape, accounts  # noqa: E402

VAR = ROOT / "var" / "load"
BIN = Path(sys.executable).parent
QUEUE = "load"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sme_load_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
# The marker the seed leaves, so a later run knows the database is a load test's own.
MARKER_EMAIL = "staff@load.example"


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# THE DATABASE
# ------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.strip("/")
    if parsed.scheme not in {"postgres", "postgresql"} or not name:
        sys.exit(f"LOAD_DATABASE_URL must name a PostgreSQL database, not {url!r}")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists:
        with psycopg.connect(url) as conn:
            tables = {
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            }
            ours = (
                "companies_user" in tables
                and conn.execute(
                    "SELECT 1 FROM companies_user WHERE email = %s", [MARKER_EMAIL]
                ).fetchone()
            )
            if tables - {"django_migrations"} and not ours:
                populated = [
                    t
                    for t in sorted(tables)
                    if conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0]
                ]
                if [t for t in populated if t != "django_migrations"]:
                    sys.exit(f"Refusing {name}: it holds data that is not a load test's.")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# PROCESSES
# ------------------------------------------------------------------------------


class Processes:
    """What the run started, each in a process group of its own, stopped at the end."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        out = (VAR / f"{name}.log").open("wb")
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((name, process, out))
        return process

    def stop_all(self) -> None:
        for _name, process, _out in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process, out in reversed(self.running):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop in time: killed")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            out.close()
        self.running.clear()

    def check_alive(self) -> None:
        for name, process, _out in self.running:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}: see var/load/{name}.log"
                )


def run(args: list[str], env: dict[str, str], name: str) -> None:
    with (VAR / f"{name}.log").open("wb") as out:
        done = subprocess.run(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        tail = (VAR / f"{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} failed ({done.returncode}):\n{tail}")


@contextmanager
def stopped_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the run like Ctrl-C, so the cleanup always runs."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def wait_for(what: str, check: Callable[[], bool], timeout: float, procs: Processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_alive()
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s")


# THE BASELINE: ONE CLIENT
# ------------------------------------------------------------------------------


def logged_in(base: str, email: str) -> Any:
    import requests

    session = requests.Session()
    session.get(f"{base}/login/", timeout=30)
    response = session.post(
        f"{base}/login/",
        {
            "username": email,
            "password": LOAD_PASSWORD,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        timeout=30,
    )
    if "/login/" in response.url:
        raise RuntimeError(f"could not log in as {email}")
    return session


def baseline(base: str, shape: Shape, rounds: int) -> dict[str, float]:
    """Each page's median time for one client asking one request after another."""
    import requests

    people = accounts(shape)
    visitor = requests.Session()
    buyer = logged_in(base, people["buyer"][0])
    supplier = logged_in(base, people["supplier"][0])
    manager = logged_in(base, people["manager"][0])
    request_id = re.findall(r'href="/requests/(\d+)/"', buyer.get(f"{base}/requests/").text)[0]
    proposal_id = re.findall(r'href="/proposals/(\d+)/"', supplier.get(f"{base}/proposals/").text)[
        0
    ]
    pages = {
        "home": (visitor, "/"),
        "supplier directory": (visitor, "/suppliers/?page=3"),
        "supplier profile": (visitor, "/organisations/bench-17/"),
        "cluster directory": (visitor, "/clusters/"),
        "cluster page": (visitor, "/clusters/load-cluster-0/"),
        "supplier search": (buyer, "/suppliers/search/?q=cotton+t-shirts"),
        "dashboard (buyer)": (buyer, "/dashboard/"),
        "request list": (buyer, "/requests/"),
        "request detail": (buyer, f"/requests/{request_id}/"),
        "dashboard (supplier)": (supplier, "/dashboard/"),
        "open requests": (supplier, "/open-requests/"),
        "proposal list": (supplier, "/proposals/?status=pending"),
        "proposal detail": (supplier, f"/proposals/{proposal_id}/"),
        "notifications": (supplier, "/notifications/"),
        "dashboard (manager)": (manager, "/dashboard/"),
        "cluster manage": (manager, "/clusters/load-cluster-0/manage/"),
        "cluster analytics": (manager, "/clusters/load-cluster-0/manage/analytics/"),
    }
    medians = {}
    for name, (session, path) in pages.items():
        session.get(base + path, timeout=30)  # warm
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = session.get(base + path, timeout=30)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name} ({path}) answered {response.status_code}")
        medians[name] = statistics.median(times)
    return medians


# THE QUEUE
# ------------------------------------------------------------------------------


def queue_state(redis_url: str, env: dict[str, str]) -> tuple[int, int, int]:
    """(outbox rows not yet sent, messages queued, messages taken but not acknowledged)."""
    import psycopg
    import redis

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        pending = conn.execute(
            "SELECT count(*) FROM sme_platform_outboxjob WHERE sent_at IS NULL"
        ).fetchone()[0]
    client = redis.Redis.from_url(redis_url)
    return pending, int(client.llen(QUEUE)), int(client.hlen("unacked"))


def requests_matched_during_load(env: dict[str, str], since: datetime) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        opened, proposed = conn.execute(
            """SELECT count(DISTINCT r.id), count(p.id)
               FROM matching_sourcingrequest r
               LEFT JOIN matching_proposal p ON p.request_id = r.id
               WHERE r.opened_at >= %s""",
            [since],
        ).fetchone()
    return int(opened), int(proposed)


# THE REPORT
# ------------------------------------------------------------------------------


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def report(
    rows: list[dict[str, str]], medians: dict[str, float], duration: float, users: int
) -> int:
    by_name = {r["Name"]: r for r in rows}
    total = by_name.pop("Aggregated")
    print()
    print(f"{'page':32} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}   one client p50")
    for name in sorted(by_name):
        r = by_name[name]
        solo = next((f"{v:7.1f}" for k, v in medians.items() if k.split(" (")[0] == name), "")
        print(
            f"{name:32} {r['Request Count']:>8} {r['Failure Count']:>6} "
            f"{r['50%']:>7} {r['95%']:>7}   {solo}"
        )
    print(
        f"{'all':32} {total['Request Count']:>8} {total['Failure Count']:>6} "
        f"{total['50%']:>7} {total['95%']:>7}"
    )
    print()
    print("one client, median ms per page (baseline, same run):")
    for name, value in medians.items():
        print(f"  {name:30} {value:7.1f}")
    print()
    print(
        f"throughput: {float(total['Requests/s']):.1f} requests/s "
        f"({users} users, {duration:.0f} s measured)"
    )
    errors = int(total["Failure Count"])
    print(f"errors: {errors}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=120, help="seconds under load")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8765")))
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--baseline-rounds", type=int, default=15)
    parser.add_argument("--drain-timeout", type=int, default=180)
    args = parser.parse_args()

    database_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE)
    redis_url = os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS)
    VAR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sme_platform.settings.base",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "60",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "THROTTLE_EXEMPT_ADDRESSES": "127.0.0.1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(VAR / "media"),
        "ENGINE_STORAGE_ROOT": str(VAR / "engine"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    shape = Shape(suppliers=args.suppliers, requests=args.requests)
    base = f"http://127.0.0.1:{args.port}"
    procs = Processes(env)
    py = str(BIN / "python")
    log(f"load test starting on {os.uname().nodename}, load average {os.getloadavg()}")
    try:
        with stopped_on_signals():
            log(f"database {urlparse(database_url).path.strip('/')}: recreating")
            recreate_database(database_url)
            run([py, "manage.py", "migrate", "--noinput"], env, "migrate")
            run([py, "manage.py", "load_taxonomies"], env, "taxonomies")
            run([py, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")
            log(f"seeding {args.suppliers:,} suppliers and {args.requests} open requests")
            started = time.perf_counter()
            run(
                [py, "bench/load/seed.py", f"--suppliers={args.suppliers}",
                 f"--requests={args.requests}"],
                env,
                "seed",
            )  # fmt: skip
            log(f"seeded and indexed in {time.perf_counter() - started:.0f} s")
            import redis

            redis.Redis.from_url(redis_url).flushdb()
            (VAR / "accounts.json").write_text(json.dumps(accounts(shape)))

            procs.start(
                "gunicorn",
                [str(BIN / "gunicorn"), "sme_platform.wsgi:application",
                 f"--bind=127.0.0.1:{args.port}", f"--workers={args.web_workers}",
                 "--worker-class=gthread", f"--threads={args.threads}", "--timeout=60",
                 # Longer than a person's pause, or the server closes a kept-alive
                 # connection just as the next request goes out on it (a reset).
                 "--keep-alive=10",
                 "--access-logfile=-"],
            )  # fmt: skip
            for n in (1, 2):
                procs.start(
                    f"worker-{n}",
                    [str(BIN / "celery"), "-A", "sme_platform", "worker", "-Q", QUEUE,
                     "--concurrency=1", f"--hostname=load-{n}@%h", "--loglevel=INFO",
                     "--without-gossip", "--without-mingle"],
                )  # fmt: skip
            procs.start(
                "beat",
                [str(BIN / "celery"), "-A", "sme_platform", "beat", "--loglevel=INFO",
                 f"--schedule={VAR / 'celerybeat-schedule'}"],
            )  # fmt: skip
            import requests

            wait_for("gunicorn", lambda: requests.get(f"{base}/healthz", timeout=5).ok, 90, procs)
            for n in (1, 2):
                wait_for(
                    f"worker-{n}",
                    lambda n=n: b"ready." in (VAR / f"worker-{n}.log").read_bytes(),
                    90,
                    procs,
                )
            log("gunicorn, two workers and beat are up")

            log(f"baseline: one client, {args.baseline_rounds} requests per page")
            medians = baseline(base, shape, args.baseline_rounds)

            prefix = VAR / "locust"
            load_started = datetime.now(UTC)
            log(f"load: {args.users} users for {args.duration} s after they have logged in")
            locust = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"),
                 "--headless", f"--users={args.users}", f"--spawn-rate={args.spawn_rate}",
                 # The file ends the run itself once the measured window is over.
                 f"--run-time={args.duration + 300}s",
                 f"--host={base}", f"--csv={prefix}", "--only-summary",
                 "--stop-timeout=10", "--loglevel=WARNING"],
                cwd=ROOT,
                env={**env, "LOAD_ACCOUNTS": str(VAR / "accounts.json"),
                     "LOAD_SUPPLIERS": str(args.suppliers), "LOAD_USERS": str(args.users),
                     "LOAD_DURATION": str(args.duration)},
                stdout=(VAR / "locust.log").open("wb"),
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            procs.check_alive()
            errors = report(read_stats(prefix), medians, args.duration, args.users)
            if locust.returncode not in (0, 1):
                raise RuntimeError(
                    f"locust exited with {locust.returncode}: see var/load/locust.log"
                )

            log("waiting for the match queue to drain")
            deadline = time.monotonic() + args.drain_timeout
            state = queue_state(redis_url, env)
            while any(state) and time.monotonic() < deadline:
                time.sleep(1)
                state = queue_state(redis_url, env)
            pending, queued, unacked = state
            opened, proposed = requests_matched_during_load(env, load_started)
            print(
                f"match queue: outbox pending {pending}, Celery queue length {queued}, "
                f"unacknowledged {unacked} -> {'drained' if not any(state) else 'NOT DRAINED'}"
            )
            print(f"requests opened under load: {opened}, proposals made for them: {proposed}")
            log(f"finished; load average {os.getloadavg()}")
            return 1 if errors or any(state) else 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        procs.stop_all()
        log("every process this run started has stopped")


if __name__ == "__main__":
    sys.exit(main())
