"""The consortia app's services: consortia of cluster members, and broadcasts of
opportunities to members."""

from consortia.services.broadcasts import (
    DELIVERY_BATCH,
    RECIPIENT_LIMIT,
    broadcast_deliver,
    broadcast_mark_read,
    broadcast_send,
)
from consortia.services.consortia import (
    COMPETITION_NOTICE,
    consortia_close_for_requests,
    consortia_propose_for_request,
    consortia_return_for_membership,
    consortium_decide,
    consortium_propose,
    consortium_update,
    consortium_withdraw,
)

__all__ = [
    "COMPETITION_NOTICE",
    "DELIVERY_BATCH",
    "RECIPIENT_LIMIT",
    "broadcast_deliver",
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
