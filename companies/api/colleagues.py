"""Colleagues: an owner's invitations into the organisation."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from companies import selectors, services
from companies.models import Invitation
from companies.permissions import OrganisationOwner
from sme_platform.api import serializers
from sme_platform.api.views import ListApi, found


class InvitationListApi(ListApi):
    """An owner's invitations of colleagues, and sending a new one."""

    permission_classes = [OrganisationOwner]

    class InputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Invitation
            fields = ["email", "role"]

    class OutputSerializer(serializers.ModelSerializer):
        is_open = serializers.BooleanField(read_only=True)

        class Meta:
            model = Invitation
            fields = [
                "id",
                "email",
                "role",
                "created_at",
                "expires_at",
                "sent_at",
                "accepted_at",
                "is_open",
            ]

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.invitation_list(user=request.user), self.OutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.colleague_invite(
            organisation=found(selectors.organisation_of(user=request.user)),
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(invitation).data, status=status.HTTP_201_CREATED)
