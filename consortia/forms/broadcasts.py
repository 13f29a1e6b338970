"""The form a manager sends a broadcast with.

It parses what the browser sends: the subject and text with the model's limits,
ids as numbers. Which request and which members may be named is checked by
``broadcast_send``, whose errors land on these fields (they carry the service's
argument names).
"""

from typing import Any, cast

from django import forms

from clusters.forms.fields import IdChoiceField, IdMultipleChoiceField
from clusters.models import Cluster
from companies.forms import ServiceCheckedChoiceField
from companies.models import User
from consortia.models import Broadcast
from consortia.models.broadcasts import BODY_LIMIT, SUBJECT_LIMIT
from consortia.selectors import broadcast_active_members, broadcastable_requests
from consortia.services.broadcasts import NO_SUCH_REQUEST, NOT_MEMBERSHIP_IDS

__all__ = ["BroadcastForm"]


class BroadcastForm(forms.Form):
    request_id = IdChoiceField(
        label="Open request",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": NO_SUCH_REQUEST},
        help_text="A public open request to point the members at; optional with a message.",
    )
    # The model's limits are checked by the service with the request and the members, so
    # that a manager sees every problem of the form at once; the boxes still stop typing.
    subject = forms.CharField(
        label="Subject",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": SUBJECT_LIMIT}),
        help_text=f"Up to {SUBJECT_LIMIT} characters; the request's title when left empty.",
    )
    body = forms.CharField(
        label="Message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_LIMIT}),
        help_text=f"Up to {BODY_LIMIT} characters.",
    )
    audience = ServiceCheckedChoiceField(
        label="Send to",
        choices=Broadcast.Audience.choices,
        initial=Broadcast.Audience.ALL,
        widget=forms.RadioSelect,
    )
    recipient_ids = IdMultipleChoiceField(
        label="Chosen members",
        required=False,
        coerce=int,
        error_messages={"invalid_choice": NOT_MEMBERSHIP_IDS},
        widget=forms.CheckboxSelectMultiple,
        help_text="Only with “Chosen members”. Suspended and former members receive nothing.",
    )

    def __init__(self, *args: Any, cluster: Cluster, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requests = broadcastable_requests(user=user)
        cast(forms.ChoiceField, self.fields["request_id"]).choices = [
            ("", "No request: a message only")
        ] + [
            (str(r.pk), f"{r.title} · {r.buyer.legal_name} · closes {r.deadline:%d %b %Y}")
            for r in requests
        ]
        cast(forms.ChoiceField, self.fields["recipient_ids"]).choices = [
            (str(m.pk), m.supplier.legal_name if m.supplier else m.invited_email)
            for m in broadcast_active_members(cluster=cluster)
        ]
