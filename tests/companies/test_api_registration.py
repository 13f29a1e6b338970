"""Registration, tokens, the current user and colleague invitations through the API."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from companies.models import Invitation, Organisation, User
from tests.factories import TEST_PASSWORD, UserFactory

REGISTER_URL = reverse("api:auth-register")
TOKEN_URL = reverse("api:auth-token")
ME_URL = reverse("api:me")
INVITATIONS_URL = reverse("api:invitation-list")
ACCEPT_URL = reverse("api:invitation-accept")

pytestmark = pytest.mark.django_db


def registration(**overrides):
    data = {
        "kind": "supplier",
        "legal_name": "Saigon Knitwear Co., Ltd.",
        "local_name": "Công ty Dệt kim Sài Gòn",
        "country": "VN",
        "province": "VN-SG",
        "city": "Ho Chi Minh City",
        "email": "owner@saigonknit.example",
        "password": TEST_PASSWORD,
        "full_name": "Nguyen Thi Lan",
    }
    data.update(overrides)
    return data


def counts():
    return User.objects.count(), Organisation.objects.count()


# REGISTRATION
# ------------------------------------------------------------------------------


def test_register_creates_organisation_owner_and_token(api_client):
    response = api_client.post(REGISTER_URL, registration(), format="json")

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(email="owner@saigonknit.example")
    assert body["user"]["email"] == user.email
    assert body["user"]["role"] == "owner"
    assert body["organisation"]["id"] == user.organisation_id
    assert body["organisation"]["kind"] == "supplier"
    assert body["token"] == Token.objects.get(user=user).key
    assert "password" not in response.content.decode()


def test_register_keeps_local_script_name_and_province(api_client):
    api_client.post(REGISTER_URL, registration(), format="json")

    organisation = Organisation.objects.get(legal_name="Saigon Knitwear Co., Ltd.")
    assert organisation.local_name == "Công ty Dệt kim Sài Gòn"
    assert organisation.province == "VN-SG"


def test_register_buyer_without_optional_fields(api_client):
    data = registration(kind="buyer", country="DE", email="sourcing@buyer.example")
    for optional in ("local_name", "province", "city"):
        del data[optional]

    response = api_client.post(REGISTER_URL, data, format="json")

    assert response.status_code == 201
    assert response.json()["organisation"]["kind"] == "buyer"


def test_register_with_taken_email_is_refused_and_writes_nothing(api_client):
    UserFactory(email="owner@saigonknit.example")
    before = counts()

    response = api_client.post(
        REGISTER_URL, registration(email="Owner@SaigonKnit.example"), format="json"
    )

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert counts() == before


def test_register_with_unknown_country_is_refused_and_writes_nothing(api_client):
    before = counts()

    response = api_client.post(REGISTER_URL, registration(country="ZZ", province=""), format="json")

    assert response.status_code == 400
    assert "country" in response.json()["errors"]
    assert counts() == before


def test_register_with_province_of_another_country_is_refused(api_client):
    before = counts()

    response = api_client.post(REGISTER_URL, registration(province="TH-10"), format="json")

    assert response.status_code == 400
    assert "province" in response.json()["errors"]
    assert counts() == before


def test_register_with_weak_password_is_refused_and_writes_nothing(api_client):
    before = counts()

    response = api_client.post(REGISTER_URL, registration(password="12345678"), format="json")

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert counts() == before


def test_register_with_unknown_kind_is_refused_and_writes_nothing(api_client):
    before = counts()

    response = api_client.post(REGISTER_URL, registration(kind="government"), format="json")

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    assert counts() == before


def test_register_without_required_fields_names_each_one(api_client):
    before = counts()

    response = api_client.post(REGISTER_URL, {}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    for field in ("kind", "legal_name", "country", "email", "password", "full_name"):
        assert field in errors
    assert counts() == before


def test_register_with_malformed_email_is_refused(api_client):
    before = counts()

    response = api_client.post(REGISTER_URL, registration(email="not-an-address"), format="json")

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert counts() == before


# TOKENS AND THE CURRENT USER
# ------------------------------------------------------------------------------


def test_token_for_right_password(api_client, supplier_user):
    response = api_client.post(
        TOKEN_URL, {"email": supplier_user.email, "password": TEST_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=supplier_user).key


def test_token_refused_for_wrong_password(api_client, supplier_user):
    response = api_client.post(
        TOKEN_URL, {"email": supplier_user.email, "password": "wrong-password"}, format="json"
    )

    assert response.status_code == 400
    assert not Token.objects.filter(user=supplier_user).exists()


def test_token_authenticates_requests(api_client, supplier_user):
    token = api_client.post(
        TOKEN_URL, {"email": supplier_user.email, "password": TEST_PASSWORD}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.get(ME_URL)

    assert response.status_code == 200
    assert response.json()["email"] == supplier_user.email


def test_session_login_authenticates_requests(api_client, supplier_user):
    assert api_client.login(email=supplier_user.email, password=TEST_PASSWORD)

    response = api_client.get(ME_URL)

    assert response.status_code == 200
    assert response.json()["email"] == supplier_user.email


def test_me_shows_role_and_organisation(api_as, supplier_user):
    response = api_as(supplier_user).get(ME_URL)

    body = response.json()
    assert body["role"] == "owner"
    assert body["organisation"]["id"] == supplier_user.organisation_id
    assert body["organisation"]["kind"] == "supplier"


def test_me_refuses_anonymous(api_client):
    response = api_client.get(ME_URL)

    assert response.status_code == 401


def test_bad_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.get(ME_URL)

    assert response.status_code == 401


# INVITATIONS
# ------------------------------------------------------------------------------


def test_owner_invites_colleague(api_as, supplier_user):
    response = api_as(supplier_user).post(
        INVITATIONS_URL, {"email": "Colleague@SaigonKnit.example"}, format="json"
    )

    assert response.status_code == 201
    invitation = Invitation.objects.get()
    assert invitation.email == "colleague@saigonknit.example"
    assert invitation.organisation == supplier_user.organisation
    assert "token" not in response.json()


def test_owner_lists_own_invitations_only(api_as, supplier_user, other_supplier_user):
    Invitation.objects.create(
        organisation=other_supplier_user.organisation, email="theirs@rival.example"
    )
    Invitation.objects.create(organisation=supplier_user.organisation, email="ours@firm.example")

    response = api_as(supplier_user).get(INVITATIONS_URL)

    emails = [row["email"] for row in response.json()["results"]]
    assert emails == ["ours@firm.example"]


def test_member_may_not_invite(api_as, supplier):
    member = UserFactory(organisation=supplier, role=User.Role.MEMBER)

    response = api_as(member).post(
        INVITATIONS_URL, {"email": "colleague@firm.example"}, format="json"
    )

    assert response.status_code == 403
    assert "owner" in response.json()["message"]
    assert not Invitation.objects.exists()


def test_inviting_someone_with_an_account_is_refused(api_as, supplier_user, buyer_user):
    response = api_as(supplier_user).post(
        INVITATIONS_URL, {"email": buyer_user.email}, format="json"
    )

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert not Invitation.objects.exists()


def test_accepting_invitation_creates_user_in_the_organisation(api_client, supplier):
    invitation = Invitation.objects.create(organisation=supplier, email="new@firm.example")

    response = api_client.post(
        ACCEPT_URL,
        {"token": invitation.token, "password": TEST_PASSWORD, "full_name": "Tran Van Minh"},
        format="json",
    )

    assert response.status_code == 201
    user = User.objects.get(email="new@firm.example")
    assert user.organisation == supplier
    assert user.role == User.Role.MEMBER
    assert response.json()["token"] == Token.objects.get(user=user).key


def test_accepting_unknown_invitation_is_refused_and_writes_nothing(api_client, supplier):
    before = counts()

    response = api_client.post(
        ACCEPT_URL, {"token": "no-such-token", "password": TEST_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "token" in response.json()["errors"]
    assert counts() == before


def test_accepting_with_weak_password_is_refused_and_keeps_invitation_open(api_client, supplier):
    invitation = Invitation.objects.create(organisation=supplier, email="new@firm.example")

    response = api_client.post(
        ACCEPT_URL, {"token": invitation.token, "password": "password"}, format="json"
    )

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.filter(email="new@firm.example").exists()
    invitation.refresh_from_db()
    assert invitation.is_open
