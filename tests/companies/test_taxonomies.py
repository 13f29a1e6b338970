import csv
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from companies.models import CertificationScheme, HsCode, HsIsicLink, IsicCode
from companies.taxonomy import DATA_DIR, load_taxonomies

pytestmark = pytest.mark.django_db

DESIGN_CATALOGUE = [
    "ISO 9001", "ISO 14001", "ISO 45001", "ISO 13485", "IATF 16949", "ISO 22000",
    "FSSC 22000", "HACCP", "BRCGS", "GLOBALG.A.P.", "SA8000", "WRAP", "OEKO-TEX",
    "GOTS", "FSC", "CE marking", "RoHS", "REACH",
]  # fmt: skip


def test_hs_hierarchy_is_loaded_without_the_total_row():
    assert not HsCode.objects.filter(code="TOTAL").exists()
    tshirts = HsCode.objects.get(code="610910")
    assert tshirts.level == 6
    assert tshirts.parent_id == "6109"
    assert tshirts.parent.parent_id == "61"
    assert HsCode.objects.get(code="61").parent_id is None


def test_isic_divisions_hang_under_their_section_letter():
    assert IsicCode.objects.get(code="14").parent_id == "C"
    assert IsicCode.objects.get(code="1410").parent_id == "141"
    assert IsicCode.objects.get(code="C").level == 1


def test_concordance_keeps_only_rows_that_map():
    assert HsIsicLink.objects.filter(hs_code_id="610910", isic_code_id="1430").exists()
    report = load_taxonomies()
    assert report.dropped["concordance row without an ISIC class"] == 93
    assert report.dropped["concordance row whose HS code is not in HS 2022"] > 4000
    assert HsIsicLink.objects.count() == report.links


def test_loading_twice_changes_nothing():
    counts = (HsCode.objects.count(), IsicCode.objects.count(), HsIsicLink.objects.count())
    load_taxonomies()
    assert counts == (HsCode.objects.count(), IsicCode.objects.count(), HsIsicLink.objects.count())


def test_catalogue_has_every_certification_the_design_names_with_what_it_covers():
    names = set(CertificationScheme.objects.values_list("name", flat=True))
    assert set(DESIGN_CATALOGUE) <= names
    for scheme in CertificationScheme.objects.all():
        assert scheme.full_name
        assert len(scheme.covers) > 40


def test_command_prints_progress_and_what_was_dropped():
    out = StringIO()
    call_command("load_taxonomies", stdout=out)
    text = out.getvalue()
    assert "100.0%" in text
    assert "dropped 1: hs2022.csv row that is not an HS code (TOTAL)" in text


def test_loader_reports_a_concordance_row_with_an_unknown_isic_class(tmp_path):
    for name in ("hs2022.csv", "isic4.csv", "certifications.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with (tmp_path / "hs6-isic4.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([["hs6", "isic4"], ["610910", "1410"], ["610910", "9999"]])
    report = load_taxonomies(data_dir=tmp_path)
    assert report.dropped["concordance row whose ISIC class is unknown"] == 1
    assert report.links == 1
