"""Accounts: registering an organisation, API tokens, the logged-in user, and an
invited colleague's sign-up."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies import services
from companies.models import Organisation, User
from companies.serializers import (
    UserSerializer,
    UserWithTokenSerializer,
)
from sme_platform.api import serializers
from sme_platform.api.views import Api
from sme_platform.throttles import SCOPED_THROTTLES


class LoginLocked(exceptions.APIException):
    """Too many failed log-ins for this account or address (answered 429)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


def _token_response(user: User) -> Response:
    token = services.auth_token_issue(user=user)
    data = UserWithTokenSerializer(
        {"user": user, "organisation": user.organisation, "token": token}
    ).data
    return Response(data, status=status.HTTP_201_CREATED)


class RegisterApi(Api):
    """Register an organisation with its first user, who owns it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "signup"

    class InputSerializer(serializers.ModelSerializer):
        # The organisation's fields come from its model; the first user's are declared
        # here, since the user is made by the same call (and its e-mail checked there).
        email = serializers.EmailField()
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )
        full_name = serializers.CharField(max_length=User._meta.get_field("full_name").max_length)
        invitation_token = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=64,
            help_text=(
                "The token of a cluster's e-mailed invitation to this address, if one led "
                "here: it proves the address, so no confirmation e-mail is needed"
            ),
        )

        class Meta:
            model = Organisation
            fields = [
                "kind",
                "legal_name",
                "local_name",
                "country",
                "province",
                "city",
                "email",
                "password",
                "full_name",
                "invitation_token",
            ]
            extra_kwargs = {
                "country": {"help_text": "ISO 3166-1 alpha-2 code, e.g. VN"},
                "province": {"help_text": "ISO 3166-2 code, e.g. VN-SG"},
            }

    @extend_schema(
        request=InputSerializer,
        responses={201: UserWithTokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.organisation_register(**serializer.validated_data)
        return _token_response(user)


class TokenObtainApi(Api):
    """Exchange an e-mail address and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "token"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            request = self.context["request"]
            # The request goes along so that the lockout counts this attempt.
            user = authenticate(request, email=attrs["email"].lower(), password=attrs["password"])
            if user is None and getattr(request, "axes_locked_out", False):
                raise LoginLocked(services.lockout_message())
            if user is None:
                raise serializers.ValidationError(
                    "No active account matches this e-mail address and password."
                )
            return {"user": user}

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = services.auth_token_issue(user=serializer.validated_data["user"])
        return Response(self.OutputSerializer({"token": token}).data)


class MeApi(Api):
    """The logged-in user, their role and organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class EmailConfirmApi(Api):
    """Confirm the account's e-mail address with the token from the confirmation e-mail."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "token"

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="The token at the end of the e-mailed link")

    @extend_schema(request=InputSerializer, responses={200: UserSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_confirm(token=serializer.validated_data["token"])
        return Response(UserSerializer(user).data)


class EmailConfirmationResendApi(Api):
    """Send the logged-in user's confirmation e-mail again (400 if already confirmed)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "confirm_email"

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()

    @extend_schema(request=None, responses={202: OutputSerializer})
    def post(self, request: Request) -> Response:
        services.email_confirmation_request(user=request.user)
        message = _("A new confirmation link is on its way to %(email)s.") % {
            "email": request.user.email
        }
        return Response(self.OutputSerializer({"message": message}).data, status=202)


class InvitationAcceptApi(Api):
    """An invited colleague creates their account inside the inviting organisation."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField()
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )
        full_name = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: UserWithTokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.invitation_accept(**serializer.validated_data)
        return _token_response(user)
