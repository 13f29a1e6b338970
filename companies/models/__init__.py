"""Models of the companies app: taxonomies, organisations, their capabilities, and
users. The choices live beside the models so that the models' constraints can name
them; code reaches them as Organisation.Kind, Certification.Status, User.Role and so
on."""

from companies.models.capabilities import (
    Certification,
    CertificationStatus,
    ContactPerson,
    ProductLine,
)
from companies.models.organisations import (
    FIRST_YEAR_FOUNDED,
    LONG_TEXT,
    TOO_LONG,
    EmployeesBand,
    Organisation,
    OrganisationKind,
    OrganisationQuerySet,
    OrganisationVerification,
)
from companies.models.taxonomies import (
    CertificationScheme,
    HsCode,
    HsIsicLink,
    IsicCode,
    Unit,
)
from companies.models.users import (
    Invitation,
    User,
    UserManager,
    UserRole,
)

__all__ = [
    "Certification",
    "CertificationScheme",
    "CertificationStatus",
    "ContactPerson",
    "EmployeesBand",
    "FIRST_YEAR_FOUNDED",
    "HsCode",
    "HsIsicLink",
    "Invitation",
    "IsicCode",
    "LONG_TEXT",
    "Organisation",
    "OrganisationKind",
    "OrganisationQuerySet",
    "OrganisationVerification",
    "ProductLine",
    "TOO_LONG",
    "Unit",
    "User",
    "UserManager",
    "UserRole",
]
