"""Load the HS 2022 and ISIC Rev. 4 taxonomies, their concordance and the certification
catalogue from the CSV files in ``companies/data`` (sources in ``SOURCES.md``).

Loading is idempotent: codes are upserted, links inserted once, nothing duplicated.
"""

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from companies.models import CertificationScheme, HsCode, HsIsicLink, IsicCode
from engine import CodeTaxonomy

DATA_DIR = Path(__file__).resolve().parent / "data"
# Rows per bulk statement: a few hundred KB of parameters, well under SQLite's limits.
BATCH_SIZE = 500

Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    hs_codes: int = 0
    isic_codes: int = 0
    links: int = 0
    certification_schemes: int = 0
    dropped: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"HS 2022 codes: {self.hs_codes:,}",
            f"ISIC Rev. 4 codes: {self.isic_codes:,}",
            f"HS→ISIC links kept: {self.links:,}",
            f"Certification schemes: {self.certification_schemes:,}",
        ]
        out += [f"dropped {count:,}: {reason}" for reason, count in sorted(self.dropped.items())]
        return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _isic_level(code: str) -> int:
    return 1 if code.isalpha() else len(code)


def _load_hs(data_dir: Path, report: LoadReport) -> None:
    rows = _read(data_dir / "hs2022.csv")
    codes: list[HsCode] = []
    for row in rows:
        code = row["hscode"].strip()
        if not code.isdigit() or len(code) not in (2, 4, 6):
            report.dropped[f"hs2022.csv row that is not an HS code ({code})"] += 1
            continue
        parent = row["parent"].strip()
        codes.append(
            HsCode(
                code=code,
                description=row["description"].strip(),
                level=len(code),
                parent_id=parent if parent.isdigit() else None,
                section=row["section"].strip(),
            )
        )
    # Parents before children, so the self-reference holds on every database.
    codes.sort(key=lambda c: (c.level, c.code))
    HsCode.objects.bulk_create(
        codes,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["description", "level", "parent", "section"],
    )
    report.hs_codes = len(codes)


def _load_isic(data_dir: Path, report: LoadReport) -> None:
    codes: list[IsicCode] = []
    section = None
    for row in _read(data_dir / "isic4.csv"):
        code = row["code"].strip().upper()
        level = _isic_level(code)
        if level == 1:
            section = code
            parent = None
        elif level == 2:
            # Divisions follow their section letter in the file; the code itself does not say.
            parent = section
        else:
            parent = code[:-1]
        codes.append(
            IsicCode(code=code, description=row["desc"].strip(), level=level, parent_id=parent)
        )
    codes.sort(key=lambda c: (c.level, c.code))
    IsicCode.objects.bulk_create(
        codes,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["description", "level", "parent"],
    )
    report.isic_codes = len(codes)


def _load_concordance(data_dir: Path, report: LoadReport, progress: Progress | None) -> None:
    hs6 = set(HsCode.objects.filter(level=6).values_list("code", flat=True))
    isic = set(IsicCode.objects.values_list("code", flat=True))
    rows = _read(data_dir / "hs6-isic4.csv")
    pairs: set[tuple[str, str]] = set()
    for row in rows:
        hs, cls = row["hs6"].strip(), row["isic4"].strip()
        if not cls:
            report.dropped["concordance row without an ISIC class"] += 1
        elif hs not in hs6:
            report.dropped["concordance row whose HS code is not in HS 2022"] += 1
        elif cls not in isic:
            report.dropped["concordance row whose ISIC class is unknown"] += 1
        else:
            pairs.add((hs, cls))
    existing = set(HsIsicLink.objects.values_list("hs_code_id", "isic_code_id"))
    new = sorted(pairs - existing)
    for start in range(0, len(new), BATCH_SIZE):
        chunk = new[start : start + BATCH_SIZE]
        HsIsicLink.objects.bulk_create(
            [HsIsicLink(hs_code_id=h, isic_code_id=i) for h, i in chunk], ignore_conflicts=True
        )
        if progress:
            progress("concordance", min(start + BATCH_SIZE, len(new)), len(new))
    report.links = len(pairs)


def _load_certifications(data_dir: Path, report: LoadReport) -> None:
    schemes = [
        CertificationScheme(
            code=row["code"].strip(),
            name=row["name"].strip(),
            full_name=row["full_name"].strip(),
            category=row["category"].strip(),
            covers=row["covers"].strip(),
        )
        for row in _read(data_dir / "certifications.csv")
    ]
    CertificationScheme.objects.bulk_create(
        schemes,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "full_name", "category", "covers"],
    )
    report.certification_schemes = len(schemes)


@transaction.atomic
def load_taxonomies(
    *, data_dir: Path | None = None, progress: Progress | None = None
) -> LoadReport:
    """Upsert every taxonomy; returns what was loaded and what was dropped, and why."""
    data_dir = data_dir or DATA_DIR
    report = LoadReport()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("HS 2022", lambda: _load_hs(data_dir, report)),
        ("ISIC Rev. 4", lambda: _load_isic(data_dir, report)),
        ("concordance", lambda: _load_concordance(data_dir, report, progress)),
        ("certifications", lambda: _load_certifications(data_dir, report)),
    ]
    for done, (_stage, step) in enumerate(steps, start=1):
        step()
        if progress:
            progress("taxonomies", done, len(steps))
    return report


def code_taxonomy_from_files(data_dir: Path | None = None):
    """The engine's code taxonomy straight from the shipped files, without the database."""

    data_dir = data_dir or DATA_DIR
    hs_titles = {
        row["hscode"]: row["description"]
        for row in _read(data_dir / "hs2022.csv")
        if row["hscode"].isdigit()
    }
    isic_titles, isic_parent, section = {}, {}, ""
    for row in _read(data_dir / "isic4.csv"):
        code = row["code"].strip().upper()
        isic_titles[code] = row["desc"].strip()
        if code.isalpha():
            section = code
        elif len(code) == 2:
            isic_parent[code] = section
    hs_to_isic: dict[str, list[str]] = {}
    for row in _read(data_dir / "hs6-isic4.csv"):
        hs, cls = row["hs6"].strip(), row["isic4"].strip()
        if cls in isic_titles and hs in hs_titles:
            hs_to_isic.setdefault(hs, []).append(cls)
    return CodeTaxonomy(
        hs_titles=hs_titles, isic_titles=isic_titles, hs_to_isic=hs_to_isic, isic_parent=isic_parent
    )
