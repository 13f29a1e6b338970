"""E-mail confirmation: a self-registered account proves its address before it may post,
answer proposals or see contacts; accounts made by staff or by an invitation are
confirmed already."""

import re
import time
from importlib import import_module
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from companies import services
from companies.models import Invitation, User
from companies.tasks import send_email_confirmation_task
from tests.factories import TEST_PASSWORD, InvitationFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER_URL = reverse("api:auth-register")
CONFIRM_API = reverse("api:email-confirm")
RESEND_API = reverse("api:email-confirmation-resend")
ME_URL = reverse("api:me")
SUBJECT = "Confirm your e-mail address"


def registration(**overrides):
    data = {
        "kind": "buyer",
        "legal_name": "Hanse Apparel GmbH",
        "country": "DE",
        "email": "jonas@hanse.example",
        "password": TEST_PASSWORD,
        "full_name": "Jonas Weber",
    }
    data.update(overrides)
    return data


def signup_form(**overrides):
    data = {
        "kind": "supplier",
        "legal_name": "Saigon Knitwear JSC",
        "country": "VN",
        "full_name": "Nguyen Van An",
        "email": "owner@saigonknit.example",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
    }
    data.update(overrides)
    return data


def confirmation_mails(to: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if SUBJECT in m.subject and m.to == [to]]


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+/confirm-email/(\S+)/", str(message.body))
    assert match, message.body
    return match.group(1)


# SIGN-UP SENDS THE LINK
# ------------------------------------------------------------------------------


def test_api_sign_up_mails_a_link_and_the_account_is_unconfirmed(
    api_client, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(REGISTER_URL, registration(), format="json")

    # then
    assert response.status_code == 201
    assert response.json()["user"]["email_confirmed"] is False
    user = User.objects.get(email="jonas@hanse.example")
    assert user.email_confirmed_at is None
    [message] = confirmation_mails("jonas@hanse.example")
    assert "cannot open sourcing requests, answer proposals or see contact details" in (
        message.body
    )
    assert link_in(message)


def test_page_sign_up_mails_a_link_and_every_page_says_what_waits(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), signup_form(), follow=True)

    html = response.content.decode()
    assert "We have sent a confirmation link to owner@saigonknit.example" in html
    assert 'data-banner="email-unconfirmed"' in html
    assert "you cannot open sourcing requests" in html
    assert len(confirmation_mails("owner@saigonknit.example")) == 1


def test_following_the_link_confirms_and_the_banner_goes(
    client, django_capture_on_commit_callbacks
):
    # given: a new account, logged in, with its e-mail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), signup_form())
    [message] = confirmation_mails("owner@saigonknit.example")

    # when
    response = client.get(reverse("email-confirm", args=[link_in(message)]), follow=True)

    # then
    html = response.content.decode()
    assert "owner@saigonknit.example is confirmed" in html
    assert 'data-banner="email-unconfirmed"' not in html
    assert User.objects.get(email="owner@saigonknit.example").is_email_confirmed


def test_the_api_confirms_with_the_token_and_me_says_so(api_as, api_client):
    user = UserFactory(unconfirmed=True)
    token = services.email_confirmation_token(user=user)

    response = api_client.post(CONFIRM_API, {"token": token}, format="json")

    assert response.status_code == 200
    assert response.json()["email_confirmed"] is True
    user.refresh_from_db()
    assert api_as(user).get(ME_URL).json()["email_confirmed"] is True


def test_following_the_link_twice_is_harmless(client):
    user = UserFactory(unconfirmed=True)
    token = services.email_confirmation_token(user=user)
    client.get(reverse("email-confirm", args=[token]))
    first = User.objects.get(pk=user.pk).email_confirmed_at

    response = client.get(reverse("email-confirm", args=[token]))

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).email_confirmed_at == first


# BAD TOKENS
# ------------------------------------------------------------------------------


def _expired_token(user: User) -> str:
    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        return services.email_confirmation_token(user=user)


