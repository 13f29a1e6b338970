"""The staff API of match runs."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from matching import services
from matching.selectors import match_run_get, match_runs
from matching.serializers import MatchRunOutputSerializer
from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.views import Api, ListApi, found


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
        return Response(MatchRunOutputSerializer(found(match_run_get(pk=pk))).data)
