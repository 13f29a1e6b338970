"""The small world the fault tests share: knitters that a T-shirt request matches, and
what "told once" means for a request's proposals."""

from datetime import timedelta
from typing import Any, cast

from django.utils import timezone

from companies.models import HsCode, Organisation, User
from matching import services
from matching.models import Proposal, SourcingRequest
from notifications.models import Notification
from tests.factories import ProductLineFactory, SupplierFactory, UserFactory


def knitter(name: str) -> Organisation:
    """A verified supplier of knitted T-shirts (HS 610910) with one user."""
    org = cast(
        Organisation,
        SupplierFactory(
            legal_name=name,
            country="VN",
            description="Cotton T-shirts knitted and dyed in our own mill.",
            verification=Organisation.Verification.VERIFIED,
        ),
    )
    org.hs_codes.set(HsCode.objects.filter(pk="610910"))
    ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=50_000)
    UserFactory(organisation=org)
    return org


def draft(buyer_user: User, title: str = "Cotton T-shirts") -> SourcingRequest:
    """A draft request for T-shirts; opening it queues its match job."""
    return services.request_create(
        actor=buyer_user,
        title=title,
        description="Knitted cotton tees, monthly orders.",
        hs_codes=["6109"],
        deadline=timezone.now() + timedelta(days=20),
    )


def assert_told_once(request: SourcingRequest, suppliers: list[Organisation]) -> None:
    """One proposal per supplier; one notice per supplier's proposal; every proposal in
    exactly one of the buyer's summaries."""
    proposals = list(Proposal.objects.filter(request=request))
    assert sorted(p.supplier_id for p in proposals) == sorted(s.pk for s in suppliers)
    for proposal in proposals:
        told = Notification.objects.filter(key=f"proposal:{proposal.pk}:new")
        assert told.count() == 1, proposal
        assert told.get().user.organisation_id == proposal.supplier_id
        assert proposal.supplier_notified_at is not None
        assert proposal.buyer_notified_at is not None
    summaries = Notification.objects.filter(key__startswith=f"request:{request.pk}:")
    assert 1 <= summaries.count() <= len(proposals)
    assert summaries.filter(user__organisation=request.buyer).count() == summaries.count()


def job_state(request: SourcingRequest) -> dict[str, Any]:
    """What a match job writes for the request, as plain rows."""
    return {
        "proposals": sorted(
            Proposal.objects.filter(request=request).values_list(
                "pk", "supplier_id", "status", "supplier_decision", "supplier_notified_at"
            )
        ),
        "notifications": sorted(Notification.objects.values_list("pk", "user_id", "key")),
    }
