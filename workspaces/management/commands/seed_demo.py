"""Demo data: SME suppliers across Asia, two buyers, a cluster body with an approved
cluster and its members, a staff user, and open sourcing requests.

Everything is written through the services, as a person using the site would write
it, so the demo shows what the rules allow. Running the command again creates
nothing new: an organisation whose owner already has an account is left as it is.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clusters import services as cluster_services
from clusters.models import Cluster
from companies import services
from companies.models import CertificationScheme, HsCode, Organisation, User
from companies.services import NewProductLine, ProfileChanges
from matching import services as matching_services
from matching.models import SourcingRequest
from sme_platform.progress import ProgressBar

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - published on purpose: demo log-ins
STAFF_EMAIL = "admin@demo.example"


@dataclass(frozen=True)
class DemoCertificate:
    scheme: str
    issuer: str
    number: str
    valid_days: int = 540


@dataclass(frozen=True)
class DemoOrganisation:
    kind: str
    email: str
    full_name: str
    legal_name: str
    country: str
    province: str
    city: str
    local_name: str = ""
    profile: ProfileChanges = field(default_factory=lambda: ProfileChanges())
    contacts: tuple[dict[str, Any], ...] = ()
    certificates: tuple[DemoCertificate, ...] = ()
    product_lines: tuple[NewProductLine, ...] = ()


SUPPLIER = Organisation.Kind.SUPPLIER
BUYER = Organisation.Kind.BUYER
CLUSTER_BODY = Organisation.Kind.CLUSTER_BODY

DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier@demo.example",
        full_name="Nguyễn Thị Lan",
        legal_name="Saigon Knitwear Co., Ltd.",
        local_name="Công ty TNHH Dệt Kim Sài Gòn",
        country="VN",
        province="VN-SG",
        city="Ho Chi Minh City",
        profile={
            "nearest_port": "Cat Lai, Ho Chi Minh City",
            "year_founded": 2009,
            "employees_band": "50-249",
            "website": "https://saigon-knitwear.example",
            "description": (
                "Cut-make-trim knitwear for European and Japanese brands: cotton and "
                "organic cotton T-shirts, polo shirts and sweatshirts."
            ),
            "processes": (
                "Circular knitting (single jersey, pique, rib), reactive dyeing, "
                "cutting, flatlock and overlock sewing, screen printing, embroidery, "
                "in-line and final AQL 2.5 inspection."
            ),
            "hs_codes": ["610910", "610510", "611020"],
            "isic_codes": ["1430", "1410"],
            "export_markets": ["DE", "FR", "JP", "SE", "US"],
            "languages": ["vi", "en"],
        },
        contacts=(
            {
                "name": "Nguyễn Thị Lan",
                "position": "Export sales manager",
                "email": "lan.nguyen@saigon-knitwear.example",
                "phone": "+84 28 3823 4410",
                "is_primary": True,
            },
            {
                "name": "Trần Văn Minh",
                "position": "Quality manager",
                "email": "minh.tran@saigon-knitwear.example",
                "phone": "+84 28 3823 4412",
            },
        ),
        certificates=(
            DemoCertificate("oeko-tex", "Hohenstein Institute", "22.HVN.45012"),
            DemoCertificate("wrap", "WRAP", "WRAP-VN-118734"),
            DemoCertificate("iso-9001", "Bureau Veritas Certification", "VN012345-Q"),
        ),
        product_lines=(
            {
                "hs_code": "610910",
                "description": "Cotton jersey T-shirts, 140–220 g/m²",
                "monthly_capacity": 120_000,
                "unit": "pieces",
                "min_order_quantity": 1_500,
            },
            {
                "hs_code": "610510",
                "description": "Cotton pique polo shirts",
                "monthly_capacity": 40_000,
                "unit": "pieces",
                "min_order_quantity": 1_000,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-bd@demo.example",
        full_name="Farhana Rahman",
        legal_name="Dhaka Denim Mills Ltd.",
        local_name="ঢাকা ডেনিম মিলস লিমিটেড",
        country="BD",
        province="BD-13",
        city="Dhaka",
        profile={
            "nearest_port": "Chattogram",
            "year_founded": 1998,
            "employees_band": "250-999",
            "description": (
                "Vertically integrated denim: rope-dyed indigo fabric and five-pocket "
                "jeans for high-street retailers."
            ),
            "processes": (
                "Rope dyeing, weaving, sanforising, garment washing (enzyme, stone, "
                "ozone), laser finishing, sewing and pressing."
            ),
            "hs_codes": ["620342", "520942"],
            "isic_codes": ["1410", "1312", "1313"],
            "export_markets": ["GB", "DE", "NL", "US"],
            "languages": ["bn", "en"],
        },
        contacts=(
            {
                "name": "Farhana Rahman",
                "position": "Director, merchandising",
                "email": "farhana@dhaka-denim.example",
                "phone": "+880 2 5501 2210",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("gots", "Control Union Certifications", "CU-1045832"),
            DemoCertificate("iso-14001", "SGS", "BD21/00874"),
            DemoCertificate("bsci", "amfori", "BSCI-DD-20931", valid_days=365),
        ),
        product_lines=(
            {
                "hs_code": "620342",
                "description": "Men's five-pocket cotton jeans",
                "monthly_capacity": 90_000,
                "unit": "pieces",
                "min_order_quantity": 3_000,
            },
            {
                "hs_code": "520942",
                "description": "Indigo denim 10–14 oz",
                "monthly_capacity": 400_000,
                "unit": "metres",
                "min_order_quantity": 10_000,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-in@demo.example",
        full_name="Anjali Sharma",
        legal_name="Noida Apparel Exports Pvt. Ltd.",
        local_name="नोएडा अपैरल एक्सपोर्ट्स प्राइवेट लिमिटेड",
        country="IN",
        province="IN-UP",
        city="Noida",
        profile={
            "nearest_port": "Nhava Sheva (via ICD Tughlakabad)",
            "year_founded": 2004,
            "employees_band": "250-999",
            "description": (
                "Knitted and woven womenswear and children's wear with hand embroidery "
                "and block printing."
            ),
            "processes": (
                "Knitting, hand block printing, aari and zari embroidery, sewing, "
                "garment dyeing and finishing."
            ),
            "hs_codes": ["610910", "611020", "620442"],
            "isic_codes": ["1430", "1410"],
            "export_markets": ["GB", "US", "AE"],
            "languages": ["hi", "en"],
        },
        contacts=(
            {
                "name": "Anjali Sharma",
                "position": "Head of exports",
                "email": "anjali@noida-apparel.example",
                "phone": "+91 120 455 7800",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("gots", "Ecocert", "EC-IN-77312"),
            DemoCertificate("sa8000", "TÜV Rheinland", "SA-IN-3381"),
        ),
        product_lines=(
            {
                "hs_code": "610910",
                "description": "Organic cotton T-shirts and tops",
                "monthly_capacity": 60_000,
                "unit": "pieces",
                "min_order_quantity": 800,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-pk@demo.example",
        full_name="Usman Tariq",
        legal_name="Sialkot Surgical Works (Pvt.) Ltd.",
        local_name="سیالکوٹ سرجیکل ورکس",
        country="PK",
        province="PK-PB",
        city="Sialkot",
        profile={
            "nearest_port": "Karachi (Port Qasim)",
            "year_founded": 1986,
            "employees_band": "50-249",
            "description": (
                "Stainless steel surgical and dental hand instruments: forceps, "
                "scissors, needle holders and retractors, reusable and single-use."
            ),
            "processes": (
                "Drop forging, CNC milling, hand finishing, heat treatment, "
                "passivation, laser marking, ultrasonic cleaning and sterile packing."
            ),
            "hs_codes": ["901890", "901849"],
            "isic_codes": ["3250"],
            "export_markets": ["DE", "US", "GB", "FR"],
            "languages": ["ur", "en"],
        },
        contacts=(
            {
                "name": "Usman Tariq",
                "position": "Managing director",
                "email": "usman@sialkot-surgical.example",
                "phone": "+92 52 355 0921",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("iso-13485", "TÜV SÜD", "Q5 093412 0012"),
            DemoCertificate("ce-marking", "TÜV SÜD", "G1 093412 0013"),
            DemoCertificate("iso-9001", "TÜV SÜD", "Q1N 093412 0011"),
        ),
        product_lines=(
            {
                "hs_code": "901890",
                "description": "Surgical forceps, scissors and needle holders",
                "monthly_capacity": 25_000,
                "unit": "pieces",
                "min_order_quantity": 200,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-th@demo.example",
        full_name="Somchai Wongsakul",
        legal_name="Siam Brake Components Co., Ltd.",
        local_name="บริษัท สยาม เบรก คอมโพเนนท์ จำกัด",
        country="TH",
        province="TH-20",
        city="Si Racha",
        profile={
            "nearest_port": "Laem Chabang",
            "year_founded": 2001,
            "employees_band": "250-999",
            "description": (
                "Tier-2 automotive supplier: brake pads, brake shoes and stamped "
                "brackets for Japanese and European carmakers."
            ),
            "processes": (
                "Friction material mixing and hot pressing, metal stamping, powder "
                "coating, grinding, PPAP and SPC."
            ),
            "hs_codes": ["870830", "870899"],
            "isic_codes": ["2930"],
            "export_markets": ["JP", "DE", "AU", "ID"],
            "languages": ["th", "en", "ja"],
        },
        contacts=(
            {
                "name": "Somchai Wongsakul",
                "position": "Sales director",
                "email": "somchai@siam-brake.example",
                "phone": "+66 38 481 220",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("iatf-16949", "Intertek", "IATF-0391822"),
            DemoCertificate("iso-14001", "Intertek", "EMS-TH-55012"),
        ),
        product_lines=(
            {
                "hs_code": "870830",
                "description": "Disc brake pads for passenger cars",
                "monthly_capacity": 300_000,
                "unit": "sets",
                "min_order_quantity": 5_000,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-my@demo.example",
        full_name="Tan Wei Ling",
        legal_name="Penang Precision Circuits Sdn. Bhd.",
        local_name="槟城精密电路有限公司",
        country="MY",
        province="MY-07",
        city="Bayan Lepas",
        profile={
            "nearest_port": "Penang Port",
            "year_founded": 2012,
            "employees_band": "50-249",
            "description": (
                "Printed circuit board assembly for industrial and medical "
                "electronics, from prototypes to series of a few thousand boards."
            ),
            "processes": (
                "SMT placement down to 01005, reflow and selective soldering, AOI and "
                "X-ray inspection, in-circuit and functional testing, conformal coating."
            ),
            "hs_codes": ["853400", "854231"],
            "isic_codes": ["2610"],
            "export_markets": ["SG", "DE", "US", "JP"],
            "languages": ["ms", "zh", "en"],
        },
        contacts=(
            {
                "name": "Tan Wei Ling",
                "position": "Business development manager",
                "email": "weiling@penang-circuits.example",
                "phone": "+60 4 643 1188",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("iso-9001", "SIRIM QAS International", "QMS 04412"),
            DemoCertificate("iso-13485", "SIRIM QAS International", "MDQMS 00311"),
            DemoCertificate("rohs", "SGS", "SGS-MY-RoHS-8842"),
        ),
        product_lines=(
            {
                "hs_code": "853400",
                "description": "Multilayer printed circuit boards, 4–12 layers",
                "monthly_capacity": 15_000,
                "unit": "pieces",
                "min_order_quantity": 50,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-bd2@demo.example",
        full_name="Lê Hoàng Phúc",
        legal_name="Binh Duong Garment JSC",
        local_name="Công ty Cổ phần May Bình Dương",
        country="VN",
        province="VN-57",
        city="Thu Dau Mot",
        profile={
            "nearest_port": "Cat Lai, Ho Chi Minh City",
            "year_founded": 2012,
            "employees_band": "50-249",
            "description": (
                "Knitted T-shirts and tank tops in cotton and cotton-elastane jersey for "
                "sportswear and fashion brands."
            ),
            "processes": "Cutting, overlock and coverstitch sewing, heat transfer printing.",
            "hs_codes": ["610910", "610990"],
            "isic_codes": ["1410"],
            "export_markets": ["AU", "DE", "KR"],
            "languages": ["vi", "en"],
        },
        contacts=(
            {
                "name": "Lê Hoàng Phúc",
                "position": "Director",
                "email": "phuc.le@bdgarment.example",
                "phone": "+84 274 382 1190",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("oeko-tex", "TESTEX", "23.VN.71520"),
            DemoCertificate("iso-9001", "TÜV SÜD", "VN-Q-77812"),
        ),
        product_lines=(
            {
                "hs_code": "610910",
                "description": "Cotton jersey T-shirts",
                "monthly_capacity": 60_000,
                "unit": "pieces",
                "min_order_quantity": 2_000,
            },
        ),
    ),
    DemoOrganisation(
        kind=SUPPLIER,
        email="supplier-dn@demo.example",
        full_name="Võ Thị Hạnh",
        legal_name="Dong Nai Knit Co., Ltd.",
        local_name="Công ty TNHH Dệt Kim Đồng Nai",
        country="VN",
        province="VN-39",
        city="Bien Hoa",
        profile={
            "year_founded": 2016,
            "employees_band": "10-49",
            "description": "Small-batch organic cotton T-shirts and baby bodysuits.",
            "processes": "Single jersey knitting, garment dyeing, sewing, folding and packing.",
            "hs_codes": ["610910", "611120"],
            "isic_codes": ["1410", "1430"],
            "export_markets": ["JP", "NL"],
            "languages": ["vi"],
        },
        contacts=(
            {
                "name": "Võ Thị Hạnh",
                "position": "Owner",
                "email": "hanh.vo@dongnaiknit.example",
                "phone": "+84 251 384 6620",
                "is_primary": True,
            },
        ),
        certificates=(
            DemoCertificate("oeko-tex", "Hohenstein Institute", "21.HVN.88341"),
            DemoCertificate("gots", "Control Union", "CU-GOTS-845512"),
        ),
        product_lines=(
            {
                "hs_code": "610910",
                "description": "Organic cotton T-shirts",
                "monthly_capacity": 25_000,
                "unit": "pieces",
                "min_order_quantity": 500,
            },
        ),
    ),
    DemoOrganisation(
        kind=BUYER,
        email="buyer@demo.example",
        full_name="Sofia Lindqvist",
        legal_name="Nordic Outdoor Apparel AB",
        country="SE",
        province="SE-O",
        city="Gothenburg",
        profile={
            "year_founded": 1994,
            "employees_band": "250-999",
            "website": "https://nordic-outdoor.example",
            "description": (
                "Outdoor and casual clothing brand sourcing organic cotton knitwear and "
                "denim from certified factories in Asia."
            ),
            "sourcing_regions": ["VN", "BD", "IN", "KH", "LK"],
            "sectors_of_interest": ["1410", "1430"],
        },
        contacts=(
            {
                "name": "Sofia Lindqvist",
                "position": "Head of sourcing",
                "email": "sofia.lindqvist@nordic-outdoor.example",
                "phone": "+46 31 700 1200",
                "is_primary": True,
            },
        ),
    ),
    DemoOrganisation(
        kind=BUYER,
        email="buyer-medical@demo.example",
        full_name="Jonas Weber",
        legal_name="Rhein Medical Supplies GmbH",
        country="DE",
        province="DE-NW",
        city="Düsseldorf",
        profile={
            "year_founded": 1979,
            "employees_band": "1000+",
            "description": (
                "Distributor of surgical instruments and medical electronics to "
                "hospitals in Europe; buys under its own label."
            ),
            "sourcing_regions": ["PK", "MY", "IN", "VN"],
            "sectors_of_interest": ["3250", "2610"],
        },
        contacts=(
            {
                "name": "Jonas Weber",
                "position": "Strategic purchasing",
                "email": "j.weber@rhein-medical.example",
                "phone": "+49 211 555 0190",
                "is_primary": True,
            },
        ),
    ),
    DemoOrganisation(
        kind=CLUSTER_BODY,
        email="cluster@demo.example",
        full_name="Pham Quoc Bao",
        legal_name="Southern Vietnam Garment Cluster Association",
        local_name="Hiệp hội Cụm Dệt may Phía Nam",
        country="VN",
        province="VN-SG",
        city="Ho Chi Minh City",
        profile={
            "year_founded": 2015,
            "employees_band": "10-49",
            "description": (
                "Industry association that links the garment SMEs of Ho Chi Minh City, "
                "Binh Duong and Dong Nai to international buyers."
            ),
        },
        contacts=(
            {
                "name": "Pham Quoc Bao",
                "position": "Cluster manager",
                "email": "bao.pham@svgca.example",
                "phone": "+84 28 3930 5522",
                "is_primary": True,
            },
        ),
    ),
)

DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("SME supplier (Viet Nam)", "supplier@demo.example"),
    ("Buyer (Sweden)", "buyer@demo.example"),
    ("Cluster manager (Viet Nam)", "cluster@demo.example"),
    ("Platform staff", STAFF_EMAIL),
)


@dataclass(frozen=True)
class DemoRequest:
    buyer_email: str
    title: str
    description: str
    fields: dict[str, Any] = field(default_factory=dict)


DEMO_REQUESTS: tuple[DemoRequest, ...] = (
    DemoRequest(
        buyer_email="buyer@demo.example",
        title="Organic cotton T-shirts for the spring collection",
        description=(
            "Plain and printed crew-neck T-shirts in organic cotton jersey, 160-180 gsm, "
            "sizes XS-XXL. Monthly call-offs from March; OEKO-TEX tested fabric required."
        ),
        fields={
            "hs_codes": ["6109"],
            "required_certifications": ["oeko-tex"],
            "subregions": ["south-eastern-asia", "southern-asia"],
            "volume_per_month": 15000,
            "unit": "pieces",
        },
    ),
    DemoRequest(
        buyer_email="buyer@demo.example",
        title="Knitted fleece pullovers and cardigans",
        description="Cotton-rich knitted pullovers and cardigans for autumn; GOTS preferred.",
        fields={"hs_codes": ["6110"], "volume_per_month": 8000, "unit": "pieces"},
    ),
    DemoRequest(
        buyer_email="buyer-medical@demo.example",
        title="Stainless steel surgical instruments",
        description=(
            "Forceps, needle holders and scissors in surgical-grade stainless steel, "
            "sterilisable, for hospital kits. ISO 13485 certified makers only."
        ),
        fields={
            "hs_codes": ["9018"],
            "required_certifications": ["iso-13485"],
            "volume_per_month": 5000,
            "unit": "pieces",
            "visibility": "confidential",
        },
    ),
    DemoRequest(
        buyer_email="buyer@demo.example",
        title="Year-round basic T-shirt programme, 150,000 a month",
        description=(
            "Crew-neck basic T-shirts in cotton jersey, 150 gsm, five colours, for a "
            "year-round programme. More than one factory may share the volume; "
            "OEKO-TEX tested fabric required."
        ),
        fields={
            "hs_codes": ["610910"],
            "required_certifications": ["oeko-tex"],
            "countries": ["VN"],
            "volume_per_month": 150000,
            "unit": "pieces",
            "allow_consortium": True,
        },
    ),
)


def _demo_requests() -> int:
    """Open a few sourcing requests; opening one runs the matcher on it (on commit)."""

    created = 0
    for spec in DEMO_REQUESTS:
        buyer_user = User.objects.filter(email=spec.buyer_email).first()
        if (
            buyer_user is None
            or SourcingRequest.objects.filter(
                buyer=buyer_user.organisation, title=spec.title
            ).exists()
        ):
            continue
        with transaction.atomic():
            request = matching_services.request_create(
                actor=buyer_user,
                title=spec.title,
                description=spec.description,
                deadline=timezone.now() + timedelta(days=45),
                **spec.fields,
            )
            matching_services.request_open(request=request, actor=buyer_user)
        created += 1
    return created


DEMO_CLUSTER_MANAGER = "cluster@demo.example"
# Members join through the real lifecycle: the manager invites, each SME accepts.
DEMO_CLUSTER_MEMBERS = (
    "supplier@demo.example",
    "supplier-bd2@demo.example",
    "supplier-dn@demo.example",
)


def _demo_cluster(staff: User) -> bool:
    """An approved knitwear cluster whose Vietnamese SMEs are members; False if present."""

    manager = User.objects.filter(email=DEMO_CLUSTER_MANAGER).first()
    if manager is None or Cluster.objects.filter(body=manager.organisation).exists():
        return False
    with transaction.atomic():
        cluster = cluster_services.cluster_propose(
            actor=manager,
            name="Ho Chi Minh City Knitwear Cluster",
            country="VN",
            province="VN-SG",
            sector="1430",
            main_products=["6109", "6110", "6105"],
            description=(
                "Knitwear and cut-make-trim SMEs of Ho Chi Minh City, Binh Duong and Dong "
                "Nai. Together our members knit, dye, sew and print more than 200,000 "
                "garments a month."
            ),
            founded=2015,
        )
        cluster_services.cluster_review(cluster=cluster, actor=staff, status="approved")
        for email in DEMO_CLUSTER_MEMBERS:
            member_user = User.objects.filter(email=email).first()
            if member_user is None:
                continue
            membership = cluster_services.membership_invite(
                cluster=cluster, actor=manager, supplier=member_user.organisation
            )
            cluster_services.membership_accept_invitation(
                membership=membership,
                actor=member_user,
                listed_publicly=True,
                share_contacts=True,
            )
    return True


def _demo_staff() -> tuple[User, bool]:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is not None:
        return staff, False
    # No service registers staff: they are the platform's own people, made here or in admin.
    staff = User.objects.create_superuser(
        email=STAFF_EMAIL, password=DEMO_PASSWORD, full_name="Platform Staff"
    )
    return staff, True


@transaction.atomic
def _create_organisation(spec: DemoOrganisation, staff: User) -> Organisation:
    owner = services.organisation_register(
        kind=spec.kind,
        legal_name=spec.legal_name,
        local_name=spec.local_name,
        country=spec.country,
        province=spec.province,
        city=spec.city,
        email=spec.email,
        password=DEMO_PASSWORD,
        full_name=spec.full_name,
    )
    # The demo's log-ins are the platform's own: staff vouch for their addresses.
    services.email_confirm_by_staff(user=owner, actor=staff)
    organisation = owner.organisation
    if organisation is None:  # registering always creates the organisation
        raise CommandError(f"{spec.legal_name} was registered without an organisation.")
    if spec.profile:
        services.organisation_update(organisation=organisation, actor=owner, data=spec.profile)
    for contact in spec.contacts:
        services.contact_person_create(organisation=organisation, actor=owner, **contact)
    today = timezone.localdate()
    for certificate in spec.certificates:
        certification = services.certification_add(
            organisation=organisation,
            actor=owner,
            scheme=certificate.scheme,
            issuer=certificate.issuer,
            certificate_number=certificate.number,
            valid_until=today + timedelta(days=certificate.valid_days),
        )
        services.certification_check(certification=certification, actor=staff, status="verified")
    for line in spec.product_lines:
        services.product_line_create(organisation=organisation, actor=owner, data=line)
    services.organisation_set_verification(
        organisation=organisation, actor=staff, verification=Organisation.Verification.VERIFIED
    )
    return organisation


class Command(BaseCommand):
    help = "Create demo organisations and log-ins; running it again creates nothing new."

    def handle(self, *args, **options) -> None:
        if not HsCode.objects.exists() or not CertificationScheme.objects.exists():
            raise CommandError(
                "The taxonomies are not loaded yet: run `python manage.py load_taxonomies` first."
            )
        staff, staff_created = _demo_staff()
        created = int(staff_created)
        bar = ProgressBar(len(DEMO_ORGANISATIONS), label="Demo organisations", stream=self.stdout)
        for spec in DEMO_ORGANISATIONS:
            if not User.objects.filter(email=spec.email).exists():
                _create_organisation(spec, staff)
                created += 1
            bar.advance()
        bar.finish()
        if _demo_cluster(staff):
            self.stdout.write("Created the demo cluster and its members.")
        requests = _demo_requests()
        if requests:
            self.stdout.write(
                f"Opened {requests} demo sourcing requests; the matcher proposed suppliers."
            )

        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {created} demo accounts."))
        else:
            self.stdout.write("Demo data already present; nothing created.")
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for role, email in DEMO_LOGINS:
            self.stdout.write(f"  {role:<28} {email}")
        others = [s.email for s in DEMO_ORGANISATIONS if s.email not in dict(DEMO_LOGINS).values()]
        self.stdout.write(f"  More suppliers and buyers:   {', '.join(others)}")
