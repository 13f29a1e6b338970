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
    path(
        "clusters/<str:slug>/manage/broadcasts/",
        views.broadcast_list,
        name="cluster-broadcasts",
    ),
    path(
        "clusters/<str:slug>/manage/broadcasts/new/",
        views.broadcast_new,
        name="cluster-broadcast-new",
    ),
    path(
        "clusters/<str:slug>/manage/broadcasts/<int:pk>/",
        views.broadcast_detail,
        name="cluster-broadcast-detail",
    ),
    path(
        "clusters/<str:slug>/manage/analytics/",
        views.cluster_analytics,
        name="cluster-analytics",
    ),
    path(
        "clusters/<str:slug>/manage/analytics/<str:table>.csv",
        views.cluster_analytics_csv,
        name="cluster-analytics-csv",
    ),
    path(
        "clusters/<str:slug>/manage/consortia/",
        views.manager_consortium_list,
        name="cluster-consortium-list",
    ),
    path(
        "clusters/<str:slug>/manage/consortia/<int:pk>/",
        views.manager_consortium_detail,
        name="cluster-consortium-detail",
    ),
    path(
        "clusters/<str:slug>/manage/consortia/<int:pk>/propose/",
        views.manager_consortium_propose,
        name="cluster-consortium-propose",
    ),
    path(
        "clusters/<str:slug>/manage/consortia/<int:pk>/withdraw/",
        views.manager_consortium_withdraw,
        name="cluster-consortium-withdraw",
    ),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium-detail"),
    path("consortia/<int:pk>/accept/", views.consortium_accept, name="consortium-accept"),
    path("consortia/<int:pk>/decline/", views.consortium_decline, name="consortium-decline"),
    path("my-clusters/", views.my_clusters, name="my-clusters"),
    path("my-clusters/broadcasts/", views.my_broadcast_list, name="my-broadcasts"),
    path(
        "my-clusters/broadcasts/<int:pk>/",
        views.my_broadcast_detail,
        name="my-broadcast-detail",
    ),
    path("my-clusters/<int:pk>/accept/", views.membership_accept, name="my-membership-accept"),
    path("my-clusters/<int:pk>/consent/", views.membership_consent, name="my-membership-consent"),
    path(
        "my-clusters/<int:pk>/<str:action>/",
        views.membership_member_action,
        name="my-membership-action",
    ),
]
