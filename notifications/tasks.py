"""Thin jobs: load by id, call a service."""

from celery import shared_task

from notifications.models import Notification


@shared_task(
    name="notifications.send_notification_email",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    # The user may have unsubscribed between the notice and the job.
    if notification is None or not notification.user.email_notifications:
        return
    from notifications.services import notification_email_send  # services enqueue this job

    notification_email_send(notification=notification)
