"""Contacts appear if and only if the rule holds, whatever happens in whatever order.

A hypothesis state machine drives one proposal through the real services: each side
accepts or declines (by a confirmed user, or by a colleague who has not confirmed
their address yet), the matcher withdraws it or proposes it again, staff verify or
unverify the buyer (or its verification lapses when it renames itself), a colleague
confirms their address. After every step, for each of the four users, the contacts
the selector gives and the API shows must be there exactly when:

    both sides accepted, the proposal is a linkage (not declined, withdrawn or
    closed), staff have verified the buyer, and the viewer confirmed their e-mail.

A refused step (answering twice, answering a withdrawn proposal, an unconfirmed
colleague answering) must change nothing. Bounded to 40 sequences of 12 steps, the
same ones every run: about 15 CPU-seconds on SQLite here. Dropping the buyer's
verification or the viewer's confirmation from the rule makes it fail.
"""

from dataclasses import dataclass, field
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from companies import services as company_services
from companies.models import Organisation, User
from engine.matcher import MatchResult, ScoredSupplier
from matching import selectors, services
from matching.models import Proposal
from tests.factories import ContactPersonFactory, StaffUserFactory, UserFactory
from tests.worlds import open_request_for, propose

pytestmark = pytest.mark.django_db

SIDES = ("buyer", "supplier")
PENDING, ACCEPTED, DECLINED = (
    Proposal.Decision.PENDING,
    Proposal.Decision.ACCEPTED,
    Proposal.Decision.DECLINED,
)
BUYER_SECRET = "procurement@buyer-secret.example"
SUPPLIER_SECRET = "sales@supplier-secret.example"


@dataclass
class Expected:
    """What the rules say the proposal should be: the model the services must follow."""

    decisions: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SIDES, PENDING))
    status: str = Proposal.Status.PENDING
    buyer_verified: bool = False
    confirmed: dict[tuple[str, str], bool] = field(default_factory=dict)

    def contacts_shown_to(self, viewer: tuple[str, str]) -> bool:
        return (
            self.status == Proposal.Status.LINKED
            and all(d == ACCEPTED for d in self.decisions.values())
            and self.buyer_verified
            and self.confirmed[viewer]
        )


class ContactsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each sequence runs in a transaction of its own, rolled back at its end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.staff = cast(User, StaffUserFactory())
        buyer_owner = cast(User, UserFactory(organisation__kind=Organisation.Kind.BUYER))
        self.buyer = cast(Organisation, buyer_owner.organisation)
        self.supplier = cast(Organisation, cast(User, UserFactory()).organisation)
        self.users: dict[tuple[str, str], User] = {
            ("buyer", "owner"): buyer_owner,
            ("supplier", "owner"): cast(User, UserFactory(organisation=self.supplier)),
        }
        for side, organisation in (("buyer", self.buyer), ("supplier", self.supplier)):
            self.users[(side, "colleague")] = cast(
                User, UserFactory(organisation=organisation, unconfirmed=True)
            )
        ContactPersonFactory(organisation=self.buyer, email=BUYER_SECRET)
        ContactPersonFactory(organisation=self.supplier, email=SUPPLIER_SECRET)
        self.request = open_request_for(buyer_owner)
        self.proposal = propose(self.request, self.supplier)
        self.expected = Expected(
            confirmed={key: user.is_email_confirmed for key, user in self.users.items()}
        )
        self.api = APIClient()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # STEPS
    # --------------------------------------------------------------------------

    def _user(self, side: str, who: str) -> User:
        return User.objects.get(pk=self.users[(side, who)].pk)

    def _answer(self, side: str, who: str, accept: bool) -> None:
        expected = self.expected
        allowed = (
            expected.confirmed[(side, who)]
            and expected.status == Proposal.Status.PENDING
            and expected.decisions[side] == PENDING
        )
        try:
            services.proposal_decide(
                proposal=self.proposal,
                actor=self._user(side, who),
                accept=accept,
                reason="" if accept else "price",
            )
        except (PermissionDenied, ValidationError):
            assert not allowed, f"{side} {who} was refused an answer the rules allow"
            return
        assert allowed, f"{side} {who} answered where the rules refuse"
        expected.decisions[side] = ACCEPTED if accept else DECLINED
        if not accept:
            expected.status = Proposal.Status.DECLINED
        elif all(d == ACCEPTED for d in expected.decisions.values()):
            expected.status = Proposal.Status.LINKED

    @initialize(verified=st.sampled_from([True, False]), invited=st.sampled_from([True, False]))
    def buyer_starts(self, verified: bool, invited: bool) -> None:
        """Sequences start with a buyer staff verified or not, and with a proposal the
        buyer has accepted already (as when it invites a supplier from search) or not,
        so that short sequences reach linkages too."""
        if verified:
            self.staff_verify_buyer()
        if invited:
            self.accept("buyer")

    @rule(side=st.sampled_from(SIDES))
    def accept(self, side: str) -> None:
        self._answer(side, "owner", accept=True)

    @rule(side=st.sampled_from(SIDES))
    def decline(self, side: str) -> None:
        self._answer(side, "owner", accept=False)

    @rule(side=st.sampled_from(SIDES), accept=st.booleans())
    def colleague_answers(self, side: str, accept: bool) -> None:
        """Refused while the colleague has not confirmed their address."""
        self._answer(side, "colleague", accept=accept)

    def _untouched(self) -> bool:
        return all(d == PENDING for d in self.expected.decisions.values())

    @rule()
    def matcher_withdraws(self) -> None:
        """A re-match no longer ranks the supplier: only an untouched proposal goes."""
        services.proposals_apply_match(
            request=self.request,
            result=MatchResult(proposals=[], near_misses=[]),
            engine_version="t",
        )
        if self.expected.status == Proposal.Status.PENDING and self._untouched():
            self.expected.status = Proposal.Status.WITHDRAWN

    @rule()
    def matcher_proposes_again(self) -> None:
        scored = ScoredSupplier(supplier_id=self.supplier.pk, score=0.8, factors={}, passes=True)
        services.proposals_apply_match(
            request=self.request,
            result=MatchResult(proposals=[scored], near_misses=[]),
            engine_version="t",
        )
        if self.expected.status == Proposal.Status.WITHDRAWN and self._untouched():
            self.expected.status = Proposal.Status.PENDING

    @rule()
    def staff_verify_buyer(self) -> None:
        company_services.organisation_set_verification(
            organisation=Organisation.objects.get(pk=self.buyer.pk),
            actor=self.staff,
            verification=Organisation.Verification.VERIFIED,
        )
        self.expected.buyer_verified = True

    @rule(how=st.sampled_from(["unverified", "rejected", "renamed"]))
    def buyer_loses_verification(self, how: str) -> None:
        """Staff set it back to awaiting or reject it, or it lapses: the buyer renamed
        itself, and staff had checked the old name."""
        buyer = Organisation.objects.get(pk=self.buyer.pk)
        if how == "renamed":
            company_services.organisation_update(
                organisation=buyer,
                actor=self._user("buyer", "owner"),
                data={"legal_name": f"{buyer.legal_name} (renamed)"},
            )
        else:
            company_services.organisation_set_verification(
                organisation=buyer, actor=self.staff, verification=how
            )
        self.expected.buyer_verified = False

    @rule(side=st.sampled_from(SIDES))
    def colleague_confirms_email(self, side: str) -> None:
        colleague = self._user(side, "colleague")
        company_services.email_confirm(
            token=company_services.email_confirmation_token(user=colleague)
        )
        self.expected.confirmed[(side, "colleague")] = True

    # WHAT MUST HOLD AFTER EVERY STEP
    # --------------------------------------------------------------------------

    @invariant()
    def proposal_follows_the_rules(self) -> None:
        proposal = Proposal.objects.get(pk=self.proposal.pk)
        assert proposal.status == self.expected.status
        assert proposal.buyer_decision == self.expected.decisions["buyer"]
        assert proposal.supplier_decision == self.expected.decisions["supplier"]

    @invariant()
    def contacts_shown_if_and_only_if_the_rule_holds(self) -> None:
        proposal = selectors.proposal_list_visible_to(user=self._user("buyer", "owner")).get(
            pk=self.proposal.pk
        )
        for (side, who), expected_user in self.users.items():
            viewer = User.objects.get(pk=expected_user.pk)
            shown = self.expected.contacts_shown_to((side, who))
            counterpart = selectors.proposal_counterpart(user=viewer, proposal=proposal)
            assert (counterpart is not None) == shown, (side, who, self.expected)
            if self.expected.status != Proposal.Status.LINKED:
                # Nobody may see contacts before a linkage (the selector says so above);
                # reading the API too on every such step would only slow the test down.
                continue
            # What the user's client reads: the API's detail of the proposal.
            self.api.force_authenticate(user=viewer)
            body = self.api.get(reverse("api:proposal-detail", args=[proposal.pk])).content
            secret = SUPPLIER_SECRET if side == "buyer" else BUYER_SECRET
            assert (secret.encode() in body) == shown, (side, who, self.expected)


def test_contacts_are_visible_if_and_only_if_the_rule_holds() -> None:
    run_state_machine_as_test(
        ContactsMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            # The same sequences on every run, and no example database left behind.
            derandomize=True,
            database=None,
        ),
    )
