"""Evidence uploads are stored and served by what they contain, never by the name sent."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from companies.models import Certification

pytestmark = pytest.mark.django_db

POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n"
TRAILER = b"<script>alert(document.cookie)</script>"


def certificate_data(evidence: SimpleUploadedFile) -> dict[str, object]:
    return {
        "scheme": "oeko-tex",
        "issuer": "Hohenstein",
        "certificate_number": "OT-2026-118",
        "valid_until": (timezone.localdate() + timedelta(days=300)).isoformat(),
        "evidence": evidence,
    }


def image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=image_format)
    return out.getvalue()


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def logged_in(client, supplier_user):
    client.force_login(supplier_user)
    return client


@pytest.fixture
def clean_media():
    before = set(stored_files())
    yield
    for path in set(stored_files()) - before:
        path.unlink()


@pytest.mark.usefixtures("clean_media")
class TestStoredByContent:
    def test_pdf_polyglot_named_html_is_stored_as_a_pdf_under_a_random_name(
        self, logged_in, supplier
    ):
        upload = SimpleUploadedFile("evil.html", POLYGLOT, content_type="text/html")
        response = logged_in.post(reverse("certification-add"), certificate_data(upload))

        assert response.status_code == 302
        name = Certification.objects.get(organisation=supplier).evidence.name
        assert name.endswith(".pdf")
        assert "evil" not in name

    def test_polyglot_is_served_as_a_sandboxed_pdf(self, logged_in, supplier):
        upload = SimpleUploadedFile("evil.html", POLYGLOT, content_type="text/html")
        logged_in.post(reverse("certification-add"), certificate_data(upload))
        certification = Certification.objects.get(organisation=supplier)

        response = logged_in.get(reverse("certification-evidence", args=[certification.pk]))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["Content-Disposition"] == (
            f'inline; filename="certificate-{certification.pk}.pdf"'
        )

    @pytest.mark.parametrize(
        ("content", "name"),
        [
            (b"<html><script>alert(1)</script></html>", "cert.pdf"),
            (b"RIFF\x24\x00\x00\x00WAVEfmt ", "cert.webp"),
            (b"MZ\x90\x00 a program", "cert.png"),
        ],
    )
    def test_other_content_is_refused_and_nothing_is_stored(self, logged_in, content, name):
        before = stored_files()
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")

        response = logged_in.post(reverse("certification-add"), certificate_data(upload))

        assert response.status_code == 200
        assert response.context["form"].errors["evidence"] == [
            "Upload the certificate as a PDF, PNG, JPEG or WebP file."
        ]
        assert not Certification.objects.exists()
        assert stored_files() == before

    def test_image_with_a_broken_body_is_refused(self, logged_in):
        upload = SimpleUploadedFile("cert.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
        response = logged_in.post(reverse("certification-add"), certificate_data(upload))
        assert "evidence" in response.context["form"].errors
        assert not Certification.objects.exists()

    @pytest.mark.parametrize(
        ("image_format", "extension", "content_type"),
        [
            ("PNG", "png", "image/png"),
            ("JPEG", "jpg", "image/jpeg"),
            ("WEBP", "webp", "image/webp"),
        ],
    )
    def test_image_is_re_encoded_without_what_followed_it(
        self, logged_in, supplier, image_format, extension, content_type
    ):
        upload = SimpleUploadedFile("scan.html", image_bytes(image_format) + TRAILER)
        logged_in.post(reverse("certification-add"), certificate_data(upload))
        certification = Certification.objects.get(organisation=supplier)

        stored = certification.evidence.read()
        assert certification.evidence.name.endswith(f".{extension}")
        assert TRAILER not in stored
        assert Image.open(io.BytesIO(stored)).size == (8, 8)
        response = logged_in.get(reverse("certification-evidence", args=[certification.pk]))
        assert response["Content-Type"] == content_type


@pytest.mark.usefixtures("clean_media")
class TestServedOnlyToWhoMaySee:
    @pytest.fixture
    def certification(self, client, supplier, supplier_user):
        client.force_login(supplier_user)
        upload = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 scan", "application/pdf")
        client.post(reverse("certification-add"), certificate_data(upload))
        client.logout()
        return Certification.objects.get(organisation=supplier)

    def test_another_organisations_user_gets_not_found(
        self, client, certification, other_supplier_user
    ):
        client.force_login(other_supplier_user)
        response = client.get(reverse("certification-evidence", args=[certification.pk]))
        assert response.status_code == 404

    def test_staff_may_open_it(self, client, certification, staff_user):
        client.force_login(staff_user)
        response = client.get(reverse("certification-evidence", args=[certification.pk]))
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == "sandbox"

    def test_the_public_media_url_answers_not_found(self, client, certification, staff_user):
        client.force_login(staff_user)
        response = client.get(settings.MEDIA_URL + certification.evidence.name)
        assert response.status_code == 404

    def test_a_file_stored_before_the_checks_is_only_offered_for_download(
        self, client, certification, supplier_user
    ):
        # As an evidence file uploaded before its content was checked might be.
        certification.evidence.save("old.html", ContentFile(b"<script>1</script>"), save=True)
        client.force_login(supplier_user)

        response = client.get(reverse("certification-evidence", args=[certification.pk]))

        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.usefixtures("clean_media")
class TestThroughTheApi:
    def test_polyglot_is_stored_as_pdf_and_linked_to_the_checked_page(
        self, api_as, client, supplier_user, other_supplier_user
    ):
        upload = SimpleUploadedFile("evil.html", POLYGLOT, content_type="text/html")
        data = {**certificate_data(upload), "scheme": "oeko-tex"}

        body = (
            api_as(supplier_user)
            .post(reverse("api:certification-list"), data, format="multipart")
            .json()
        )

        certification = Certification.objects.get()
        assert certification.evidence.name.endswith(".pdf")
        link = reverse(
            "certification-evidence-file",
            args=[certification.pk, f"certificate-{certification.pk}.pdf"],
        )
        assert body["evidence"] == f"http://testserver{link}"
        client.force_login(supplier_user)
        response = client.get(link)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Security-Policy"] == "sandbox"
        assert client.get(link.replace(".pdf", ".html")).status_code == 404
        client.force_login(other_supplier_user)
        assert client.get(link).status_code == 404

    def test_refused_upload_writes_nothing(self, api_as, supplier_user):
        before = stored_files()
        upload = SimpleUploadedFile("cert.pdf", b"<svg onload=alert(1)>", "application/pdf")

        response = api_as(supplier_user).post(
            reverse("api:certification-list"), certificate_data(upload), format="multipart"
        )

        assert response.status_code == 400
        assert response.json()["errors"]["evidence"] == [
            "Upload the certificate as a PDF, PNG, JPEG or WebP file."
        ]
        assert stored_files() == before
