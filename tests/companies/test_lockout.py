"""Log-in lockout and the throttles of the pages and API that guess passwords or make
accounts: none of them is dodged by writing a new address in X-Forwarded-For."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.settings import api_settings

from companies import services
from tests.companies.test_api_registration import registration
from tests.companies.test_pages_accounts import signup_data
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
TOKEN_URL = reverse("api:auth-token")
REGISTER_URL = reverse("api:auth-register")
SIGNUP_URL = reverse("signup")
LOCKED = "Too many failed log-in attempts"
WAIT = "Try again in 15 minutes."


def _rate(scope: str) -> int:
    count, _period = api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")
    return int(count)


def _log_in(client, email: str, password: str, **headers):
    return client.post(LOGIN_URL, {"username": email, "password": password}, **headers)


def _token(api_client, email: str, password: str, **headers):
    return api_client.post(
        TOKEN_URL, {"email": email, "password": password}, format="json", **headers
    )


@pytest.fixture
def proxies(settings):
    """``proxies(n)`` says n proxies stand in front of the site."""

    def configure(count: int) -> None:
        settings.NUM_PROXIES = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return configure


class TestFormLockout:
    def test_eleven_wrong_passwords_lock_the_account_and_say_for_how_long(
        self, client, supplier_user
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            _log_in(client, supplier_user.email, "wrong")

        response = _log_in(client, supplier_user.email, TEST_PASSWORD)

        assert response.status_code == 429
        html = response.content.decode()
        assert LOCKED in html
        assert WAIT in html
        assert "_auth_user_id" not in client.session

    def test_fewer_failures_than_the_limit_still_let_the_right_password_in(
        self, client, supplier_user
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _log_in(client, supplier_user.email, "wrong")

        response = _log_in(client, supplier_user.email, TEST_PASSWORD)

        assert response.status_code == 302

    def test_the_address_in_another_case_is_the_same_account(self, client, supplier_user):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _log_in(client, supplier_user.email.upper(), "wrong", REMOTE_ADDR="10.0.0.1")

        response = _log_in(client, supplier_user.email, TEST_PASSWORD, REMOTE_ADDR="10.0.0.2")

        assert response.status_code == 429

    def test_an_address_trying_many_accounts_is_locked_for_every_account(
        self, client, supplier_user
    ):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _log_in(client, f"guess-{n}@example.com", "wrong", REMOTE_ADDR="10.0.0.9")

        locked = _log_in(client, supplier_user.email, TEST_PASSWORD, REMOTE_ADDR="10.0.0.9")
        elsewhere = _log_in(client, supplier_user.email, TEST_PASSWORD, REMOTE_ADDR="10.0.0.8")

        assert locked.status_code == 429
        assert LOCKED in locked.content.decode()
        assert elsewhere.status_code == 302

    def test_staff_unlock_in_the_admin_lets_the_user_in(self, client, supplier_user, staff_user):
        # Another address, so the lock left is the account's, which the action lifts.
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            _log_in(client, supplier_user.email, "wrong", REMOTE_ADDR="10.0.0.5")
        assert _log_in(client, supplier_user.email, TEST_PASSWORD).status_code == 429

        staff_user.is_superuser = True
        staff_user.save()
        client.force_login(staff_user)
        response = client.post(
            reverse("admin:companies_user_changelist"),
            {"action": "unlock_log_in", "_selected_action": [supplier_user.pk]},
        )
        assert response.status_code == 302
        client.logout()

        assert _log_in(client, supplier_user.email, TEST_PASSWORD).status_code == 302

    def test_only_staff_may_unlock(self, supplier_user):
        with pytest.raises(PermissionDenied):
            services.account_unlock(email=supplier_user.email, actor=supplier_user)

    def test_rotating_x_forwarded_for_does_not_reset_the_count(self, client, supplier_user):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _log_in(
                client, f"guess-{n}@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            )

        response = _log_in(
            client, supplier_user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1"
        )

        assert response.status_code == 429

    def test_behind_one_proxy_the_address_it_added_is_counted(self, client, supplier_user, proxies):
        proxies(1)
        for n in range(settings.AXES_FAILURE_LIMIT):
            # The client writes anything first; the proxy appends the address it saw.
            forwarded = f"192.0.2.{n}, 203.0.113.7"
            _log_in(client, f"guess-{n}@example.com", "wrong", HTTP_X_FORWARDED_FOR=forwarded)

        same = _log_in(
            client, supplier_user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
        )
        other = _log_in(
            client, supplier_user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 5.6.7.8"
        )

        assert same.status_code == 429
        assert other.status_code == 302


class TestTokenLockout:
    def test_eleven_wrong_passwords_lock_the_account(self, api_client, supplier_user):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            _token(api_client, supplier_user.email, "wrong")

        response = _token(api_client, supplier_user.email, TEST_PASSWORD)

        assert response.status_code == 429
        assert response.json()["errors"] == {}
        assert response.json()["message"].startswith(LOCKED)
        assert WAIT in response.json()["message"]

    def test_a_wrong_password_below_the_limit_keeps_its_message(self, api_client, supplier_user):
        response = _token(api_client, supplier_user.email, "wrong")

        assert response.status_code == 400
        assert "No active account matches" in str(response.json()["errors"])

    def test_form_and_api_failures_count_together(self, client, api_client, supplier_user):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _log_in(client, supplier_user.email, "wrong")

        response = _token(api_client, supplier_user.email, TEST_PASSWORD)

        assert response.status_code == 429

    def test_an_address_trying_many_accounts_is_locked(self, api_client, supplier_user):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _token(api_client, f"guess-{n}@example.com", "wrong")

        response = _token(api_client, supplier_user.email, TEST_PASSWORD)

        assert response.status_code == 429

    def test_staff_unlock_lets_the_user_in(self, api_client, supplier_user, staff_user):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _token(api_client, supplier_user.email, "wrong")

        services.account_unlock(email=supplier_user.email, actor=staff_user)

        assert _token(api_client, supplier_user.email, TEST_PASSWORD).status_code == 200


class TestThrottles:
    def test_a_burst_of_api_sign_ups_past_the_rate_is_refused(self, api_client):
        statuses = [
            api_client.post(
                REGISTER_URL, registration(email=f"owner{n}@burst.example"), format="json"
            ).status_code
            for n in range(_rate("signup") + 1)
        ]

        assert statuses[:-1] == [201] * _rate("signup")
        assert statuses[-1] == 429

    def test_a_burst_of_page_sign_ups_past_the_rate_is_refused(self, client):
        statuses = []
        for n in range(_rate("signup") + 1):
            client.logout()
            response = client.post(SIGNUP_URL, signup_data(email=f"owner{n}@burst.example"))
            statuses.append(response.status_code)

        assert statuses[:-1] == [302] * _rate("signup")
        assert statuses[-1] == 429
        assert "Too many attempts" in response.content.decode()

    def test_reading_the_sign_up_form_is_not_counted(self, client):
        for _ in range(_rate("signup") + 1):
            assert client.get(SIGNUP_URL).status_code == 200

    def test_the_token_api_is_refused_past_its_rate(self, api_client, supplier_user):
        statuses = [
            _token(api_client, supplier_user.email, TEST_PASSWORD).status_code
            for _ in range(_rate("token") + 1)
        ]

        assert statuses[:-1] == [200] * _rate("token")
        assert statuses[-1] == 429
        assert "throttled" in api_client.post(TOKEN_URL, {}).json()["message"]

    def test_the_log_in_page_is_refused_past_its_rate_whatever_x_forwarded_for_says(self, client):
        users = [UserFactory() for _ in range(_rate("login") + 1)]
        statuses = [
            _log_in(
                client, user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            ).status_code
            for n, user in enumerate(users)
        ]

        assert set(statuses[:-1]) == {302}
        assert statuses[-1] == 429

    def test_the_password_reset_page_is_refused_past_its_rate(self, client):
        url = reverse("password_reset")
        statuses = [
            client.post(url, {"email": f"someone{n}@example.com"}).status_code
            for n in range(_rate("password_reset") + 1)
        ]

        assert set(statuses[:-1]) == {302}
        assert statuses[-1] == 429

    def test_behind_one_proxy_each_forwarded_client_has_its_own_count(self, api_client, proxies):
        proxies(1)
        for n in range(_rate("signup")):
            api_client.post(
                REGISTER_URL,
                registration(email=f"owner{n}@burst.example"),
                format="json",
                HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5",
            )

        same = api_client.post(
            REGISTER_URL,
            registration(email="late@burst.example"),
            format="json",
            HTTP_X_FORWARDED_FOR="198.51.100.2, 203.0.113.5",
        )
        other = api_client.post(
            REGISTER_URL,
            registration(email="other@burst.example"),
            format="json",
            HTTP_X_FORWARDED_FOR="203.0.113.5, 203.0.113.6",
        )

        assert same.status_code == 429
        assert other.status_code == 201
