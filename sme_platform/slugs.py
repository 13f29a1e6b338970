"""Slugs for the addresses of organisations and clusters."""

from typing import Any

from django.db.models import Manager, QuerySet
from django.utils.text import slugify

# Room for a "-NN" suffix within the 80 characters of a slug field.
SLUG_BASE_LENGTH = 70


def unique_slug(
    taken: QuerySet[Any] | Manager[Any],
    name: str,
    *,
    fallback: str,
    reserved: frozenset[str] = frozenset(),
) -> str:
    """A slug of ``name`` that no row of ``taken`` has yet ("knit-one", then "knit-one-2").

    Non-Latin names keep their letters (``allow_unicode``); a name with no letters at
    all becomes ``fallback``; a slug in ``reserved`` (a page's own address) gets the
    fallback appended.
    """
    base = slugify(name, allow_unicode=True)[:SLUG_BASE_LENGTH] or fallback
    if base in reserved:
        base = f"{base}-{fallback}"
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
