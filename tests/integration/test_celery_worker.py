"""A job sent through Redis is run by a real Celery worker against PostgreSQL."""

import pytest
from django.core import mail

from companies import services
from companies.models import Invitation
from companies.tasks import send_invitation_task
from tests.integration.conftest import JOB_DONE_SECONDS, wait_for

pytestmark = pytest.mark.integration


def test_worker_sends_invitation_queued_through_redis(celery_worker, jobs_through_broker):
    # given an organisation whose owner invited a colleague, not yet e-mailed
    owner = services.organisation_register(
        kind="supplier",
        legal_name="Penang Worker Test Sdn. Bhd.",
        country="MY",
        email="owner@worker-test.example",
        password="a-long-enough-password-91",
    )
    invitation = Invitation.objects.create(
        organisation=owner.organisation, email="colleague@worker-test.example", invited_by=owner
    )

    # when the job goes through Redis to the worker
    result = send_invitation_task.delay(invitation.pk)

    # then the worker sends the e-mail and records it in PostgreSQL
    def sent() -> bool:
        invitation.refresh_from_db()
        return invitation.sent_at is not None

    assert wait_for(sent, seconds=JOB_DONE_SECONDS, interval=0.5), (
        f"The worker did not send the invitation within {JOB_DONE_SECONDS}s:\n"
        + celery_worker.read_text()
    )
    # ... and it was the worker, not this process, that ran the job
    assert mail.outbox == []
    assert f"Task companies.send_invitation_task[{result.id}] succeeded" in (
        celery_worker.read_text()
    )
