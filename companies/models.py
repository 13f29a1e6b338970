"""Organisations (SME suppliers, buyers, cluster bodies), their users and capabilities.

Contact people live in their own table so that no public serializer or template
can reach them by accident; they are revealed only by the matching rules.
"""

import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from sme_platform.constraints import known_choice


class Unit(models.TextChoices):
    """The fixed list of units in which capacity and volume are compared."""

    PIECES = "pieces", "pieces"
    PAIRS = "pairs", "pairs"
    SETS = "sets", "sets"
    DOZENS = "dozens", "dozens"
    KG = "kg", "kg"
    TONNES = "tonnes", "tonnes"
    LITRES = "litres", "litres"
    M2 = "m2", "m²"
    M3 = "m3", "m³"
    METRES = "metres", "metres"


# TAXONOMIES
# ------------------------------------------------------------------------------


class HsCode(models.Model):
    """A Harmonized System 2022 code: chapter (2 digits), heading (4) or subheading (6)."""

    code = models.CharField(primary_key=True, max_length=6)
    description = models.TextField()
    level = models.PositiveSmallIntegerField(help_text="2 = chapter, 4 = heading, 6 = subheading")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    section = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "HS code"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[2, 4, 6]), name="hs_code_level_is_2_4_or_6"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class IsicCode(models.Model):
    """An ISIC Rev. 4 code: section (letter), division (2), group (3) or class (4 digits)."""

    code = models.CharField(primary_key=True, max_length=4)
    description = models.TextField()
    level = models.PositiveSmallIntegerField(
        help_text="1 = section, 2 = division, 3 = group, 4 = class"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "ISIC code"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[1, 2, 3, 4]), name="isic_code_level_is_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class HsIsicLink(models.Model):
    """One row of the HS 6-digit to ISIC Rev. 4 class concordance."""

    hs_code = models.ForeignKey(HsCode, on_delete=models.CASCADE, related_name="isic_links")
    isic_code = models.ForeignKey(IsicCode, on_delete=models.CASCADE, related_name="hs_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hs_code", "isic_code"], name="uniq_hs_isic_link")
        ]

    def __str__(self) -> str:
        return f"{self.hs_code_id} → {self.isic_code_id}"


class CertificationScheme(models.Model):
    """A certification in the catalogue (ISO 9001, OEKO-TEX, ...)."""

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=80, unique=True, help_text="Short name buyers ask for")
    full_name = models.CharField(max_length=255)
    covers = models.TextField(help_text="What the certification attests")
    category = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# ORGANISATIONS
# ------------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def claimed(self) -> "OrganisationQuerySet":
        """Profiles that belong to their firm: every registered one, and an imported one
        once a user of the firm has claimed it. Only these are listed publicly,
        found in search, matched and proposed; load suppliers for any of those here."""
        return self.filter(claimed=True)


# The earliest founding year a profile may give; the latest is the current year.
FIRST_YEAR_FOUNDED = 1800

# How an over-long text is refused, on the pages, in the API and by the models alike.
TOO_LONG = {"max_length": "At most %(limit_value)d characters (you gave %(show_value)d)."}
LONG_TEXT = 5000


# The choices live beside the models so that the models' constraints can name them;
# code reaches them as Organisation.Kind, Certification.Status, User.Role and so on.


class OrganisationKind(models.TextChoices):
    SUPPLIER = "supplier", "SME supplier"
    BUYER = "buyer", "Buyer"
    CLUSTER_BODY = "cluster_body", "Cluster body"


class OrganisationVerification(models.TextChoices):
    UNVERIFIED = "unverified", "Not verified"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class EmployeesBand(models.TextChoices):
    MICRO = "1-9", "1–9"
    SMALL = "10-49", "10–49"
    MEDIUM = "50-249", "50–249"
    LARGE = "250-999", "250–999"
    XLARGE = "1000+", "1,000 or more"


