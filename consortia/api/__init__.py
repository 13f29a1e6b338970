"""The consortia app's api: consortia of cluster members, and broadcasts of
opportunities to members."""

from consortia.api.broadcasts import (
    ClusterBroadcastDetailApi,
    ClusterBroadcastListApi,
    MyBroadcastDetailApi,
    MyBroadcastListApi,
    MyBroadcastReadApi,
)
from consortia.api.consortia import (
    ClusterConsortiumDetailApi,
    ClusterConsortiumListApi,
    ClusterConsortiumProposeApi,
    ClusterConsortiumWithdrawApi,
    ConsortiumAcceptApi,
    ConsortiumDeclineApi,
    ConsortiumDetailApi,
    ConsortiumListApi,
    RequestConsortiumListApi,
)

__all__ = [
    "ClusterBroadcastDetailApi",
    "ClusterBroadcastListApi",
    "ClusterConsortiumDetailApi",
    "ClusterConsortiumListApi",
    "ClusterConsortiumProposeApi",
    "ClusterConsortiumWithdrawApi",
    "ConsortiumAcceptApi",
    "ConsortiumDeclineApi",
    "ConsortiumDetailApi",
    "ConsortiumListApi",
    "MyBroadcastDetailApi",
    "MyBroadcastListApi",
    "MyBroadcastReadApi",
    "RequestConsortiumListApi",
]
