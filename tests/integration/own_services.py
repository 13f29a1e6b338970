"""Servers of a test's own, to stop and start at will: a PostgreSQL cluster, a Redis, the
site under gunicorn and a Celery worker, each a real process on a free port of loopback.

Never the shared PostgreSQL or Redis: the outage tests stop what they start. The
PostgreSQL binaries are found under ``/usr/lib/postgresql/<version>/bin`` (the newest
version) or on the PATH; as root, the cluster runs as the ``postgres`` user
(``runuser``), which PostgreSQL requires. Every class stops its process in ``close()``,
which the fixtures call in their teardown whatever the test did.
"""

import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60


def wait_until(predicate: Callable[[], bool], *, seconds: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick, so no other test's fixed port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin() -> Path | None:
    """The directory of the newest installed PostgreSQL's initdb and pg_ctl."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parts[-3]))

    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    if installed:
        return installed[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def missing_binaries() -> str | None:
    """What the outage tests cannot start here, or None."""
    if postgres_bin() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql or PATH"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no postgres user to run a cluster as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to start a cluster as postgres"
    if shutil.which("redis-server") is None:
        return "no redis-server binary on PATH"
    return None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


class OwnPostgres:
    """A throw-away PostgreSQL cluster (trust authentication on loopback only)."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        assert self.bin is not None, missing_binaries()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sme-outage-pg-"))
        # The server runs as postgres: it must reach its data, socket and log.
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")  # fmt: skip

    def _run(self, tool: str, *args: object, timeout: float = 60) -> None:
        command = [str(self.bin / tool), *(str(arg) for arg in args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({done.returncode}): {done.stdout}\n{done.stderr}\n"
                + _tail(self.log)
            )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        # fsync off: the cluster lives for one test run, and a crash loses nothing of value.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "-t", "30",
                  "start")  # fmt: skip

    def stop(self) -> None:
        # Fast: open connections are cut, as in a real restart or a crash of the server.
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def query(self, database: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), connect_timeout=5) as connection:
            return list(connection.execute(sql, params).fetchall())

    def close(self) -> None:
        try:
            if self.running():
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class OwnRedis:
    """A Redis that keeps nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sme-outage-redis-"))
        self.log = self.root / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.root),
                   "--logfile", str(self.log)]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        if not wait_until(self.answers, seconds=START_SECONDS):
            raise RuntimeError(f"redis-server did not start:\n{_tail(self.log)}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def site_environment(
    *, database_url: str, redis_url: str, root: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the site's processes: base settings on the test's own servers."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sme_platform.settings.base",
            "DJANGO_READ_DOT_ENV": "false",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(root / "media"),
            "ENGINE_STORAGE_ROOT": str(root / "engine"),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def manage(env: Mapping[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class _Process:
    """A child process writing to a log file, stopped by ``stop_signal``, then for good."""

    stop_signal = signal.SIGTERM

    def __init__(self, command: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def signal_stop(self) -> None:
        """Ask it to stop, without waiting (to stop several at once, then ``close`` each)."""
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)

    def close(self) -> None:
        if self.process.poll() is not None:
            return
        self.signal_stop()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class LiveSite(_Process):
    """The site under gunicorn, one worker process, as in production."""

    # Gunicorn's quick shutdown: nothing is in flight once a test is over.
    stop_signal = signal.SIGINT

    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self.port = free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        super().__init__(
            [gunicorn, "sme_platform.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "2", "--timeout", "60", "--graceful-timeout", "5"],
            env,
            log,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"

        def up() -> bool:
            if not self.alive():
                return True
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False
            return True

        if not wait_until(up, seconds=START_SECONDS, interval=0.3) or not self.alive():
            self.close()
            raise RuntimeError(f"gunicorn did not start:\n{self.output()}")


class Worker(_Process):
    """A real Celery worker, on a queue of its own."""

    # Celery's cold shutdown: with late acknowledgement a job cut short goes back to the
    # queue, and the queue is this test's own.
    stop_signal = signal.SIGQUIT

    def __init__(self, env: Mapping[str, str], queue: str, log: Path) -> None:
        celery = str(Path(sys.executable).with_name("celery"))
        super().__init__(
            [celery, "-A", "sme_platform", "worker", "--pool=solo", "--concurrency=1",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-Q", queue, "-n", f"{queue}@%h"],
            {**env, "CELERY_TASK_DEFAULT_QUEUE": queue},
            log,
        )  # fmt: skip
        if (
            not wait_until(
                lambda: not self.alive() or " ready." in self.output(), seconds=START_SECONDS
            )
            or not self.alive()
        ):
            self.close()
            raise RuntimeError(f"The Celery worker did not start:\n{self.output()}")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """A visitor of the live site, keeping its cookies (the session) between requests."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None and "X-CSRFToken" not in sent and self.csrf_token():
            sent["X-CSRFToken"] = self.csrf_token()
            sent["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=sent)  # noqa: S310
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, head, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, content = error.code, error.headers, error.read()
        return Answer(
            status=status,
            headers={key.lower(): value for key, value in head.items()},
            body=content.decode(errors="replace"),
            seconds=time.monotonic() - started,
        )

    def get(self, path: str, **headers: str) -> Answer:
        return self.request(path, headers=headers)

    def csrf_token(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def log_in(self, path: str, email: str, password: str) -> Answer:
        """Log in through the form at ``path``, as a person would."""
        self.get(path)
        return self.request(
            path,
            data={
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": self.csrf_token(),
            },
        )
