"""What a request's fields accept, with the messages a person reads; the models name
these, so the form, the API and the services all check one definition.

Deliberately not subclasses of Django's length and value validators: the API's
serializers turn those into their own checks with other wording. Their codes are not
the field's own error codes either, which Django would answer with the field's message.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from companies import geography
from matching import regions


@deconstructible
class TextLimit:
    """At most ``limit`` characters, saying how many were given."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: Any) -> None:
        length = len(value or "")
        if length > self.limit:
            raise ValidationError(
                f"At most {self.limit:,} characters (you gave {length:,}).", code="max_length"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextLimit) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash(self.limit)


def _code_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Give a list of codes.", code="not_a_list")
    return value


def validate_country_codes(value: Any) -> None:
    unknown = [code for code in _code_list(value) if not geography.is_country(code)]
    if unknown:
        raise ValidationError(
            f"Unknown country code: {', '.join(unknown)}.", code="unknown_country"
        )


def validate_subregion_slugs(value: Any) -> None:
    unknown = [slug for slug in _code_list(value) if not regions.is_subregion(slug)]
    if unknown:
        known = ", ".join(slug for slug, _ in regions.subregion_choices())
        raise ValidationError(
            f"Unknown subregion: {', '.join(unknown)}. Choose from: {known}.",
            code="unknown_subregion",
        )


def validate_volume(value: int | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError("The volume must be greater than zero.", code="min_value")
