"""Forms of the cluster pages.

Forms parse what a browser sends, with the limits and formats of the model fields
they fill (``model_formfield``); the rules (known codes, who may do what, what a
membership may become) are the service's, whose errors are shown next to the fields
here, which carry the service's argument names.
"""

from typing import Any, cast

from django import forms

from clusters.forms.fields import model_formfield
from clusters.models import Cluster, ClusterMembership, MembershipEvent
from companies import geography
from companies.forms import (
    BLANK_CHOICE,
    PROVINCES_URL,
    CodeListField,
    ServiceCheckedChoiceField,
)


def _set_province_choices(form: forms.Form) -> None:
    country = (form.data.get("country") if form.is_bound else None) or form.initial.get(
        "country", ""
    )
    subdivisions = geography.subdivisions_of(country) if country else []
    province = form.fields["province"]
    cast(forms.Select, province.widget).choices = BLANK_CHOICE + [
        (code, f"{name} ({kind})") for code, name, kind in subdivisions
    ]
    province.widget.attrs["data-provinces-url"] = PROVINCES_URL


class ClusterForm(forms.Form):
    """Propose a cluster, or change one: the same fields either way."""

    name = model_formfield(
        Cluster, "name", label="Cluster name", help_text="For example: Tiruppur Knitwear Cluster."
    )
    country = ServiceCheckedChoiceField(label="Country")
    province = forms.CharField(
        label="Province or region",
        required=False,
        widget=forms.Select(attrs={"data-province-for": "id_country"}),
    )
    sector = CodeListField(
        taxonomy="isic",
        multiple=False,
        required=True,
        label="Sector (ISIC Rev. 4)",
        help_text="The cluster's main activity, e.g. 1430 knitted and crocheted apparel.",
    )
    main_products = CodeListField(
        taxonomy="hs", label="Main products (HS codes)", help_text="Comma-separated, e.g. 611030."
    )
    description = model_formfield(
        Cluster, "description", label="Description", widget=forms.Textarea(attrs={"rows": 6})
    )
    # A text box: whether it is a web address the model says, in its own words.
    website = model_formfield(
        Cluster, "website", form_class=forms.CharField, label="Website", help_text=""
    )
    founded = model_formfield(Cluster, "founded", label="Founded (year)", help_text="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = (
            BLANK_CHOICE + geography.country_choices()
        )
        _set_province_choices(self)

    @classmethod
    def initial_for(cls, cluster: Cluster) -> dict[str, Any]:
        return {
            "name": cluster.name,
            "country": cluster.country,
            "province": cluster.province,
            "sector": cluster.sector_id,
            "main_products": [c.code for c in cluster.main_products.all()],
            "description": cluster.description,
            "website": cluster.website,
            "founded": cluster.founded,
        }


class ConsentForm(forms.Form):
    listed_publicly = forms.BooleanField(
        label="List our firm on the cluster's public page",
        required=False,
        help_text="Buyers see the firm's name and its share of the cluster's capabilities.",
    )
    share_contacts = forms.BooleanField(
        label="Let the cluster's managers see our contact people",
        required=False,
        help_text="So that they can reach you about opportunities.",
    )


class ApplyForm(ConsentForm):
    message = model_formfield(
        ClusterMembership,
        "message",
        label="Message to the managers",
        help_text="",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InviteForm(forms.Form):
    """Invite a registered SME (by profile address or exact name) or an e-mail address."""

    supplier = forms.CharField(
        label="Registered SME",
        required=False,
        help_text="Its profile address or its exact legal name.",
    )
    email = model_formfield(
        ClusterMembership,
        "invited_email",
        label="Or the e-mail address of a firm not registered yet",
        help_text="The invitation waits for the firm to sign up with this address.",
    )
    message = model_formfield(
        ClusterMembership,
        "message",
        label="Message",
        help_text="",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    note = model_formfield(MembershipEvent, "note", label="Reason or remark", help_text="")


class ManagerForm(forms.Form):
    user = forms.EmailField(label="E-mail address of a colleague")


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Cluster.Status.APPROVED, "Approve"), (Cluster.Status.REJECTED, "Reject")]
    )
    note = model_formfield(Cluster, "review_note", label="Reason", help_text="")


class ClusterFilterForm(forms.Form):
    text = forms.CharField(label="Search", required=False, max_length=100)
    country = forms.ChoiceField(label="Country", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", "Any country"),
            *geography.country_choices(),
        ]
