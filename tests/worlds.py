"""The worlds several test modules share, built from the factories and the services.

- ``proposal_world``: a buyer (verified by staff, so a linkage shows contacts) with an
  open request, a supplier proposed for it by the matcher, and both sides' contact
  details (to check they stay hidden). ``verify(organisation)`` and
  ``unverify(organisation)`` change a verification through the staff service.
- ``consortium_world``: an approved cluster whose four members can answer together,
  with their pooled capacity, a T-shirt request that none of them can alone; the
  engine's index is fitted on them. Built once per module with a cluster of its own
  (``tests/built_once.py``), so only for tests without ``transaction=True``.
  ``build_consortium_world(**changes)`` builds a variant on the ``cluster`` fixture
  (other members, volume, certifications, visibility) in the test itself.
"""

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from pytest_django import DjangoDbBlocker

from clusters.models import Cluster, ClusterMembership
from companies.models import CertificationScheme, Organisation, User
from consortia import services as consortia_services
from consortia.models import Consortium
from matching.index_store import forget_loaded_index, index_build_full
from matching.models import Proposal, SourcingRequest
from tests.built_once import built_once
from tests.factories import (
    BuyerFactory,
    CertificationFactory,
    ClusterBodyUserFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    ContactPersonFactory,
    ProductLineFactory,
    ProposalFactory,
    SourcingRequestFactory,
    StaffUserFactory,
    SupplierFactory,
    UserFactory,
)

# THE PROPOSAL WORLD
# ------------------------------------------------------------------------------

BUYER_SECRETS = ("procurement@hanse-buyer.example", "+49 40 7777 1234", "anna.buyer@hanse.example")
SUPPLIER_SECRETS = (
    "sales@saigon-knit.example",
    "+84 28 9999 5678",
    "minh.owner@saigon-knit.example",
)


@dataclass
class ProposalWorld:
    buyer: Organisation
    buyer_user: User
    supplier: Organisation
    supplier_user: User
    request: SourcingRequest
    proposal: Proposal


def verify(organisation: Organisation, verification: str = "verified") -> Organisation:
    """Staff set the organisation's verification, as the admin does."""
    from companies.services import organisation_set_verification

    staff = cast(User, StaffUserFactory())
    return organisation_set_verification(
        organisation=organisation, actor=staff, verification=verification
    )


def unverify(organisation: Organisation) -> Organisation:
    return verify(organisation, Organisation.Verification.UNVERIFIED)


def open_request_for(buyer_user: User, title: str = "Cotton T-shirts, knitted") -> SourcingRequest:
    """A public open request; the match job it queues on commit does not run here."""
    return SourcingRequestFactory(
        created_by=buyer_user,
        title=title,
        description="Plain knitted cotton tees for our spring line.",
        volume_per_month=10_000,
        unit="pieces",
    )


def propose(request: SourcingRequest, supplier: Organisation, score: float = 0.82) -> Proposal:
    return ProposalFactory(request=request, supplier=supplier, score=score, explained=True)


@pytest.fixture
def proposal_world(db: None) -> ProposalWorld:
    buyer = BuyerFactory(legal_name="Hanse Apparel GmbH", verified=True)
    buyer_user = UserFactory(organisation=buyer, email=BUYER_SECRETS[2], full_name="Anna Buyer")
    ContactPersonFactory(organisation=buyer, email=BUYER_SECRETS[0], phone=BUYER_SECRETS[1])
    supplier = SupplierFactory(legal_name="Saigon Knitwear Co.", country="VN")
    supplier_user = UserFactory(
        organisation=supplier, email=SUPPLIER_SECRETS[2], full_name="Minh Owner"
    )
    ContactPersonFactory(
        organisation=supplier, email=SUPPLIER_SECRETS[0], phone=SUPPLIER_SECRETS[1]
    )
    request = open_request_for(buyer_user)
    return ProposalWorld(
        buyer, buyer_user, supplier, supplier_user, request, propose(request, supplier)
    )


# THE CONSORTIUM WORLD
# ------------------------------------------------------------------------------

BUYER_SECRET = "procurement@hanse-buyer.example"
VOLUME = 45_000
# Monthly capacities in pieces of T-shirts (HS 610910); none reaches the volume alone.
CAPACITIES = {"Alpha Knit": 30_000, "Beta Knit": 20_000, "Gamma Knit": 15_000, "Delta Knit": 10_000}


def secret_of(name: str) -> str:
    return f"sales@{name.lower().replace(' ', '-')}.example"


@dataclass
class ConsortiumWorld:
    cluster: Cluster
    manager: User
    buyer: Organisation | None = None
    buyer_user: User | None = None
    request: SourcingRequest | None = None
    firms: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, ClusterMembership] = field(default_factory=dict)
    consortium: Consortium | None = None

    def ids(self, *names: str) -> list[int]:
        return [self.firms[n].pk for n in names]


