"""Importing a cluster's member list from CSV: dry run, apply, re-import, bad files."""

import codecs
import csv
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters import member_csv, services
from clusters.models import ClusterMembership, ImportedFirm, MemberImport, MembershipEvent
from companies import services as company_services
from companies.models import Invitation, Organisation, ProductLine
from sme_platform.errors import ApplicationError
from tests.factories import TEST_PASSWORD, ClusterFactory

HEADER = (
    "email,legal_name,local_name,country,province,city,hs_codes,isic_codes,employees_band,"
    "website,description,processes,capacity_hs_code,monthly_capacity,unit,min_order"
)


def good_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "email": f"sales{n}@knit{n}.example",
        "legal_name": f"Knit Works {n}",
        "local_name": "",
        "country": "IN",
        "province": "IN-TN",
        "city": "Tiruppur",
        "hs_codes": "610910 611030",
        "isic_codes": "1430",
        "employees_band": "50-249",
        "website": f"https://knit{n}.example",
        "description": "Cotton knitwear for export.",
        "processes": "Circular knitting, dyeing",
        "capacity_hs_code": "610910",
        "monthly_capacity": "20000",
        "unit": "pieces",
        "min_order": "500",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], *, delimiter: str = ",", header: str = HEADER) -> bytes:
    columns = header.split(",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8")


def upload(data: bytes, name: str = "members.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def run_import(cluster, manager, data: bytes, *, dry_run: bool = True, capture=None):
    if capture is not None:
        with capture(execute=True):
            member_import = services.member_import_upload(
                cluster=cluster, actor=manager, upload=upload(data), dry_run=dry_run
            )
    else:
        member_import = services.member_import_upload(
            cluster=cluster, actor=manager, upload=upload(data), dry_run=dry_run
        )
    member_import.refresh_from_db()
    return member_import


def apply(member_import, manager, capture):
    with capture(execute=True):
        services.member_import_apply(member_import=member_import, actor=manager)
    member_import.refresh_from_db()
    return member_import


def by_row(member_import) -> dict[int, dict]:
    return {entry["row"]: entry for entry in member_import.report}


@pytest.fixture
def mixed_file() -> bytes:
    rows = [good_row(n) for n in range(1, 41)]
    rows[15] = good_row(16, hs_codes="610910 610955")  # spreadsheet row 17
    rows[38] = good_row(39, email="not-an-address")  # spreadsheet row 40
    rows[20] = good_row(21, country="XX")  # row 22
    rows[30] = good_row(31, email="sales3@knit3.example")  # row 32: same as row 4
    return csv_bytes(rows)


# DRY RUN
# ------------------------------------------------------------------------------


def test_dry_run_reports_each_row_with_spreadsheet_numbers_and_changes_nothing(
    cluster, manager, mixed_file, django_capture_on_commit_callbacks
):
    # given a list of 40 firms, four of them wrong
    # when the manager checks it
    member_import = run_import(
        cluster, manager, mixed_file, capture=django_capture_on_commit_callbacks
    )

    # then every row says what it would do, the bad ones why, by the row a spreadsheet shows
    assert member_import.status == MemberImport.Status.CHECKED
    report = by_row(member_import)
    assert sorted(report) == list(range(2, 42))
    assert report[17]["action"] == "reject"
    assert "Unknown HS code: 610955" in " ".join(report[17]["reasons"])
    assert report[40]["action"] == "reject"
    assert "not a valid e-mail address" in " ".join(report[40]["reasons"])
    assert "Unknown country code: XX" in " ".join(report[22]["reasons"])
    assert report[32]["action"] == "reject"
    assert "already in row 4" in " ".join(report[32]["reasons"])
    assert report[2]["action"] == "create"
    assert (member_import.created_count, member_import.rejected_count) == (36, 4)
    # and nothing was written
    assert not Organisation.objects.filter(legal_name__startswith="Knit Works").exists()
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


def test_apply_creates_unclaimed_firms_with_invitations_and_skips_bad_rows(
    cluster, manager, mixed_file, django_capture_on_commit_callbacks
):
    member_import = run_import(
        cluster, manager, mixed_file, capture=django_capture_on_commit_callbacks
    )

    member_import = apply(member_import, manager, django_capture_on_commit_callbacks)

    assert member_import.status == MemberImport.Status.APPLIED
    assert member_import.created_count == 36
    firms = Organisation.objects.filter(legal_name__startswith="Knit Works")
    assert firms.count() == 36
    assert not firms.filter(claimed=True).exists()
    assert not firms.filter(legal_name__in=["Knit Works 16", "Knit Works 21"]).exists()
    firm = Organisation.objects.get(legal_name="Knit Works 1")
    assert firm.province == "IN-TN"
    assert sorted(firm.hs_codes.values_list("code", flat=True)) == ["610910", "611030"]
    line = ProductLine.objects.get(organisation=firm)
    assert (line.hs_code_id, line.monthly_capacity, line.unit, line.min_order_quantity) == (
        "610910",
        20000,
        "pieces",
        500,
    )
    membership = ClusterMembership.objects.get(cluster=cluster, supplier=firm)
    assert membership.status == ClusterMembership.Status.INVITED
    assert MembershipEvent.objects.filter(membership=membership, actor=manager).exists()
    # one e-mail per new firm, to the firm's address, with the link to claim the profile
    assert len(mail.outbox) == 36
    sent = next(m for m in mail.outbox if m.to == ["sales1@knit1.example"])
    invitation = Invitation.objects.get(email="sales1@knit1.example")
    assert invitation.token in sent.body
    assert "claim" in sent.subject.lower()


def test_reimporting_the_same_file_changes_nothing_and_sends_no_second_invitation(
    cluster, manager, django_capture_on_commit_callbacks
):
    data = csv_bytes([good_row(1), good_row(2)])
    first = run_import(cluster, manager, data, capture=django_capture_on_commit_callbacks)
    apply(first, manager, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    again = run_import(cluster, manager, data, capture=django_capture_on_commit_callbacks)

    assert [e["action"] for e in again.report] == ["unchanged", "unchanged"]
    assert not again.can_apply
    with pytest.raises(ApplicationError):
        services.member_import_apply(member_import=again, actor=manager)
    assert Organisation.objects.filter(legal_name__startswith="Knit Works").count() == 2
    assert Invitation.objects.count() == 2
    assert ClusterMembership.objects.filter(cluster=cluster).count() == 2
    assert len(mail.outbox) == 2


def test_reimport_updates_an_unclaimed_profile_it_imported(
    cluster, manager, django_capture_on_commit_callbacks
):
    first = run_import(
        cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    apply(first, manager, django_capture_on_commit_callbacks)

    changed = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, city="Coimbatore", monthly_capacity="30000")]),
        capture=django_capture_on_commit_callbacks,
    )
    assert changed.report[0]["action"] == "update"
    assert set(changed.report[0]["changes"]) == {"city", "product line"}
    apply(changed, manager, django_capture_on_commit_callbacks)

    firm = Organisation.objects.get(legal_name="Knit Works 1")
    assert firm.city == "Coimbatore"
    assert list(firm.product_lines.values_list("monthly_capacity", flat=True)) == [30000]
    assert Organisation.objects.filter(legal_name="Knit Works 1").count() == 1
    assert len(mail.outbox) == 1  # the pending invitation is still open: not sent again


