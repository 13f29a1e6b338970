"""factory_boy factories; most build through the real services where that matters."""

from datetime import timedelta

import factory
from django.utils import timezone

from companies.models import (
    Certification,
    CertificationScheme,
    ContactPerson,
    Organisation,
    ProductLine,
    Unit,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple-42"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SUPPLIER
    legal_name = factory.Sequence(lambda n: f"Firm {n} Co., Ltd.")
    slug = factory.Sequence(lambda n: f"firm-{n}")
    country = "VN"
    city = "Ho Chi Minh City"
    description = "Knitted garments for export."


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
    organisation = factory.SubFactory(SupplierFactory)
    role = User.Role.OWNER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


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
