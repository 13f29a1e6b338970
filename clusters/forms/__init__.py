"""The clusters app's forms: clusters and their managers, memberships, member imports."""

from clusters.forms.imports import (
    MemberImportForm,
)
from clusters.forms.memberships import (
    ApplyForm,
    ClusterFilterForm,
    ClusterForm,
    ConsentForm,
    InviteForm,
    ManagerForm,
    NoteForm,
    ReviewForm,
)

__all__ = [
    "ApplyForm",
    "ClusterFilterForm",
    "ClusterForm",
    "ConsentForm",
    "InviteForm",
    "ManagerForm",
    "MemberImportForm",
    "NoteForm",
    "ReviewForm",
]
