"""How the clusters services tell people: the managers, the member firm, staff."""

from collections.abc import Iterable

from django.urls import reverse

from clusters.models import Cluster, ClusterMembership
from companies.models import User
from notifications.services import notify


def _manage_url(cluster: Cluster) -> str:
    return reverse("cluster-manage", kwargs={"slug": cluster.slug})


def _my_clusters_url() -> str:
    return reverse("my-clusters")


def _notify_users(users: Iterable[User], *, kind: str, title: str, body: str, url: str) -> None:
    for user in users:
        notify(user=user, kind=kind, title=title, body=body, url=url)


def _notify_managers(cluster: Cluster, *, actor: User | None, kind: str, title: str, body: str):
    managers = cluster.managers.filter(is_active=True)
    if actor is not None:
        managers = managers.exclude(pk=actor.pk)
    _notify_users(managers, kind=kind, title=title, body=body, url=_manage_url(cluster))


def _notify_supplier(
    membership: ClusterMembership, *, actor: User | None, kind: str, title: str, body: str
) -> None:
    if membership.supplier_id is None:
        return
    users = User.objects.filter(organisation_id=membership.supplier_id, is_active=True)
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    _notify_users(users, kind=kind, title=title, body=body, url=_my_clusters_url())


def _notify_staff(*, kind: str, title: str, body: str, url: str) -> None:
    _notify_users(
        User.objects.filter(is_staff=True, is_active=True),
        kind=kind,
        title=title,
        body=body,
        url=url,
    )
