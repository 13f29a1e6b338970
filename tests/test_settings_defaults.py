"""What the base settings give with nothing set: no debug pages, no public media."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.views.defaults import server_error

PROJECT_ROOT = Path(__file__).resolve().parents[1]
_PRINT_SETTINGS = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'debug': settings.DEBUG, "
    "'engine': str(settings.STORAGES['engine']['OPTIONS']['location']), "
    "'media': str(settings.MEDIA_ROOT)}))"
)


def _base_settings(**extra_env: str) -> dict:
    # Only the variables given here: nothing from the caller's shell or a local .env.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MEDIA_", "ENGINE_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="sme_platform.settings.base", DJANGO_READ_DOT_ENV="0")
    env.update(extra_env)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PRINT_SETTINGS],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_is_off_unless_asked_for():
    assert _base_settings()["debug"] is False
    assert _base_settings(DJANGO_DEBUG="1")["debug"] is True


def test_engine_artifacts_are_stored_outside_media_root():
    found = _base_settings()
    assert not Path(found["engine"]).is_relative_to(Path(found["media"]))


@pytest.mark.django_db
def test_a_missing_page_shows_the_projects_own_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "not yours to see" in response.content.decode()
    assert reverse("home") in response.content.decode()


def test_a_server_error_shows_the_projects_own_page(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
