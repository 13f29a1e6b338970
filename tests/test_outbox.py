"""Nothing is lost when the broker is down (sme_platform.outbox), and a job delivered
twice sends its e-mail once.

A broker that does not answer is simulated by every task's ``apply_async`` raising what
kombu raises then; the jobs otherwise run eagerly, as in every test.
"""

import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import kombu.exceptions
import pytest
from celery import Celery, Task
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusters import services as cluster_services
from clusters import tasks as cluster_tasks
from companies import services as company_services
from companies import tasks as company_tasks
from companies.models import Organisation
from matching import services as matching_services
from matching.models import Proposal, SourcingRequest
from notifications import services as notification_services
from notifications import tasks as notification_tasks
from notifications.models import Notification
from sme_platform.celery import app
from sme_platform.models import OutboxJob
from sme_platform.outbox import outbox_send, sweep_outbox
from tests.companies.test_pages_profile import edit_data
from tests.factories import InvitationFactory, ProductLineFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timedelta(0)


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Every enqueue fails as with Redis unreachable; call the result to bring it back."""

    def refuse(self: Task, *args: Any, **kwargs: Any) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:1.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch.undo


@pytest.fixture
def knitter(db: None) -> Organisation:
    org = SupplierFactory(
        legal_name="Saigon Knits",
        country="VN",
        description="Cotton T-shirts and polo shirts, knitted and dyed in our own mill.",
        verification=Organisation.Verification.VERIFIED,
    )
    org.hs_codes.set(["610910"])
    ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=50_000)
    UserFactory(organisation=org)
    return org


def draft(user: Any) -> SourcingRequest:
    return matching_services.request_create(
        actor=user,
        title="Cotton T-shirts, knitted",
        description="Plain knitted cotton tees for our spring line.",
        deadline=timezone.now() + timedelta(days=30),
        hs_codes=["610910"],
        volume_per_month=10_000,
        unit="pieces",
    )


def test_opening_a_request_with_the_broker_down_succeeds_and_the_sweeper_matches_it_later(
    client, buyer_user, knitter, broker_down, django_capture_on_commit_callbacks
):
    request = draft(buyer_user)
    client.force_login(buyer_user)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("request-open", kwargs={"pk": request.pk}))
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.OPEN
    job = OutboxJob.objects.get(task_name="matching.match_request_task")
    assert job.args == [request.pk]
    assert job.sent_at is None
    assert job.attempts == 1
    assert job.last_error.startswith("OperationalError: Error 111")
    assert not Proposal.objects.filter(request=request).exists()

    broker_down()
    # The match job's own follow-ups (the suppliers' notices) are sent on its commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox(app=app, older_than=NOW) == 1

    job.refresh_from_db()
    assert job.sent_at is not None
    assert job.attempts == 2
    assert job.last_error == ""
    assert list(Proposal.objects.filter(request=request).values_list("supplier", flat=True)) == [
        knitter.pk
    ]
    # Sent once: the next sweep has nothing left.
    assert sweep_outbox(app=app, older_than=NOW) == 0


def test_saving_a_profile_with_the_broker_down_succeeds_and_leaves_the_job_pending(
    client, supplier, supplier_user, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(supplier_user)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, description="Knitted cotton polo shirts."),
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2
    supplier.refresh_from_db()
    assert supplier.description == "Knitted cotton polo shirts."
    job = OutboxJob.objects.get(task_name="matching.supplier_profile_changed_task")
    assert job.args == [supplier.pk]
    assert job.sent_at is None

    broker_down()
    assert sweep_outbox(app=app, older_than=NOW) >= 1
    job.refresh_from_db()
    assert job.sent_at is not None


def test_the_sweeper_leaves_young_jobs_and_stops_while_the_broker_is_still_down(
    buyer_user, broker_down, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            matching_services.request_open(request=draft(buyer_user), actor=buyer_user)

    assert sweep_outbox(app=app) == 0
    assert set(OutboxJob.objects.values_list("attempts", flat=True)) == {1}

    assert sweep_outbox(app=app, older_than=NOW) == 0
    # The first failure says the broker is away: the second job is not tried in vain.
    assert sorted(OutboxJob.objects.values_list("attempts", flat=True)) == [1, 2]


def test_a_rolled_back_write_leaves_no_job(buyer_user, django_capture_on_commit_callbacks):
    request = draft(buyer_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            matching_services.request_open(request=request, actor=buyer_user)
            transaction.set_rollback(True)

    assert callbacks == []
    assert not OutboxJob.objects.filter(task_name="matching.match_request_task").exists()


def test_an_enqueued_job_is_marked_sent(buyer_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.request_open(request=draft(buyer_user), actor=buyer_user)

    job = OutboxJob.objects.get(task_name="matching.match_request_task")
    assert job.sent_at is not None
    assert job.attempts == 1


@pytest.fixture
def hung_broker() -> Iterator[str]:
    """A port that accepts connections and never answers, as Redis under kill -STOP."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.mark.parametrize("broker", ["unreachable", "hung"])
