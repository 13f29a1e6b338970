"""Base classes of the API views of every app."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from sme_platform.api.pagination import StandardPagination
from sme_platform.api.schema import NestedSerializerAutoSchema

Found = TypeVar("Found")

# The largest id a database column holds (a signed 64-bit integer): a larger number in a
# path names nothing, and asking the database for it would fail rather than find none.
MAX_ID = 2**63 - 1


def found(obj: Found | None) -> Found:
    """A selector's ``None`` (missing, or not visible to this user) becomes a 404."""
    if obj is None:
        raise NotFound()
    return obj


class Api(APIView):
    """Base of every API view: component names in the schema follow the view's name."""

    # Token first, so that a missing or bad token is answered 401 with a
    # WWW-Authenticate header instead of the 403 session authentication gives.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    schema = NestedSerializerAutoSchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            raise NotFound()
        if request.method in ("POST", "PUT", "PATCH") and self.takes_no_body(request.method):
            # An action that reads no body (accept, close, open ...) says so, rather than
            # letting a client believe the fields it sent were applied.
            given = sorted(str(key) for key in request.data)
            if given:
                raise ValidationError(
                    {
                        api_settings.NON_FIELD_ERRORS_KEY: [
                            _("Unknown field(s): %(fields)s.") % {"fields": ", ".join(given)}
                        ]
                    }
                )

    def takes_no_body(self, method: str) -> bool:
        """Whether this method's operation declares no request body (``request=None``)."""
        key = (type(self), method)
        if key not in _BODYLESS:
            _BODYLESS[key] = schema_declares_no_body(self, method)
        return _BODYLESS[key]


_BODYLESS: dict[tuple[type[APIView], str], bool] = {}


def schema_declares_no_body(view: APIView, method: str) -> bool:
    """What the handler's ``extend_schema`` says: ``request=None`` means no body."""
    handler = getattr(type(view), method.lower(), None)
    schema_class = getattr(handler, "kwargs", {}).get("schema")
    if schema_class is None:
        return False
    inspector = schema_class()
    inspector.view = view
    inspector.method = method
    return inspector.get_request_serializer() is None


# Exempt like every API view: a POST to a wrong path is told 404, not refused for CSRF.
@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """A path under ``/api/`` that names no operation: a 404 in the API's error shape,
    not the HTML page a browser gets."""
    return JsonResponse({"message": _("Not found."), "errors": {}}, status=404)


class ListApi(Api):
    """A view whose GET answers one page of a list."""

    pagination_class = StandardPagination

    def paginated(self, queryset: QuerySet | Sequence, serializer_class: type) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer_class(page, many=True, context={"request": self.request}).data
        return paginator.get_paginated_response(data)
