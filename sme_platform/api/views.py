"""Base classes of the API views of every app."""

from collections.abc import Sequence
from typing import TypeVar

from django.db.models import QuerySet
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from sme_platform.api.pagination import StandardPagination
from sme_platform.api.schema import NestedSerializerAutoSchema

Found = TypeVar("Found")


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


class ListApi(Api):
    """A view whose GET answers one page of a list."""

    pagination_class = StandardPagination

    def paginated(self, queryset: QuerySet | Sequence, serializer_class: type) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer_class(page, many=True, context={"request": self.request}).data
        return paginator.get_paginated_response(data)
