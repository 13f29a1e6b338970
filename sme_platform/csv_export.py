"""CSV files the platform hands out (exports, templates), safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` is read by Excel, LibreOffice
and Google Sheets as a formula, so a firm that names itself ``=HYPERLINK(...)``
could run code on a manager's machine (CSV injection, OWASP). Every such cell is
prefixed with an apostrophe, which spreadsheets show as text and hide. Tabs and
carriage returns at the start are treated the same way, since some spreadsheets
strip them and then read what follows as a formula.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell as text, neutralised when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as text: the header, then every row, each cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A download of the file, UTF-8 with a byte-order mark so Excel reads non-Latin names."""
    body = "\ufeff" + csv_text(header, rows)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
