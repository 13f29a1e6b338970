"""The clusters API: clusters and their managers, memberships, member imports."""

from clusters.api.clusters import (
    ClusterDetailApi,
    ClusterListApi,
    ClusterManagedListApi,
    ClusterManagerApi,
    StaffClusterReviewApi,
)
from clusters.api.fields import (
    IdListField,
    OptionalIdField,
    model_charfield,
)
from clusters.api.imports import (
    ClusterImportApplyApi,
    ClusterImportDetailApi,
    ClusterImportListApi,
)
from clusters.api.memberships import (
    ClusterApplyApi,
    ClusterInviteApi,
    ClusterMemberListApi,
    MembershipAcceptApi,
    MembershipApproveApi,
    MembershipConsentApi,
    MembershipDeclineApi,
    MembershipEventListApi,
    MembershipLeaveApi,
    MembershipRefuseApi,
    MembershipReinstateApi,
    MembershipRemoveApi,
    MembershipSuspendApi,
    MyMembershipListApi,
)

__all__ = [
    "ClusterApplyApi",
    "ClusterDetailApi",
    "ClusterImportApplyApi",
    "ClusterImportDetailApi",
    "ClusterImportListApi",
    "ClusterInviteApi",
    "ClusterListApi",
    "ClusterManagedListApi",
    "ClusterManagerApi",
    "ClusterMemberListApi",
    "IdListField",
    "MembershipAcceptApi",
    "MembershipApproveApi",
    "MembershipConsentApi",
    "MembershipDeclineApi",
    "MembershipEventListApi",
    "MembershipLeaveApi",
    "MembershipRefuseApi",
    "MembershipReinstateApi",
    "MembershipRemoveApi",
    "MembershipSuspendApi",
    "MyMembershipListApi",
    "OptionalIdField",
    "StaffClusterReviewApi",
    "model_charfield",
]
