"""Constraints every app's models share, so that the database refuses what a service
should never write."""

from django.db import models


def known_choice(
    field: str, choices: type[models.TextChoices], *, name: str
) -> models.CheckConstraint:
    """The column holds one of the choices' values, nothing else."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