def claim(email: str, capture=None) -> None:
    invitation = Invitation.objects.get(email=email)
    if capture is None:
        company_services.invitation_accept(
            token=invitation.token, password=TEST_PASSWORD, full_name="Owner"
        )
        return
    with capture(execute=True):
        company_services.invitation_accept(
            token=invitation.token, password=TEST_PASSWORD, full_name="Owner"
        )


def test_a_claimed_profile_is_reported_not_updated(
    cluster, manager, django_capture_on_commit_callbacks
):
    first = run_import(
        cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    apply(first, manager, django_capture_on_commit_callbacks)
    claim("sales1@knit1.example", django_capture_on_commit_callbacks)

    again = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, city="Elsewhere")]),
        capture=django_capture_on_commit_callbacks,
    )

    assert again.report[0]["action"] == "reject"
    assert "claimed its profile" in " ".join(again.report[0]["reasons"])
    assert Organisation.objects.get(legal_name="Knit Works 1").city == "Tiruppur"


def test_a_registered_firms_address_is_reported(
    cluster, manager, sme_user, django_capture_on_commit_callbacks
):
    member_import = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, email=sme_user.email.upper())]),
        capture=django_capture_on_commit_callbacks,
    )
    assert member_import.report[0]["action"] == "reject"
    assert "registered user" in member_import.report[0]["reasons"][0]


def test_another_clusters_unclaimed_firm_is_not_changed(
    cluster, manager, other_cluster, other_manager, django_capture_on_commit_callbacks
):
    first = run_import(
        other_cluster,
        other_manager,
        csv_bytes([good_row(1)]),
        capture=django_capture_on_commit_callbacks,
    )
    apply(first, other_manager, django_capture_on_commit_callbacks)

    mine = run_import(
        cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    assert mine.report[0]["action"] == "reject"
    assert "Another cluster imported" in mine.report[0]["reasons"][0]


def test_upload_without_dry_run_applies_at_once(
    cluster, manager, django_capture_on_commit_callbacks
):
    member_import = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1), good_row(2, hs_codes="610955")]),
        dry_run=False,
        capture=django_capture_on_commit_callbacks,
    )
    assert member_import.status == MemberImport.Status.APPLIED
    assert member_import.applied_by == manager
    assert (member_import.created_count, member_import.rejected_count) == (1, 1)
    assert ImportedFirm.objects.filter(cluster=cluster).count() == 1


