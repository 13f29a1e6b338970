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
    path(
        "clusters/<int:cluster_id>/broadcasts/",
        api.ClusterBroadcastListApi.as_view(),
        name="cluster-broadcast-list",
    ),
    path(
        "clusters/<int:cluster_id>/broadcasts/<int:broadcast_id>/",
        api.ClusterBroadcastDetailApi.as_view(),
        name="cluster-broadcast-detail",
    ),
    path("broadcasts/", api.MyBroadcastListApi.as_view(), name="broadcast-list"),
    path(
        "broadcasts/<int:broadcast_id>/",
        api.MyBroadcastDetailApi.as_view(),
        name="broadcast-detail",
    ),
    path(
        "broadcasts/<int:broadcast_id>/read/",
        api.MyBroadcastReadApi.as_view(),
        name="broadcast-read",
    ),
    # Analytics
    path(
        "clusters/<int:cluster_id>/analytics/",
        api.ClusterAnalyticsApi.as_view(),
        name="cluster-analytics",
    ),
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
    path(
        "clusters/<int:cluster_id>/consortia/",
        api.ClusterConsortiumListApi.as_view(),
        name="cluster-consortium-list",
    ),
    path(
        "clusters/<int:cluster_id>/consortia/<int:pk>/",
        api.ClusterConsortiumDetailApi.as_view(),
        name="cluster-consortium-detail",
    ),
    path(
        "clusters/<int:cluster_id>/consortia/<int:pk>/propose/",
        api.ClusterConsortiumProposeApi.as_view(),
        name="cluster-consortium-propose",
    ),
    path(
        "clusters/<int:cluster_id>/consortia/<int:pk>/withdraw/",
        api.ClusterConsortiumWithdrawApi.as_view(),
        name="cluster-consortium-withdraw",
    ),
    path("consortia/", api.ConsortiumListApi.as_view(), name="consortium-list"),
    path("consortia/<int:pk>/", api.ConsortiumDetailApi.as_view(), name="consortium-detail"),
    path("consortia/<int:pk>/accept/", api.ConsortiumAcceptApi.as_view(), name="consortium-accept"),
    path(
        "consortia/<int:pk>/decline/",
        api.ConsortiumDeclineApi.as_view(),
        name="consortium-decline",
    ),
    path(
        "requests/<int:pk>/consortia/",
        api.RequestConsortiumListApi.as_view(),
        name="request-consortium-list",
    ),
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
