"""A cluster whose members can answer together what none of them can alone.

Built through the real services: the cluster is proposed and approved, firms
apply and are approved, the buyer creates and opens a request.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from clusters import services as cluster_services
from clusters.models import Cluster, ClusterMembership
from companies.models import CertificationScheme, Organisation, User
from consortia import services as consortia_services
from consortia.models import Consortium
from matching import services as matching_services
from matching.models import SourcingRequest
from tests.factories import (
    BuyerFactory,
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SupplierFactory,
    UserFactory,
)

BUYER_SECRET = "procurement@hanse-buyer.example"
VOLUME = 45_000
# Monthly capacities in pieces of T-shirts (HS 610910); none reaches the volume alone.
CAPACITIES = {"Alpha Knit": 30_000, "Beta Knit": 20_000, "Gamma Knit": 15_000, "Delta Knit": 10_000}


def secret_of(name: str) -> str:
    return f"sales@{name.lower().replace(' ', '-')}.example"


@dataclass
class World:
    cluster: Cluster
    manager: User
    buyer: Organisation
    buyer_user: User
    request: SourcingRequest
    firms: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, ClusterMembership] = field(default_factory=dict)

    def ids(self, *names: str) -> list[int]:
        return [self.firms[n].pk for n in names]


def add_member(world: World, name: str, capacity: int, *, unit: str = "pieces", certs=()) -> None:
    firm = SupplierFactory(
        legal_name=name, country="IN", description="Knitted cotton T-shirts for export."
    )
    firm.hs_codes.add("610910")
    ProductLineFactory(organisation=firm, hs_code_id="610910", monthly_capacity=capacity, unit=unit)
    for code in certs:
        CertificationFactory(organisation=firm, scheme=CertificationScheme.objects.get(code=code))
    ContactPersonFactory(organisation=firm, email=secret_of(name), phone="+91 421 555 0000")
    user = UserFactory(organisation=firm, email=f"owner@{name.lower().replace(' ', '-')}.example")
    membership = cluster_services.membership_apply(
        cluster=world.cluster, actor=user, listed_publicly=True
    )
    membership = cluster_services.membership_approve(membership=membership, actor=world.manager)
    world.firms[name], world.users[name], world.memberships[name] = firm, user, membership


def open_request(
    buyer_user: User,
    *,
    volume: int = VOLUME,
    certifications=(),
    visibility: str = "public",
    allow_consortium: bool = True,
) -> SourcingRequest:
    request = matching_services.request_create(
        actor=buyer_user,
        title="Knitted cotton T-shirts",
        description="Plain knitted cotton T-shirts for our spring line.",
        hs_codes=["6109"],
        required_certifications=list(certifications),
        deadline=timezone.now() + timedelta(days=30),
        volume_per_month=volume,
        unit="pieces",
        visibility=visibility,
        allow_consortium=allow_consortium,
    )
    return matching_services.request_open(request=request, actor=buyer_user)


def build_world(manager, cluster, rebuild_index, *, capacities=CAPACITIES, **request_args):
    buyer = BuyerFactory(legal_name="Hanse Apparel GmbH")
    buyer_user = UserFactory(organisation=buyer, email="anna@hanse.example")
    ContactPersonFactory(organisation=buyer, email=BUYER_SECRET, phone="+49 40 7777 1234")
    world = World(cluster, manager, buyer, buyer_user, request=None)  # type: ignore[arg-type]
    for name, capacity in capacities.items():
        add_member(world, name, capacity)
    rebuild_index()
    world.request = open_request(buyer_user, **request_args)
    return world


def draft(world: World) -> Consortium:
    drafts = consortia_services.consortia_propose_for_request(request=world.request)
    assert len(drafts) == 1
    return drafts[0]


def proposed(world: World, members=("Alpha Knit", "Beta Knit"), lead="Alpha Knit") -> Consortium:
    consortium = draft(world)
    consortium = consortia_services.consortium_update(
        consortium=consortium,
        actor=world.manager,
        members=world.ids(*members),
        lead=world.firms[lead].pk,
    )
    return consortia_services.consortium_propose(consortium=consortium, actor=world.manager)
