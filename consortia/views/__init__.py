"""The consortia app's views: consortia of cluster members, and broadcasts of
opportunities to members."""

from consortia.views.broadcasts import (
    broadcast_detail,
    broadcast_list,
    broadcast_new,
    my_broadcast_detail,
    my_broadcast_list,
)
from consortia.views.consortia import (
    ConsortiumRow,
    consortium_accept,
    consortium_decline,
    consortium_detail,
    consortium_row,
    manager_consortium_detail,
    manager_consortium_list,
    manager_consortium_propose,
    manager_consortium_withdraw,
)

__all__ = [
    "ConsortiumRow",
    "broadcast_detail",
    "broadcast_list",
    "broadcast_new",
    "consortium_accept",
    "consortium_decline",
    "consortium_detail",
    "consortium_row",
    "manager_consortium_detail",
    "manager_consortium_list",
    "manager_consortium_propose",
    "manager_consortium_withdraw",
    "my_broadcast_detail",
    "my_broadcast_list",
]