# ENCODINGS AND DELIMITERS
# ------------------------------------------------------------------------------


def _texts(rows: list[dict[str, str]], delimiter: str) -> str:
    return csv_bytes(rows, delimiter=delimiter).decode("utf-8")


@pytest.mark.parametrize(
    ("encode", "delimiter", "expected_encoding", "expected_delimiter"),
    [
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), ",", "UTF-8", "comma"),
        (lambda text: text.encode("utf-8"), ";", "UTF-8", "semicolon"),
        (lambda text: text.encode("utf-16"), "\t", "UTF-16", "tab"),  # Excel's Unicode text
        (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), ";", "UTF-16", "semicolon"),
    ],
    ids=["utf8-bom", "utf8-semicolon", "utf16le-tab", "utf16be-semicolon"],
)
def test_encodings_and_delimiters_are_detected(
    cluster,
    manager,
    encode,
    delimiter,
    expected_encoding,
    expected_delimiter,
    django_capture_on_commit_callbacks,
):
    rows = [good_row(1, local_name="திருப்பூர் நிட்", description="Knitwear; cotton, dyed")]
    member_import = run_import(
        cluster,
        manager,
        encode(_texts(rows, delimiter)),
        capture=django_capture_on_commit_callbacks,
    )
    assert (member_import.encoding, member_import.delimiter) == (
        expected_encoding,
        expected_delimiter,
    )
    assert member_import.report[0]["action"] == "create"
    assert member_import.rows[0]["values"]["local_name"] == "திருப்பூர் நிட்"


def test_header_names_are_forgiving_but_unknown_columns_are_refused():
    parsed = member_csv.parse(b"E-mail,Legal Name,COUNTRY\r\na@b.example,A,IN\r\n")
    assert parsed.columns == ["email", "legal_name", "country"]
    with pytest.raises(member_csv.MemberFileError, match="unknown column"):
        member_csv.parse(b"email,legal_name,country,colour\r\na@b.example,A,IN,red\r\n")


# BAD FILES
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "Excel workbook"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"", "empty"),
        (("email,legal_name,country\r\na@b.example,Caf\xe9,FR\r\n").encode("latin-1"), "UTF-8"),
        (b"name;town\r\nA;B\r\n", "header row does not match"),
        (HEADER.encode() + b"\r\n", "no rows"),
    ],
    ids=["xlsx", "pdf", "empty", "latin-1", "wrong-header", "header-only"],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_changes_nothing(
    cluster, manager, data, message
):
    with pytest.raises(ApplicationError) as caught:
        services.member_import_upload(cluster=cluster, actor=manager, upload=upload(data))
    assert message in " ".join(caught.value.extra["file"])
    assert not MemberImport.objects.exists()


def test_a_file_over_the_row_limit_is_refused(cluster, manager):
    data = csv_bytes([good_row(n) for n in range(member_csv.MAX_ROWS + 1)])
    with pytest.raises(ApplicationError) as caught:
        services.member_import_upload(cluster=cluster, actor=manager, upload=upload(data))
    assert "at most 5,000" in caught.value.extra["file"][0]
    assert not MemberImport.objects.exists()


def test_a_file_over_5_mb_is_refused(cluster, manager):
    data = csv_bytes([good_row(1)]) + b"x" * member_csv.MAX_BYTES
    with pytest.raises(ApplicationError) as caught:
        services.member_import_upload(cluster=cluster, actor=manager, upload=upload(data))
    assert "at most 5 MB" in caught.value.extra["file"][0]
    assert not MemberImport.objects.exists()


