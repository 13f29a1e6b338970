"""Pages of clusters: public directory and pages, managers' dashboard, SMEs' memberships."""

from django.urls import path

from clusters import views

urlpatterns = [
    path("clusters/", views.cluster_directory, name="cluster-directory"),
    path("clusters/propose/", views.cluster_propose, name="cluster-propose"),
    path("clusters/managed/", views.managed_clusters, name="cluster-managed"),
    path("clusters/review/", views.cluster_review_list, name="cluster-review-list"),
    path(
        "clusters/invitations/<str:token>/",
        views.invitation_landing,
        name="cluster-invitation",
    ),
    path("clusters/<str:slug>/", views.cluster_page, name="cluster-page"),
    path("clusters/<str:slug>/apply/", views.cluster_apply, name="cluster-apply"),
    path("clusters/<str:slug>/edit/", views.cluster_edit, name="cluster-edit"),
    path("clusters/<str:slug>/manage/", views.cluster_manage, name="cluster-manage"),
    path("clusters/<str:slug>/manage/invite/", views.cluster_invite, name="cluster-invite"),
    path("clusters/<str:slug>/manage/imports/", views.member_imports, name="cluster-imports"),
    path(
        "clusters/<str:slug>/manage/imports/template.csv",
        views.member_import_template,
        name="cluster-import-template",
    ),
    path(
        "clusters/<str:slug>/manage/imports/<int:pk>/",
        views.member_import_detail,
        name="cluster-import-detail",
    ),
    path(
        "clusters/<str:slug>/manage/imports/<int:pk>/apply/",
        views.member_import_apply,
        name="cluster-import-apply",
    ),
    path(
        "clusters/<str:slug>/manage/imports/<int:pk>/report.csv",
        views.member_import_report_csv,
        name="cluster-import-report",
    ),
    path(
        "clusters/<str:slug>/manage/managers/<str:action>/",
        views.cluster_manager_change,
        name="cluster-manager-change",
    ),
    path(
        "clusters/<str:slug>/manage/members/<int:pk>/<str:action>/",
        views.membership_manager_action,
        name="cluster-membership-action",
    ),
    path("my-clusters/", views.my_clusters, name="my-clusters"),
    path("my-clusters/<int:pk>/accept/", views.membership_accept, name="my-membership-accept"),
    path("my-clusters/<int:pk>/consent/", views.membership_consent, name="my-membership-consent"),
    path(
        "my-clusters/<int:pk>/<str:action>/",
        views.membership_member_action,
        name="my-membership-action",
    ),
]
