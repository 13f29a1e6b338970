"""Forms of the sourcing pages.

Forms parse what a browser sends (types, the shape of a code list); every rule
(known codes, future deadline, volume above zero, known subregion) is checked by
the service the view calls, so its message is the one shown next to the field.
"""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db import models

from companies import geography, selectors
from companies.forms import (
    BLANK_CHOICE,
    CodeListField,
    ServiceCheckedChoiceField,
    ServiceCheckedMultipleChoiceField,
    describe_codes,
    split_codes,
)
from companies.models import HsCode, Unit
from matching import regions
from matching.models import Proposal, SavedSearch, SourcingRequest, max_length_of
from matching.search import FILTER_PARAMS, MAX_QUERY_LENGTH
from matching.services import RequestData
from matching.services.proposals import NOTE_LIMIT

# What a browser's datetime-local input sends; read in the user's time zone.
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

# Search parameters the supplier search takes besides the words; a saved search keeps them.
SEARCH_FILTER_PARAMS = tuple(FILTER_PARAMS.values())


def _scheme_choices() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in selectors.certification_scheme_list()]


def _subregion_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Subregions grouped by region (Asia, Oceania) for a grouped select."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for subregion in regions.subregions().values():
        grouped.setdefault(subregion.region, []).append((subregion.slug, subregion.name))
    return list(grouped.items())


def _request_field(name: str, **kwargs: Any) -> Any:
    """The model's own form field for a request field: its limit, choices and help text."""
    return cast(models.Field, SourcingRequest._meta.get_field(name)).formfield(**kwargs)


