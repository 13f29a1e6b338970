"""Serializer fields built from the model fields they fill: the model's limits and formats,
checked by the model field itself, so the API says them in the same words as the pages."""

from typing import Any

from django.db import models

from sme_platform.api import serializers

__all__ = ["IdListField", "OptionalIdField", "model_charfield"]


def model_charfield(model: type[models.Model], name: str, **kwargs: Any) -> serializers.CharField:
    """A text field of the API for ``model.name``, checked by the model field's validators."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field of its own.")
    kwargs.setdefault("help_text", str(field.help_text) or None)
    if field.blank:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", "")
    # The model field replaces a validator's words with its own (run_validators), which
    # is what the pages and the services say too.
    return serializers.CharField(validators=[field.run_validators], **kwargs)


class OptionalIdField(serializers.IntegerField):
    """An id, or none: null, or the empty string a form sends for "none"."""

    def __init__(self, *, invalid: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        messages = {"invalid": invalid, "max_string_length": invalid, "max_value": invalid}
        super().__init__(error_messages=messages, **kwargs)

    def to_internal_value(self, data: Any) -> int | None:
        if data == "":
            return None
        if isinstance(data, bool):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class IdListField(serializers.ListField):
    """A list of ids; any item that is not one is told in one message naming it."""

    def __init__(self, *, invalid: str, not_a_list: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.IntegerField())
        if not_a_list is not None:
            kwargs["error_messages"] = {"not_a_list": not_a_list}
        super().__init__(**kwargs)
        self.invalid = invalid

    def to_internal_value(self, data: Any) -> list[int]:
        if isinstance(data, str | bytes | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        ids: list[int] = []
        for value in data:
            try:
                if isinstance(value, bool):
                    raise ValueError(value)
                ids.append(int(value))
            except (TypeError, ValueError):
                raise serializers.ValidationError([self.invalid.format(value=value)]) from None
        return ids
