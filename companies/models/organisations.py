"""Organisations: SME suppliers, buyers and cluster bodies, with their profiles."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from companies.models.taxonomies import HsCode, IsicCode
from sme_platform.constraints import known_choice


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
        indexes = [
            models.Index(fields=["kind", "verification", "country"]),
            # The public directory: verified, claimed suppliers by name, a page at a time.
            models.Index(
                fields=["legal_name", "id"],
                condition=models.Q(kind="supplier", verification="verified", claimed=True),
                name="directory_by_name",
            ),
            # The home page's newest verified suppliers.
            models.Index(
                fields=["-verified_at", "id"],
                condition=models.Q(kind="supplier", verification="verified", claimed=True),
                name="directory_by_verified_at",
            ),
        ]
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
