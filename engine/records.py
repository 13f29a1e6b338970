"""The plain records the engine reads: no Django objects cross this line."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine.thresholds import PREFIX_ACTIVITY_SHARE


@dataclass
class ProductLineRecord:
    hs_code: str
    capacity: float
    unit: str


@dataclass
class CertificationRecord:
    scheme: str  # catalogue code, e.g. "iso-9001"
    name: str  # what a person reads, e.g. "ISO 9001"
    valid_until: int  # days since 1970-01-01; counts while >= today


@dataclass
class SupplierRecord:
    id: str | int
    name: str
    description: str = ""
    local_name: str = ""
    processes: str = ""
    country: str = ""
    hs_codes: Sequence[str] = ()
    isic_codes: Sequence[str] = ()
    certifications: Sequence[CertificationRecord] = ()
    product_lines: Sequence[ProductLineRecord] = ()
    verified: bool = False
    listed: bool = True
    clusters: Sequence[str] = ()
    # Fallback capacity when a supplier gives a total but no product lines (benchmark files).
    capacity: float | None = None
    capacity_unit: str = ""


@dataclass
class Query:
    """A search or a sourcing request, as the engine sees it."""

    text: str = ""
    hs_codes: Sequence[str] = ()
    isic_codes: Sequence[str] = ()
    certifications: Sequence[str] = ()  # all of these, held and valid
    countries: Sequence[str] = ()  # any of these; empty means anywhere
    min_capacity: float | None = None
    unit: str = ""
    verified_only: bool = False
    clusters: Sequence[str] = ()  # member of any of these; ("*",) means of any cluster
    today: int = 0  # days since 1970-01-01
    exclude_ids: Sequence[str | int] = ()


@dataclass
class CodeTaxonomy:
    """Titles of HS and ISIC codes and the HS→ISIC concordance."""

    hs_titles: Mapping[str, str] = field(default_factory=dict)
    isic_titles: Mapping[str, str] = field(default_factory=dict)
    hs_to_isic: Mapping[str, Sequence[str]] = field(default_factory=dict)
    isic_parent: Mapping[str, str] = field(default_factory=dict)
    _isic_by_prefix: dict[str, list[str]] | None = field(default=None, init=False, repr=False)

    def hs_levels(self, code: str) -> list[str]:
        """A code and every code above it: 610910 → 61, 6109, 610910."""
        return [code[:n] for n in (2, 4, 6) if len(code) >= n]

    def isic_levels(self, code: str) -> list[str]:
        levels = [code[:n] for n in (2, 3, 4) if len(code) >= n and code[:n].isdigit()]
        section = self.isic_parent.get(code[:2]) if code[:1].isdigit() else code[:1]
        return ([section] if section else []) + levels

    def isic_of_hs(self, code: str) -> list[str]:
        """ISIC classes that make an HS product; a heading or chapter takes its subheadings'."""
        if len(code) == 6:
            return list(self.hs_to_isic.get(code, ()))
        if self._isic_by_prefix is None:
            # A heading or chapter wants the activities that make a good share of its
            # subheadings, not every class some odd subheading touches.
            members: dict[str, set[str]] = {}
            votes: dict[str, dict[str, int]] = {}
            for hs6, classes in self.hs_to_isic.items():
                for prefix in (hs6[:2], hs6[:4]):
                    members.setdefault(prefix, set()).add(hs6)
                    tally = votes.setdefault(prefix, {})
                    for cls in classes:
                        tally[cls] = tally.get(cls, 0) + 1
            self._isic_by_prefix = {
                prefix: [
                    cls
                    for cls, n in sorted(tally.items(), key=lambda kv: -kv[1])
                    if n >= PREFIX_ACTIVITY_SHARE * len(members[prefix])
                ]
                for prefix, tally in votes.items()
            }
        return self._isic_by_prefix.get(code, [])


@dataclass
class RequestRecord:
    """A sourcing request as the matcher sees it."""

    id: str | int
    title: str
    description: str = ""
    hs_codes: Sequence[str] = ()
    isic_codes: Sequence[str] = ()
    required_certifications: Sequence[str] = ()  # catalogue codes
    certification_names: Mapping[str, str] = field(default_factory=dict)  # code → "ISO 13485"
    countries: Sequence[str] = ()  # wanted, subregions already expanded; empty = anywhere
    volume: float | None = None  # per month
    unit: str = ""
    today: int = 0  # days since 1970-01-01

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}"
