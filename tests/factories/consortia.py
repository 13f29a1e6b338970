"""Factories of the consortia app: consortia of cluster members, and broadcasts."""

from typing import Any

import factory

from clusters.models import ClusterMembership
from consortia import services
from consortia.models import Broadcast, BroadcastRecipient, Consortium, ConsortiumMember
from tests.factories.clusters import ClusterFactory, ClusterMembershipFactory
from tests.factories.matching import SourcingRequestFactory


class ConsortiumFactory(factory.django.DjangoModelFactory[Consortium]):
    """A draft consortium for a request, written by hand with no members; the matcher's
    drafts come from ``consortia_propose_for_request`` on a real world
    (``consortium_world``)."""

    class Meta:
        model = Consortium

    request = factory.SubFactory(SourcingRequestFactory, allow_consortium=True)
    cluster = factory.SubFactory(ClusterFactory)
    status = Consortium.Status.DRAFT
    score = 0.5
    engine_version = "i1-w0"


class ConsortiumMemberFactory(factory.django.DjangoModelFactory[ConsortiumMember]):
    """An active member of the consortium's cluster taking part with its capacity."""

    class Meta:
        model = ConsortiumMember

    consortium = factory.SubFactory(ConsortiumFactory)
    membership = factory.SubFactory(
        ClusterMembershipFactory, cluster=factory.SelfAttribute("..consortium.cluster")
    )
    supplier = factory.LazyAttribute(lambda member: member.membership.supplier)
    hs_codes = factory.LazyFunction(lambda: ["610910"])
    capacity_pledged = 20_000
    score = 0.5
    is_lead = False


class BroadcastFactory(factory.django.DjangoModelFactory[Broadcast]):
    """A broadcast sent by the cluster's first manager through ``broadcast_send``: its
    recipients are the cluster's active members (a cluster with none gets one, as the
    service refuses to send to nobody), and its delivery is queued on commit."""

    class Meta:
        model = Broadcast

    cluster = factory.SubFactory(ClusterFactory)
    sender = factory.LazyAttribute(
        lambda broadcast: broadcast.cluster.managers.order_by("pk").first()
    )
    subject = factory.Sequence(lambda n: f"Opportunity {n}")
    body = "A buyer is looking for knitted cotton T-shirts."
    audience = Broadcast.Audience.ALL

    @classmethod
    def _create(cls, model_class: type[Broadcast], *args: Any, **kwargs: Any) -> Broadcast:
        cluster = kwargs["cluster"]
        if not cluster.memberships.filter(status=ClusterMembership.Status.ACTIVE).exists():
            ClusterMembershipFactory(cluster=cluster)
        return services.broadcast_send(actor=kwargs.pop("sender"), **kwargs)


class BroadcastRecipientFactory(factory.django.DjangoModelFactory[BroadcastRecipient]):
    """A member firm a broadcast reached, written by hand (not yet told, not read)."""

    class Meta:
        model = BroadcastRecipient

    broadcast = factory.SubFactory(BroadcastFactory)
    membership = factory.SubFactory(
        ClusterMembershipFactory, cluster=factory.SelfAttribute("..broadcast.cluster")
    )
    supplier = factory.LazyAttribute(lambda recipient: recipient.membership.supplier)
