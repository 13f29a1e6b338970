"""Pages: home, sign-up, log-in/out, password reset and invitations."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from companies import services
from companies.models import Invitation, Organisation, User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "kind": Organisation.Kind.SUPPLIER,
        "legal_name": "Saigon Knitwear JSC",
        "local_name": "Dệt kim Sài Gòn",
        "country": "VN",
        "province": "VN-SG",
        "city": "Ho Chi Minh City",
        "full_name": "Nguyen Van An",
        "email": "owner@saigonknit.example",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
    }
    return {**data, **overrides}


class TestHome:
    def test_says_what_the_platform_is_for_and_offers_each_kind_of_sign_up(self, client):
        response = client.get(reverse("home"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Asia and the Pacific" in html
        assert "global value chains" in html
        for kind in Organisation.Kind.values:
            assert f"{reverse('signup')}?kind={kind}" in html

    def test_shows_the_site_name(self, client, settings):
        settings.SITE_NAME = "Linkage Test Site"
        assert "Linkage Test Site" in client.get(reverse("home")).content.decode()


class TestSignup:
    def test_page_renders_with_the_kind_chosen_from_the_link(self, client):
        response = client.get(reverse("signup") + "?kind=buyer")
        assert response.status_code == 200
        assert re.search(r'value="buyer"[^>]*checked', response.content.decode())

    @pytest.mark.parametrize("kind", Organisation.Kind.values)
    def test_each_kind_signs_up_and_is_logged_in(self, client, kind):
        response = client.post(reverse("signup"), signup_data(kind=kind))
        assert response.status_code == 302
        assert response.url == reverse("dashboard")
        user = User.objects.get(email="owner@saigonknit.example")
        assert user.organisation.kind == kind
        assert user.role == User.Role.OWNER
        dashboard = client.get(reverse("dashboard"))
        assert dashboard.wsgi_request.user == user
        assert "Saigon Knitwear JSC" in dashboard.content.decode()

    def test_duplicate_email_reshows_the_form_with_the_error_and_writes_nothing(
        self, client, supplier_user
    ):
        response = client.post(
            reverse("signup"), signup_data(email=supplier_user.email.upper(), legal_name="Copy")
        )
        assert response.status_code == 200
        assert "An account with this e-mail address already exists." in response.content.decode()
        assert response.context["form"].errors["email"]
        assert not Organisation.objects.filter(legal_name="Copy").exists()
        assert "_auth_user_id" not in client.session

    def test_province_of_another_country_is_a_field_error(self, client):
        response = client.post(reverse("signup"), signup_data(province="TH-10"))
        assert response.status_code == 200
        assert "province" in response.context["form"].errors
        assert not Organisation.objects.exists()

    def test_weak_password_is_refused_by_the_service(self, client):
        response = client.post(
            reverse("signup"), signup_data(password="12345678", password_confirm="12345678")
        )
        assert "password" in response.context["form"].errors
        assert not User.objects.exists()

    def test_passwords_that_differ_are_refused(self, client):
        response = client.post(reverse("signup"), signup_data(password_confirm="other-pass-99"))
        assert "password_confirm" in response.context["form"].errors
        assert not User.objects.exists()

    def test_missing_fields_are_reported_next_to_them(self, client):
        response = client.post(reverse("signup"), {"kind": "supplier"})
        errors = response.context["form"].errors
        assert {"legal_name", "country", "email", "password"} <= set(errors)
        assert not Organisation.objects.exists()


class TestLogin:
    def test_page_renders(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert "E-mail address" in response.content.decode()

    def test_logs_in_with_email_and_goes_to_the_dashboard(self, client, supplier_user):
        response = client.post(
            reverse("login"), {"username": supplier_user.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        assert response.url == reverse("dashboard")

    def test_wrong_password_is_refused(self, client, supplier_user):
        response = client.post(
            reverse("login"), {"username": supplier_user.email, "password": "wrong"}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_logout_ends_the_session(self, client, supplier_user):
        client.force_login(supplier_user)
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


class TestPasswordReset:
    def test_form_renders(self, client):
        assert client.get(reverse("password_reset")).status_code == 200

    def test_sends_a_link_that_lets_the_user_set_a_new_password(
        self, client, supplier_user, mailoutbox
    ):
        response = client.post(reverse("password_reset"), {"email": supplier_user.email})
        assert response.status_code == 302
        assert client.get(response.url).status_code == 200
        assert len(mailoutbox) == 1
        link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mailoutbox[0].body).group(1)

        form_page = client.get(link, follow=True)
        assert form_page.status_code == 200
        new_password = "a-brand-new-password-77"
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": new_password, "new_password2": new_password},
            follow=True,
        )
        assert done.status_code == 200
        supplier_user.refresh_from_db()
        assert supplier_user.check_password(new_password)

    def test_unknown_address_sends_nothing_but_looks_the_same(self, client, mailoutbox):
        response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
        assert response.status_code == 302
        assert mailoutbox == []


class TestInvitations:
    def test_owner_sees_the_invite_form(self, client, supplier_user):
        client.force_login(supplier_user)
        assert client.get(reverse("colleague-invite")).status_code == 200

    def test_owner_invites_a_colleague_by_email(
        self, client, supplier_user, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(supplier_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("colleague-invite"), {"email": "colleague@firm.example", "role": "member"}
            )
        assert response.status_code == 302
        invitation = Invitation.objects.get()
        assert invitation.organisation == supplier_user.organisation
        assert reverse("invitation-accept", kwargs={"token": invitation.token}) in (
            mailoutbox[0].body
        )
        assert "colleague@firm.example" in client.get(reverse("colleague-list")).content.decode()

    def test_inviting_an_existing_account_is_a_field_error(
        self, client, supplier_user, other_supplier_user
    ):
        client.force_login(supplier_user)
        response = client.post(
            reverse("colleague-invite"), {"email": other_supplier_user.email, "role": "member"}
        )
        assert response.status_code == 200
        assert "already has an account" in response.content.decode()
        assert not Invitation.objects.exists()

    def test_a_member_may_not_invite(self, client, supplier):
        member = UserFactory(organisation=supplier, role=User.Role.MEMBER)
        client.force_login(member)
        response = client.post(
            reverse("colleague-invite"), {"email": "x@firm.example", "role": "member"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_accepting_creates_the_user_in_the_organisation_and_logs_in(
        self, client, supplier, supplier_user
    ):
        invitation = services.colleague_invite(
            organisation=supplier, actor=supplier_user, email="new@firm.example"
        )
        url = reverse("invitation-accept", kwargs={"token": invitation.token})
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "full_name": "Tran Thi B",
                "password": TEST_PASSWORD,
                "password_confirm": TEST_PASSWORD,
            },
        )
        assert response.status_code == 302
        user = get_user_model().objects.get(email="new@firm.example")
        assert user.organisation == supplier
        assert user.full_name == "Tran Thi B"
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_weak_password_on_acceptance_creates_nobody(self, client, supplier, supplier_user):
        invitation = services.colleague_invite(
            organisation=supplier, actor=supplier_user, email="new@firm.example"
        )
        url = reverse("invitation-accept", kwargs={"token": invitation.token})
        response = client.post(url, {"password": "password", "password_confirm": "password"})
        assert response.status_code == 200
        assert "password" in response.context["form"].errors
        assert not User.objects.filter(email="new@firm.example").exists()

    def test_unknown_token_is_not_found(self, client):
        url = reverse("invitation-accept", kwargs={"token": "no-such-token"})
        response = client.get(url)
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
