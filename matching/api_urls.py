"""Routes of the sourcing, search and notifications API, mounted at /api/v1/ ("api")."""

from django.urls import path

from matching import api

urlpatterns = [
    # Sourcing requests
    path("requests/", api.RequestListApi.as_view(), name="request-list"),
    path("requests/<int:pk>/", api.RequestDetailApi.as_view(), name="request-detail"),
    path("requests/<int:pk>/open/", api.RequestOpenApi.as_view(), name="request-open"),
    path("requests/<int:pk>/close/", api.RequestCloseApi.as_view(), name="request-close"),
    path(
        "requests/<int:pk>/linkages/<int:linkage_pk>/award/",
        api.LinkageAwardApi.as_view(),
        name="request-linkage-award",
    ),
    path("open-requests/", api.OpenRequestListApi.as_view(), name="open-request-list"),
    path(
        "requests/<int:pk>/near-misses/",
        api.RequestNearMissListApi.as_view(),
        name="request-near-miss-list",
    ),
    path(
        "requests/<int:pk>/invitations/",
        api.RequestInvitationApi.as_view(),
        name="request-invitation",
    ),
    # Proposals, near-misses and match runs
    path("proposals/", api.ProposalListApi.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", api.ProposalDetailApi.as_view(), name="proposal-detail"),
    path(
        "proposals/<int:pk>/accept/",
        api.ProposalAcceptApi.as_view(),
        name="proposal-accept",
    ),
    path(
        "proposals/<int:pk>/decline/",
        api.ProposalDeclineApi.as_view(),
        name="proposal-decline",
    ),
    path("near-misses/", api.NearMissListApi.as_view(), name="near-miss-list"),
    path("match-runs/", api.MatchRunListApi.as_view(), name="match-run-list"),
    path("match-runs/<int:pk>/", api.MatchRunDetailApi.as_view(), name="match-run-detail"),
    # Supplier search
    path("suppliers/search/", api.SupplierSearchApi.as_view(), name="supplier-search"),
    path("saved-searches/", api.SavedSearchListApi.as_view(), name="saved-search-list"),
    path(
        "saved-searches/<int:pk>/", api.SavedSearchDetailApi.as_view(), name="saved-search-detail"
    ),
]
