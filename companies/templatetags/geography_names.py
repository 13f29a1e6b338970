"""Template filters that turn ISO codes into names people read."""

from django import template

from companies import geography

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return geography.country_name(code) if code else ""


@register.filter
def country_names(codes: list[str]) -> str:
    return ", ".join(geography.country_name(c) for c in codes or [])


@register.filter
def province_name(code: str) -> str:
    return geography.subdivision_name(code) if code else ""


@register.filter
def language_names(codes: list[str]) -> str:
    names = dict(geography.language_choices())
    return ", ".join(names.get(c, c) for c in codes or [])
