"""Forms of the proposal pages: a side's decision, and a buyer's invitation from search.

Forms parse what a browser sends; the rules (a decline names a reason from the
list, a proposal is answered once, only open requests take invitations) are the
services', so their messages are the ones shown next to the fields.
"""

from typing import Any

from django import forms

from companies.forms import BLANK_CHOICE, ServiceCheckedChoiceField
from engine.matcher import FACTOR_LABELS
from matching.models import Proposal
from matching.services.proposals import NOTE_LIMIT


class DeclineForm(forms.Form):
    reason = ServiceCheckedChoiceField(
        label="Why do you decline?",
        choices=BLANK_CHOICE + list(Proposal.DeclineReason.choices),
        required=False,
        help_text="Your answer teaches the matcher what to propose next time.",
    )
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_LIMIT}),
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data["note"]}


class InviteForm(forms.Form):
    """Which of the buyer's open requests to invite a supplier to.

    The request choices are the buyer's own open requests; the supplier is checked
    by the view (it must be an SME supplier) and by the service.
    """

    request = forms.TypedChoiceField(label="Invite to request", coerce=int, choices=())
    supplier = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, open_requests: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request"].choices = [(r.pk, r.title) for r in open_requests]


def decision_open(proposal: Proposal, side: str | None) -> bool:
    """Whether this side may still accept or decline: pending, and not yet answered by it."""
    if side is None or proposal.status != Proposal.Status.PENDING:
        return False
    return getattr(proposal, f"{side}_decision") == Proposal.Decision.PENDING


def factor_rows(breakdown: dict[str, float]) -> list[dict[str, Any]]:
    """Each factor of a score with its label and a percentage, in the engine's order."""
    rows = []
    for factor, label in FACTOR_LABELS.items():
        value = float(breakdown.get(factor, 0.0) or 0.0)
        value = min(max(value, 0.0), 1.0)
        rows.append(
            {"factor": factor, "label": label, "value": value, "percent": round(value * 100)}
        )
    return rows
