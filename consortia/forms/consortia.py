"""Forms of the consortium pages: a manager's edit, a withdrawal, a party's decline.

They parse what a browser sends (ids as numbers, the model's lengths); the rules
(2 to 5 active members of the cluster, the lead one of them, a decline names a
reason) are the services', so their messages are the ones shown next to the fields.
"""

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from clusters.forms.fields import IdChoiceField, IdMultipleChoiceField
from companies.forms import BLANK_CHOICE, ServiceCheckedChoiceField
from consortia.models import Consortium, ConsortiumMember
from consortia.models.consortia import DeclineReason
from consortia.services.consortia import LEAD_NOT_AN_ID

__all__ = ["ConsortiumDeclineForm", "ConsortiumEditForm", "ConsortiumWithdrawForm"]


class ConsortiumEditForm(forms.Form):
    members = IdMultipleChoiceField(
        label="Members",
        required=False,
        coerce=int,
        error_messages={"invalid_choice": "“%(value)s” is not a member id."},
        widget=forms.CheckboxSelectMultiple,
        help_text="Two to five active members of the cluster.",
    )
    lead = IdChoiceField(
        label="Lead member",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": LEAD_NOT_AN_ID},
        help_text="The lead speaks for the consortium to the buyer; needed to propose it.",
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["members"]).choices = list(choices)
        cast(forms.ChoiceField, self.fields["lead"]).choices = [*BLANK_CHOICE, *choices]

    def service_arguments(self) -> dict[str, Any]:
        return {"members": self.cleaned_data["members"], "lead": self.cleaned_data["lead"]}


class ConsortiumWithdrawForm(forms.Form):
    note = forms.CharField(
        label="Why (told to the buyer and the members)",
        required=False,
        max_length=Consortium._meta.get_field("status_reason").max_length,
    )


class ConsortiumDeclineForm(forms.Form):
    reason = ServiceCheckedChoiceField(
        label="Why do you decline?",
        choices=BLANK_CHOICE + list(DeclineReason.choices),
        required=False,
    )
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": ConsortiumMember._meta.get_field("note").max_length}
        ),
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data["note"]}
