"""The world of the access matrix: two closed sides, A and B, each with an SME, a
buyer and a cluster, and the private things each owns.

Every private thing carries a unique marker (a title, a name, a path) so that a
response body can be searched for it; every user and contact person has a unique
e-mail address for the same reason. The sides differ where the rules do: on side A
the buyer (verified by staff) and the SME are linked (both accepted a proposal) and
the SME shares its contacts with its cluster; on side B none of it holds.

Who may see a thing is written here as the *slots* of its own side (``sme``,
``colleague``, ``buyer``, ``manager``); a role outside them must get it from no
route at all.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusters import services as clusters_services
from clusters.models import Cluster, ClusterMembership, MemberImport
from companies import services as companies_services
from companies.models import Certification, ContactPerson, Invitation, Organisation, User
from consortia.models import Broadcast, Consortium
from matching import services as matching_services
from matching.models import MatchRun, Proposal, SavedSearch, SourcingRequest
from notifications.models import Notification
from tests.factories import (
    BroadcastFactory,
    BuyerFactory,
    ClusterBodyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    ConsortiumFactory,
    ContactPersonFactory,
    ImportedFirmFactory,
    InvitationFactory,
    MatchRunFactory,
    MemberImportFactory,
    NearMissFactory,
    NotificationFactory,
    ProductLineFactory,
    ProposalFactory,
    SavedSearchFactory,
    SourcingRequestFactory,
    StaffUserFactory,
    SupplierFactory,
    UserFactory,
)
from tests.worlds import fit_index

SIDES = ("a", "b")
SLOTS = ("sme", "colleague", "buyer", "manager")
# Roles that act in the matrix. Staff are left out: they may see everything.
ROLES = ("sme_a", "sme_b", "buyer_a", "buyer_b", "manager_a", "manager_b", "colleague_a", "anon")

# Who of a side may see each kind of thing (the slots of that same side).
EVERYONE = frozenset({"*"})
NOBODY: frozenset[str] = frozenset()
SEEN_BY: dict[str, frozenset[str]] = {
    "public": EVERYONE,
    "organisation": frozenset({"sme", "colleague"}),
    "certification": frozenset({"sme", "colleague"}),
    "product_line": frozenset({"sme", "colleague"}),
    "contact": frozenset({"sme", "colleague"}),
    "invitation": frozenset({"sme", "colleague"}),
    "notification": frozenset({"sme"}),
    # Proposed to the side's SME, whose cluster's managers see its proposals.
    "request": frozenset({"buyer", "sme", "colleague", "manager"}),
    "draft_request": frozenset({"buyer"}),
    "proposal": frozenset({"buyer", "sme", "colleague", "manager"}),
    "linkage": frozenset({"buyer", "sme", "colleague", "manager"}),
    "saved_search": frozenset({"buyer"}),
    "managed_cluster": frozenset({"manager"}),
    "member_import": frozenset({"manager"}),
    "membership": frozenset({"sme", "colleague", "manager"}),
    "broadcast": frozenset({"sme", "colleague", "manager"}),
    "consortium": frozenset({"manager"}),
    "match_run": NOBODY,
    "staff_only": NOBODY,
}


def side_of(role: str) -> str | None:
    return None if role == "anon" else role.rsplit("_", 1)[1]


def slot_of(role: str) -> str | None:
    return None if role == "anon" else role.rsplit("_", 1)[0]


def may_see(role: str, kind: str, side: str) -> bool:
    seen_by = SEEN_BY[kind]
    if seen_by is EVERYONE:
        return True
    return side_of(role) == side and slot_of(role) in seen_by


@dataclass
class Side:
    name: str
    linked: bool
    shares_contacts: bool
    sme: Organisation
    buyer: Organisation
    cluster_body: Organisation
    users: dict[str, User]
    cluster: Cluster
    membership: ClusterMembership
    certification: Certification
    product_line_id: int
    contact: ContactPerson
    invitation: Invitation
    notification: Notification
    request: SourcingRequest
    draft_request: SourcingRequest
    public_request: SourcingRequest
    proposal: Proposal
    linkage: Proposal
    saved_search: SavedSearch
    member_import: MemberImport
    broadcast: Broadcast
    consortium: Consortium
    unclaimed: Organisation
    # Markers of the side's private things: marker -> the kind deciding who may see it.
    secrets: dict[str, str] = field(default_factory=dict)
    # E-mail address -> the organisation it belongs to.
    emails: dict[str, Organisation] = field(default_factory=dict)


@dataclass
class World:
    sides: dict[str, Side]
    staff: User
    match_run: MatchRun
    staff_emails: list[str]

    def user(self, role: str) -> User | None:
        if role == "anon":
            return None
        slot, side = role.rsplit("_", 1)
        return self.sides[side].users[slot]

    def organisation_of(self, role: str) -> Organisation | None:
        user = self.user(role)
        return user.organisation if user else None

    def may_see_email(self, role: str, owner: Organisation | None) -> bool:
        """Own organisation's addresses; the counterpart's after a linkage (with a verified
        buyer, and both sides' users confirmed, as side A's are); a member's
        to its cluster's managers when it shares its contacts."""
        mine = self.organisation_of(role)
        if owner is None or mine is None:
            return False
        if owner.pk == mine.pk:
            return True
        side = self.sides[side_of(role) or ""]
        slot = slot_of(role)
        if side.linked and slot in ("sme", "colleague") and owner.pk == side.buyer.pk:
            return True
        if side.linked and slot == "buyer" and owner.pk == side.sme.pk:
            return True
        return side.shares_contacts and slot == "manager" and owner.pk == side.sme.pk

    def all_emails(self) -> dict[str, Organisation | None]:
        emails: dict[str, Organisation | None] = dict.fromkeys(self.staff_emails)
        for side in self.sides.values():
            emails.update(side.emails)
        return emails


