"""Every page is shown in the user's own time zone, not only the pages that asked for it."""

import zoneinfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from notifications.models import Notification
from sme_platform.pages import UserTimeZoneMiddleware
from tests.factories import UserFactory


def _zone_seen_by_a_view(user) -> str:
    seen = {}

    def view(request):
        seen["zone"] = str(timezone.get_current_timezone())
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    UserTimeZoneMiddleware(view)(request)
    return seen["zone"]


@pytest.mark.django_db
def test_a_page_runs_in_the_users_time_zone():
    user = UserFactory(time_zone="Asia/Ho_Chi_Minh")
    assert _zone_seen_by_a_view(user) == "Asia/Ho_Chi_Minh"


@pytest.mark.django_db
def test_an_unknown_zone_falls_back_to_utc():
    user = UserFactory(time_zone="Mars/Olympus_Mons")
    assert _zone_seen_by_a_view(user) == "UTC"


def test_visitors_see_utc():
    assert _zone_seen_by_a_view(AnonymousUser()) == "UTC"


@pytest.mark.django_db
def test_the_notifications_page_shows_times_in_the_users_zone(client):
    # given a notice created at 23:30 UTC, which is 06:30 the next day in Ho Chi Minh City
    user = UserFactory(time_zone="Asia/Ho_Chi_Minh")
    notice = Notification.objects.create(user=user, kind="test", title="Order update")
    moment = timezone.datetime(2026, 3, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    Notification.objects.filter(pk=notice.pk).update(created_at=moment)
    client.force_login(user)
    # when the user opens the page
    page = client.get("/notifications/").content.decode()
    # then the time is shown in the user's zone
    assert "06:30" in page or "6:30 a.m." in page
    assert "23:30" not in page
