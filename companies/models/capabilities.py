"""What a firm can show: its contact people (private until a linkage), certificates and
product lines. Contact people live in their own table so that no public serializer
or template can reach them by accident."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from companies.models.organisations import Organisation
from companies.models.taxonomies import CertificationScheme, HsCode, Unit
from sme_platform.constraints import known_choice


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
