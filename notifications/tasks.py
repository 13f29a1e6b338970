"""Thin jobs: load by id, call a service.

The services enqueue these jobs, so each job imports the services when it runs.
"""

from celery import shared_task

from notifications.models import Notification
from sme_platform.tasks import PlatformTask


@shared_task(base=PlatformTask, name="notifications.send_notification_email_task")
def send_notification_email_task(notification_id: int) -> None:
    """E-mail a notice to its user, unless they turned e-mails off."""
    from notifications.services import notification_email_send

    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    # The user may have unsubscribed between the notice and the job.
    if (
        notification is None
        or notification.emailed_at is not None
        or not notification.user.email_notifications
    ):
        return
    notification_email_send(notification=notification)
