"""Form fields built from the model fields they fill, so a limit or a format is written
once, on the model, and a page says it in the model's own words."""

from typing import Any

from django import forms
from django.db import models

__all__ = ["IdChoiceField", "IdMultipleChoiceField", "model_formfield", "own_messages"]


def own_messages(field: models.Field) -> dict[str, Any]:
    """The messages the model field sets itself, beyond Django's defaults for its kind."""
    defaults: dict[str, Any] = {}
    for kind in reversed(type(field).__mro__):
        defaults.update(getattr(kind, "default_error_messages", {}))
    return {code: text for code, text in field.error_messages.items() if defaults.get(code) != text}


def model_formfield(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    """The form field of ``model.name``, with its limits, help text and messages."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field of its own.")
    formfield = field.formfield(**kwargs)
    if formfield is None:
        raise TypeError(f"{model.__name__}.{name} has no form field.")
    formfield.error_messages.update(own_messages(field))
    return formfield


class IdChoiceField(forms.TypedChoiceField):
    """An id out of a list the service checks again, so any number passes the form and
    the service's message is the one shown."""

    def valid_value(self, value: Any) -> bool:
        return True


class IdMultipleChoiceField(forms.TypedMultipleChoiceField):
    """Ids out of a list the service checks again: any numbers pass the form."""

    def valid_value(self, value: Any) -> bool:
        return True
