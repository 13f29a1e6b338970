"""The production settings and the docker-compose deployment, checked without Docker."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("web", "worker", "beat")


def _manage(*args: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the variables given here: nothing from the caller's shell or a local .env.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sme_platform.settings.production",
        DJANGO_READ_DOT_ENV="0",
        **extra_env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra_env={
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "gvclink.example",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", extra_env={"DJANGO_ALLOWED_HOSTS": "gvclink.example"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())["services"]


def _command(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_defines_web_worker_beat_postgres_and_redis(services):
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis"}


def test_compose_web_worker_and_beat_run_the_same_image(services):
    images = {(services[name]["build"], services[name]["image"]) for name in APP_SERVICES}

    assert len(images) == 1


def test_compose_web_migrates_then_serves_with_gunicorn(services):
    command = _command(services["web"])

    assert "manage.py migrate" in command
    assert command.index("migrate") < command.index("gunicorn sme_platform.wsgi")


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_compose_celery_services_run_celery(services, service):
    command = _command(services[service]).split()

    assert command[:4] == ["celery", "-A", "sme_platform", service]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_app_services_use_production_settings_postgres_and_redis(services, service):
    environment = services[service]["environment"]

    assert environment["DJANGO_SETTINGS_MODULE"] == "sme_platform.settings.production"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert "DJANGO_SECRET_KEY" in environment


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_app_services_wait_for_a_healthy_database_and_broker(services, service):
    depends_on = services[service]["depends_on"]

    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize(("service", "image"), [("postgres", "postgres:16"), ("redis", "redis:7")])
def test_compose_backing_services_use_their_official_images(services, service, image):
    assert services[service]["image"] == image


@pytest.mark.parametrize("service", [*APP_SERVICES, "postgres", "redis"])
def test_compose_every_service_has_a_healthcheck(services, service):
    healthcheck = services[service]["healthcheck"]

    assert healthcheck["test"]
    assert healthcheck["interval"]


def test_compose_postgres_credentials_match_the_database_url(services):
    postgres = services["postgres"]["environment"]
    user, password, name = (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )

    assert services["web"]["environment"]["DATABASE_URL"] == (
        f"postgres://{user}:{password}@postgres:5432/{name}"
    )


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (PROJECT_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_builds_on_python_311_slim():
    assert _dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")


def test_dockerfile_runs_as_a_non_root_user():
    users = [value for keyword, value in _dockerfile_instructions() if keyword == "USER"]

    assert users
    assert users[-1] not in {"root", "0"}


def test_dockerfile_installs_the_project_collects_static_files_and_serves_with_gunicorn():
    runs = " ".join(value for keyword, value in _dockerfile_instructions() if keyword == "RUN")
    (cmd,) = [value for keyword, value in _dockerfile_instructions() if keyword == "CMD"]

    assert "pip install" in runs
    assert "manage.py collectstatic --noinput" in runs
    assert "gunicorn" in cmd
    assert "sme_platform.wsgi" in cmd


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((PROJECT_ROOT / ".dockerignore").read_text().split())

    assert {".git", ".venv", ".env", "db.sqlite3", "media"} <= ignored
