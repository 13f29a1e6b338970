"""What several of the companies services share: the hooks they send, and how they
gather field errors."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from companies import hooks, selectors
from companies.models import (
    Organisation,
    User,
)
from sme_platform.errors import refusal

Checked = TypeVar("Checked")


def _supplier_changed(organisation: Organisation) -> None:
    """After commit, refresh the supplier in the search index and what depends on it."""
    if organisation.kind != Organisation.Kind.SUPPLIER:
        return
    # Now, so this transaction's own reads see it, and after commit, so no reader
    # caches the old rows again in between.
    selectors.directory_changed()
    transaction.on_commit(selectors.directory_changed)
    hooks.supplier_profile_changed.send(sender=Organisation, organisation_id=organisation.pk)


def _attach_cluster_invitations(organisation: Organisation, user: User) -> None:
    """Clusters may have invited this address before it had an account: attach them now."""
    if organisation.kind != Organisation.Kind.SUPPLIER:
        return
    hooks.user_joined_organisation.send(sender=Organisation, organisation=organisation, user=user)


def _claim_imported_profile(organisation: Organisation, user: User) -> None:
    """A cluster imported this profile; its first user makes it the firm's own.

    From now on it is public, searched and matched (the job enqueued on commit puts
    it in the index and matches it), and its membership of the importing cluster
    becomes active.
    """
    if organisation.claimed:
        return
    organisation.claimed = True
    organisation.save(update_fields=["claimed", "updated_at"])
    hooks.imported_profile_claimed.send(sender=Organisation, organisation=organisation, user=user)
    _supplier_changed(organisation)


class _FieldErrors:
    """Field errors of several checks, raised together so a form shows them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field[field] = [message]

    def check(self, check: Callable[..., Checked], *args: Any, **kwargs: Any) -> Checked | None:
        """``check``'s answer, or None with its field errors kept."""
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            self.by_field.update(exc.message_dict)
            return None

    def raise_any(self) -> None:
        if self.by_field:
            raise refusal(self.by_field)


def _clean_email_free(email: str) -> str:
    email = email.lower()
    if User.objects.filter(email__iexact=email).exists():
        raise refusal({"email": ["An account with this e-mail address already exists."]})
    return email
