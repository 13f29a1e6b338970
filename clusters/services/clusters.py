"""Writes of clusters and their managers: proposing, editing and reviewing a cluster,
adding and removing managers."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusters import permissions
from clusters.models import Cluster
from clusters.services._notices import _manage_url, _notify_managers, _notify_staff
from companies import geography, validation
from companies.models import HsCode, User
from notifications.services import notify
from sme_platform.errors import check_fields, field_errors, refusal
from sme_platform.slugs import unique_slug

CLUSTER_FIELDS = frozenset(
    {"name", "country", "province", "sector", "main_products", "description", "website", "founded"}
)


# Page addresses under /clusters/ that a cluster's slug must not take.
_RESERVED_SLUGS = frozenset({"propose", "managed", "review", "invitations"})


# Fields whose limits and formats the model checks itself.
_MODEL_CHECKED = ("name", "country", "description", "website", "founded")


def _codes_found(
    check: Callable[..., list[Any]], codes: list[str], field: str, errors: dict[str, list[str]]
) -> list[Any] | None:
    """The taxonomy rows of ``codes``, or None with the unknown ones told in ``errors``."""
    try:
        return check(codes, field=field)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def _set_cluster_fields(cluster: Cluster, changes: Mapping[str, Any]) -> list[HsCode] | None:
    """Set ``changes`` on ``cluster``, every problem told at once; returns the main products
    to set (None: unchanged). Nothing is saved."""
    unknown = set(changes) - CLUSTER_FIELDS
    if unknown:
        raise refusal({f: ["This field cannot be changed here."] for f in sorted(unknown)})
    old_country = cluster.country
    for name in _MODEL_CHECKED:
        if name in changes:
            setattr(cluster, name, changes[name])
    if "province" in changes:
        cluster.province = changes["province"]
    elif cluster.country != old_country:
        # A province of the old country makes no sense in the new one.
        cluster.province = ""
    errors = field_errors(cluster, [name for name in _MODEL_CHECKED if name in changes])
    if (
        cluster.province
        and "country" not in errors
        and not geography.is_subdivision_of(cluster.province, cluster.country)
    ):
        country = geography.country_name(cluster.country)
        errors["province"] = [f"{cluster.province} is not a province or region of {country}."]
    if "sector" in changes:
        code = changes["sector"]
        if not code:
            errors["sector"] = ["Give the cluster's sector as an ISIC Rev. 4 code."]
        elif found := _codes_found(validation.clean_isic_codes, [code], "sector", errors):
            cluster.sector = found[0]
    products = None
    if "main_products" in changes:
        products = _codes_found(
            validation.clean_hs_codes, list(changes["main_products"]), "main_products", errors
        )
    if errors:
        raise refusal(errors)
    return products


@transaction.atomic
def cluster_propose(
    *,
    actor: User,
    name: str,
    country: str,
    sector: str,
    province: str = "",
    main_products: Iterable[str] = (),
    description: str = "",
    website: str = "",
    founded: int | None = None,
) -> Cluster:
    """A cluster body's user proposes a cluster; they become its first manager."""
    body = permissions.check_cluster_body_user(actor)
    cluster = Cluster(body=body, proposed_by=actor, status=Cluster.Status.PROPOSED)
    products = _set_cluster_fields(
        cluster,
        {
            "name": name,
            "country": country,
            "province": province,
            "sector": sector,
            "main_products": list(main_products),
            "description": description,
            "website": website,
            "founded": founded,
        },
    )
    cluster.slug = unique_slug(
        Cluster.objects.all(), cluster.name, fallback="cluster", reserved=_RESERVED_SLUGS
    )
    cluster.save()
    cluster.main_products.set(products or [])
    cluster.managers.add(actor)
    _notify_staff(
        kind="cluster_proposed",
        title=f"Cluster to review: {cluster.name}",
        body=f"{body.legal_name} proposes the cluster {cluster.name}.",
        url=reverse("cluster-review-list"),
    )
    return cluster


@transaction.atomic
def cluster_update(*, cluster: Cluster, actor: User, data: Mapping[str, Any]) -> Cluster:
    """A manager changes the fields given in ``data`` (parsed values, keyed as in
    ``cluster_propose``); a rejected cluster goes back to review."""
    permissions.check_manager(actor, cluster)
    products = _set_cluster_fields(cluster, data)
    resubmitted = cluster.status == Cluster.Status.REJECTED
    if resubmitted:
        cluster.status = Cluster.Status.PROPOSED
    cluster.save()
    if products is not None:
        cluster.main_products.set(products)
    if resubmitted:
        _notify_staff(
            kind="cluster_proposed",
            title=f"Cluster to review again: {cluster.name}",
            body=f"{cluster.body.legal_name} changed the rejected cluster {cluster.name}.",
            url=reverse("cluster-review-list"),
        )
    return cluster


@transaction.atomic
def cluster_review(*, cluster: Cluster, actor: User, status: str, note: str = "") -> Cluster:
    """Staff approve a proposed cluster (it becomes public) or reject it with a reason."""
    permissions.check_staff(actor)
    if status not in (Cluster.Status.APPROVED, Cluster.Status.REJECTED):
        raise refusal({"status": ["Choose approved or rejected."]})
    cluster.review_note = note
    check_fields(cluster, ["review_note"], as_names={"review_note": "note"})
    cluster.status = status
    cluster.reviewed_by = actor
    cluster.reviewed_at = timezone.now()
    cluster.save(
        update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"]
    )
    verdict = "approved" if status == Cluster.Status.APPROVED else "rejected"
    _notify_managers(
        cluster,
        actor=actor,
        kind=f"cluster_{verdict}",
        title=f"Cluster {verdict}: {cluster.name}",
        body=note
        or (f"{cluster.name} is public and can take members." if verdict == "approved" else ""),
    )
    return cluster


@transaction.atomic
def manager_add(*, cluster: Cluster, actor: User, user: User) -> Cluster:
    """The body's owner or a manager makes another user of the same body a manager."""
    permissions.check_managers_changer(actor, cluster)
    if not permissions.works_for_body(user, cluster):
        raise refusal(
            {"user": [f"Only users of {cluster.body.legal_name} may manage this cluster."]}
        )
    if cluster.managers.filter(pk=user.pk).exists():
        raise refusal({"user": [f"{user.email} already manages this cluster."]})
    cluster.managers.add(user)
    notify(
        user=user,
        kind="cluster_manager_added",
        title=f"You now manage {cluster.name}",
        body=f"{actor.full_name or actor.email} made you a manager of {cluster.name}.",
        url=_manage_url(cluster),
    )
    return cluster


@transaction.atomic
def manager_remove(*, cluster: Cluster, actor: User, user: User) -> Cluster:
    """The body's owner or a manager takes a manager off; a cluster keeps at least one."""
    permissions.check_managers_changer(actor, cluster)
    managers = cluster.managers.select_for_update()
    if not managers.filter(pk=user.pk).exists():
        raise refusal({"user": [f"{user.email} does not manage this cluster."]})
    if managers.count() == 1:
        raise refusal({"user": ["A cluster keeps at least one manager; add another first."]})
    cluster.managers.remove(user)
    return cluster
