"""The proposals API: both sides' proposals and answers, invitations, near-misses."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies.selectors import organisation_public_get_by_id
from matching import selectors, services
from matching.models import NearMiss, Proposal, SourcingRequest
from matching.permissions import SupplierUser, sees_request_proposals
from matching.serializers import (
    PartySerializer,
    ProposalDetailOutputSerializer,
    ProposalOutputSerializer,
    RequestSummarySerializer,
)
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found


def _detail(request: Request, proposal: Proposal) -> dict[str, Any]:
    proposal = found(selectors.proposal_get_visible(user=request.user, pk=proposal.pk))
    counterpart = selectors.proposal_counterpart(user=request.user, proposal=proposal)
    return ProposalDetailOutputSerializer(
        proposal, context={"request": request, "counterpart": counterpart}
    ).data


class ProposalListApi(ListApi):
    """Proposals I am a side of (staff: all), newest first."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.QuerySerializer):
        request = serializers.IntegerField(required=False, help_text="Only this request's")
        status = serializers.ChoiceField(choices=Proposal.Status.choices, required=False)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: ProposalOutputSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        proposals = selectors.proposal_list_visible_to(user=request.user).order_by("-created_at")
        if "request" in filters.validated_data:
            proposals = proposals.filter(request_id=filters.validated_data["request"]).order_by(
                "-score"
            )
        if "status" in filters.validated_data:
            proposals = proposals.filter(status=filters.validated_data["status"])
        return self.paginated(proposals, ProposalOutputSerializer)


class ProposalDetailApi(Api):
    """One proposal (404 unless I am a side of it); `counterpart` only on a linkage."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProposalDetailOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        proposal = found(selectors.proposal_get_visible(user=request.user, pk=pk))
        return Response(_detail(request, proposal))


class ProposalAcceptApi(Api):
    """My side accepts; accepted by both, the proposal is a linkage and contacts show."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ProposalDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        proposal = found(selectors.proposal_get_visible(user=request.user, pk=pk))
        proposal = services.proposal_decide(proposal=proposal, actor=request.user, accept=True)
        return Response(_detail(request, proposal))


class ProposalDeclineApi(Api):
    """My side declines with a reason from the list; the proposal closes for both sides."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(
            choices=Proposal.DeclineReason.choices, required=False, allow_blank=True, default=""
        )
        note = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="Free text, optional"
        )

    @extend_schema(request=InputSerializer, responses={200: ProposalDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        proposal = found(selectors.proposal_get_visible(user=request.user, pk=pk))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_decide(
            proposal=proposal, actor=request.user, accept=False, **serializer.validated_data
        )
        return Response(_detail(request, proposal))


class RequestInvitationApi(Api):
    """The buyer invites a supplier to its open request: a proposal it has accepted."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        supplier_id = serializers.IntegerField(help_text="Id of an SME supplier organisation")

        def validate_supplier_id(self, value: int) -> int:
            supplier = organisation_public_get_by_id(pk=value)
            if supplier is None or not supplier.is_supplier:
                raise serializers.ValidationError("No SME supplier has this id.")
            return value

    @extend_schema(request=InputSerializer, responses={201: ProposalDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        sourcing_request = found(selectors.request_get_editable(user=request.user, pk=pk))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier = found(organisation_public_get_by_id(pk=serializer.validated_data["supplier_id"]))
        proposal = services.proposal_invite_from_search(
            request=sourcing_request, supplier=supplier, actor=request.user
        )
        return Response(_detail(request, proposal), status=status.HTTP_201_CREATED)


class RequestNearMissListApi(ListApi):
    """Suppliers that nearly fit my request, and the conditions each fails."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.ModelSerializer):
        supplier = PartySerializer()
        reasons = serializers.ListField(child=serializers.CharField())
        missing_certifications = serializers.ListField(
            child=serializers.CharField(), help_text="Catalogue codes, e.g. iso-13485"
        )
        breakdown = serializers.DictField(child=serializers.FloatField())

        class Meta:
            model = NearMiss
            fields = [
                "id",
                "supplier",
                "score",
                "breakdown",
                "reasons",
                "missing_certifications",
                "engine_version",
                "updated_at",
            ]

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        sourcing_request: SourcingRequest = found(
            selectors.request_get_visible(user=request.user, pk=pk)
        )
        if not sees_request_proposals(request.user, sourcing_request):
            found(None)
        return self.paginated(
            selectors.near_misses_for_request(user=request.user, request=sourcing_request),
            self.OutputSerializer,
        )


class NearMissListApi(ListApi):
    """Requests my organisation nearly matches, and what it lacks for each."""

    permission_classes = [SupplierUser]

    class OutputSerializer(serializers.ModelSerializer):
        request = RequestSummarySerializer()
        reasons = serializers.ListField(child=serializers.CharField())
        missing_certifications = serializers.ListField(
            child=serializers.CharField(), help_text="Catalogue codes, e.g. iso-13485"
        )

        class Meta:
            model = NearMiss
            fields = ["id", "request", "score", "reasons", "missing_certifications", "updated_at"]

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.near_misses_for_supplier(user=request.user), self.OutputSerializer
        )
