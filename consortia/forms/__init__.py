"""The consortia app's forms: consortia of cluster members, and broadcasts of
opportunities to members."""

from consortia.forms.broadcasts import (
    BroadcastForm,
)
from consortia.forms.consortia import (
    ConsortiumDeclineForm,
    ConsortiumEditForm,
    ConsortiumWithdrawForm,
)

__all__ = [
    "BroadcastForm",
    "ConsortiumDeclineForm",
    "ConsortiumEditForm",
    "ConsortiumWithdrawForm",
]
