"""The member import pages and API: upload, dry-run report, apply, progress, access."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import MemberImport
from companies.models import Organisation
from tests.clusters.test_imports import apply, csv_bytes, good_row, run_import
from tests.factories import ClusterFactory, UserFactory


def csv_file(data: bytes, name: str = "members.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def two_rows() -> bytes:
    return csv_bytes([good_row(1), good_row(2, hs_codes="610955")])


# PAGES
# ------------------------------------------------------------------------------


def test_dashboard_links_to_the_import_page_with_the_documented_columns(client, cluster, manager):
    client.force_login(manager)
    dashboard = client.get(reverse("cluster-manage", args=[cluster.slug]))
    assert reverse("cluster-imports", args=[cluster.slug]) in dashboard.content.decode()

    page = client.get(reverse("cluster-imports", args=[cluster.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    for column in ("email", "legal_name", "hs_codes", "monthly_capacity"):
        assert f"<code>{column}</code>" in text
    assert reverse("cluster-import-template", args=[cluster.slug]) in text


def test_template_download_is_the_header_as_csv(client, cluster, manager):
    client.force_login(manager)
    response = client.get(reverse("cluster-import-template", args=[cluster.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("email,legal_name,local_name,country")


def test_upload_dry_run_shows_report_then_apply_creates_the_firms(
    client, cluster, manager, two_rows, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cluster-imports", args=[cluster.slug]),
            {"file": csv_file(two_rows), "dry_run": "on"},
        )
    member_import = MemberImport.objects.get()
    detail_url = reverse("cluster-import-detail", args=[cluster.slug, member_import.pk])
    assert response.status_code == 302
    assert response["Location"] == detail_url

    page = client.get(detail_url).content.decode()
    assert "Knit Works 1" in page
    assert "Unknown HS code: 610955" in page
    assert reverse("cluster-import-apply", args=[cluster.slug, member_import.pk]) in page
    assert not Organisation.objects.filter(legal_name="Knit Works 1").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cluster-import-apply", args=[cluster.slug, member_import.pk])
        )
    assert response.status_code == 302
    member_import.refresh_from_db()
    assert member_import.status == MemberImport.Status.APPLIED
    assert Organisation.objects.filter(legal_name="Knit Works 1", claimed=False).exists()
    listing = client.get(reverse("cluster-imports", args=[cluster.slug])).content.decode()
    assert "members.csv" in listing
    assert "Applied" in listing
    # the dashboard shows the imported firm as invited, not claimed yet, without a profile link
    dashboard = client.get(reverse("cluster-manage", args=[cluster.slug])).content.decode()
    assert "imported, not claimed yet" in dashboard


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old Excel workbook"),
        (b"email,legal_name\r\n", "missing column: country"),
    ],
)
def test_a_bad_file_is_shown_at_the_field_and_nothing_is_kept(
    client, cluster, manager, data, message
):
    client.force_login(manager)
    response = client.post(
        reverse("cluster-imports", args=[cluster.slug]), {"file": csv_file(data)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MemberImport.objects.exists()


def test_no_file_is_a_field_error(client, cluster, manager):
    client.force_login(manager)
    response = client.post(reverse("cluster-imports", args=[cluster.slug]), {"dry_run": "on"})
    assert response.status_code == 400
    assert "Choose the CSV file" in response.content.decode()


def test_report_download_neutralises_formula_cells(
    client, cluster, manager, django_capture_on_commit_callbacks
):
    member_import = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, legal_name='=HYPERLINK("http://evil.example")')]),
        capture=django_capture_on_commit_callbacks,
    )
    client.force_login(manager)
    response = client.get(reverse("cluster-import-report", args=[cluster.slug, member_import.pk]))
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body


def test_a_running_import_shows_its_progress(client, cluster, manager):
    member_import = MemberImport.objects.create(
        cluster=cluster,
        uploaded_by=manager,
        file_name="big.csv",
        status=MemberImport.Status.APPLYING,
        rows_total=4000,
    )
    cache.set(member_import.progress_key, 1500)
    client.force_login(manager)
    page = client.get(reverse("cluster-import-detail", args=[cluster.slug, member_import.pk]))
    text = page.content.decode()
    assert 'value="1500"' in text
    assert "1,500/4,000" in text
    assert 'http-equiv="refresh"' in text
    api = client.get(f"/api/v1/clusters/{cluster.pk}/imports/{member_import.pk}/?summary=1")
    assert api.json()["rows_done"] == 1500
    assert api.json()["report"] is None
    cache.delete(member_import.progress_key)


def test_another_clusters_import_pages_are_404(
    client, cluster, manager, other_manager, two_rows, django_capture_on_commit_callbacks
):
    member_import = run_import(
        cluster, manager, two_rows, capture=django_capture_on_commit_callbacks
    )
    client.force_login(other_manager)
    for name, args in [
        ("cluster-imports", [cluster.slug]),
        ("cluster-import-template", [cluster.slug]),
        ("cluster-import-detail", [cluster.slug, member_import.pk]),
        ("cluster-import-report", [cluster.slug, member_import.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(reverse("cluster-import-apply", args=[cluster.slug, member_import.pk]))
    assert response.status_code == 404
    upload = client.post(
        reverse("cluster-imports", args=[cluster.slug]), {"file": csv_file(two_rows)}
    )
    assert upload.status_code == 404
    member_import.refresh_from_db()
    assert member_import.status == MemberImport.Status.CHECKED
    assert MemberImport.objects.count() == 1


def test_own_cluster_address_with_another_clusters_import_is_404(
    client,
    cluster,
    manager,
    other_cluster,
    other_manager,
    two_rows,
    django_capture_on_commit_callbacks,
):
    theirs = run_import(
        other_cluster, other_manager, two_rows, capture=django_capture_on_commit_callbacks
    )
    client.force_login(manager)
    url = reverse("cluster-import-detail", args=[cluster.slug, theirs.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("cluster-import-apply", args=[cluster.slug, theirs.pk])).status_code
        == 404
    )


def test_non_managers_get_404_and_visitors_the_login(client, cluster, sme_user):
    client.force_login(sme_user)
    assert client.get(reverse("cluster-imports", args=[cluster.slug])).status_code == 404
    client.logout()
    response = client.get(reverse("cluster-imports", args=[cluster.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"]


# API
# ------------------------------------------------------------------------------


def test_api_upload_dry_run_detail_and_apply(
    api_as, cluster, manager, two_rows, django_capture_on_commit_callbacks
):
    api = api_as(manager)
    base = f"/api/v1/clusters/{cluster.pk}/imports/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            base, {"file": csv_file(two_rows), "dry_run": "true"}, format="multipart"
        )
    assert response.status_code == 201, response.content
    # (the check ran on commit, after the answer was made: read the import again)
    body = api.get(f"{base}{response.json()['id']}/").json()
    assert body["status"] == "checked"
    assert [(r["row"], r["action"]) for r in body["report"]] == [(2, "create"), (3, "reject")]
    assert "Unknown HS code: 610955" in body["report"][1]["reasons"][0]

    detail = api.get(f"{base}{body['id']}/")
    assert detail.status_code == 200
    assert detail.json()["created_count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        applied = api.post(f"{base}{body['id']}/apply/")
    assert applied.status_code == 202
    assert api.get(f"{base}{body['id']}/").json()["status"] == "applied"
    assert Organisation.objects.filter(legal_name="Knit Works 1").exists()

    again = api.post(f"{base}{body['id']}/apply/")
    assert again.status_code == 400
    assert "status" in again.json()["errors"]

    listing = api.get(base)
    assert [item["id"] for item in listing.json()["results"]] == [body["id"]]


def test_api_upload_without_dry_run_applies(
    api_as, cluster, manager, two_rows, django_capture_on_commit_callbacks
):
    api = api_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/clusters/{cluster.pk}/imports/",
            {"file": csv_file(two_rows), "dry_run": "false"},
            format="multipart",
        )
    assert response.status_code == 201
    body = api.get(f"/api/v1/clusters/{cluster.pk}/imports/{response.json()['id']}/").json()
    assert body["status"] == "applied"
    assert body["created_count"] == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "Choose the CSV file"),
        ({"file": b"<html><body>not csv</body></html>"}, "header row does not match"),
        ({"file": "caf\xe9".encode("cp1252") + b",x,y\r\n"}, "not in UTF-8 or UTF-16"),
    ],
    ids=["no-file", "html", "cp1252"],
)
def test_api_bad_upload_is_a_400_and_changes_nothing(api_as, cluster, manager, payload, message):
    data = {k: csv_file(v) for k, v in payload.items()}
    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/imports/", data, format="multipart"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["file"])
    assert not MemberImport.objects.exists()


def test_api_another_clusters_imports_are_404(
    api_as,
    cluster,
    manager,
    other_cluster,
    other_manager,
    two_rows,
    django_capture_on_commit_callbacks,
):
    mine = run_import(cluster, manager, two_rows, capture=django_capture_on_commit_callbacks)
    api = api_as(other_manager)
    base = f"/api/v1/clusters/{cluster.pk}/imports/"
    assert api.get(base).status_code == 404
    assert api.get(f"{base}{mine.pk}/").status_code == 404
    assert api.post(f"{base}{mine.pk}/apply/").status_code == 404
    assert api.post(base, {"file": csv_file(two_rows)}, format="multipart").status_code == 404
    # their own cluster's address does not reach my import either
    theirs = f"/api/v1/clusters/{other_cluster.pk}/imports/{mine.pk}/"
    assert api.get(theirs).status_code == 404
    assert api.post(f"{theirs}apply/").status_code == 404
    mine.refresh_from_db()
    assert mine.status == MemberImport.Status.CHECKED
    assert MemberImport.objects.count() == 1


def test_api_non_manager_404_and_anonymous_401(api_client, api_as, cluster, db):
    member = UserFactory()
    assert api_as(member).get(f"/api/v1/clusters/{cluster.pk}/imports/").status_code == 404
    api_client.force_authenticate(user=None)
    assert api_client.get(f"/api/v1/clusters/{cluster.pk}/imports/").status_code in (401, 403)
    assert api_as(member).get("/api/v1/clusters/abc/imports/").status_code == 404


def test_claimed_rows_after_apply_show_in_a_new_dry_run(
    client, cluster, manager, django_capture_on_commit_callbacks
):
    first = run_import(
        cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    apply(first, manager, django_capture_on_commit_callbacks)
    again = run_import(
        cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    client.force_login(manager)
    page = client.get(reverse("cluster-import-detail", args=[cluster.slug, again.pk]))
    assert "nothing to apply" in page.content.decode()


def test_oversized_upload_is_refused_in_page_and_api(client, api_as, cluster, manager):
    big = csv_bytes([good_row(1)]) + b"x" * (5 * 1024 * 1024)
    client.force_login(manager)
    page = client.post(reverse("cluster-imports", args=[cluster.slug]), {"file": csv_file(big)})
    assert page.status_code == 400
    assert "at most 5 MB" in page.content.decode()
    api = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/imports/", {"file": csv_file(big)}, format="multipart"
    )
    assert api.status_code == 400
    assert "at most 5 MB" in api.json()["errors"]["file"][0]
    assert not MemberImport.objects.exists()


def test_a_cluster_in_review_takes_no_import(client, manager, staff_user):
    pending = ClusterFactory(proposed_by=manager, name="Awaiting Review", status="proposed")
    client.force_login(manager)
    page = client.get(reverse("cluster-imports", args=[pending.slug]))
    assert "Imports open once staff approve the cluster." in page.content.decode()
    response = client.post(
        reverse("cluster-imports", args=[pending.slug]),
        {"file": csv_file(csv_bytes([good_row(1)]))},
    )
    assert response.status_code == 400
    assert not MemberImport.objects.exists()
