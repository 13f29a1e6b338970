"""Notification invariants the database holds, permissions, and limits taken from the model."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import permissions
from notifications import services as notifications
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_notification_cannot_be_read_before_it_was_made(buyer_user):
    notice = notifications.notify(user=buyer_user, kind="test", title="Hello", send_email=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notice.pk).update(
            read_at=notice.created_at - timedelta(minutes=1)
        )
    Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_notify_cuts_to_the_models_limits(buyer_user):
    notice = notifications.notify(
        user=buyer_user, kind="k" * 60, title="t" * 300, url="/" + "u" * 600, send_email=False
    )
    limits = {f: Notification._meta.get_field(f).max_length for f in ("kind", "title", "url")}
    assert (len(notice.kind), len(notice.title), len(notice.url)) == (
        limits["kind"],
        limits["title"],
        limits["url"],
    )


def test_only_the_recipient_may_read_or_mark_a_notification(buyer_user):
    notice = notifications.notify(user=buyer_user, kind="test", title="Hello", send_email=False)
    stranger = UserFactory()
    assert permissions.is_recipient_of(buyer_user, notice)
    assert not permissions.is_recipient_of(stranger, notice)
    with pytest.raises(ValueError, match="own notifications"):
        notifications.notification_mark_read(notification=notice, user=stranger)
