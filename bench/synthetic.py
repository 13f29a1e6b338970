"""Synthetic suppliers and requests built from the real HS and ISIC titles.

Shared by the benchmarks: texts of 30–100 words for suppliers and 10–40 for
requests, drawn from the titles of a supplier's own codes plus process words and
noise, so that the vocabulary and the posting-list lengths look like real profiles.
"""

import csv
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "companies" / "data"

ASIA_PACIFIC = "VN TH MY ID PH KH LA MM BD IN PK LK NP CN JP KR MN TW SG AU NZ FJ PG UZ KZ".split()
PROCESS_WORDS = (
    "cutting sewing knitting weaving dyeing printing embroidery stamping forging casting "
    "machining turning milling welding assembly moulding injection extrusion polishing plating "
    "anodising packaging labelling sorting grading freezing drying roasting blending bottling "
    "testing inspection design prototyping sourcing finishing coating laminating lasercut "
    "cnc export oem odm private label small batch large volume quick turnaround audited "
    "certified factory workshop mill plant cooperative family owned quality control"
).split()
CERT_SCHEMES = [
    "iso-9001", "iso-14001", "iso-45001", "iso-13485", "iatf-16949", "iso-22000",
    "haccp", "brcgs", "globalgap", "sa8000", "wrap", "oeko-tex", "gots", "fsc",
    "ce-marking", "rohs", "reach",
]  # fmt: skip
UNITS = ["pieces", "kg", "pairs", "sets", "tonnes", "metres"]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2]


@dataclass
class Taxonomy:
    hs6: list[tuple[str, str]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    by_chapter: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Taxonomy":
        tax = cls()
        with (DATA / "hs2022.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = row["hscode"]
                if code.isdigit():
                    tax.titles[code] = row["description"]
                    if len(code) == 6:
                        tax.hs6.append((code, row["description"]))
                        tax.by_chapter.setdefault(code[:2], []).append(code)
        return tax


@dataclass
class FakeSupplier:
    name: str
    description: str
    processes: str
    country: str
    hs_codes: list[str]
    certifications: list[str]
    capacity: int
    unit: str
    verified: bool


def make_supplier(rng: random.Random, tax: Taxonomy, n: int) -> FakeSupplier:
    # Suppliers cluster around one chapter, like real firms do.
    anchor, _ = rng.choice(tax.hs6)
    siblings = tax.by_chapter[anchor[:2]]
    codes = sorted(set(rng.sample(siblings, k=min(len(siblings), rng.randint(1, 3)))))
    pool = [w for c in codes for w in _words(tax.titles[c]) + _words(tax.titles.get(c[:4], ""))]
    length = rng.randint(30, 100)
    words = []
    for _ in range(length):
        roll = rng.random()
        if roll < 0.55 and pool:
            words.append(rng.choice(pool))
        elif roll < 0.85:
            words.append(rng.choice(PROCESS_WORDS))
        else:
            words.append(f"w{rng.randint(0, 20000)}")  # the long tail: rare, firm-specific words
    cut = rng.randint(length // 2, length)
    return FakeSupplier(
        name=f"Supplier {n} {rng.choice(pool or PROCESS_WORDS).title()} Co",
        description=" ".join(words[:cut]),
        processes=" ".join(words[cut:]),
        country=rng.choice(ASIA_PACIFIC),
        hs_codes=codes,
        certifications=rng.sample(CERT_SCHEMES, k=rng.choice([0, 1, 1, 2, 3])),
        capacity=rng.choice([500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]),
        unit=rng.choice(UNITS),
        verified=rng.random() < 0.6,
    )


def make_request_text(rng: random.Random, tax: Taxonomy, *, low: int = 10, high: int = 40) -> str:
    code, title = rng.choice(tax.hs6)
    pool = _words(title) + _words(tax.titles.get(code[:4], ""))
    length = rng.randint(low, high)
    return " ".join(
        rng.choice(pool) if rng.random() < 0.6 else rng.choice(PROCESS_WORDS) for _ in range(length)
    )


def make_search_words(rng: random.Random, tax: Taxonomy) -> tuple[str, str]:
    """A buyer's typed search (2–4 words) and the HS code it was thought of from."""
    code, title = rng.choice(tax.hs6)
    pool = _words(title) or PROCESS_WORDS
    return " ".join(rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))), code
