"""The proposals, near-misses, invitations and match runs API, under /api/v1/.

Each view validates its input, calls one service or selector and serializes the
result. A proposal the user is no side of is a 404 whatever the reason. The other
side's contacts (``counterpart``) come only from ``selectors.proposal_counterpart``,
which gives nothing until both sides have accepted; lists never carry them.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies.api import Api, ListApi, StaffOnlyOrNotFound, _found
from companies.selectors import organisation_public_get_by_id
from companies.serializers import ContactPersonSerializer
from matching import selectors, services
from matching.api import SupplierUser
from matching.models import MatchRun, NearMiss, Proposal, SourcingRequest
from matching.proposal_forms import decision_open, factor_rows
from matching.proposal_views import match_run_get, match_runs

# SERIALIZERS SHARED BY SEVERAL VIEWS
# ------------------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    """An organisation's public name and place: never its people."""

    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    slug = serializers.CharField()
    country = serializers.CharField()


class RequestSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    buyer = PartySerializer()
    status = serializers.CharField(
        source="effective_status", help_text="draft, open, closed or awarded"
    )
    visibility = serializers.CharField(help_text="public or confidential")
    volume_per_month = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    deadline = serializers.DateTimeField()


class FactorSerializer(serializers.Serializer):
    factor = serializers.CharField(help_text="text, chars, hs, isic or bridge")
    label = serializers.CharField(help_text="What the factor measures, in words")
    value = serializers.FloatField(help_text="0 to 1")


class PersonSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.EmailField()


class CounterpartSerializer(serializers.Serializer):
    organisation = PartySerializer()
    contacts = ContactPersonSerializer(many=True)
    users = PersonSerializer(many=True)


def _user(serializer: serializers.Serializer) -> Any:
    return serializer.context["request"].user


class ProposalOutputSerializer(serializers.ModelSerializer):
    """A proposal as one side sees it; no contact details of either side."""

    request = RequestSummarySerializer()
    supplier = PartySerializer()
    factors = serializers.SerializerMethodField()
    explanation = serializers.ListField(child=serializers.CharField())
    near_miss_reasons = serializers.ListField(child=serializers.CharField())
    breakdown = serializers.DictField(child=serializers.FloatField(), help_text="Score per factor")
    my_side = serializers.SerializerMethodField(help_text="buyer, supplier, or null (staff)")
    can_decide = serializers.SerializerMethodField(
        help_text="Whether I may still accept or decline"
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "request",
            "supplier",
            "origin",
            "score",
            "rank",
            "breakdown",
            "factors",
            "explanation",
            "near_miss_reasons",
            "engine_version",
            "status",
            "status_reason",
            "buyer_decision",
            "buyer_reason",
            "buyer_note",
            "buyer_decided_at",
            "supplier_decision",
            "supplier_reason",
            "supplier_note",
            "supplier_decided_at",
            "awarded",
            "my_side",
            "can_decide",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(FactorSerializer(many=True))
    def get_factors(self, proposal: Proposal) -> list[dict[str, Any]]:
        return [
            {"factor": f["factor"], "label": f["label"], "value": f["value"]}
            for f in factor_rows(proposal.breakdown or {})
        ]

    def get_my_side(self, proposal: Proposal) -> str | None:
        return services.side_of(_user(self), proposal)

    def get_can_decide(self, proposal: Proposal) -> bool:
        return decision_open(proposal, services.side_of(_user(self), proposal))


class ProposalDetailOutputSerializer(ProposalOutputSerializer):
    counterpart = serializers.SerializerMethodField(
        help_text="The other side's contact people: null until both sides have accepted"
    )

    class Meta(ProposalOutputSerializer.Meta):
        fields = [*ProposalOutputSerializer.Meta.fields, "counterpart"]

    @extend_schema_field(CounterpartSerializer(allow_null=True))
    def get_counterpart(self, proposal: Proposal) -> dict[str, Any] | None:
        counterpart = self.context.get("counterpart")
        return CounterpartSerializer(counterpart).data if counterpart else None


def _detail(request: Request, proposal: Proposal) -> dict[str, Any]:
    proposal = _found(selectors.proposal_get_visible(user=request.user, pk=proposal.pk))
    counterpart = selectors.proposal_counterpart(user=request.user, proposal=proposal)
    return ProposalDetailOutputSerializer(
        proposal, context={"request": request, "counterpart": counterpart}
    ).data


# PROPOSALS
# ------------------------------------------------------------------------------


class ProposalListApi(ListApi):
    """Proposals I am a side of (staff: all), newest first."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
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
        proposal = _found(selectors.proposal_get_visible(user=request.user, pk=pk))
        return Response(_detail(request, proposal))


class ProposalAcceptApi(Api):
    """My side accepts; accepted by both, the proposal is a linkage and contacts show."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ProposalDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        proposal = _found(selectors.proposal_get_visible(user=request.user, pk=pk))
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
        proposal = _found(selectors.proposal_get_visible(user=request.user, pk=pk))
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
        sourcing_request = _found(selectors.request_get_editable(user=request.user, pk=pk))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier = organisation_public_get_by_id(pk=serializer.validated_data["supplier_id"])
        proposal = services.proposal_invite_from_search(
            request=sourcing_request, supplier=supplier, actor=request.user
        )
        return Response(_detail(request, proposal), status=status.HTTP_201_CREATED)


# NEAR-MISSES
# ------------------------------------------------------------------------------


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
        sourcing_request: SourcingRequest = _found(
            selectors.request_get_visible(user=request.user, pk=pk)
        )
        user = request.user
        if not (user.is_staff or user.organisation_id == sourcing_request.buyer_id):
            _found(None)
        return self.paginated(
            selectors.near_misses_for_request(user=user, request=sourcing_request),
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


# MATCH RUNS (STAFF)
# ------------------------------------------------------------------------------


class MatchRunOutputSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    started_by = serializers.EmailField(source="started_by.email", allow_null=True, default=None)
    progress = serializers.FloatField(help_text="shards_done / shards_total, 0 to 1")
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "scope",
            "trigger",
            "started_by",
            "status",
            "status_display",
            "shards_done",
            "shards_total",
            "progress",
            "requests_matched",
            "proposals_created",
            "proposals_updated",
            "proposals_withdrawn",
            "index_version",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]

    def get_duration_seconds(self, run: MatchRun) -> float | None:
        return run.duration.total_seconds() if run.duration else None


class MatchRunListApi(ListApi):
    """Match runs, newest first (GET); start a full run (POST). Staff only."""

    permission_classes = [StaffOnlyOrNotFound]

    @extend_schema(responses={200: MatchRunOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(match_runs(), MatchRunOutputSerializer)

    @extend_schema(request=None, responses={201: MatchRunOutputSerializer})
    def post(self, request: Request) -> Response:
        run = services.match_run_start(actor=request.user, trigger="staff")
        return Response(
            MatchRunOutputSerializer(match_run_get(pk=run.pk)).data, status=status.HTTP_201_CREATED
        )


class MatchRunDetailApi(Api):
    """One match run with its progress. Staff only."""

    permission_classes = [StaffOnlyOrNotFound]

    @extend_schema(responses={200: MatchRunOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(MatchRunOutputSerializer(_found(match_run_get(pk=pk))).data)
