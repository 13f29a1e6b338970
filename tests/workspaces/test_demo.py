"""`manage.py seed_demo` fills an empty platform with demo data a visitor can log in to.

The platform is seeded once for the module; ``test_demo_without_taxonomies.py`` seeds
one without codes."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from companies.models import (
    Certification,
    ContactPerson,
    Invitation,
    Organisation,
    ProductLine,
    User,
)
from tests.built_once import built_once
from workspaces.management.commands.seed_demo import DEMO_LOGINS, DEMO_PASSWORD

COUNTED = (Organisation, User, ContactPerson, Certification, ProductLine, Invitation)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    # Seeding takes seconds; the tests only read it, or roll back what they add.
    with built_once(django_db_blocker):
        yield _seed()


@pytest.fixture
def seeded(seeded_once: str, db: None) -> str:
    return seeded_once


def test_seed_demo_creates_suppliers_in_six_asian_countries(seeded):
    suppliers = Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)

    assert set(suppliers.values_list("country", flat=True)) >= {"VN", "BD", "IN", "PK", "TH", "MY"}


def test_seed_demo_creates_buyers_and_a_cluster_body(seeded):
    assert Organisation.objects.filter(kind=Organisation.Kind.BUYER).count() >= 2
    assert Organisation.objects.filter(kind=Organisation.Kind.CLUSTER_BODY).count() >= 1


def test_seed_demo_creates_an_approved_cluster_with_active_members(seeded):
    from clusters.models import Cluster, ClusterMembership

    cluster = Cluster.objects.get(body__users__email="cluster@demo.example")
    assert cluster.is_approved
    assert cluster.managers.filter(email="cluster@demo.example").exists()
    members = cluster.memberships.filter(status=ClusterMembership.Status.ACTIVE)
    assert members.count() >= 3
    # Each member joined through the lifecycle, so its history says who invited it.
    assert all(m.events.count() == 2 for m in members)


def test_seed_demo_suppliers_are_verified_with_valid_certificates_and_products(seeded):
    for supplier in Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER):
        assert supplier.is_verified, supplier
        assert supplier.verified_by.is_staff
        assert supplier.hs_codes.exists(), supplier
        assert supplier.isic_codes.exists(), supplier
        assert supplier.product_lines.exists(), supplier
        assert supplier.contacts.exists(), supplier
        certificates = list(supplier.certifications.all())
        assert certificates, supplier
        assert all(c.counts for c in certificates), supplier


def test_seed_demo_keeps_local_names_in_their_own_scripts(seeded):
    local_names = set(Organisation.objects.values_list("local_name", flat=True))

    assert "บริษัท สยาม เบรก คอมโพเนนท์ จำกัด" in local_names  # Thai
    assert "槟城精密电路有限公司" in local_names  # Chinese
    assert "नोएडा अपैरल एक्सपोर्ट्स प्राइवेट लिमिटेड" in local_names  # Hindi


def test_seed_demo_run_twice_creates_nothing_new(seeded):
    before = _counts()

    output = _seed()

    assert _counts() == before
    assert "nothing created" in output


def test_seed_demo_users_have_confirmed_addresses(seeded):
    # The demo's log-ins must be able to post and answer at once.
    assert User.objects.exists()
    assert not User.objects.filter(email_confirmed_at__isnull=True).exists()


def test_seed_demo_prints_the_demo_log_ins(seeded):
    assert DEMO_PASSWORD in seeded
    for _role, email in DEMO_LOGINS:
        assert email in seeded


@pytest.mark.parametrize(("role", "email"), DEMO_LOGINS)
def test_demo_users_can_log_in(seeded, client, role, email):
    assert client.login(email=email, password=DEMO_PASSWORD), role


def test_demo_supplier_logs_in_through_the_login_page(seeded, client):
    response = client.post(
        reverse("login"), {"username": "supplier@demo.example", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(
        User.objects.get(email="supplier@demo.example").pk
    )


def test_demo_staff_user_can_open_the_admin(seeded, client):
    client.login(email="admin@demo.example", password=DEMO_PASSWORD)

    assert client.get("/admin/").status_code == 200


def test_demo_owners_own_their_organisations(seeded):
    owner = User.objects.get(email="supplier@demo.example")

    assert owner.is_owner
    assert owner.organisation.legal_name == "Saigon Knitwear Co., Ltd."