def add_member(
    world: ConsortiumWorld,
    name: str,
    capacity: int,
    *,
    unit: str = "pieces",
    certs: Iterable[str] = (),
) -> None:
    """An active member that makes T-shirts, with one user and a contact to keep hidden."""
    firm = SupplierFactory(
        legal_name=name, country="IN", description="Knitted cotton T-shirts for export."
    )
    firm.hs_codes.add("610910")
    ProductLineFactory(organisation=firm, hs_code_id="610910", monthly_capacity=capacity, unit=unit)
    for code in certs:
        CertificationFactory(organisation=firm, scheme=CertificationScheme.objects.get(code=code))
    ContactPersonFactory(organisation=firm, email=secret_of(name), phone="+91 421 555 0000")
    user = UserFactory(organisation=firm, email=f"owner@{name.lower().replace(' ', '-')}.example")
    membership = ClusterMembershipFactory(
        cluster=world.cluster, applicant=user, approver=world.manager, listed_publicly=True
    )
    world.firms[name], world.users[name], world.memberships[name] = firm, user, membership


def open_request(
    buyer_user: User,
    *,
    volume: int = VOLUME,
    certifications: Iterable[str] = (),
    visibility: str = "public",
    allow_consortium: bool = True,
) -> SourcingRequest:
    return SourcingRequestFactory(
        created_by=buyer_user,
        title="Knitted cotton T-shirts",
        description="Plain knitted cotton T-shirts for our spring line.",
        required_certifications=list(certifications),
        volume_per_month=volume,
        unit="pieces",
        visibility=visibility,
        allow_consortium=allow_consortium,
    )


def build_world(
    manager: User,
    cluster: Cluster,
    rebuild_index: Callable[[], Any],
    *,
    capacities: Mapping[str, int] = CAPACITIES,
    **request_args: Any,
) -> ConsortiumWorld:
    buyer = BuyerFactory(legal_name="Hanse Apparel GmbH")
    buyer_user = UserFactory(organisation=buyer, email="anna@hanse.example")
    ContactPersonFactory(organisation=buyer, email=BUYER_SECRET, phone="+49 40 7777 1234")
    world = ConsortiumWorld(cluster, manager, buyer, buyer_user)
    for name, capacity in capacities.items():
        add_member(world, name, capacity)
    rebuild_index()
    world.request = open_request(buyer_user, **request_args)
    return world


def draft(world: ConsortiumWorld) -> Consortium:
    """The matcher's one draft for the world's request."""
    assert world.request is not None
    drafts = consortia_services.consortia_propose_for_request(request=world.request)
    assert len(drafts) == 1
    return drafts[0]


def proposed(
    world: ConsortiumWorld,
    members: Iterable[str] = ("Alpha Knit", "Beta Knit"),
    lead: str = "Alpha Knit",
) -> Consortium:
    """The draft with these members and lead, proposed to the buyer by the manager."""
    consortium = consortia_services.consortium_update(
        consortium=draft(world),
        actor=world.manager,
        members=world.ids(*members),
        lead=world.firms[lead].pk,
    )
    return consortia_services.consortium_propose(consortium=consortium, actor=world.manager)


def fit_index() -> None:
    """A fresh engine index fitted on the database, as ``rebuild_search_index`` fits it."""
    forget_loaded_index()
    index_build_full()


def consortium_world_of_its_own(**changes: Any) -> ConsortiumWorld:
    """A consortium world whose cluster, manager and approving staff user are its own:
    the function-scoped ``manager`` and ``cluster`` cannot serve a wider fixture."""
    manager = ClusterBodyUserFactory()
    return build_world(manager, ClusterFactory(proposed_by=manager), fit_index, **changes)


@pytest.fixture
def build_consortium_world(
    manager: User, cluster: Cluster, rebuild_search_index: Callable[[], Any]
) -> Callable[..., ConsortiumWorld]:
    def build(**changes: Any) -> ConsortiumWorld:
        return build_world(manager, cluster, rebuild_search_index, **changes)

    return build


@pytest.fixture(scope="module")
def consortium_world_once(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[ConsortiumWorld]:
    with built_once(django_db_blocker):
        yield consortium_world_of_its_own()


@pytest.fixture
def consortium_world(consortium_world_once: ConsortiumWorld, db: None) -> ConsortiumWorld:
    """Built once per module (a test changes it only inside its own rollback); each test
    gets its own copy of the objects. A test that fits the index again leaves that
    index loaded, so each test starts by loading the module's own."""
    forget_loaded_index()
    return copy.deepcopy(consortium_world_once)
