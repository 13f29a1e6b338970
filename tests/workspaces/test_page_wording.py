"""What the analytics pages say in the places people misread: empty counts."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_analytics_without_recent_requests_does_not_count_zero_requests(
    client, manager, cluster, member
):
    client.force_login(manager)

    html = client.get(reverse("cluster-analytics", args=[cluster.slug])).content.decode()

    assert "the 0 requests" not in html
    assert "(none yet)" in html
