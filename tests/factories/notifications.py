"""Factories of the notifications app."""

import factory

from notifications.models import Notification
from tests.factories.companies import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    """An unread in-app notice; it never sends an e-mail (``notify`` does that)."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Notice {n}")
    body = ""
    url = ""
