"""How clusters answer the hooks of companies (see the README's "Hooks between layers")."""

from typing import Any

from django.dispatch import receiver

from clusters import services
from companies import hooks as company_hooks
from companies.models import Organisation, User


@receiver(company_hooks.user_joined_organisation)
def attach_waiting_cluster_invitations(
    *, organisation: Organisation, user: User, **kwargs: Any
) -> None:
    """Clusters may have invited this address before it had an account."""
    services.invitations_attach_on_signup(organisation=organisation, user=user)


@receiver(company_hooks.imported_profile_claimed)
def activate_importing_cluster_membership(
    *, organisation: Organisation, user: User, **kwargs: Any
) -> None:
    services.imported_profile_claimed(organisation=organisation, user=user)
