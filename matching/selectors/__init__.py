"""Reads of the matching app: requests, proposals, saved searches, match runs.

Each read takes the acting user where visibility depends on it, so who may see what
is decided here and nowhere else.
"""

from matching.selectors.proposals import (
    ContactsWithheld,
    Counterpart,
    factor_rows,
    linkage_get_for_buyer,
    near_misses_for_request,
    near_misses_for_supplier,
    proposal_contacts_withheld,
    proposal_counterpart,
    proposal_get_visible,
    proposal_list_visible_to,
    proposals_for_request,
    proposals_for_supplier,
    public_linkages_of_cluster,
    request_linkages,
)
from matching.selectors.requests import (
    AnyUser,
    RequestFit,
    filter_by_effective_status,
    open_requests_for_supplier,
    request_fit,
    request_fit_for_supplier,
    request_get_editable,
    request_get_visible,
    request_list_filtered,
    request_list_visible_to,
    subregion_names,
    suppliers_of_managed_clusters,
    wanted_countries,
)
from matching.selectors.runs import (
    match_run_get,
    match_runs,
)
from matching.selectors.search import (
    saved_search_filters,
    saved_search_get,
    saved_search_list,
    saved_search_params,
)

__all__ = [
    "ContactsWithheld",
    "AnyUser",
    "Counterpart",
    "factor_rows",
    "filter_by_effective_status",
    "linkage_get_for_buyer",
    "match_run_get",
    "match_runs",
    "near_misses_for_request",
    "near_misses_for_supplier",
    "open_requests_for_supplier",
    "proposal_contacts_withheld",
    "proposal_counterpart",
    "proposal_get_visible",
    "proposal_list_visible_to",
    "proposals_for_request",
    "proposals_for_supplier",
    "public_linkages_of_cluster",
    "request_fit",
    "request_fit_for_supplier",
    "request_get_editable",
    "request_get_visible",
    "request_linkages",
    "request_list_filtered",
    "request_list_visible_to",
    "RequestFit",
    "saved_search_filters",
    "saved_search_get",
    "saved_search_list",
    "saved_search_params",
    "subregion_names",
    "suppliers_of_managed_clusters",
    "wanted_countries",
]
