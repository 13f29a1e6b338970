"""ISO 3166 countries and subdivisions, and ISO 639 languages, from pycountry."""

from functools import cache

import pycountry


@cache
def country_choices() -> list[tuple[str, str]]:
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])


@cache
def country_names() -> dict[str, str]:
    return dict(country_choices())


def is_country(code: str) -> bool:
    return code in country_names()


def country_name(code: str) -> str:
    return country_names().get(code, code)


@cache
def subdivisions_of(country_code: str) -> list[tuple[str, str, str]]:
    """(code, name, type) of every ISO 3166-2 subdivision of a country, by name."""
    found = pycountry.subdivisions.get(country_code=country_code) or []
    return sorted(((s.code, s.name, s.type) for s in found), key=lambda s: s[1])


def is_subdivision_of(code: str, country_code: str) -> bool:
    return any(s[0] == code for s in subdivisions_of(country_code))


def subdivision_name(code: str) -> str:
    sub = pycountry.subdivisions.get(code=code)
    return sub.name if sub else code


@cache
def language_choices() -> list[tuple[str, str]]:
    """Languages with a two-letter ISO 639-1 code: the ones firms list on profiles."""
    langs = [(lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return sorted(langs, key=lambda c: c[1])


def is_language(code: str) -> bool:
    return code in dict(language_choices())
