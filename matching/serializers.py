"""How the matching API writes requests, searches, proposals and match runs, and reads
a request's input."""

from typing import Any, cast

from django.db import models
from drf_spectacular.utils import (
    extend_schema_field,
)

from companies.serializers import ContactPersonSerializer
from matching import permissions, regions
from matching.models import MatchRun, Proposal, SavedSearch, SourcingRequest
from matching.permissions import decision_open
from matching.selectors import ContactsWithheld, factor_rows, proposal_contacts_withheld
from sme_platform.api import serializers


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class SchemeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BuyerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    slug = serializers.CharField()
    country = serializers.CharField()


class RequestOutputSerializer(serializers.ModelSerializer):
    buyer = BuyerSummarySerializer(read_only=True)
    hs_codes = CodeSerializer(many=True, read_only=True)
    isic_codes = CodeSerializer(many=True, read_only=True)
    required_certifications = SchemeSerializer(many=True, read_only=True)
    countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    subregions = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = serializers.ChoiceField(
        source="effective_status",
        choices=SourcingRequest.Status.choices,
        read_only=True,
        help_text="An open request past its deadline reads as closed",
    )

    class Meta:
        model = SourcingRequest
        fields = [
            "id",
            "title",
            "description",
            "buyer",
            "hs_codes",
            "isic_codes",
            "required_certifications",
            "countries",
            "subregions",
            "allow_consortium",
            "volume_per_month",
            "unit",
            "target_start",
            "deadline",
            "visibility",
            "status",
            "opened_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]


def _codes(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


def _model_help(name: str) -> str:
    return str(cast(models.Field, SourcingRequest._meta.get_field(name)).help_text)


class RequestInputSerializer(serializers.ModelSerializer):
    """A request's fields as the model defines them; the service checks codes and rules.

    Codes stay plain lists of strings: the service looks them up in the catalogues and
    names the unknown ones.
    """

    hs_codes = _codes("HS codes, e.g. 6109 or 610910")
    isic_codes = _codes("ISIC Rev. 4 codes")
    required_certifications = _codes("Catalogue codes, e.g. iso-9001")
    countries = _codes(_model_help("countries"))
    subregions = _codes(
        "UN M49 subregion slugs: " + ", ".join(slug for slug, _ in regions.subregion_choices())
    )

    class Meta:
        model = SourcingRequest
        fields = [
            "title",
            "description",
            "hs_codes",
            "isic_codes",
            "required_certifications",
            "countries",
            "subregions",
            "allow_consortium",
            "volume_per_month",
            "unit",
            "target_start",
            "deadline",
            "visibility",
        ]
        # The model's own validators (kept on each field) word the limits; the serializer's
        # automatic copies of them would say the same thing twice, in other words.
        extra_kwargs = {
            "title": {"allow_blank": True, "max_length": None},
            "description": {"max_length": None},
            "volume_per_month": {"min_value": None, "max_value": None},
            "unit": {
                "error_messages": {
                    "invalid_choice": SourcingRequest._meta.get_field("unit").error_messages[
                        "invalid_choice"
                    ]
                }
            },
            "visibility": {
                "error_messages": {
                    "invalid_choice": SourcingRequest._meta.get_field("visibility").error_messages[
                        "invalid_choice"
                    ]
                }
            },
        }


class RequestPatchSerializer(RequestInputSerializer):
    """Only the fields given change."""

    class Meta(RequestInputSerializer.Meta):
        extra_kwargs = {
            **RequestInputSerializer.Meta.extra_kwargs,
            "title": {"allow_blank": True, "max_length": None, "required": False},
            "deadline": {"required": False},
        }


class SavedSearchOutputSerializer(serializers.ModelSerializer):
    filters = serializers.DictField(read_only=True)
    hit_count = serializers.SerializerMethodField()

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "filters", "notify_email", "created_at", "hit_count"]

    def get_hit_count(self, saved: SavedSearch) -> int:
        hits = getattr(saved, "hit_list", None)
        return len(hits) if hits is not None else saved.hits.count()


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
    buyer_verified = serializers.BooleanField(
        source="request.buyer.is_verified",
        read_only=True,
        help_text="Whether platform staff have verified the buyer; contacts need it",
    )
    contacts_withheld = serializers.SerializerMethodField(
        help_text=(
            "Why I do not see the other side's contacts: not_a_side, not_linked, "
            "buyer_not_verified, email_not_confirmed; null when they are shown"
        )
    )
    contacts_withheld_message = serializers.SerializerMethodField(
        help_text="The same reason in words, empty when contacts are shown"
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
            "buyer_verified",
            "contacts_withheld",
            "contacts_withheld_message",
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
        return permissions.side_of(_user(self), proposal)

    def get_can_decide(self, proposal: Proposal) -> bool:
        return decision_open(proposal, permissions.side_of(_user(self), proposal))

    @extend_schema_field(serializers.ChoiceField(choices=ContactsWithheld.values, allow_null=True))
    def get_contacts_withheld(self, proposal: Proposal) -> str | None:
        reason = proposal_contacts_withheld(user=_user(self), proposal=proposal)
        return reason.value if reason else None

    def get_contacts_withheld_message(self, proposal: Proposal) -> str:
        reason = proposal_contacts_withheld(user=_user(self), proposal=proposal)
        return str(reason.label) if reason else ""


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
