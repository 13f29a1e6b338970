"""The form a manager sends a broadcast with.

It only parses what the browser sends: which request, which members, and every
length limit are checked by ``broadcast_send``, whose errors land on these
fields (they carry the service's argument names).
"""

from typing import Any

from django import forms

from clusters.models import Cluster
from companies.forms import ServiceCheckedChoiceField, ServiceCheckedMultipleChoiceField
from companies.models import User
from consortia.models import Broadcast
from consortia.models.broadcasts import BODY_LIMIT, SUBJECT_LIMIT
from consortia.selectors import broadcast_active_members, broadcastable_requests

__all__ = ["BroadcastForm"]


class BroadcastForm(forms.Form):
    request_id = ServiceCheckedChoiceField(
        label="Open request",
        required=False,
        help_text="A public open request to point the members at; optional with a message.",
    )
    subject = forms.CharField(
        label="Subject",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": SUBJECT_LIMIT}),
        help_text=f"Up to {SUBJECT_LIMIT} characters; the request's title when left empty.",
    )
    body = forms.CharField(
        label="Message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_LIMIT}),
        help_text=f"Up to {BODY_LIMIT} characters.",
    )
    audience = ServiceCheckedChoiceField(
        label="Send to",
        choices=Broadcast.Audience.choices,
        initial=Broadcast.Audience.ALL,
        widget=forms.RadioSelect,
    )
    recipient_ids = ServiceCheckedMultipleChoiceField(
        label="Chosen members",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only with “Chosen members”. Suspended and former members receive nothing.",
    )

    def __init__(self, *args: Any, cluster: Cluster, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requests = broadcastable_requests(user=user)
        self.fields["request_id"].choices = [("", "No request: a message only")] + [
            (str(r.pk), f"{r.title} · {r.buyer.legal_name} · closes {r.deadline:%d %b %Y}")
            for r in requests
        ]
        self.fields["recipient_ids"].choices = [
            (str(m.pk), m.supplier.legal_name) for m in broadcast_active_members(cluster=cluster)
        ]
