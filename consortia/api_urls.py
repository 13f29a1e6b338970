"""Routes of the consortia app."""

from django.urls import path

from consortia import api

urlpatterns = [
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
]
