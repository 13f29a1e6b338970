"""The headers every response carries: a Content-Security-Policy with no inline or
eval'd script, no sniffing, no framing, a referrer and opener policy; HSTS and secure
cookies in production."""

import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from companies.models import Certification

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def policy_of(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict_policy(response) -> None:
    policy = policy_of(response)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], policy
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    styles = policy.get("style-src", policy["default-src"])
    assert "'unsafe-inline'" not in styles
    for sources in policy.values():
        assert "'unsafe-eval'" not in sources
        assert "'unsafe-inline'" not in sources


def assert_common_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def evidence_url(client, supplier_user, supplier):
    client.force_login(supplier_user)
    upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("certification-add"),
        {
            "scheme": "oeko-tex",
            "issuer": "Hohenstein",
            "certificate_number": "OT-2026-7",
            "valid_until": (timezone.localdate() + timedelta(days=300)).isoformat(),
            "evidence": upload,
        },
    )
    assert response.status_code == 302
    certification = Certification.objects.get(organisation=supplier)
    yield reverse("certification-evidence", args=[certification.pk])
    Path(settings.MEDIA_ROOT, certification.evidence.name).unlink(missing_ok=True)


@pytest.mark.django_db
class TestPageHeaders:
    @pytest.mark.parametrize(
        "url_name", ["home", "login", "supplier-directory", "cluster-directory", "api-docs"]
    )
    def test_public_pages_have_a_strict_policy(self, client, url_name):
        response = client.get(reverse(url_name))

        assert response.status_code == 200
        assert_strict_policy(response)
        assert_common_headers(response)

    def test_a_dashboard_has_a_strict_policy(self, client, supplier_user):
        client.force_login(supplier_user)

        response = client.get(reverse("dashboard"))

        assert response.status_code == 200
        assert_strict_policy(response)
        assert_common_headers(response)

    def test_the_api_has_a_strict_policy(self, client, supplier_user):
        client.force_login(supplier_user)

        response = client.get(reverse("api:me"), HTTP_ACCEPT="application/json")

        assert response.status_code == 200
        assert_strict_policy(response)
        assert_common_headers(response)

    def test_the_docs_load_swagger_ui_from_this_site_and_start_it_from_a_file(self, client):
        page = client.get(reverse("api-docs")).content.decode()

        assert "<style" not in page
        assert "cdn.jsdelivr" not in page
        assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
        assert f'<script src="{reverse("api-docs")}?script=' in page
        script = client.get(reverse("api-docs"), {"script": ""})
        assert script.status_code == 200
        assert "SwaggerUIBundle" in script.content.decode()
        assert "validatorUrl" in script.content.decode()

    def test_the_swagger_ui_files_are_served_offline(self, client):
        response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")

        assert response.status_code == 200

    def test_a_missing_page_has_the_policy_too(self, client):
        response = client.get("/no-such-page/")

        assert response.status_code == 404
        assert_strict_policy(response)

    def test_an_evidence_file_keeps_its_own_sandbox_policy(self, client, evidence_url):
        response = client.get(evidence_url)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        # The view's own policy wins over the site's: one header, and it sandboxes.
        assert response["Content-Security-Policy"] == "sandbox"
        assert_common_headers(response)


_PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
# The manifest storage needs collectstatic first; the headers do not depend on it.
plain_static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain_static):
    response = Client().get("/login/", secure=True, HTTP_HOST="gvclink.example")
    plain = Client().get("/login/", HTTP_HOST="gvclink.example")
cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
print(json.dumps({
    "status": response.status_code,
    "hsts": response.get("Strict-Transport-Security", ""),
    "csp": response.get("Content-Security-Policy", ""),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
}))
"""


def test_production_sends_hsts_and_marks_cookies_secure(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sme_platform.settings.production",
        DJANGO_READ_DOT_ENV="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="gvclink.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PRODUCTION_PROBE],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["status"] == 200, found
    assert found["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in found["hsts"]
    assert "script-src 'self'" in found["csp"]
    assert found["csrf_cookie_secure"] is True
    assert found["session_cookie_secure"] is True
    assert found["session_cookie_httponly"] is True
    # Plain HTTP is sent to HTTPS before any page is shown.
    assert found["plain_status"] == 301
    assert found["plain_location"].startswith("https://")
