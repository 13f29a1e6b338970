"""The consortia app's models: consortia of cluster members, and broadcasts of
opportunities to members."""

from consortia.models.broadcasts import (
    BODY_LIMIT,
    SUBJECT_LIMIT,
    Broadcast,
    BroadcastRecipient,
)
from consortia.models.consortia import (
    Consortium,
    ConsortiumMember,
    DeclineReason,
)

__all__ = [
    "BODY_LIMIT",
    "Broadcast",
    "BroadcastRecipient",
    "Consortium",
    "ConsortiumMember",
    "DeclineReason",
    "SUBJECT_LIMIT",
]
