"""The nomenclatures profiles and requests are coded in: HS and ISIC codes, their
concordance, the certification catalogue, and the units of capacity and volume."""

from django.db import models


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
