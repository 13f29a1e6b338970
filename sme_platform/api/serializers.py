"""The serializers every API module uses: DRF's, with writes that refuse what they
cannot take.

A field that a serializer does not have is refused with a 400 naming it ("Unknown
field(s): x"), and a field that exists but is not the client's to write (the owner, a
status, a verification, an id, a timestamp ...) is refused as read-only. DRF's own
serializers drop both silently, so a client that misspells a field, or tries to set
its own verification, is told "saved" while nothing it meant happened.

API modules import this module in place of ``rest_framework.serializers``
(``from sme_platform.api import serializers``): every name of DRF's module is here,
with ``Serializer`` and ``ModelSerializer`` replaced by the refusing ones. Serializers
that read query parameters derive from ``QuerySerializer``: a query string carries
the paginator's parameters beside the filters, so unknown keys are not refused there.
``tests/test_api_contract.py`` checks that every serializer of the project derives
from these bases and that none lists its fields as ``"__all__"`` or by ``exclude``.
"""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers as drf
from rest_framework.settings import api_settings

__all__ = [
    "READ_ONLY_NAMES",
    "MAX_INTEGER",
    "ErrorSerializer",
    "IntegerField",
    "ModelSerializer",
    "QuerySerializer",
    "RefuseUnknownFields",
    "Serializer",
]

# Names that are never the client's to write in any body, whatever the serializer: who
# owns a thing, its state, who checked it, and what the database assigns. A serializer
# that does take one (staff set a verification) declares it as a writable field.
READ_ONLY_NAMES = frozenset(
    {
        "id",
        "pk",
        "owner",
        "organisation",
        "organisation_id",
        "created_by",
        "user",
        "status",
        "verification",
        "verified_at",
        "verified_by",
        "checked_at",
        "checked_by",
        "role",
        "is_staff",
        "is_superuser",
        "is_active",
        "created_at",
        "updated_at",
        "slug",
    }
)


# What a database integer column holds (signed 64 bits): a larger number in an id or
# a count names nothing, and handing it to the database fails instead of finding none.
MAX_INTEGER = 2**63 - 1


def __getattr__(name: str) -> Any:
    # Every other name (fields, ValidationError, ListSerializer ...) is DRF's own.
    return getattr(drf, name)


class IntegerField(drf.IntegerField):
    """DRF's ``IntegerField``, bounded to what a database column holds unless the field
    is given narrower bounds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", MAX_INTEGER)
        kwargs.setdefault("min_value", -MAX_INTEGER)
        super().__init__(**kwargs)

    def run_validators(self, value: Any) -> None:
        # A subclass may read "" as no value (OptionalIdField): nothing to bound then.
        if value is not None:
            super().run_validators(value)


class RefuseUnknownFields:
    """Refuses input keys that are not writable fields of this serializer."""

    fields: Any

    def read_only_names(self) -> set[str]:
        """Names this serializer knows but will not take: its read-only fields, its
        model's other fields, and the project-wide ``READ_ONLY_NAMES``."""
        names = set(READ_ONLY_NAMES)
        names.update(name for name, field in self.fields.items() if field.read_only)
        model = getattr(getattr(self, "Meta", None), "model", None)
        if model is not None:
            for field in model._meta.get_fields():
                if isinstance(field, models.Field):
                    names.update({field.name, field.attname})
        return names - {name for name, field in self.fields.items() if not field.read_only}

    def refused_keys(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        writable = {name for name, field in self.fields.items() if not field.read_only}
        given = {str(key) for key in data} - writable
        if not given:
            return {}
        read_only = self.read_only_names()
        errors: dict[str, list[str]] = {
            name: [_("%(field)s is read-only.") % {"field": name}]
            for name in sorted(given & read_only)
        }
        unknown = sorted(given - read_only)
        if unknown:
            errors.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).append(
                _("Unknown field(s): %(fields)s.") % {"fields": ", ".join(unknown)}
            )
        return errors

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = self.refused_keys(data)
            if errors:
                raise drf.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class Serializer(RefuseUnknownFields, drf.Serializer):
    """DRF's ``Serializer``, refusing unknown and read-only fields in its input."""


class ModelSerializer(RefuseUnknownFields, drf.ModelSerializer):
    """DRF's ``ModelSerializer``, refusing unknown fields and the model's fields it does
    not take (``owner``, ``status`` ...) as read-only."""


class QuerySerializer(RefuseUnknownFields, drf.Serializer):
    """Validates query parameters. Other parameters (the page, a filter read elsewhere)
    share the query string, so unknown keys pass; a read-only name is meaningless there
    and passes too."""

    def refused_keys(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        return {}


class ErrorSerializer(Serializer):
    """The one shape of every error the API answers."""

    message = drf.CharField(help_text="What went wrong, in a sentence")
    errors = drf.DictField(
        child=drf.JSONField(),
        help_text=(
            "Messages per field (a list of sentences, or per item of a list field); "
            "messages not about one field are under non_field_errors; empty when the "
            "message says it all"
        ),
    )