def _tampered_token(user: User) -> str:
    token = services.email_confirmation_token(user=user)
    return token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")


def _token_of_another_address(user: User) -> str:
    token = services.email_confirmation_token(user=user)
    User.objects.filter(pk=user.pk).update(email="changed@elsewhere.example")
    return token


BAD_TOKENS = {
    "expired": (_expired_token, "This confirmation link has expired. Ask for a new one."),
    "tampered": (_tampered_token, "This confirmation link is not valid."),
    "for an old address": (_token_of_another_address, "This confirmation link is not valid."),
    "garbage": (lambda user: "not-a-token", "This confirmation link is not valid."),
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_link_is_a_400_page_that_says_why_and_confirms_nothing(client, kind):
    user = UserFactory(unconfirmed=True)
    make, message = BAD_TOKENS[kind]
    token = make(user)

    response = client.get(reverse("email-confirm", args=[token]))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_is_a_400_in_the_api_and_confirms_nothing(api_client, kind):
    user = UserFactory(unconfirmed=True)
    make, message = BAD_TOKENS[kind]

    response = api_client.post(CONFIRM_API, {"token": make(user)}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["token"] == [message]
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


def test_a_missing_token_is_a_field_error(api_client):
    response = api_client.post(CONFIRM_API, {}, format="json")

    assert response.status_code == 400
    assert "token" in response.json()["errors"]


# RESENDING
# ------------------------------------------------------------------------------


def test_the_page_resends_a_link_that_works(client, django_capture_on_commit_callbacks):
    user = UserFactory(unconfirmed=True)
    client.force_login(user)
    assert "Send a new link" in client.get(reverse("email-confirmation")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email-confirmation"), follow=True)

    assert "A new confirmation link is on its way" in response.content.decode()
    [message] = confirmation_mails(user.email)
    client.get(reverse("email-confirm", args=[link_in(message)]))
    assert User.objects.get(pk=user.pk).is_email_confirmed


def test_the_api_resends(api_as, django_capture_on_commit_callbacks):
    user = UserFactory(unconfirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(user).post(RESEND_API)

    assert response.status_code == 202
    assert len(confirmation_mails(user.email)) == 1


def test_resending_for_a_confirmed_address_is_refused_and_mails_nothing(
    api_as, client, django_capture_on_commit_callbacks
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        api = api_as(user).post(RESEND_API)
        client.force_login(user)
        page = client.post(reverse("email-confirmation"), follow=True)

    assert api.status_code == 400
    assert api.json()["errors"]["email"] == ["Your e-mail address is already confirmed."]
    assert "Your e-mail address is already confirmed." in page.content.decode()
    assert confirmation_mails(user.email) == []


def test_resending_needs_a_log_in(api_client, client):
    assert api_client.post(RESEND_API).status_code in (401, 403)
    response = client.post(reverse("email-confirmation"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_resending_is_throttled_like_sign_up(api_as, client, settings):
    user = UserFactory(unconfirmed=True)
    api = api_as(user)
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["confirm_email"].split("/")[0])

    answers = [api.post(RESEND_API).status_code for _ in range(rate + 1)]

    assert answers[:rate] == [202] * rate
    assert answers[rate] == 429
    client.force_login(user)
    pages = [client.post(reverse("email-confirmation")).status_code for _ in range(rate + 1)]
    assert pages[-1] == 429


def test_a_job_delivered_twice_mails_once():
    user = UserFactory(unconfirmed=True)
    requested_at = timezone.now().isoformat()

    send_email_confirmation_task(user.pk, requested_at)
    send_email_confirmation_task(user.pk, requested_at)

    assert len(confirmation_mails(user.email)) == 1


def test_no_mail_once_the_address_is_confirmed():
    user = UserFactory(unconfirmed=True)
    requested_at = timezone.now().isoformat()
    User.objects.filter(pk=user.pk).update(email_confirmed_at=timezone.now())

    send_email_confirmation_task(user.pk, requested_at)

    assert confirmation_mails(user.email) == []


def test_a_refused_mail_is_retried_by_the_next_delivery():
    user = UserFactory(unconfirmed=True)
    requested_at = timezone.now().isoformat()

    with mock.patch("companies.services.confirmation.send_mail", side_effect=OSError("down")):
        with pytest.raises(OSError, match="down"):
            send_email_confirmation_task.run(user.pk, requested_at)
    send_email_confirmation_task(user.pk, requested_at)

    assert len(confirmation_mails(user.email)) == 1


# WHO IS CONFIRMED ALREADY
# ------------------------------------------------------------------------------


def test_an_accepted_colleague_invitation_proves_the_address():
    invitation = InvitationFactory(email="colleague@firm.example")

    user = services.invitation_accept(token=invitation.token, password=TEST_PASSWORD)

    assert user.is_email_confirmed
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None


def test_accounts_made_by_staff_are_confirmed():
    assert User.objects.create_user(email="made@by.staff", password=TEST_PASSWORD)
    assert User.objects.get(email="made@by.staff").is_email_confirmed
    assert User.objects.create_superuser(email="root@platform.example").is_email_confirmed


def test_staff_confirm_an_address_and_nobody_else_may():
    user = UserFactory(unconfirmed=True)

    with pytest.raises(Exception, match="Only platform staff"):
        services.email_confirm_by_staff(user=user, actor=UserFactory())
    assert not User.objects.get(pk=user.pk).is_email_confirmed
    services.email_confirm_by_staff(user=user, actor=StaffUserFactory())
    assert User.objects.get(pk=user.pk).is_email_confirmed


def test_the_migration_confirms_accounts_that_existed_before():
    # given: rows as they were before confirmation existed
    users = [UserFactory(unconfirmed=True), UserFactory(unconfirmed=True)]
    migration = import_module("companies.migrations.0004_confirm_existing_users")

    # when
    migration.confirm_existing(django_apps, None)

    # then
    assert all(User.objects.get(pk=u.pk).is_email_confirmed for u in users)


def test_factories_make_confirmed_users_and_a_trait_for_unconfirmed_ones():
    assert UserFactory().is_email_confirmed
    assert not UserFactory(unconfirmed=True).is_email_confirmed


# A CLUSTER'S E-MAILED INVITATION PROVES THE ADDRESS
# ------------------------------------------------------------------------------


def _invited_by_cluster(cluster, manager, email: str):
    from clusters import services as cluster_services

    return cluster_services.membership_invite(cluster=cluster, actor=manager, email=email)


def test_signing_up_from_a_clusters_invitation_link_needs_no_confirmation(
    client, cluster, manager, django_capture_on_commit_callbacks
):
    # given: a cluster invited an address; its landing page links to sign-up
    membership = _invited_by_cluster(cluster, manager, "owner@saigonknit.example")
    landing = client.get(reverse("cluster-invitation", args=[membership.token])).content.decode()
    assert f"invitation={membership.token}" in landing

    # when: the firm signs up from that link with the invited address
    signup_page = client.get(reverse("signup") + f"?kind=supplier&invitation={membership.token}")
    assert membership.token in signup_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), signup_form(invitation_token=membership.token))

    # then
    assert User.objects.get(email="owner@saigonknit.example").is_email_confirmed
    assert confirmation_mails("owner@saigonknit.example") == []


@pytest.mark.parametrize("token", ["wrong-token", "theirs"])
def test_a_token_for_another_address_proves_nothing(
    api_client, cluster, manager, django_capture_on_commit_callbacks, token
):
    membership = _invited_by_cluster(cluster, manager, "someone-else@firm.example")
    sent = membership.token if token == "theirs" else token

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            REGISTER_URL,
            registration(kind="supplier", invitation_token=sent),
            format="json",
        )

    assert response.status_code == 201
    assert response.json()["user"]["email_confirmed"] is False
    assert len(confirmation_mails("jonas@hanse.example")) == 1
