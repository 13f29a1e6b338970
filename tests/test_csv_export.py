"""Every CSV the platform hands out is safe to open in a spreadsheet."""

import csv
import io

import pytest

from sme_platform.csv_export import csv_response, csv_text, safe_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Mekong Knit", "ឈ្មោះ", "3 tonnes", "a=b", ""])
def test_an_ordinary_cell_is_left_alone(value):
    assert safe_cell(value) == value


def test_none_is_an_empty_cell_and_numbers_are_text():
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"
    assert safe_cell(-12) == "'-12"


def test_the_file_neutralises_header_and_rows_and_keeps_quoting():
    text = csv_text(["name", "note"], [["=cmd()", 'said "hi", twice']])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["'=cmd()", 'said "hi", twice']]


def test_the_download_is_utf8_with_a_bom_and_names_the_file():
    response = csv_response("members.csv", ["name"], [["Công ty May"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="members.csv"'
    assert response.content.startswith("\ufeff".encode())
    assert "Công ty May" in response.content.decode("utf-8-sig")
