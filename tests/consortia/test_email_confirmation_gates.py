"""Cluster managers, buyers and members who have not confirmed their e-mail address may
not send broadcasts or act on consortia: 403 ``email_not_confirmed``, nothing written."""

import pytest

from companies.models import User
from companies.permissions import EmailNotConfirmed
from consortia import services
from consortia.models import Broadcast, Consortium
from tests.factories import ConsortiumFactory

pytestmark = pytest.mark.django_db


def unconfirm(user: User) -> User:
    """As if the account had registered itself and not followed its link yet."""
    User.objects.filter(pk=user.pk).update(email_confirmed_at=None)
    user.refresh_from_db()
    return user


def test_api_broadcast_by_an_unconfirmed_manager_is_403_and_sends_nothing(api_as, cluster, manager):
    unconfirm(manager)

    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/broadcasts/",
        {"subject": "Trade fair", "body": "Join us in Hanoi."},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_confirmed"
    assert not Broadcast.objects.exists()


def test_a_confirmed_manager_may_broadcast(api_as, cluster, manager):
    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/broadcasts/",
        {"subject": "Trade fair", "body": "Join us in Hanoi."},
        format="json",
    )

    assert response.status_code != 403, response.json()


@pytest.mark.parametrize(
    "action",
    [
        lambda c, u: services.consortium_propose(consortium=c, actor=u),
        lambda c, u: services.consortium_withdraw(consortium=c, actor=u),
        lambda c, u: services.consortium_update(consortium=c, actor=u, members=[]),
        lambda c, u: services.consortium_decide(consortium=c, actor=u, accept=True),
    ],
    ids=["propose", "withdraw", "update", "decide"],
)
def test_consortium_actions_need_a_confirmed_address(cluster, manager, action):
    consortium = ConsortiumFactory(cluster=cluster)
    edited = Consortium.objects.get(pk=consortium.pk).updated_at
    unconfirm(manager)

    with pytest.raises(EmailNotConfirmed):
        action(consortium, manager)

    assert Consortium.objects.get(pk=consortium.pk).status == Consortium.Status.DRAFT
    assert Consortium.objects.get(pk=consortium.pk).updated_at == edited
