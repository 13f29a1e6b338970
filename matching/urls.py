"""Pages of sourcing requests, supplier search, saved searches and notifications."""

from django.urls import path

from matching import views

urlpatterns = [
    # Sourcing requests
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request-edit"),
    path("requests/<int:pk>/open/", views.request_open, name="request-open"),
    path("requests/<int:pk>/close/", views.request_close, name="request-close"),
    path(
        "requests/<int:pk>/linkages/<int:linkage_pk>/award/",
        views.linkage_award,
        name="request-linkage-award",
    ),
    path("open-requests/", views.open_requests, name="open-requests"),
    # Supplier search
    path("suppliers/search/", views.supplier_search, name="supplier-search"),
    path("saved-searches/", views.saved_search_list, name="saved-search-list"),
    path("saved-searches/new/", views.saved_search_create, name="saved-search-create"),
    path("saved-searches/<int:pk>/delete/", views.saved_search_delete, name="saved-search-delete"),
    # Proposals and linkages
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal-accept"),
    path("proposals/<int:pk>/decline/", views.proposal_decline, name="proposal-decline"),
    path("proposals/invite/", views.proposal_invite, name="proposal-invite"),
    path("near-misses/", views.near_miss_list, name="near-miss-list"),
    # Match runs (staff)
    path("match-runs/", views.match_run_list, name="match-run-list"),
    path("match-runs/start/", views.match_run_start, name="match-run-start"),
    path("match-runs/<int:pk>/", views.match_run_detail, name="match-run-detail"),
]