def test_a_real_broker_that_does_not_answer_gives_up_quickly_and_the_job_stays_pending(
    broker, hung_broker
):
    url = "redis://127.0.0.1:1/0" if broker == "unreachable" else hung_broker
    # A worker's own app, configured from the same settings, pointed at the dead broker.
    worker_app = Celery("broker-probe", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)

    @worker_app.task(name="matching.match_request_task")
    def probe(request_id: int) -> None:
        """Never runs: nothing answers."""

    job = OutboxJob.objects.create(task_name=probe.name, args=[1])

    started = time.monotonic()
    taken = outbox_send(task=probe, job_id=job.pk, args=[1])
    elapsed = time.monotonic() - started

    assert taken is False
    assert elapsed < 2
    job.refresh_from_db()
    assert job.sent_at is None
    assert job.attempts == 1
    assert job.last_error


# IDEMPOTENT E-MAILS
# ------------------------------------------------------------------------------


def test_a_notification_email_job_delivered_twice_sends_one_email(
    buyer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_services.notify(
            user=buyer_user, kind="test", title="A new proposal"
        )

    notification_tasks.send_notification_email_task(notification.pk)
    notification_services.notification_email_send(
        notification=Notification.objects.get(pk=notification.pk)
    )

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_refused_notification_email_can_be_sent_again(
    buyer_user, monkeypatch: pytest.MonkeyPatch
):
    notification = notification_services.notify(
        user=buyer_user, kind="test", title="A new proposal", send_email=False
    )

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("The mail server is down.")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(ConnectionRefusedError):
            notification_services.notification_email_send(notification=notification)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    notification_services.notification_email_send(notification=notification)
    assert len(mail.outbox) == 1


def test_an_invitation_job_delivered_twice_sends_one_email(supplier):
    invitation = InvitationFactory(organisation=supplier)

    company_tasks.send_invitation_task(invitation.pk)
    # A second delivery that read the row before the first marked it sent.
    stale = type(invitation).objects.get(pk=invitation.pk)
    stale.sent_at = None
    company_services.invitation_mail(invitation=stale, subject="Join us", message="Please.")

    assert len(mail.outbox) == 1
    assert stale.sent_at is not None


def test_a_cluster_invitation_job_delivered_twice_sends_one_email(
    cluster, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = cluster_services.membership_invite(
            cluster=cluster, actor=manager, email="owner@new-firm.example"
        )

    cluster_tasks.send_membership_invitation_task(membership.pk)

    assert [message.to for message in mail.outbox] == [["owner@new-firm.example"]]
    membership.refresh_from_db()
    assert membership.invitation_sent_at is not None


def test_the_sweeper_drops_rows_sent_long_ago(buyer_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.request_open(request=draft(buyer_user), actor=buyer_user)
    job = OutboxJob.objects.get(task_name="matching.match_request_task")
    OutboxJob.objects.filter(pk=job.pk).update(sent_at=timezone.now() - timedelta(days=8))

    sweep_outbox(app=app)

    assert not OutboxJob.objects.filter(pk=job.pk).exists()


def test_staff_read_the_outbox_in_the_admin(client):
    OutboxJob.objects.create(task_name="matching.match_request_task", args=[1])
    client.force_login(UserFactory(organisation=None, is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:sme_platform_outboxjob_changelist"))

    assert response.status_code == 200
    assert "matching.match_request_task" in response.content.decode()
