"""The matching API: sourcing requests, supplier search, proposals, match runs."""

from matching.api.proposals import (
    NearMissListApi,
    ProposalAcceptApi,
    ProposalDeclineApi,
    ProposalDetailApi,
    ProposalListApi,
    RequestInvitationApi,
    RequestNearMissListApi,
)
from matching.api.requests import (
    LinkageAwardApi,
    OpenRequestListApi,
    RequestCloseApi,
    RequestDetailApi,
    RequestListApi,
    RequestOpenApi,
)
from matching.api.runs import (
    MatchRunDetailApi,
    MatchRunListApi,
)
from matching.api.search import (
    SavedSearchDetailApi,
    SavedSearchListApi,
    SupplierSearchApi,
)

__all__ = [
    "LinkageAwardApi",
    "MatchRunDetailApi",
    "MatchRunListApi",
    "NearMissListApi",
    "OpenRequestListApi",
    "ProposalAcceptApi",
    "ProposalDeclineApi",
    "ProposalDetailApi",
    "ProposalListApi",
    "RequestCloseApi",
    "RequestDetailApi",
    "RequestInvitationApi",
    "RequestListApi",
    "RequestNearMissListApi",
    "RequestOpenApi",
    "SavedSearchDetailApi",
    "SavedSearchListApi",
    "SupplierSearchApi",
]
