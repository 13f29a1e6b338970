"""The supplier search has a rate of its own, tighter than a user's global one."""

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings

pytestmark = pytest.mark.django_db


def _rate(scope: str) -> int:
    count, _period = api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")
    return int(count)


def test_a_burst_of_searches_past_the_search_rate_is_refused(api_as, buyer_user):
    client = api_as(buyer_user)
    url = reverse("api:supplier-search")
    statuses = [client.get(url, {"q": "cotton"}).status_code for _ in range(_rate("search") + 1)]

    assert set(statuses[:-1]) == {200}
    assert statuses[-1] == 429
