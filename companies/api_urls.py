"""Routes of the organisations API, mounted at /api/v1/ in the "api" namespace."""

from django.urls import path

from companies import api

urlpatterns = [
    # Accounts
    path("auth/register/", api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", api.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/confirm-email/", api.EmailConfirmApi.as_view(), name="email-confirm"),
    path(
        "auth/confirm-email/resend/",
        api.EmailConfirmationResendApi.as_view(),
        name="email-confirmation-resend",
    ),
    path("me/", api.MeApi.as_view(), name="me"),
    path("invitations/", api.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/accept/", api.InvitationAcceptApi.as_view(), name="invitation-accept"),
    # Organisations
    path("organisations/", api.OrganisationDirectoryApi.as_view(), name="organisation-list"),
    path(
        "organisations/<int:organisation_id>/",
        api.OrganisationDetailApi.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:organisation_id>/private/",
        api.OrganisationPrivateApi.as_view(),
        name="organisation-private",
    ),
    path(
        "organisations/<int:organisation_id>/contacts/",
        api.OrganisationContactListApi.as_view(),
        name="organisation-contact-list",
    ),
    path("contacts/<int:pk>/", api.ContactDetailApi.as_view(), name="contact-detail"),
    # Capabilities
    path("certifications/", api.CertificationListApi.as_view(), name="certification-list"),
    path(
        "certifications/<int:pk>/",
        api.CertificationDetailApi.as_view(),
        name="certification-detail",
    ),
    path("product-lines/", api.ProductLineListApi.as_view(), name="product-line-list"),
    path("product-lines/<int:pk>/", api.ProductLineDetailApi.as_view(), name="product-line-detail"),
    # Staff
    path(
        "staff/organisations/<int:organisation_id>/verification/",
        api.StaffOrganisationVerificationApi.as_view(),
        name="staff-organisation-verification",
    ),
    path(
        "staff/certifications/<int:pk>/check/",
        api.StaffCertificationCheckApi.as_view(),
        name="staff-certification-check",
    ),
    # Taxonomies
    path("taxonomies/hs/", api.HsCodeSearchApi.as_view(), name="taxonomy-hs"),
    path("taxonomies/isic/", api.IsicCodeSearchApi.as_view(), name="taxonomy-isic"),
    path(
        "taxonomies/certifications/",
        api.CertificationSchemeListApi.as_view(),
        name="taxonomy-certifications",
    ),
    path("taxonomies/countries/", api.CountryListApi.as_view(), name="taxonomy-countries"),
    path(
        "taxonomies/countries/<str:country_code>/provinces/",
        api.ProvinceListApi.as_view(),
        name="taxonomy-provinces",
    ),
    path("taxonomies/units/", api.UnitListApi.as_view(), name="taxonomy-units"),
]