def test_only_a_manager_imports_into_an_approved_cluster(
    cluster, other_manager, manager, staff_user
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.member_import_upload(
            cluster=cluster, actor=other_manager, upload=upload(csv_bytes([good_row(1)]))
        )
    pending = ClusterFactory(proposed_by=manager, name="Pending Cluster", status="proposed")
    with pytest.raises(ValidationError, match="approve"):
        services.member_import_upload(
            cluster=pending, actor=manager, upload=upload(csv_bytes([good_row(1)]))
        )


# MORE ROWS AND RE-IMPORTS
# ------------------------------------------------------------------------------


def test_blank_lines_and_multiline_cells_keep_spreadsheet_row_numbers(
    cluster, manager, django_capture_on_commit_callbacks
):
    text = (
        "email,legal_name,country,description\r\n"
        'a@one.example,One,IN,"Two lines\r\nof text"\r\n'
        "\r\n"
        "b@two.example,Two,XX,\r\n"
        "c@three.example,Three,IN,,surplus\r\n"
    )
    member_import = run_import(
        cluster, manager, text.encode(), capture=django_capture_on_commit_callbacks
    )
    report = by_row(member_import)
    assert report[2]["action"] == "create"
    assert member_import.rows[0]["values"]["description"] == "Two lines\r\nof text"
    assert "Unknown country code: XX" in report[4]["reasons"][0]
    assert "1 cell more than the header" in report[5]["reasons"][0]


def test_column_left_out_keeps_the_profile_value(
    cluster, manager, django_capture_on_commit_callbacks
):
    first = run_import(
        cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
    )
    apply(first, manager, django_capture_on_commit_callbacks)
    narrow = "email,legal_name,country,city\r\nsales1@knit1.example,Knit Works 1,IN,Erode\r\n"
    again = run_import(
        cluster, manager, narrow.encode(), capture=django_capture_on_commit_callbacks
    )
    assert again.report[0]["changes"] == ["city"]
    apply(again, manager, django_capture_on_commit_callbacks)
    firm = Organisation.objects.get(legal_name="Knit Works 1")
    assert firm.city == "Erode"
    assert firm.website == "https://knit1.example"
    assert firm.hs_codes.count() == 2


def test_reimport_renews_an_expired_invitation_and_a_withdrawn_membership(
    cluster, manager, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    data = csv_bytes([good_row(1)])
    apply(
        run_import(cluster, manager, data, capture=django_capture_on_commit_callbacks),
        manager,
        django_capture_on_commit_callbacks,
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    membership = ClusterMembership.objects.get(cluster=cluster)
    services.membership_remove(membership=membership, actor=manager, note="By mistake")

    again = run_import(cluster, manager, data, capture=django_capture_on_commit_callbacks)
    assert again.report[0]["action"] == "update"
    assert set(again.report[0]["changes"]) == {
        "membership (invited again)",
        "invitation (sent again)",
    }
    apply(again, manager, django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2
    assert (
        ClusterMembership.objects.filter(
            cluster=cluster, status=ClusterMembership.Status.INVITED
        ).count()
        == 1
    )


def test_apply_rechecks_rows_claimed_since_the_dry_run(
    cluster, manager, django_capture_on_commit_callbacks
):
    apply(
        run_import(
            cluster, manager, csv_bytes([good_row(1)]), capture=django_capture_on_commit_callbacks
        ),
        manager,
        django_capture_on_commit_callbacks,
    )
    dry = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, city="Salem"), good_row(2)]),
        capture=django_capture_on_commit_callbacks,
    )
    assert [e["action"] for e in dry.report] == ["update", "create"]
    claim("sales1@knit1.example", django_capture_on_commit_callbacks)

    applied = apply(dry, manager, django_capture_on_commit_callbacks)

    assert [e["action"] for e in applied.report] == ["reject", "create"]
    assert Organisation.objects.get(legal_name="Knit Works 1").city == "Tiruppur"


def test_an_apply_that_fails_writes_nothing_and_says_why(
    cluster, manager, django_capture_on_commit_callbacks
):
    from unittest import mock

    dry = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1), good_row(2)]),
        capture=django_capture_on_commit_callbacks,
    )
    with (
        mock.patch(
            "clusters.services.imports._invite_membership", side_effect=RuntimeError("boom")
        ),
        pytest.raises(RuntimeError),
    ):
        apply(dry, manager, django_capture_on_commit_callbacks)
    dry.refresh_from_db()
    assert dry.status == MemberImport.Status.FAILED
    assert "boom" in dry.error
    assert not Organisation.objects.filter(legal_name__startswith="Knit Works").exists()
    assert not Invitation.objects.exists()


def test_command_imports_a_file_with_a_progress_bar(cluster, manager, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes([good_row(n) for n in range(1, 121)] + [good_row(999, country="")]))
    out = StringIO()
    call_command("import_cluster_members", cluster.slug, str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "checking" in text
    assert "121/121" in text
    assert "row 122: country: Unknown country code: (empty)." in text
    assert "120 would be created" in text
    assert not Organisation.objects.filter(legal_name__startswith="Knit Works").exists()

    out = StringIO()
    call_command("import_cluster_members", cluster.slug, str(path), stdout=out)
    assert "applying" in out.getvalue()
    assert "120 were created" in out.getvalue()
    assert Organisation.objects.filter(legal_name__startswith="Knit Works").count() == 120
    assert MemberImport.objects.filter(cluster=cluster).count() == 2


def test_command_refuses_a_bad_file(cluster, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "members.xlsx"
    path.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(CommandError, match="Excel workbook"):
        call_command("import_cluster_members", cluster.slug, str(path))
    assert not MemberImport.objects.exists()