EVIDENCE = b"%PDF-1.4\n% a scanned certificate\n"


def build_side(name: str, *, linked: bool, shares_contacts: bool) -> Side:
    tag = f"zephyr{name}"  # every marker of the side holds it, none of the other's
    # Verified, so that the directory lists it: found there, but never as a member.
    sme = SupplierFactory(
        legal_name=f"Knit Works {name.upper()}",
        slug=f"knit-works-{name}",
        country="VN",
        verification=Organisation.Verification.VERIFIED,
    )
    # A linkage shows contacts only once staff have verified the buyer.
    buyer = BuyerFactory(
        legal_name=f"Apparel Buyer {name.upper()}", slug=f"apparel-buyer-{name}", verified=linked
    )
    body = ClusterBodyFactory(
        legal_name=f"Knitwear Association {name.upper()}", slug=f"knit-assoc-{name}"
    )
    users = {
        "sme": UserFactory(organisation=sme, email=f"owner.{tag}@sme.example"),
        "colleague": UserFactory(
            organisation=sme, email=f"colleague.{tag}@sme.example", role=User.Role.MEMBER
        ),
        "buyer": UserFactory(organisation=buyer, email=f"owner.{tag}@buyer.example"),
        "manager": UserFactory(organisation=body, email=f"manager.{tag}@cluster.example"),
    }
    cluster = ClusterFactory(name=f"Knit Cluster {name.upper()}", proposed_by=users["manager"])
    membership = ClusterMembershipFactory(
        cluster=cluster,
        applicant=users["sme"],
        listed_publicly=False,
        share_contacts=shares_contacts,
        message=f"Membership note {tag}",
    )
    sme_contact = ContactPersonFactory(organisation=sme, email=f"sales.{tag}@sme.example")
    buyer_contact = ContactPersonFactory(organisation=buyer, email=f"sourcing.{tag}@buyer.example")
    certification = companies_services.certification_add(
        organisation=sme,
        actor=users["sme"],
        scheme="oeko-tex",
        issuer="Hohenstein",
        certificate_number=f"OT-{name.upper()}-1",
        valid_until=timezone.localdate() + timedelta(days=300),
        evidence=SimpleUploadedFile("scan.pdf", EVIDENCE, "application/pdf"),
    )
    line = ProductLineFactory(organisation=sme, hs_code_id="610910")
    invitation = InvitationFactory(
        organisation=sme, invited_by=users["sme"], email=f"invitee.{tag}@sme.example"
    )
    notification = NotificationFactory(user=users["sme"], title=f"Notice for {tag}")
    request = SourcingRequestFactory(
        created_by=users["buyer"],
        title=f"Confidential tees {tag}",
        visibility=SourcingRequest.Visibility.CONFIDENTIAL,
        allow_consortium=True,
    )
    draft_request = SourcingRequestFactory(
        created_by=users["buyer"], title=f"Draft tees {tag}", opened=False
    )
    public_request = SourcingRequestFactory(
        created_by=users["buyer"], title=f"Public tees of buyer {name.upper()}"
    )
    proposal = ProposalFactory(request=request, supplier=sme, explained=True)
    linkage = ProposalFactory(request=public_request, supplier=sme, explained=True)
    if linked:
        for actor in (users["buyer"], users["sme"]):
            linkage = matching_services.proposal_decide(proposal=linkage, actor=actor, accept=True)
    saved_search = SavedSearchFactory(user=users["buyer"], name=f"Saved search {tag}")
    member_import = MemberImportFactory(cluster=cluster, file_name=f"members-{tag}.csv")
    broadcast = BroadcastFactory(cluster=cluster, subject=f"Broadcast {tag}")
    consortium = ConsortiumFactory(request=request, cluster=cluster)
    # A firm the cluster imported that nobody of it has claimed: not public yet.
    imported = ImportedFirmFactory(
        cluster=cluster,
        organisation=SupplierFactory(
            legal_name=f"Unclaimed Knits {tag}", slug=f"unclaimed-{name}", claimed=False
        ),
        email=f"imported.{tag}@firm.example",
        member_import=member_import,
    )
    # Its invitation to claim the profile and join: the managers see it as invited.
    clusters_services.membership_invite(
        cluster=cluster, actor=users["manager"], supplier=imported.organisation
    )

    side = Side(
        name=name,
        linked=linked,
        shares_contacts=shares_contacts,
        sme=sme,
        buyer=buyer,
        cluster_body=body,
        users=users,
        cluster=cluster,
        membership=membership,
        certification=certification,
        product_line_id=line.pk,
        contact=sme_contact,
        invitation=invitation,
        notification=notification,
        request=request,
        draft_request=draft_request,
        public_request=public_request,
        proposal=proposal,
        linkage=linkage,
        saved_search=saved_search,
        member_import=member_import,
        broadcast=broadcast,
        consortium=consortium,
        unclaimed=imported.organisation,
    )
    side.secrets = {
        request.title: "request",
        draft_request.title: "draft_request",
        saved_search.name: "saved_search",
        notification.title: "notification",
        member_import.file_name: "member_import",
        broadcast.subject: "broadcast",
        membership.message: "membership",
        invitation.email: "invitation",
        imported.organisation.legal_name: "member_import",
        reverse("certification-evidence", args=[certification.pk]): "certification",
        reverse("proposal-detail", args=[proposal.pk]): "proposal",
        reverse("consortium-detail", args=[consortium.pk]): "consortium",
        reverse("request-detail", args=[draft_request.pk]): "draft_request",
        reverse("request-detail", args=[request.pk]): "request",
    }
    side.emails = {user.email: user.organisation for user in users.values()}
    side.emails[sme_contact.email] = sme
    side.emails[buyer_contact.email] = buyer
    return side


def build_world() -> World:
    sides = {
        "a": build_side("a", linked=True, shares_contacts=True),
        "b": build_side("b", linked=False, shares_contacts=False),
    }
    staff = StaffUserFactory(email="staff.zephyr@platform.example")
    staff_emails = list(User.objects.filter(is_staff=True).values_list("email", flat=True))
    # Each side's SME nearly fits the other side's confidential request: a near-miss
    # is no proposal, so neither the SME nor its cluster's managers may see that request.
    for near, far in (("a", "b"), ("b", "a")):
        NearMissFactory(request=sides[far].request, supplier=sides[near].sme)
    fit_index()  # so that searches find the suppliers
    return World(sides=sides, staff=staff, match_run=MatchRunFactory(), staff_emails=staff_emails)
