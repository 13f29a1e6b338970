"""UN M49 subregions of Asia and Oceania, offered to buyers as groups of countries."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "m49_asia_oceania.csv"


@dataclass(frozen=True)
class Subregion:
    slug: str
    m49: str
    name: str
    region: str
    countries: tuple[str, ...]


@cache
def subregions() -> dict[str, Subregion]:
    members: dict[str, list[str]] = {}
    meta: dict[str, tuple[str, str, str]] = {}
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            members.setdefault(row["slug"], []).append(row["country"])
            meta[row["slug"]] = (row["m49"], row["name"], row["region"])
    return {
        slug: Subregion(slug, *meta[slug], countries=tuple(countries))
        for slug, countries in members.items()
    }


def subregion_choices() -> list[tuple[str, str]]:
    return [(s.slug, s.name) for s in subregions().values()]


def is_subregion(slug: str) -> bool:
    return slug in subregions()


def countries_of(*, countries: list[str], subregion_slugs: list[str]) -> set[str]:
    """Every country named directly or through a subregion; empty means anywhere."""
    wanted = set(countries)
    for slug in subregion_slugs:
        wanted.update(subregions()[slug].countries)
    return wanted
