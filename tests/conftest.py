"""Shared fixtures. The taxonomies (HS, ISIC, concordance, certification catalogue)
are loaded once per test database, so every test sees the real codes."""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import factory
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from tests import factories
from tests.factories import (
    BuyerFactory,
    ClusterBodyFactory,
    StaffUserFactory,
    SupplierFactory,
    UserFactory,
)

# In CI, tests that need PostgreSQL, Redis, a worker or a browser fail instead of skipping.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# The cluster fixtures and the shared worlds serve the tests of several apps alike.
pytest_plugins = ["tests.cluster_fixtures", "tests.worlds"]


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploaded evidence and the engine's index artifacts go to a directory of this run,
    removed at its end, so runs leave nothing behind and never read each other's."""
    path = tmp_path_factory.mktemp("media")
    engine_root = tmp_path_factory.mktemp("engine")
    engine_storage = {
        **settings.STORAGES["engine"],
        "OPTIONS": {**settings.STORAGES["engine"]["OPTIONS"], "location": str(engine_root)},
    }
    # override_settings tells the storages, which cache their locations.
    with override_settings(
        MEDIA_ROOT=str(path), STORAGES={**settings.STORAGES, "engine": engine_storage}
    ):
        yield path
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(engine_root, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from companies.taxonomy import load_taxonomies

    with django_db_blocker.unblock():
        load_taxonomies()


FactoryClass = type[factory.django.DjangoModelFactory[Any]]


def _factory_fixture(factory_class: FactoryClass) -> Callable[..., FactoryClass]:
    def give(db: None) -> FactoryClass:
        return factory_class

    give.__doc__ = factory_class.__doc__
    return pytest.fixture(give)


# Every factory is a fixture of its snake-case name (``ClusterFactory`` is
# ``cluster_factory``) that also opens the database to the test asking for it.
for _name in factories.__all__:
    if _name.endswith("Factory"):
        globals()[re.sub(r"(?<!^)(?=[A-Z])", "_", _name).lower()] = _factory_fixture(
            getattr(factories, _name)
        )


@pytest.fixture
def supplier(db):
    return SupplierFactory()


@pytest.fixture
def supplier_user(supplier):
    return UserFactory(organisation=supplier)


@pytest.fixture
def buyer(db):
    return BuyerFactory()


@pytest.fixture
def buyer_user(buyer):
    return UserFactory(organisation=buyer)


@pytest.fixture
def cluster_body_user(db):
    return UserFactory(organisation=ClusterBodyFactory())


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(email="staff@platform.example")


@pytest.fixture
def other_supplier_user(db):
    return UserFactory(organisation=SupplierFactory(legal_name="Rival Knit Ltd", country="KH"))


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """``api_as(user)`` gives an API client authenticated as that user."""

    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login


@pytest.fixture
def rebuild_search_index(db):
    """Call after creating suppliers: fits a fresh engine index on the database."""
    from matching.index_store import forget_loaded_index, index_build_full

    def rebuild():
        forget_loaded_index()
        return index_build_full()

    return rebuild


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache, so API throttles count its own calls only."""
    cache.clear()
    yield
    cache.clear()
