from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from companies import services
from companies.models import Certification, Invitation, Organisation, ProductLine, User
from tests.factories import TEST_PASSWORD, CertificationFactory

pytestmark = pytest.mark.django_db


def register(**overrides):
    data = {
        "kind": Organisation.Kind.SUPPLIER,
        "legal_name": "Saigon Knitwear JSC",
        "country": "VN",
        "email": "owner@saigonknit.example",
        "password": TEST_PASSWORD,
        "full_name": "Nguyen Van An",
    }
    return services.organisation_register(**{**data, **overrides})


def pdf(size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile("cert.pdf", b"%PDF-1.4 " + b"x" * size, "application/pdf")


class TestRegistration:
    def test_creates_organisation_and_its_owner(self):
        user = register(province="VN-SG", local_name="Dệt kim Sài Gòn")
        assert user.role == User.Role.OWNER
        assert user.organisation.legal_name == "Saigon Knitwear JSC"
        assert user.organisation.province == "VN-SG"
        assert user.organisation.verification == Organisation.Verification.UNVERIFIED
        assert user.check_password(TEST_PASSWORD)

    def test_same_email_twice_is_refused_whatever_its_case(self):
        register()
        with pytest.raises(ValidationError) as exc:
            register(email="OWNER@SaigonKnit.example", legal_name="Other")
        assert "email" in exc.value.message_dict
        assert Organisation.objects.count() == 1

    def test_unknown_country_and_foreign_province_are_field_errors(self):
        with pytest.raises(ValidationError) as exc:
            register(country="XX")
        assert "country" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            register(country="VN", province="TH-10")
        assert "province" in exc.value.message_dict
        assert not Organisation.objects.exists()

    def test_weak_password_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            register(password="123")
        assert "password" in exc.value.message_dict
        assert not User.objects.exists()

    def test_slugs_stay_unique_and_non_latin_names_are_kept(self):
        first = register(legal_name="บริษัท สยามเท็กซ์ไทล์", email="a@siam.example", country="TH")
        second = register(legal_name="บริษัท สยามเท็กซ์ไทล์", email="b@siam.example", country="TH")
        assert first.organisation.slug != second.organisation.slug
        assert first.organisation.legal_name == "บริษัท สยามเท็กซ์ไทล์"


class TestProfileUpdate:
    def test_sets_codes_markets_and_languages(self, supplier, supplier_user):
        services.organisation_update(
            organisation=supplier,
            actor=supplier_user,
            data={
                "hs_codes": ["6109", "61.09.10"],
                "isic_codes": ["1430"],
                "export_markets": ["de", "US"],
                "languages": ["vi", "en"],
            },
        )
        supplier.refresh_from_db()
        assert sorted(supplier.hs_codes.values_list("code", flat=True)) == ["6109", "610910"]
        assert supplier.export_markets == ["DE", "US"]
        assert supplier.languages == ["vi", "en"]

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"hs_codes": ["123456"]}, "hs_codes"),
            ({"isic_codes": ["ZZ"]}, "isic_codes"),
            ({"country": "QQ"}, "country"),
            ({"export_markets": ["DE", "XY"]}, "export_markets"),
            ({"languages": ["klingon"]}, "languages"),
            ({"description": "x" * 5001}, "description"),
            ({"year_founded": 3000}, "year_founded"),
            ({"website": "not a url"}, "website"),
            ({"legal_name": ""}, "legal_name"),
        ],
    )
    def test_bad_input_is_a_field_error_and_writes_nothing(
        self, supplier, supplier_user, data, field
    ):
        before = Organisation.objects.values().get(pk=supplier.pk)
        with pytest.raises(ValidationError) as exc:
            services.organisation_update(organisation=supplier, actor=supplier_user, data=data)
        assert field in exc.value.message_dict
        assert Organisation.objects.values().get(pk=supplier.pk) == before
        assert not supplier.hs_codes.exists()

    def test_buyer_fields_are_refused_for_a_supplier(self, supplier, supplier_user):
        with pytest.raises(ValidationError) as exc:
            services.organisation_update(
                organisation=supplier, actor=supplier_user, data={"sourcing_regions": ["VN"]}
            )
        assert "sourcing_regions" in exc.value.message_dict

    def test_another_organisations_user_may_not_edit(self, supplier, other_supplier_user):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                organisation=supplier, actor=other_supplier_user, data={"city": "Hanoi"}
            )

    def test_changing_country_clears_a_province_of_the_old_one(self, supplier, supplier_user):
        services.organisation_update(
            organisation=supplier, actor=supplier_user, data={"province": "VN-SG"}
        )
        services.organisation_update(
            organisation=supplier, actor=supplier_user, data={"country": "TH"}
        )
        supplier.refresh_from_db()
        assert (supplier.country, supplier.province) == ("TH", "")


class TestVerification:
    def test_only_staff_verify(self, supplier, supplier_user, staff_user):
        with pytest.raises(PermissionDenied):
            services.organisation_set_verification(
                organisation=supplier, actor=supplier_user, verification="verified"
            )
        services.organisation_set_verification(
            organisation=supplier, actor=staff_user, verification="verified"
        )
        supplier.refresh_from_db()
        assert supplier.is_verified
        assert supplier.verified_by == staff_user


