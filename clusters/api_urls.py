"""Routes of the clusters API, mounted at /api/v1/ in the "api" namespace."""

from django.urls import path

from clusters import api

urlpatterns = [
    # Clusters
    path("clusters/", api.ClusterListApi.as_view(), name="cluster-list"),
    path("clusters/managed/", api.ClusterManagedListApi.as_view(), name="cluster-managed-list"),
    path("clusters/<int:cluster_id>/", api.ClusterDetailApi.as_view(), name="cluster-detail"),
    path(
        "clusters/<int:cluster_id>/managers/",
        api.ClusterManagerApi.as_view(),
        name="cluster-managers",
    ),
    path(
        "staff/clusters/<int:cluster_id>/review/",
        api.StaffClusterReviewApi.as_view(),
        name="staff-cluster-review",
    ),
    # Memberships, managers' side
    path(
        "clusters/<int:cluster_id>/members/",
        api.ClusterMemberListApi.as_view(),
        name="cluster-member-list",
    ),
    path(
        "clusters/<int:cluster_id>/invitations/",
        api.ClusterInviteApi.as_view(),
        name="cluster-invite",
    ),
    path(
        "memberships/<int:membership_id>/approve/",
        api.MembershipApproveApi.as_view(),
        name="membership-approve",
    ),
    path(
        "memberships/<int:membership_id>/refuse/",
        api.MembershipRefuseApi.as_view(),
        name="membership-refuse",
    ),
    path(
        "memberships/<int:membership_id>/suspend/",
        api.MembershipSuspendApi.as_view(),
        name="membership-suspend",
    ),
    path(
        "memberships/<int:membership_id>/reinstate/",
        api.MembershipReinstateApi.as_view(),
        name="membership-reinstate",
    ),
    path(
        "memberships/<int:membership_id>/remove/",
        api.MembershipRemoveApi.as_view(),
        name="membership-remove",
    ),
    # Broadcasts
    # Analytics
    # Member imports
    path(
        "clusters/<int:cluster_id>/imports/",
        api.ClusterImportListApi.as_view(),
        name="cluster-import-list",
    ),
    path(
        "clusters/<int:cluster_id>/imports/<int:import_id>/",
        api.ClusterImportDetailApi.as_view(),
        name="cluster-import-detail",
    ),
    path(
        "clusters/<int:cluster_id>/imports/<int:import_id>/apply/",
        api.ClusterImportApplyApi.as_view(),
        name="cluster-import-apply",
    ),
    # Consortia: managers, then the buyer and the members
    # Memberships, SMEs' side
    path("clusters/<int:cluster_id>/apply/", api.ClusterApplyApi.as_view(), name="cluster-apply"),
    path("memberships/", api.MyMembershipListApi.as_view(), name="membership-list"),
    path(
        "memberships/<int:membership_id>/accept/",
        api.MembershipAcceptApi.as_view(),
        name="membership-accept",
    ),
    path(
        "memberships/<int:membership_id>/decline/",
        api.MembershipDeclineApi.as_view(),
        name="membership-decline",
    ),
    path(
        "memberships/<int:membership_id>/leave/",
        api.MembershipLeaveApi.as_view(),
        name="membership-leave",
    ),
    path(
        "memberships/<int:membership_id>/consent/",
        api.MembershipConsentApi.as_view(),
        name="membership-consent",
    ),
    path(
        "memberships/<int:membership_id>/events/",
        api.MembershipEventListApi.as_view(),
        name="membership-events",
    ),
]
