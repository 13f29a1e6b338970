"""Writes of the companies app: organisations and their profiles, capabilities
(contacts, certificates, product lines), colleagues and invitations, imported
profiles."""

from companies.services.capabilities import (
    CertificationChanges,
    ContactChanges,
    NewProductLine,
    ProductLineChanges,
    certification_add,
    certification_check,
    certification_delete,
    certification_update,
    contact_person_create,
    contact_person_delete,
    contact_person_update,
    product_line_create,
    product_line_delete,
    product_line_update,
)
from companies.services.colleagues import (
    auth_token_issue,
    colleague_invite,
    invitation_accept,
    invitation_mail,
    invitation_send,
)
from companies.services.confirmation import (
    email_confirm,
    email_confirm_by_staff,
    email_confirmation_request,
    email_confirmation_send,
    email_confirmation_token,
    email_confirmation_url,
)
from companies.services.imported import (
    ImportedProductLine,
    imported_profile_invite,
    imported_profile_save,
)
from companies.services.lockout import account_unlock, lockout_message, lockout_username
from companies.services.organisations import (
    BUYER_ONLY_FIELDS,
    PROFILE_FIELDS,
    SUPPLIER_ONLY_FIELDS,
    ProfileChanges,
    organisation_register,
    organisation_set_verification,
    organisation_update,
)

__all__ = [
    "BUYER_ONLY_FIELDS",
    "CertificationChanges",
    "ContactChanges",
    "ImportedProductLine",
    "NewProductLine",
    "PROFILE_FIELDS",
    "ProductLineChanges",
    "ProfileChanges",
    "SUPPLIER_ONLY_FIELDS",
    "account_unlock",
    "auth_token_issue",
    "certification_add",
    "certification_check",
    "certification_delete",
    "certification_update",
    "colleague_invite",
    "contact_person_create",
    "contact_person_delete",
    "contact_person_update",
    "email_confirm",
    "email_confirm_by_staff",
    "email_confirmation_request",
    "email_confirmation_send",
    "email_confirmation_token",
    "email_confirmation_url",
    "imported_profile_invite",
    "imported_profile_save",
    "invitation_accept",
    "invitation_mail",
    "invitation_send",
    "lockout_message",
    "lockout_username",
    "organisation_register",
    "organisation_set_verification",
    "organisation_update",
    "product_line_create",
    "product_line_delete",
    "product_line_update",
]
