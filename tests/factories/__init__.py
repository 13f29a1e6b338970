"""factory_boy factories for every model, one module per app.

Where a model's valid state comes from a real action (a cluster approved by staff,
a membership approved by a manager, a request opened by its buyer, a broadcast
sent), the factory takes that action through the service; the other rows are
written as they are stored. ``tests/conftest.py`` offers each factory as a fixture.
"""

from tests.factories.clusters import (
    ClusterFactory,
    ClusterMembershipFactory,
    ImportedFirmFactory,
    MemberImportFactory,
    MembershipEventFactory,
)
from tests.factories.companies import (
    TEST_PASSWORD,
    BuyerFactory,
    BuyerUserFactory,
    CertificationFactory,
    CertificationSchemeFactory,
    ClusterBodyFactory,
    ClusterBodyUserFactory,
    ContactPersonFactory,
    HsCodeFactory,
    HsIsicLinkFactory,
    InvitationFactory,
    IsicCodeFactory,
    OrganisationFactory,
    ProductLineFactory,
    StaffUserFactory,
    SupplierFactory,
    UserFactory,
)
from tests.factories.consortia import (
    BroadcastFactory,
    BroadcastRecipientFactory,
    ConsortiumFactory,
    ConsortiumMemberFactory,
)
from tests.factories.matching import (
    EngineIndexVersionFactory,
    MatchRunFactory,
    NearMissFactory,
    ProposalFactory,
    SavedSearchFactory,
    SavedSearchHitFactory,
    ScoringWeightsFactory,
    SourcingRequestFactory,
)
from tests.factories.notifications import NotificationFactory

__all__ = [
    "TEST_PASSWORD",
    "BroadcastFactory",
    "BroadcastRecipientFactory",
    "BuyerFactory",
    "BuyerUserFactory",
    "CertificationFactory",
    "CertificationSchemeFactory",
    "ClusterBodyFactory",
    "ClusterBodyUserFactory",
    "ClusterFactory",
    "ClusterMembershipFactory",
    "ConsortiumFactory",
    "ConsortiumMemberFactory",
    "ContactPersonFactory",
    "EngineIndexVersionFactory",
    "HsCodeFactory",
    "HsIsicLinkFactory",
    "ImportedFirmFactory",
    "InvitationFactory",
    "IsicCodeFactory",
    "MatchRunFactory",
    "MemberImportFactory",
    "MembershipEventFactory",
    "NearMissFactory",
    "NotificationFactory",
    "OrganisationFactory",
    "ProductLineFactory",
    "ProposalFactory",
    "SavedSearchFactory",
    "SavedSearchHitFactory",
    "ScoringWeightsFactory",
    "SourcingRequestFactory",
    "StaffUserFactory",
    "SupplierFactory",
    "UserFactory",
]
