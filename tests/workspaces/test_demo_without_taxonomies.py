"""`manage.py seed_demo` on a platform whose codes are not loaded yet.

Apart from ``test_demo.py``, whose tests share one seeded platform."""

from io import StringIO

import pytest
from django.core.management import call_command


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_without_taxonomies_says_what_to_run(db):
    from django.core.management.base import CommandError

    from companies.models import HsCode

    HsCode.objects.all().delete()

    with pytest.raises(CommandError, match="load_taxonomies"):
        _seed()
