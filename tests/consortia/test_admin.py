"""Consortia and broadcasts are only read in the admin: managers, buyers and members
write them through the services, which check who may and queue the notices."""

import pytest
from django.urls import reverse

from consortia.models import Consortium
from tests.worlds import build_world, proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager, cluster, rebuild_search_index):
    return build_world(manager, cluster, rebuild_search_index)


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def test_a_consortium_is_not_changed_or_deleted_in_the_admin(admin_client, world):
    consortium = proposed(world)
    change = reverse("admin:consortia_consortium_change", args=[consortium.pk])
    delete = reverse("admin:consortia_consortium_delete", args=[consortium.pk])

    admin_client.post(change, {"status": "withdrawn"})
    deleted = admin_client.post(delete, {"post": "yes"})

    assert deleted.status_code == 403
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.PROPOSED


@pytest.mark.parametrize("name", ["consortium", "broadcast"])
def test_nothing_is_added_in_the_admin(admin_client, name):
    assert admin_client.get(reverse(f"admin:consortia_{name}_add")).status_code == 403
