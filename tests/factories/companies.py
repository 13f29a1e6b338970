"""Factories of the companies app: organisations, users, profiles, certifications.

The taxonomies (HS, ISIC, the concordance and the certification catalogue) are
loaded once per test database, so their factories fetch the real rows first and
create one only for a code the catalogue lacks.
"""

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from companies.models import (
    Certification,
    CertificationScheme,
    ContactPerson,
    HsCode,
    HsIsicLink,
    Invitation,
    IsicCode,
    Organisation,
    ProductLine,
    Unit,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple-42"


class HsCodeFactory(factory.django.DjangoModelFactory[HsCode]):
    class Meta:
        model = HsCode
        django_get_or_create = ("code",)

    code = "610910"
    description = factory.LazyAttribute(lambda code: f"Goods of HS {code.code}")
    level = factory.LazyAttribute(lambda code: len(code.code))
    parent = None


class IsicCodeFactory(factory.django.DjangoModelFactory[IsicCode]):
    class Meta:
        model = IsicCode
        django_get_or_create = ("code",)

    code = "1430"
    description = factory.LazyAttribute(lambda code: f"Activity of ISIC {code.code}")
    level = factory.LazyAttribute(lambda code: len(code.code))
    parent = None


class HsIsicLinkFactory(factory.django.DjangoModelFactory[HsIsicLink]):
    class Meta:
        model = HsIsicLink
        django_get_or_create = ("hs_code", "isic_code")

    hs_code = factory.SubFactory(HsCodeFactory)
    isic_code = factory.SubFactory(IsicCodeFactory)


class CertificationSchemeFactory(factory.django.DjangoModelFactory[CertificationScheme]):
    class Meta:
        model = CertificationScheme
        django_get_or_create = ("code",)

    code = "iso-9001"
    name = factory.LazyAttribute(lambda scheme: scheme.code.upper())
    full_name = factory.LazyAttribute(lambda scheme: f"Scheme {scheme.code}")
    covers = "Quality management"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SUPPLIER
    legal_name = factory.Sequence(lambda n: f"Firm {n} Co., Ltd.")
    slug = factory.Sequence(lambda n: f"firm-{n}")
    country = "VN"
    city = "Ho Chi Minh City"
    description = "Knitted garments for export."

    class Params:
        # Checked by staff: a buyer's linkages show contacts only once it is.
        verified = factory.Trait(
            verification=Organisation.Verification.VERIFIED,
            verified_at=factory.LazyFunction(timezone.now),
        )


class SupplierFactory(OrganisationFactory):
    kind = Organisation.Kind.SUPPLIER


class BuyerFactory(OrganisationFactory):
    kind = Organisation.Kind.BUYER
    legal_name = factory.Sequence(lambda n: f"Buyer {n} GmbH")
    slug = factory.Sequence(lambda n: f"buyer-{n}")
    country = "DE"
    city = "Hamburg"


class ClusterBodyFactory(OrganisationFactory):
    kind = Organisation.Kind.CLUSTER_BODY
    legal_name = factory.Sequence(lambda n: f"Industry Association {n}")
    slug = factory.Sequence(lambda n: f"association-{n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    # Any: staff users belong to no organisation.
    organisation: Any = factory.SubFactory(SupplierFactory)
    role = User.Role.OWNER
    # Confirmed, like every account made by staff or an invitation; a self-registered
    # account is ``UserFactory(unconfirmed=True)`` until it follows its link.
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    class Params:
        unconfirmed = factory.Trait(email_confirmed_at=None)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class BuyerUserFactory(UserFactory):
    organisation = factory.SubFactory(BuyerFactory)


class ClusterBodyUserFactory(UserFactory):
    organisation = factory.SubFactory(ClusterBodyFactory)


class StaffUserFactory(UserFactory):
    organisation = None
    is_staff = True
    email = factory.Sequence(lambda n: f"staff{n}@platform.example")


class ContactPersonFactory(factory.django.DjangoModelFactory[ContactPerson]):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(SupplierFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@firm.example")
    phone = "+84 28 5555 0101"
    is_primary = True


class CertificationFactory(factory.django.DjangoModelFactory[Certification]):
    class Meta:
        model = Certification

    organisation = factory.SubFactory(SupplierFactory)
    scheme = factory.LazyFunction(lambda: CertificationScheme.objects.get(code="iso-9001"))
    issuer = "Bureau Veritas"
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    status = Certification.Status.VERIFIED


class ProductLineFactory(factory.django.DjangoModelFactory[ProductLine]):
    class Meta:
        model = ProductLine

    organisation = factory.SubFactory(SupplierFactory)
    hs_code_id = "610910"
    monthly_capacity = 20000
    unit = Unit.PIECES
    min_order_quantity = 500


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    """A colleague's invitation to join an organisation, not yet sent or accepted."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(SupplierFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@firm.example")
    role = User.Role.MEMBER
    invited_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..organisation")
    )
