"""In-app notifications, their e-mail copies and the unsubscribe link."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications import selectors as notifications_selectors
from notifications import services as notifications
from notifications import tasks as notifications_tasks
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def tell(user, title="A new supplier matches your search", **fields):
    return notifications.notify(
        user=user, kind="test", title=title, body=fields.pop("body", "Details."), **fields
    )


def unsubscribe_path(user) -> str:
    return reverse(
        "notifications-unsubscribe", kwargs={"token": notifications.unsubscribe_token(user=user)}
    )


# NOTIFY
# ------------------------------------------------------------------------------


def test_notify_records_the_notice_and_emails_after_commit(
    buyer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = tell(buyer_user, url="/requests/1/")
        assert mail.outbox == []  # nothing is sent before the commit

    assert len(callbacks) == 1
    assert notice.read_at is None
    [email] = mail.outbox
    assert email.subject == "A new supplier matches your search"
    assert settings.SITE_URL.rstrip("/") + "/requests/1/" in email.body


def test_every_email_carries_an_unsubscribe_link(buyer_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell(buyer_user)

    [email] = mail.outbox
    assert unsubscribe_path(buyer_user) in email.body
    assert unsubscribe_path(buyer_user) in email.extra_headers["List-Unsubscribe"]


def test_no_email_when_the_user_does_not_want_them(buyer_user, django_capture_on_commit_callbacks):
    buyer_user.email_notifications = False
    buyer_user.save()

    with django_capture_on_commit_callbacks(execute=True):
        tell(buyer_user)

    assert Notification.objects.filter(user=buyer_user).count() == 1
    assert mail.outbox == []


def test_no_email_when_the_caller_says_so(buyer_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell(buyer_user, send_email=False)

    assert mail.outbox == []


def test_a_rolled_back_notice_sends_nothing(buyer_user, django_capture_on_commit_callbacks):
    def failing_write():
        with transaction.atomic():
            tell(buyer_user)
            raise RuntimeError("the write failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_write()

    assert not Notification.objects.exists()
    assert mail.outbox == []


# UNSUBSCRIBE
# ------------------------------------------------------------------------------


def test_a_notice_with_a_key_is_recorded_and_mailed_once_per_user(
    buyer_user, supplier_user, django_capture_on_commit_callbacks
):
    # when a job delivered twice tells two users the same news under the same key
    with django_capture_on_commit_callbacks(execute=True):
        first = tell(buyer_user, key="proposal:7:new")
        again = tell(buyer_user, title="Told again", key="proposal:7:new")
        other = tell(supplier_user, key="proposal:7:new")

    # then each user has one notice and one e-mail, the first one
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert Notification.objects.get(user=buyer_user).title == first.title
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer_user.email, supplier_user.email])


def test_notices_without_a_key_are_each_recorded(buyer_user):
    tell(buyer_user)
    tell(buyer_user)

    assert Notification.objects.filter(user=buyer_user).count() == 2


def test_the_database_refuses_a_second_notice_with_the_same_key(buyer_user):
    Notification.objects.create(user=buyer_user, kind="test", title="One", key="broadcast:1")

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=buyer_user, kind="test", title="Two", key="broadcast:1")


def test_unsubscribe_link_asks_before_it_acts(client, buyer_user):
    response = client.get(unsubscribe_path(buyer_user))

    assert response.status_code == 200
    assert "Stop the e-mails" in response.content.decode()
    buyer_user.refresh_from_db()
    assert buyer_user.email_notifications is True


def test_unsubscribe_turns_emails_off_without_logging_in(client, buyer_user):
    response = client.post(unsubscribe_path(buyer_user))

    assert response.status_code == 200
    assert "no longer send" in response.content.decode()
    buyer_user.refresh_from_db()
    assert buyer_user.email_notifications is False


def test_a_tampered_unsubscribe_token_is_404_and_changes_nothing(client, buyer_user):
    token = notifications.unsubscribe_token(user=buyer_user)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.post(reverse("notifications-unsubscribe", kwargs={"token": forged}))

    assert response.status_code == 404
    buyer_user.refresh_from_db()
    assert buyer_user.email_notifications is True


def test_an_unsubscribe_token_dies_with_an_email_change(client, buyer_user):
    path = unsubscribe_path(buyer_user)
    buyer_user.email = "new-address@example.com"
    buyer_user.save()

    response = client.post(path)

    assert response.status_code == 404
    buyer_user.refresh_from_db()
    assert buyer_user.email_notifications is True


def test_the_job_sends_nothing_to_a_user_who_unsubscribed_meanwhile(buyer_user):
    notice = tell(buyer_user)
    buyer_user.email_notifications = False
    buyer_user.save()

    notifications_tasks.send_notification_email_task(notice.pk)

    assert mail.outbox == []


# API
# ------------------------------------------------------------------------------


def test_api_lists_my_notifications_with_the_unread_count(api_as, buyer_user):
    tell(buyer_user, title="First")
    tell(buyer_user, title="Second")
    tell(UserFactory(), title="Someone else's")

    response = api_as(buyer_user).get("/api/v1/notifications/")

    assert response.status_code == 200
    assert sorted(n["title"] for n in response.data["results"]) == ["First", "Second"]
    assert response.data["unread_count"] == 2


def test_api_mark_one_read(api_as, buyer_user):
    notice = tell(buyer_user)

    response = api_as(buyer_user).post(f"/api/v1/notifications/{notice.pk}/read/")

    assert response.status_code == 200
    assert response.data["is_read"] is True
    assert notifications_selectors.notification_unread_count(user=buyer_user) == 0


def test_api_cannot_mark_someone_elses_notification(api_as, buyer_user):
    theirs = tell(UserFactory())

    response = api_as(buyer_user).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_mark_all_read(api_as, buyer_user):
    tell(buyer_user)
    tell(buyer_user)

    response = api_as(buyer_user).post("/api/v1/notifications/read-all/")

    assert response.data == {"marked": 2}
    assert notifications_selectors.notification_unread_count(user=buyer_user) == 0


def test_api_unread_filter(api_as, buyer_user):
    read = tell(buyer_user, title="Read")
    notifications.notification_mark_read(notification=read, user=buyer_user)
    tell(buyer_user, title="Unread")

    response = api_as(buyer_user).get("/api/v1/notifications/?unread=true")

    assert [n["title"] for n in response.data["results"]] == ["Unread"]


def test_api_anonymous_is_401(api_client):
    assert api_client.get("/api/v1/notifications/").status_code == 401


# PAGE
# ------------------------------------------------------------------------------


def test_page_shows_notifications_and_the_unread_count(client, supplier_user):
    tell(supplier_user, title="You were awarded")
    client.force_login(supplier_user)

    page = client.get(reverse("notification-list")).content.decode()

    assert "You were awarded" in page
    assert "1 unread" in page


def test_page_opening_a_notice_marks_it_read_and_follows_its_link(client, supplier_user):
    notice = tell(supplier_user, url="/open-requests/")
    client.force_login(supplier_user)

    response = client.post(reverse("notification-read", kwargs={"pk": notice.pk}))

    assert response.status_code == 302
    assert response.url == "/open-requests/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_page_does_not_follow_a_link_to_another_site(client, supplier_user):
    notice = tell(supplier_user, url="https://evil.example/")
    client.force_login(supplier_user)

    response = client.post(reverse("notification-read", kwargs={"pk": notice.pk}))

    assert response.url == reverse("notification-list")


def test_page_mark_all_read(client, supplier_user):
    tell(supplier_user)
    client.force_login(supplier_user)

    client.post(reverse("notification-read-all"))

    assert notifications_selectors.notification_unread_count(user=supplier_user) == 0


def test_page_someone_elses_notice_is_404(client, supplier_user):
    theirs = tell(UserFactory())
    client.force_login(supplier_user)

    response = client.post(reverse("notification-read", kwargs={"pk": theirs.pk}))

    assert response.status_code == 404


def test_page_needs_a_login(client):
    response = client.get(reverse("notification-list"))

    assert response.status_code == 302
