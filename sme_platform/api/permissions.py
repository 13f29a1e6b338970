"""Permission classes every app's API shares."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class StaffOnlyOrNotFound(BasePermission):
    """Staff tools do not exist for anyone else."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user.is_authenticated and request.user.is_staff):
            raise NotFound()
        return True
