"""The notifications API: a user's own notices and their read marks."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Notification
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found


class NotificationOutputSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationListApi(ListApi):
    """My notifications, newest first; ``unread_count`` counts those not yet read."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.QuerySerializer):
        unread = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: NotificationOutputSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.notification_list(user=request.user)
        if filters.validated_data["unread"]:
            qs = qs.filter(read_at__isnull=True)
        response = self.paginated(qs, NotificationOutputSerializer)
        response.data["unread_count"] = selectors.notification_unread_count(user=request.user)
        return response


class NotificationReadApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: NotificationOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        notification = found(selectors.notification_get(user=request.user, pk=pk))
        notification = services.notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllApi(Api):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        marked = services.notification_mark_all_read(user=request.user)
        return Response({"marked": marked})