def _set_choices(form: forms.Form, name: str, choices: Sequence[Any]) -> None:
    """Choices read from the database when the form is made, not when the module loads."""
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class RequestForm(forms.Form):
    """Parses what the browser sends; the service checks it against the model and the rules."""

    title = _request_field(
        "title",
        label="Title",
        help_text="What you need, in a line: e.g. Organic cotton T-shirts, 10,000 a month.",
    )
    description = _request_field(
        "description",
        label="Description",
        help_text="Materials, finishing, packaging, quality expectations, anything suppliers "
        "should know.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    hs_codes = CodeListField(
        taxonomy="hs",
        label="Products (HS codes)",
        help_text="Type a product or an HS code and pick from the list; a heading (e.g. 6109) "
        "covers its subheadings.",
    )
    isic_codes = CodeListField(
        taxonomy="isic",
        label="Activities (ISIC codes)",
        help_text="Type an activity or an ISIC Rev. 4 code.",
    )
    required_certifications = ServiceCheckedMultipleChoiceField(
        label="Required certifications",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Suppliers must hold each, valid. Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    subregions = ServiceCheckedMultipleChoiceField(
        label="Wanted subregions",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 9}),
        help_text="UN M49 subregions of Asia and Oceania; each stands for all its countries.",
    )
    countries = ServiceCheckedMultipleChoiceField(
        label="Wanted countries",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Added to the subregions. Leave both empty to take suppliers from anywhere.",
    )
    # The model's limits are checked by the service, so that its message is the one shown.
    volume_per_month = _request_field(
        "volume_per_month", label="Volume per month", min_value=None, max_value=None
    )
    unit = _request_field("unit", label="Unit", help_text="")
    target_start = _request_field(
        "target_start", label="Target start", widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = _request_field(
        "deadline",
        label="Deadline for responses",
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
    )
    allow_consortium = _request_field(
        "allow_consortium",
        label="A consortium of cluster members may answer",
        help_text="Several SMEs of one cluster pooling capacity and certifications.",
    )
    visibility = _request_field("visibility", label="Visibility", widget=forms.RadioSelect)

    def __init__(self, *args: Any, time_zone_name: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "required_certifications", _scheme_choices())
        _set_choices(self, "subregions", _subregion_choices())
        _set_choices(self, "countries", geography.country_choices())
        _set_choices(self, "unit", BLANK_CHOICE + list(Unit.choices))
        self.fields[
            "deadline"
        ].help_text = f"Date and time in your time zone ({time_zone_name}); responses close then."

    @staticmethod
    def initial_for(request: SourcingRequest | None) -> dict[str, Any]:
        if request is None:
            return {
                "allow_consortium": True,
                "visibility": SourcingRequest.Visibility.PUBLIC,
            }
        return {
            "title": request.title,
            "description": request.description,
            "hs_codes": [c.code for c in request.hs_codes.all()],
            "isic_codes": [c.code for c in request.isic_codes.all()],
            "required_certifications": [s.code for s in request.required_certifications.all()],
            "subregions": list(request.subregions or []),
            "countries": list(request.countries or []),
            "volume_per_month": request.volume_per_month,
            "unit": request.unit,
            "target_start": request.target_start,
            "deadline": request.deadline,
            "allow_consortium": request.allow_consortium,
            "visibility": request.visibility,
        }

    def code_fields(self) -> dict[str, list[tuple[str, str]]]:
        """Codes currently in each code field, with their descriptions, for display."""
        out = {}
        for name in ("hs_codes", "isic_codes"):
            raw = self[name].value()
            codes = split_codes(raw) if isinstance(raw, str) else list(raw or [])
            out[name] = describe_codes(cast(CodeListField, self.fields[name]).taxonomy, codes)
        return out

    def service_data(self) -> RequestData:
        data = dict(self.cleaned_data)
        data["unit"] = data.get("unit") or ""
        return cast(RequestData, data)


class SupplierSearchForm(forms.Form):
    """Renders the search box and filters; the search module checks the values."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. organic cotton knitwear, เสื้อยืด"}
        ),
    )
    country = ServiceCheckedChoiceField(label="Country", required=False)
    subregion = ServiceCheckedChoiceField(label="Subregion", required=False)
    hs_code = CodeListField(
        taxonomy="hs",
        multiple=False,
        label="Product (HS code)",
        help_text="A heading finds suppliers of its subheadings.",
    )
    isic_code = CodeListField(taxonomy="isic", multiple=False, label="Activity (ISIC code)")
    certification = ServiceCheckedChoiceField(
        label="Certification", required=False, help_text="Held and valid."
    )
    min_capacity = forms.CharField(
        label="Minimum monthly capacity",
        required=False,
        widget=forms.NumberInput(attrs={"min": 0}),
    )
    unit = ServiceCheckedChoiceField(label="Unit", required=False)
    verified_only = forms.BooleanField(label="Verified suppliers only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "country", [("", "Any country")] + geography.country_choices())
        _set_choices(self, "subregion", [("", "Any subregion")] + _subregion_choices())
        _set_choices(self, "certification", [("", "Any")] + _scheme_choices())
        _set_choices(self, "unit", [("", "Any unit")] + list(Unit.choices))


SAVED_SEARCH_NAME_LIMIT = max_length_of(SavedSearch, "name")


class SavedSearchForm(forms.Form):
    name = cast(models.Field, SavedSearch._meta.get_field("name")).formfield(
        label="Name of this search",
        required=False,
        help_text="We tell you when a new supplier matches it.",
    )


class OpenRequestFilterForm(forms.Form):
    code = forms.CharField(
        label="HS or ISIC code",
        required=False,
        # The longest code of either catalogue is an HS subheading.
        max_length=HsCode._meta.get_field("code").max_length,
        help_text="A heading (e.g. 6109) finds requests for its subheadings.",
    )
    country = ServiceCheckedChoiceField(label="Takes suppliers from", required=False)
    certification = ServiceCheckedChoiceField(label="Requires", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "country", [("", "Any country")] + geography.country_choices())
        _set_choices(self, "certification", [("", "Any certification")] + _scheme_choices())


class RequestListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status")] + list(SourcingRequest.Status.choices),
    )


class DeclineForm(forms.Form):
    reason = ServiceCheckedChoiceField(
        label="Why do you decline?",
        choices=BLANK_CHOICE + list(Proposal.DeclineReason.choices),
        required=False,
        help_text="Your answer teaches the matcher what to propose next time.",
    )
    # The limit is the service's to check, so its message is the one shown.
    note = cast(models.Field, Proposal._meta.get_field("buyer_note")).formfield(
        label="Anything to add (optional)",
        max_length=None,
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

    def __init__(self, *args: Any, open_requests: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "request", [(r.pk, r.title) for r in open_requests])
