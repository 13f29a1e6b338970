"""Engine tests run without Django's database: plain records and a small taxonomy."""

import pytest

from engine import CodeTaxonomy
from engine.records import CertificationRecord, ProductLineRecord, SupplierRecord

TODAY = 20_000  # days since 1970-01-01


@pytest.fixture
def taxonomy() -> CodeTaxonomy:
    return CodeTaxonomy(
        hs_titles={
            "61": "Apparel and clothing accessories; knitted or crocheted",
            "6109": "T-shirts, singlets and other vests; knitted or crocheted",
            "610910": "T-shirts, singlets and other vests; of cotton, knitted or crocheted",
            "610990": "T-shirts, singlets and other vests; of textile materials other than cotton",
            "6110": "Jerseys, pullovers, cardigans; knitted or crocheted",
            "611020": "Jerseys, pullovers, cardigans; of cotton, knitted or crocheted",
            "90": "Optical, photographic, medical or surgical instruments",
            "9018": "Instruments and appliances used in medical, surgical or dental sciences",
            "901890": "Medical, surgical instruments and appliances; n.e.c.",
            "94": "Furniture; bedding, mattresses",
            "9403": "Furniture and parts thereof, n.e.c.",
            "940360": "Furniture; wooden, n.e.c.",
        },
        isic_titles={
            "C": "Manufacturing",
            "14": "Manufacture of wearing apparel",
            "143": "Manufacture of knitted and crocheted apparel",
            "1430": "Manufacture of knitted and crocheted apparel",
            "32": "Other manufacturing",
            "325": "Manufacture of medical and dental instruments and supplies",
            "3250": "Manufacture of medical and dental instruments and supplies",
            "31": "Manufacture of furniture",
            "310": "Manufacture of furniture",
            "3100": "Manufacture of furniture",
        },
        hs_to_isic={
            "610910": ["1430"],
            "610990": ["1430"],
            "611020": ["1430"],
            "901890": ["3250"],
            "940360": ["3100"],
        },
        isic_parent={"14": "C", "32": "C", "31": "C"},
    )


def cert(scheme: str, name: str, valid_until: int = TODAY + 365) -> CertificationRecord:
    return CertificationRecord(scheme, name, valid_until)


@pytest.fixture
def records() -> list[SupplierRecord]:
    return [
        SupplierRecord(
            id="knit",
            name="Saigon Knitwear",
            description="Cotton T-shirts and polo shirts knitted in our own mill",
            country="VN",
            hs_codes=["610910"],
            certifications=[cert("oeko-tex", "OEKO-TEX")],
            product_lines=[ProductLineRecord("610910", 50_000, "pieces")],
            verified=True,
        ),
        SupplierRecord(
            id="small-knit",
            name="Hue Small Knits",
            description="Cotton T-shirts, small batches",
            country="VN",
            hs_codes=["610910"],
            product_lines=[ProductLineRecord("610910", 2_000, "pieces")],
        ),
        SupplierRecord(
            id="jersey",
            name="Dhaka Jersey Mills",
            description="Jerseys and cardigans for export",
            country="BD",
            hs_codes=["611020"],
            product_lines=[ProductLineRecord("611020", 30_000, "pieces")],
        ),
        SupplierRecord(
            id="surgical",
            name="Sialkot Surgical Works",
            description="Stainless steel forceps, scissors and retractors",
            country="PK",
            hs_codes=["901890"],
            certifications=[cert("iso-13485", "ISO 13485", valid_until=TODAY - 5)],
        ),
        SupplierRecord(
            id="furniture",
            name="Jepara Teak",
            description="Carved teak tables and chairs",
            country="ID",
            isic_codes=["3100"],
        ),
    ]