class TestCertifications:
    def add(self, org, user, **overrides):
        data = {
            "scheme": "oeko-tex",
            "issuer": "Hohenstein",
            "certificate_number": "OT-123",
            "valid_until": timezone.localdate() + timedelta(days=200),
            "evidence": pdf(),
        }
        return services.certification_add(organisation=org, actor=user, **{**data, **overrides})

    def test_added_certificate_waits_for_a_staff_check(self, supplier, supplier_user):
        cert = self.add(supplier, supplier_user)
        assert cert.status == Certification.Status.PENDING
        assert cert.counts
        assert cert.evidence.name.endswith(".pdf")

    def test_expired_on_arrival_is_refused(self, supplier, supplier_user):
        with pytest.raises(ValidationError) as exc:
            self.add(supplier, supplier_user, valid_until=timezone.localdate() - timedelta(days=1))
        assert "valid_until" in exc.value.message_dict
        assert not Certification.objects.exists()

    @override_settings(EVIDENCE_MAX_BYTES=1024)
    def test_oversized_evidence_is_refused(self, supplier, supplier_user):
        with pytest.raises(ValidationError) as exc:
            self.add(supplier, supplier_user, evidence=pdf(size=4096))
        assert "evidence" in exc.value.message_dict
        assert not Certification.objects.exists()

    def test_evidence_that_is_not_a_pdf_or_image_is_refused(self, supplier, supplier_user):
        exe = SimpleUploadedFile("cert.pdf", b"MZ\x90\x00binary", "application/pdf")
        with pytest.raises(ValidationError) as exc:
            self.add(supplier, supplier_user, evidence=exe)
        assert "evidence" in exc.value.message_dict

    def test_unknown_scheme_is_refused(self, supplier, supplier_user):
        with pytest.raises(ValidationError) as exc:
            self.add(supplier, supplier_user, scheme="made-up-cert")
        assert "scheme" in exc.value.message_dict

    def test_an_expired_certificate_is_shown_expired_and_does_not_count(self, supplier):
        cert = CertificationFactory(
            organisation=supplier, valid_until=timezone.localdate() - timedelta(days=1)
        )
        assert cert.is_expired
        assert not cert.counts


class TestProductLines:
    def test_negative_capacity_and_unknown_unit_are_refused(self, supplier, supplier_user):
        with pytest.raises(ValidationError) as exc:
            services.product_line_create(
                organisation=supplier,
                actor=supplier_user,
                data={"hs_code": "610910", "monthly_capacity": -5, "unit": "barrels"},
            )
        assert {"monthly_capacity", "unit"} <= set(exc.value.message_dict)
        assert not ProductLine.objects.exists()

    def test_buyers_do_not_list_product_lines(self, buyer, buyer_user):
        with pytest.raises(ValidationError):
            services.product_line_create(
                organisation=buyer,
                actor=buyer_user,
                data={"hs_code": "610910", "monthly_capacity": 5, "unit": "pieces"},
            )

    def test_creates_a_line(self, supplier, supplier_user):
        line = services.product_line_create(
            organisation=supplier,
            actor=supplier_user,
            data={"hs_code": "6109.10", "monthly_capacity": "20000", "unit": "pieces"},
        )
        assert (line.hs_code_id, line.monthly_capacity) == ("610910", 20000)


class TestInvitations:
    def test_owner_invites_and_colleague_joins(
        self, supplier, supplier_user, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.colleague_invite(
                organisation=supplier, actor=supplier_user, email="Colleague@Firm.example"
            )
        assert len(mailoutbox) == 1
        assert invitation.token in mailoutbox[0].body
        invitation.refresh_from_db()
        assert invitation.sent_at is not None

        user = services.invitation_accept(token=invitation.token, password=TEST_PASSWORD)
        assert user.organisation == supplier
        assert user.email == "colleague@firm.example"
        assert user.role == User.Role.MEMBER

    def test_a_member_cannot_invite(self, supplier, supplier_user):
        supplier_user.role = User.Role.MEMBER
        supplier_user.save()
        with pytest.raises(PermissionDenied):
            services.colleague_invite(
                organisation=supplier, actor=supplier_user, email="x@y.example"
            )

    def test_a_used_token_is_refused(self, supplier, supplier_user):
        invitation = services.colleague_invite(
            organisation=supplier, actor=supplier_user, email="c@firm.example"
        )
        services.invitation_accept(token=invitation.token, password=TEST_PASSWORD)
        with pytest.raises(ValidationError):
            services.invitation_accept(token=invitation.token, password=TEST_PASSWORD)

    def test_inviting_an_existing_account_or_bad_address_is_refused(
        self, supplier, supplier_user, other_supplier_user
    ):
        for email in (other_supplier_user.email, "not-an-email"):
            with pytest.raises(ValidationError) as exc:
                services.colleague_invite(organisation=supplier, actor=supplier_user, email=email)
            assert "email" in exc.value.message_dict
        assert not Invitation.objects.exists()
