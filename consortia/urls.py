"""Routes of the consortia app."""

from django.urls import path

from consortia import views

urlpatterns = [
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
    path("my-clusters/broadcasts/", views.my_broadcast_list, name="my-broadcasts"),
    path(
        "my-clusters/broadcasts/<int:pk>/",
        views.my_broadcast_detail,
        name="my-broadcast-detail",
    ),
]
