"""Broadcasts and consortia refuse with ApplicationError: the API answers with the
400 {"message", "errors"} it always gave, ids are parsed by the API and the page."""

import pytest

from consortia import services as consortia_services
from consortia.models import Broadcast
from sme_platform.errors import ApplicationError
from tests.consortia.test_broadcasts import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(cluster, manager):
    membership, _ = join(cluster, manager, "A Knit")
    return membership


def test_the_service_names_each_broken_field_at_once(cluster, manager, active):
    with pytest.raises(ApplicationError) as caught:
        consortia_services.broadcast_send(
            cluster=cluster, actor=manager, subject="s" * 201, body="b", request_id=424242
        )

    assert caught.value.extra == {
        "subject": ["At most 200 characters (you gave 201)."],
        "request_id": ["No open public request has this id."],
    }


def test_ids_that_are_not_numbers_are_one_message(api_as, cluster, manager, active):
    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/broadcasts/",
        {"subject": "Hi", "body": "x", "audience": "selected", "recipient_ids": ["x", 2]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation error",
        "errors": {"recipient_ids": ["Give members by the id of their membership."]},
    }


def test_an_empty_request_id_is_no_request(api_as, cluster, manager, active):
    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/broadcasts/",
        {"subject": "Hi", "body": "x", "request_id": ""},
        format="json",
    )

    assert response.status_code == 201
    assert Broadcast.objects.get().request is None
