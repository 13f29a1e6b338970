"""Writes of the consortia app: the matcher's drafts, managers' edits and everyone's
answers; broadcasts."""

from consortia.services.broadcasts import (
    DELIVERY_BATCH,
    NO_SUCH_REQUEST,
    NOT_MEMBERSHIP_IDS,
    RECIPIENT_LIMIT,
    broadcast_deliver,
    broadcast_fail,
    broadcast_mark_read,
    broadcast_send,
)
from consortia.services.consortia import (
    COMPETITION_NOTICE,
    LEAD_NOT_AN_ID,
    consortium_decide,
    consortium_propose,
    consortium_update,
    consortium_withdraw,
)
from consortia.services.drafts import (
    CLOSED_REASON,
    MATCHER_WITHDRAWN_REASON,
    consortia_close_for_requests,
    consortia_propose_for_request,
    consortia_return_for_membership,
)

__all__ = [
    "CLOSED_REASON",
    "COMPETITION_NOTICE",
    "DELIVERY_BATCH",
    "LEAD_NOT_AN_ID",
    "MATCHER_WITHDRAWN_REASON",
    "NOT_MEMBERSHIP_IDS",
    "NO_SUCH_REQUEST",
    "RECIPIENT_LIMIT",
    "broadcast_deliver",
    "broadcast_fail",
    "broadcast_mark_read",
    "broadcast_send",
    "consortia_close_for_requests",
    "consortia_propose_for_request",
    "consortia_return_for_membership",
    "consortium_decide",
    "consortium_propose",
    "consortium_update",
    "consortium_withdraw",
]
