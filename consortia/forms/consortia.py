"""Forms of the consortium pages: a manager's edit, a withdrawal, a party's decline.

They parse what a browser sends; the rules (2 to 5 active members of the
cluster, the lead one of them, a decline names a reason) are the services', so
their messages are the ones shown next to the fields.
"""

from typing import Any

from django import forms

from companies.forms import (
    BLANK_CHOICE,
    ServiceCheckedChoiceField,
    ServiceCheckedMultipleChoiceField,
)
from consortia.models.consortia import DeclineReason
from consortia.services.consortia import CONSORTIUM_NOTE_LIMIT

__all__ = ["ConsortiumDeclineForm", "ConsortiumEditForm", "ConsortiumWithdrawForm"]


class ConsortiumEditForm(forms.Form):
    members = ServiceCheckedMultipleChoiceField(
        label="Members",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Two to five active members of the cluster.",
    )
    lead = ServiceCheckedChoiceField(
        label="Lead member",
        required=False,
        help_text="The lead speaks for the consortium to the buyer; needed to propose it.",
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = list(choices)
        self.fields["lead"].choices = BLANK_CHOICE + list(choices)

    def service_arguments(self) -> dict[str, Any]:
        return {"members": self.cleaned_data["members"], "lead": self.cleaned_data["lead"] or None}


class ConsortiumWithdrawForm(forms.Form):
    note = forms.CharField(
        label="Why (told to the buyer and the members)", required=False, max_length=255
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
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": CONSORTIUM_NOTE_LIMIT}),
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data["note"]}
