"""The security log records failed log-ins, lockouts and refused requests by user id,
address and path, and no log line, whoever writes it, carries a password, a token, a
session id or an e-mail address."""

import io
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.settings import api_settings

from sme_platform.log_redaction import REDACTED, RedactSecretsFilter
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

SECURITY = "sme_platform.security"
WRONG_PASSWORD = "Wr0ng-but-Secret-Pa55"  # noqa: S105


def security_records(caplog, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == SECURITY and getattr(r, "event", "") == event]


def everything_logged(caplog) -> str:
    """Every message and every extra value of every record, as one text."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.extend(str(value) for value in vars(record).values())
    return "\n".join(parts)


@pytest.fixture
def caplog(caplog):
    caplog.set_level(logging.INFO)
    return caplog


class TestFailedLogIns:
    def test_a_failed_form_log_in_is_logged_by_user_id_without_password_or_email(
        self, client, caplog, supplier_user
    ):
        client.post(
            reverse("login"),
            {"username": supplier_user.email, "password": WRONG_PASSWORD},
            REMOTE_ADDR="203.0.113.7",
        )

        [record] = security_records(caplog, "login_failed")
        assert record.levelno == logging.WARNING
        assert record.user_id == supplier_user.pk
        assert record.address == "203.0.113.7"
        assert record.path == reverse("login")
        assert f"user={supplier_user.pk}" in record.getMessage()
        logged = everything_logged(caplog)
        assert WRONG_PASSWORD not in logged
        assert supplier_user.email not in logged

    def test_a_failed_token_log_in_is_logged_the_same_way(self, api_client, caplog, supplier_user):
        response = api_client.post(
            reverse("api:auth-token"),
            {"email": supplier_user.email, "password": WRONG_PASSWORD},
            format="json",
            REMOTE_ADDR="203.0.113.8",
        )

        assert response.status_code == 400
        [record] = security_records(caplog, "login_failed")
        assert record.user_id == supplier_user.pk
        assert record.address == "203.0.113.8"
        assert record.path == reverse("api:auth-token")
        logged = everything_logged(caplog)
        assert WRONG_PASSWORD not in logged
        assert supplier_user.email not in logged

    def test_an_unknown_account_is_logged_with_no_user(self, client, caplog):
        client.post(reverse("login"), {"username": "nobody@example.com", "password": "x"})

        [record] = security_records(caplog, "login_failed")
        assert record.user_id is None
        assert "nobody@example.com" not in everything_logged(caplog)

    def test_a_lockout_is_logged_and_the_lockouts_own_lines_name_no_email(
        self, client, caplog, supplier_user
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(
                reverse("login"),
                {"username": supplier_user.email, "password": WRONG_PASSWORD},
                REMOTE_ADDR="203.0.113.9",
            )

        [record] = security_records(caplog, "lockout")
        assert record.levelno == logging.WARNING
        assert record.user_id == supplier_user.pk
        assert record.address == "203.0.113.9"
        axes_lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
        assert any(f"user: {supplier_user.pk}" in line for line in axes_lines)
        logged = everything_logged(caplog)
        assert WRONG_PASSWORD not in logged
        assert supplier_user.email not in logged


class TestRefusedRequests:
    def test_another_organisations_edit_page_is_logged_as_not_found(
        self, client, caplog, supplier_user
    ):
        other = SupplierFactory()
        client.force_login(supplier_user)

        response = client.get(reverse("organisation-edit", args=[other.pk]))

        assert response.status_code == 404
        [record] = security_records(caplog, "not_found")
        assert record.user_id == supplier_user.pk
        assert record.status == 404
        assert record.path == reverse("organisation-edit", args=[other.pk])

    def test_an_api_call_without_rights_is_logged(self, api_client, caplog):
        response = api_client.get(reverse("api:me"))

        assert response.status_code in (401, 403)
        [record] = [r for r in caplog.records if r.name == SECURITY]
        assert record.event in ("unauthenticated", "access_denied")
        assert record.user_id is None
        assert record.address == "127.0.0.1"

    def test_a_throttled_api_call_is_logged(self, api_client, caplog):
        count = int(api_settings.DEFAULT_THROTTLE_RATES["anon"].split("/")[0])
        for _ in range(count + 1):
            response = api_client.get(reverse("api:organisation-list"))

        assert response.status_code == 429
        [record] = security_records(caplog, "throttled")
        assert record.path == reverse("api:organisation-list")

    def test_a_secret_in_a_link_is_logged_by_its_name(self, client, caplog, console_output):
        token = "Zx81-secret-invitation-token-0123456789abcdef"

        response = client.get(reverse("invitation-accept", args=[token]))

        assert response.status_code == 404
        [record] = security_records(caplog, "not_found")
        assert record.path == "/invitations/<token>/"
        assert token not in record.getMessage()
        # Django's own "Not Found: /invitations/…" line is cleaned on its way out.
        written = console_output.getvalue()
        assert "Not Found: /invitations/" in written
        assert token not in written


def root_console() -> logging.StreamHandler:
    """The console handler the settings put on the root logger (not pytest's own)."""
    [handler] = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    return handler


@pytest.fixture
def console_output():
    """What the site's configured console handler writes, for the length of a test."""
    handler = root_console()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


class TestRedaction:
    def test_the_root_handlers_redact(self):
        assert any(isinstance(f, RedactSecretsFilter) for f in root_console().filters)

    def test_secrets_and_emails_in_arguments_are_redacted(self, console_output):
        logging.getLogger("companies.anything").warning(
            "sign-in for %s with password=%s and header Authorization: Token %s",
            "lan@mekongknit.example",
            "hunter2-secret",
            "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
        )

        line = console_output.getvalue()
        assert "companies.anything" in line
        assert "lan@mekongknit.example" not in line
        assert "hunter2-secret" not in line
        assert "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b" not in line
        assert REDACTED in line

    def test_secret_keys_of_mappings_and_extra_are_redacted(self, console_output):
        record_seen = []

        class Keep(logging.Handler):
            def emit(self, record):
                record_seen.append(record)

        keep = Keep()
        keep.addFilter(RedactSecretsFilter())
        logger = logging.getLogger("notifications.anything")
        logger.addHandler(keep)
        try:
            logger.warning(
                "posted %s",
                {"email": "chau@example.com", "password": "pw-123", "sessionid": "s3ss10n"},
                extra={"token": "tok-456", "contact": {"phone": "+84 28 1234", "name": "Chau"}},
            )
        finally:
            logger.removeHandler(keep)

        [record] = record_seen
        for secret in ("chau@example.com", "pw-123", "s3ss10n", "tok-456", "+84 28 1234"):
            assert secret not in record.getMessage()
            assert secret not in str(vars(record))
            assert secret not in console_output.getvalue()
        assert record.token == REDACTED
        assert record.contact == {"phone": REDACTED, "name": "Chau"}

    def test_an_exceptions_text_is_redacted(self, console_output):
        try:
            raise ValueError("could not mail ops@gvclink.example, api_key=abc-123")
        except ValueError:
            logging.getLogger("sme_platform.anything").exception("mail failed")

        text = console_output.getvalue()
        assert "ValueError" in text
        assert "ops@gvclink.example" not in text
        assert "abc-123" not in text

    def test_ordinary_lines_are_left_as_they_are(self, console_output):
        logging.getLogger("matching.anything").warning("Token obtained for user %s", 42)

        assert "Token obtained for user 42" in console_output.getvalue()
