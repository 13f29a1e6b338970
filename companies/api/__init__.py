"""The organisations API under /api/v1/, by concern.

Each view validates its input, calls one service or selector and serializes the
result. Rules live in ``companies.services`` (writes) and ``companies.selectors``
(reads, scoped by the acting user). An object another organisation owns is
answered with 404, never 403, so its existence does not leak.
"""

from companies.api.accounts import (
    EmailConfirmApi,
    EmailConfirmationResendApi,
    InvitationAcceptApi,
    MeApi,
    RegisterApi,
    TokenObtainApi,
)
from companies.api.capabilities import (
    CertificationDetailApi,
    CertificationListApi,
    ContactDetailApi,
    ContactInputSerializer,
    OrganisationContactListApi,
    ProductLineDetailApi,
    ProductLineInputSerializer,
    ProductLineListApi,
    StaffCertificationCheckApi,
)
from companies.api.colleagues import (
    InvitationListApi,
)
from companies.api.organisations import (
    OrganisationDetailApi,
    OrganisationDirectoryApi,
    OrganisationPrivateApi,
    StaffOrganisationVerificationApi,
)
from companies.api.taxonomies import (
    CertificationSchemeListApi,
    CountryListApi,
    HsCodeSearchApi,
    IsicCodeSearchApi,
    ProvinceListApi,
    UnitListApi,
)

__all__ = [
    "CertificationDetailApi",
    "CertificationListApi",
    "CertificationSchemeListApi",
    "ContactDetailApi",
    "ContactInputSerializer",
    "CountryListApi",
    "EmailConfirmApi",
    "EmailConfirmationResendApi",
    "HsCodeSearchApi",
    "InvitationAcceptApi",
    "InvitationListApi",
    "IsicCodeSearchApi",
    "MeApi",
    "OrganisationContactListApi",
    "OrganisationDetailApi",
    "OrganisationDirectoryApi",
    "OrganisationPrivateApi",
    "ProductLineDetailApi",
    "ProductLineInputSerializer",
    "ProductLineListApi",
    "ProvinceListApi",
    "RegisterApi",
    "StaffCertificationCheckApi",
    "StaffOrganisationVerificationApi",
    "TokenObtainApi",
    "UnitListApi",
]
