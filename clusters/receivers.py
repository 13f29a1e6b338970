"""How clusters answer the hooks of companies (see the README's "Hooks between layers")."""

from typing import Any

from django.dispatch import receiver

from clusters import selectors, services
from companies import hooks as company_hooks
from companies.models import Organisation, User


@receiver(company_hooks.user_joined_organisation)
def attach_waiting_cluster_invitations(
    *, organisation: Organisation, user: User, **kwargs: Any
) -> None:
    """Clusters may have invited this address before it had an account."""
    services.invitations_attach_on_signup(organisation=organisation, user=user)


@company_hooks.prove_address_by_token
def cluster_invitation_proves_address(*, token: str, email: str) -> bool:
    """A cluster's invitation link went to ``invited_email``: bringing it proves that."""
    membership = selectors.membership_by_token(token=token)
    return membership is not None and membership.invited_email.lower() == email.lower()


@receiver(company_hooks.imported_profile_claimed)
def activate_importing_cluster_membership(
    *, organisation: Organisation, user: User, **kwargs: Any
) -> None:
    services.imported_profile_claimed(organisation=organisation, user=user)
