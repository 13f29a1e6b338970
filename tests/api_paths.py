"""Which objects a path of the API names, so that tests walking every operation of the
schema can fill its path with ids of real objects."""

from typing import Any

from django.db.models import Model

from clusters.models import Cluster, ClusterMembership, MemberImport
from companies.models import Certification, ContactPerson, Organisation, ProductLine
from consortia.models import Broadcast, Consortium
from matching.models import MatchRun, Proposal, SavedSearch, SourcingRequest
from notifications.models import Notification
from tests.factories import (
    BroadcastFactory,
    CertificationFactory,
    MatchRunFactory,
    MemberImportFactory,
    NotificationFactory,
    SavedSearchFactory,
)
from tests.worlds import draft, propose

__all__ = ["add_one_of_each", "model_of_path_parameter", "real_path_values"]

# By the parameter's name, else by the path segment before it (``/requests/{id}/``).
MODEL_OF_PARAMETER: dict[str, type[Model]] = {
    "cluster_id": Cluster,
    "organisation_id": Organisation,
    "membership_id": ClusterMembership,
    "broadcast_id": Broadcast,
    "import_id": MemberImport,
    "linkage_pk": Proposal,
}
MODEL_OF_SEGMENT: dict[str, type[Model]] = {
    "requests": SourcingRequest,
    "proposals": Proposal,
    "certifications": Certification,
    "product-lines": ProductLine,
    "contacts": ContactPerson,
    "consortia": Consortium,
    "notifications": Notification,
    "match-runs": MatchRun,
    "saved-searches": SavedSearch,
}
COUNTRIES = ["IN", "VN", "DE"]


def model_of_path_parameter(path: str, name: str) -> type[Model] | None:
    if name in MODEL_OF_PARAMETER:
        return MODEL_OF_PARAMETER[name]
    segments = path.strip("/").split("/")
    marker = "{" + name + "}"
    if marker in segments:
        position = segments.index(marker)
        return MODEL_OF_SEGMENT.get(segments[position - 1])
    return None


def real_path_values(path: str, names: list[str], *, limit: int = 4) -> dict[str, list[Any]]:
    """For each path parameter, ids (or codes) of objects that exist; empty if one has none."""
    values: dict[str, list[Any]] = {}
    for name in names:
        if name == "country_code":
            values[name] = COUNTRIES
            continue
        model = model_of_path_parameter(path, name)
        found = (
            []
            if model is None
            else list(model.objects.order_by("pk").values_list("pk", flat=True)[:limit])
        )
        if not found:
            return {}
        values[name] = found
    return values


def add_one_of_each(world: Any) -> None:
    """Give a consortium world one object of every kind an API path names: a proposal,
    a consortium draft, a broadcast to a member, a member import, a saved search, a
    certificate, a match run and a notice for each user."""
    alpha = world.firms["Alpha Knit"]
    propose(world.request, alpha)
    draft(world)
    BroadcastFactory(cluster=world.cluster, sender=world.manager)  # to every member
    MemberImportFactory(cluster=world.cluster, uploaded_by=world.manager)
    SavedSearchFactory(user=world.buyer_user)
    CertificationFactory(organisation=alpha)
    MatchRunFactory()
    for user in (world.users["Alpha Knit"], world.buyer_user, world.manager):
        NotificationFactory(user=user)
