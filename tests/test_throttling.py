"""Every API view is throttled: a burst past the configured rate is answered 429."""

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings

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
