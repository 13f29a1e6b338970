"""Reading a cluster's member list from CSV: the documented columns, encodings and
delimiters, and the limits. No database here: it turns bytes into numbered rows
or says, in words a manager understands, why the file cannot be read.

Accepted: UTF-8 with or without a byte-order mark, and UTF-16 with one (what
Excel saves as "Unicode text", which is also TAB-delimited); cells separated by
commas, semicolons (Excel in much of Europe and Asia) or tabs, detected from the
header. Row numbers are those a spreadsheet shows: the header is row 1.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
# A single cell larger than this is not a member list (csv's own default is 128 KiB).
MAX_CELL = 10_000


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "email",
        True,
        "The firm's e-mail address: the key of the row, and where the "
        "invitation to claim the profile goes",
        "sales@knitone.example",
    ),
    Column("legal_name", True, "The firm's registered name", "Knit One Exports Pvt Ltd"),
    Column("local_name", False, "Name in local script", "நிட் ஒன்"),
    Column("country", True, "ISO 3166-1 two-letter code", "IN"),
    Column("province", False, "ISO 3166-2 code of the province or state (IN-TN, or TN)", "IN-TN"),
    Column("city", False, "Town or city", "Tiruppur"),
    Column("hs_codes", False, "Products as HS codes, separated by spaces or |", "610910 611030"),
    Column(
        "isic_codes", False, "Activities as ISIC Rev. 4 codes, separated by spaces or |", "1430"
    ),
    Column("employees_band", False, "One of 1-9, 10-49, 50-249, 250-999, 1000+", "50-249"),
    Column("website", False, "Web address", "https://knitone.example"),
    Column(
        "description",
        False,
        "What the firm does, in a few sentences",
        "Cotton knitwear for export.",
    ),
    Column(
        "processes",
        False,
        "Processes and equipment in free text",
        "Circular knitting, dyeing, printing",
    ),
    Column("capacity_hs_code", False, "HS code of a product line with a known capacity", "610910"),
    Column("monthly_capacity", False, "Its monthly capacity, a whole number", "20000"),
    Column(
        "unit",
        False,
        "Unit of the capacity: pieces, pairs, sets, dozens, kg, tonnes, litres, m2, m3, metres",
        "pieces",
    ),
    Column("min_order", False, "Minimum order, in the same unit", "500"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# Files that are often uploaded instead of CSV, by their first bytes.
_NOT_CSV_SIGNATURES: dict[bytes, str] = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
_SAVE_AS = 'In Excel choose File › Save As › "CSV UTF-8 (Comma delimited)".'


class MemberFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, for the manager."""


@dataclass
class ParsedRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]
    extra_cells: int = 0  # cells beyond the header's columns that are not empty


@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    columns: list[str]
    rows: list[ParsedRow] = field(default_factory=list)

    @property
    def delimiter_name(self) -> str:
        return _DELIMITERS.get(self.delimiter, self.delimiter)


# Other names people give the key column.
_ALIASES = {"e_mail": "email", "email_address": "email", "e_mail_address": "email"}


def normalise_header(cell: str) -> str:
    """'Legal name', 'legal-name' and ' LEGAL_NAME ' are all legal_name; 'E-mail' is email."""
    name = "_".join(cell.strip().lower().replace("-", " ").replace("_", " ").split())
    return _ALIASES.get(name, name)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding's name; a file in any other encoding is refused."""
    for signature, kind in _NOT_CSV_SIGNATURES.items():
        if data.startswith(signature):
            raise MemberFileError(f"This file is {kind}, not a CSV file. {_SAVE_AS}")
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "UTF-8", data[len(codecs.BOM_UTF8) :]
        codec = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body, codec = "UTF-16", data, "utf-16"
    else:
        encoding, body, codec = "UTF-8", data, "utf-8"
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise MemberFileError(
            "The file is not in UTF-8 or UTF-16 (it may be in a regional encoding such as "
            f"Windows-1252 or Shift-JIS): byte {exc.start + 1} cannot be read. {_SAVE_AS}"
        ) from exc
    if "\x00" in text:
        raise MemberFileError(
            "The file holds binary data, not text: it is not a CSV file. " + _SAVE_AS
        )
    return text, encoding


def detect_delimiter(header_line: str) -> str:
    """The delimiter the header uses most; column names contain none of them."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse(data: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> ParsedFile:
    """Numbered rows of a member list; ``MemberFileError`` when the file cannot be used."""
    if len(data) > max_bytes:
        raise MemberFileError(
            f"The file is {len(data) / (1024 * 1024):.1f} MB; at most "
            f"{max_bytes // (1024 * 1024)} MB are accepted. Split it into smaller files."
        )
    if not data.strip():
        raise MemberFileError("The file is empty.")
    text, encoding = decode(data)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        records = iter(reader)
        header = next(records, None)
        if not header or not any(cell.strip() for cell in header):
            raise MemberFileError("The file has no header row. The first row names the columns.")
        columns = [normalise_header(cell) for cell in header]
        _check_header(columns)
        parsed = ParsedFile(encoding=encoding, delimiter=delimiter, columns=columns)
        data_rows = 0
        for index, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue  # a blank line: the spreadsheet shows it, but it says nothing
            data_rows += 1
            if data_rows > max_rows:
                raise MemberFileError(
                    f"The file has more than {max_rows:,} rows; at most {max_rows:,} members "
                    "are imported at once. Split it into smaller files."
                )
            if any(len(cell) > MAX_CELL for cell in record):
                raise MemberFileError(
                    f"Row {index} has a cell longer than {MAX_CELL:,} characters: "
                    "this is not a member list."
                )
            values = {
                column: record[i].strip() if i < len(record) else ""
                for i, column in enumerate(columns)
                if column
            }
            extra = sum(1 for cell in record[len(columns) :] if cell.strip())
            parsed.rows.append(ParsedRow(number=index, values=values, extra_cells=extra))
    except csv.Error as exc:
        raise MemberFileError(f"The file cannot be read as CSV: {exc}.") from exc
    if not parsed.rows:
        raise MemberFileError("The file has a header but no rows of members under it.")
    return parsed


def _check_header(columns: list[str]) -> None:
    named = [c for c in columns if c]
    unknown = [c for c in named if c not in COLUMN_NAMES]
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    repeated = sorted({c for c in named if named.count(c) > 1})
    problems = []
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''}: {shown}")
    if repeated:
        problems.append(
            f"column{'s' if len(repeated) > 1 else ''} given twice: " + ", ".join(repeated)
        )
    if problems:
        raise MemberFileError(
            "The header row does not match the template ("
            + "; ".join(problems)
            + "). The columns are: "
            + ", ".join(COLUMN_NAMES)
            + "."
        )


def split_codes(raw: str) -> list[str]:
    """'610910 611030', '610910|611030' and '610910, 611030' are two codes."""
    for separator in ("|", ",", ";"):
        raw = raw.replace(separator, " ")
    return [part for part in raw.split() if part]
