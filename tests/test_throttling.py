"""Every API view is throttled: a burst past the configured rate is answered 429."""

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings

from companies.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _rate(scope: str) -> int:
    count, _period = api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")
    return int(count)


def test_anonymous_burst_past_the_rate_is_refused(api_client):
    url = reverse("api:taxonomy-hs")
    statuses = [api_client.get(url).status_code for _ in range(_rate("anon") + 1)]
    assert statuses[:-1] == [200] * _rate("anon")
    assert statuses[-1] == 429


def test_a_logged_in_users_burst_past_the_rate_is_refused(api_as, buyer_user):
    client = api_as(buyer_user)
    url = reverse("api:request-list")
    statuses = [client.get(url).status_code for _ in range(_rate("user") + 1)]
    assert set(statuses[:-1]) == {200}
    assert statuses[-1] == 429


def test_throttle_classes_are_switched_on():
    names = [cls.__name__ for cls in api_settings.DEFAULT_THROTTLE_CLASSES]
    assert names == ["AnonRateThrottle", "UserRateThrottle"]


def test_an_exempt_address_passes_every_rate_and_others_are_still_counted(api_client, settings):
    # given the load generator's address exempt
    settings.THROTTLE_EXEMPT_ADDRESSES = ["127.0.0.1"]
    url = reverse("api:taxonomy-hs")
    # when it sends a burst past the anonymous rate
    statuses = [api_client.get(url).status_code for _ in range(_rate("anon") + 5)]
    # then every call is answered, while another address is refused past the rate
    assert set(statuses) == {200}
    other = [
        api_client.get(url, REMOTE_ADDR="192.0.2.7").status_code for _ in range(_rate("anon") + 1)
    ]
    assert other[-1] == 429


def test_an_exempt_address_logs_in_past_the_pages_rate(client, settings):
    settings.THROTTLE_EXEMPT_ADDRESSES = ["127.0.0.1"]
    users: list[User] = [UserFactory() for _ in range(_rate("login") + 3)]
    statuses = []
    for user in users:
        client.logout()
        response = client.post(
            reverse("login"), {"username": user.email, "password": TEST_PASSWORD}
        )
        statuses.append(response.status_code)
    assert set(statuses) == {302}