class Organisation(models.Model):
    Kind = OrganisationKind
    Verification = OrganisationVerification
    EmployeesBand = EmployeesBand

    kind = models.CharField(max_length=20, choices=Kind.choices)
    legal_name = models.CharField(max_length=200, error_messages=TOO_LONG)
    local_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Name in local script, e.g. Thai or Chinese",
        error_messages=TOO_LONG,
    )
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    province = models.CharField(max_length=10, blank=True, help_text="ISO 3166-2 code")
    city = models.CharField(max_length=120, blank=True, error_messages=TOO_LONG)
    nearest_port = models.CharField(
        max_length=120,
        blank=True,
        help_text="Sea or air port you ship from, e.g. Cat Lai or Laem Chabang.",
        error_messages=TOO_LONG,
    )
    year_founded = models.PositiveSmallIntegerField(null=True, blank=True)
    employees_band = models.CharField(max_length=10, choices=EmployeesBand.choices, blank=True)
    website = models.URLField(blank=True)
    # A TextField's max_length binds forms only: the validator makes the model hold it too.
    description = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        error_messages=TOO_LONG,
    )
    # Suppliers
    processes = models.TextField(
        blank=True,
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="What you can do, in your words: knitting, dyeing, CNC machining, …",
        error_messages=TOO_LONG,
    )
    hs_codes = models.ManyToManyField(HsCode, blank=True, related_name="organisations")
    isic_codes = models.ManyToManyField(IsicCode, blank=True, related_name="organisations")
    export_markets = models.JSONField(default=list, blank=True, help_text="ISO country codes")
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes")
    # Buyers
    sourcing_regions = models.JSONField(
        default=list, blank=True, help_text="ISO country codes the buyer sources from"
    )
    sectors_of_interest = models.ManyToManyField(
        IsicCode, blank=True, related_name="interested_buyers"
    )
    verification = models.CharField(
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
        help_text="Set by staff only",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed = models.BooleanField(
        default=True,
        help_text=(
            "False for an SME profile a cluster imported that no user of the firm has "
            "claimed yet: not public, not searched, never proposed"
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        indexes = [models.Index(fields=["kind", "verification", "country"])]
        constraints = [
            known_choice("kind", OrganisationKind, name="organisation_kind_is_known"),
            known_choice(
                "verification", OrganisationVerification, name="organisation_verification_is_known"
            ),
            models.CheckConstraint(
                condition=models.Q(employees_band__in=["", *EmployeesBand.values]),
                name="organisation_employees_band_is_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(legal_name=""), name="organisation_has_a_legal_name"
            ),
            models.CheckConstraint(
                condition=models.Q(year_founded__isnull=True)
                | models.Q(year_founded__gte=FIRST_YEAR_FOUNDED),
                name="organisation_year_founded_is_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    @property
    def is_supplier(self) -> bool:
        return self.kind == self.Kind.SUPPLIER

    @property
    def is_buyer(self) -> bool:
        return self.kind == self.Kind.BUYER


class ContactPerson(models.Model):
    """A person to contact at an organisation: private, never in a public view."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=120)
    position = models.CharField(max_length=120, blank=True)
    email = models.EmailField("e-mail address")
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(
        "primary contact", default=False, help_text="The first person buyers reach."
    )

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_primary=True),
                name="one_primary_contact_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CertificationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting check"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class Certification(models.Model):
    """A certificate an organisation holds; counts only while valid and not rejected."""

    Status = CertificationStatus

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="certifications"
    )
    scheme = models.ForeignKey(CertificationScheme, on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField(
        "issued by", max_length=160, help_text="The certification body, e.g. SGS or TÜV."
    )
    certificate_number = models.CharField(max_length=80)
    valid_until = models.DateField()
    evidence = models.FileField(
        "copy of the certificate",
        upload_to="evidence/%Y/%m/",
        blank=True,
        help_text="PDF, PNG, JPEG or WebP. Staff check it before the certificate is shown "
        "as verified.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme__name"]
        constraints = [
            known_choice("status", CertificationStatus, name="certification_status_is_known"),
            models.CheckConstraint(
                condition=~models.Q(issuer="") & ~models.Q(certificate_number=""),
                name="certification_names_issuer_and_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} ({self.organisation})"

    @property
    def is_expired(self) -> bool:
        return self.valid_until < timezone.localdate()

    @property
    def counts(self) -> bool:
        """Whether matching and filters take this certificate into account."""
        return not self.is_expired and self.status != self.Status.REJECTED


class ProductLine(models.Model):
    """What a supplier makes under one HS code, and how much of it a month."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="product_lines"
    )
    hs_code = models.ForeignKey(HsCode, on_delete=models.PROTECT, related_name="product_lines")
    description = models.CharField(
        max_length=255, blank=True, help_text="e.g. 100% cotton jersey T-shirts, 140–180 g/m²."
    )
    monthly_capacity = models.PositiveIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    min_order_quantity = models.PositiveIntegerField("minimum order quantity", default=0)

    class Meta:
        ordering = ["hs_code_id"]
        constraints = [
            known_choice("unit", Unit, name="product_line_unit_is_known"),
            models.CheckConstraint(
                condition=models.Q(monthly_capacity__gte=0),
                name="product_line_capacity_is_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_quantity__gte=0),
                name="product_line_min_order_is_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hs_code_id}: {self.monthly_capacity} {self.unit}/month"


# USERS
# ------------------------------------------------------------------------------


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class UserRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class User(AbstractUser):
    """A person; logs in with e-mail and belongs to at most one organisation."""

    Role = UserRole

    # Log-in is by e-mail: the username column is dropped (Django's documented way,
    # which the stubs cannot express).
    username = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    time_zone = models.CharField(max_length=64, default="UTC")
    email_notifications = models.BooleanField(
        default=True, help_text="Send e-mail copies of in-app notifications"
    )

    USERNAME_FIELD = "email"

    class Meta(AbstractUser.Meta):
        constraints = [known_choice("role", UserRole, name="user_role_is_known")]

    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # An e-mail-first manager in place of the username-first one AbstractUser declares.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.email

    @property
    def is_owner(self) -> bool:
        return self.organisation_id is not None and self.role == self.Role.OWNER


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An owner's invitation of a colleague into the organisation, by e-mail."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=10,
        choices=User.Role.choices,
        default=User.Role.MEMBER,
        help_text="Owners can also invite colleagues.",
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            known_choice("role", User.Role, name="invitation_role_is_known"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
