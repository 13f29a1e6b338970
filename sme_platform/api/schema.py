"""OpenAPI generation for the project's API views.

Every API view nests serializers with the same few names, so the default component
names ("Input", "Output") would collide across views. Naming a component after the
view that holds it (``OrganisationUpdateApi.InputSerializer`` -> ``OrganisationUpdateInput``)
keeps them apart.

The schema is the contract a client codes against, so every operation also lists the
errors it can answer, each in the one shape of ``sme_platform.errors`` (the ``Error``
component): added here from what the view is (its method, parameters, body,
permissions, pagination and throttles) rather than by hand on every view, so a new
view is documented by itself. ``tests/integration/test_schema_fuzz.py`` checks the
schema against what a live server answers.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly

from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.serializers import ErrorSerializer

__all__ = ["NestedSerializerAutoSchema"]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Permissions that never answer 403 to a read: anonymous clients get a 401, staff-only
# tools a 404.
NO_FORBIDDEN_ON_READ = (AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly, StaffOnlyOrNotFound)


def error_descriptions() -> dict[str, str]:
    return {
        "400": _(
            "The input is refused: a parameter or field is invalid, unknown or "
            "read-only, or a rule forbids it."
        ),
        "401": _("Credentials are missing, wrong or expired."),
        "403": _("Logged in, but this role or organisation may not do this."),
        "404": _("No such object, or not one this user may see (also a page past the last)."),
        "415": _("The body's content type is not one this operation reads."),
        "429": _("Too many requests, or too many failed log-ins: try again later."),
    }


class NestedSerializerAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        serializer_class = serializer.__class__
        qualified = serializer_class.__qualname__
        if "." not in qualified:
            return str(super().get_serializer_name(serializer, direction))
        parts = [part.removesuffix("Api") for part in qualified.split(".")]
        return "".join(parts)

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        error = self.resolve_serializer(ErrorSerializer(), "response").ref
        descriptions = error_descriptions()
        for code in self.error_codes(operation):
            responses.setdefault(code, {"description": descriptions[code]})
        for code, response in responses.items():
            # An error a view documents itself (a description only) has the same body.
            if code >= "400" and "content" not in response:
                response["content"] = {"application/json": {"schema": error}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_codes(self, operation: dict[str, Any]) -> list[str]:
        """The error statuses this operation can answer."""
        view = self.view
        writes = self.method not in SAFE_METHODS
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        has_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
        has_body = "requestBody" in operation
        permissions = view.get_permissions()
        codes = ["401"]  # a wrong token is refused wherever it is sent
        if writes or has_query or has_body:
            codes.append("400")
        if writes or not all(isinstance(p, NO_FORBIDDEN_ON_READ) for p in permissions):
            codes.append("403")
        paginated = self._is_list_view() and self._get_paginator() is not None
        if has_path or paginated or any(isinstance(p, StaffOnlyOrNotFound) for p in permissions):
            codes.append("404")
        if has_body:
            codes.append("415")
        if view.get_throttles():
            codes.append("429")
        return codes
