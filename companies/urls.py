from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from companies import forms, views
from sme_platform.throttles import page_throttled

auth_urls = [
    path(
        "login/",
        page_throttled("login")(
            auth_views.LoginView.as_view(
                authentication_form=forms.EmailAuthenticationForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        page_throttled("password_reset")(
            auth_views.PasswordResetView.as_view(
                extra_email_context={"site_name": settings.SITE_NAME}
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("signup/", views.signup, name="signup"),
    path("confirm-email/", views.email_confirmation, name="email-confirmation"),
    path("confirm-email/<str:token>/", views.email_confirm, name="email-confirm"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]

public_urls = [
    path("", views.home, name="home"),
    path("suppliers/", views.supplier_directory, name="supplier-directory"),
    path("organisations/<str:slug>/", views.organisation_profile, name="organisation-profile"),
]

private_urls = [
    path("organisation/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("certifications/", views.certification_list, name="certification-list"),
    path("certifications/add/", views.certification_add, name="certification-add"),
    path(
        "certifications/<int:pk>/evidence/",
        views.certification_evidence,
        name="certification-evidence",
    ),
    # The same file under its served name, for links that show what they lead to (the API's).
    path(
        "certifications/<int:pk>/evidence/<str:filename>",
        views.certification_evidence,
        name="certification-evidence-file",
    ),
    path(
        "certifications/<int:pk>/delete/",
        views.certification_delete,
        name="certification-delete",
    ),
    path("products/", views.product_line_list, name="product-line-list"),
    path("products/add/", views.product_line_add, name="product-line-add"),
    path("products/<int:pk>/edit/", views.product_line_edit, name="product-line-edit"),
    path("products/<int:pk>/delete/", views.product_line_delete, name="product-line-delete"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/add/", views.contact_add, name="contact-add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("colleagues/", views.colleague_list, name="colleague-list"),
    path("colleagues/invite/", views.colleague_invite, name="colleague-invite"),
]

urlpatterns = auth_urls + public_urls + private_urls
