"""How notifications answer the hooks of companies (see the README's "Hooks between layers")."""

from typing import Any

from django.dispatch import receiver

from companies import hooks as company_hooks
from companies.models import Certification, Organisation
from notifications import services


@receiver(company_hooks.organisation_verification_lapsed)
def tell_owners_verification_lapsed(*, organisation: Organisation, **kwargs: Any) -> None:
    services.verification_lapsed_tell(organisation=organisation)


@receiver(company_hooks.certification_check_lapsed)
def tell_owners_certification_lapsed(*, certification: Certification, **kwargs: Any) -> None:
    services.certification_check_lapsed_tell(certification=certification)
