"""Forms of the organisation pages.

Forms only parse what a browser sends (types, required fields, the shape of a
comma-separated code list); every business rule is checked by the service the
view calls, so field names here are the service's argument and data names.
"""

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models

from companies import geography, selectors, services
from companies.models import (
    Certification,
    ContactPerson,
    HsCode,
    Invitation,
    IsicCode,
    Organisation,
    ProductLine,
    User,
)
from companies.services import NewProductLine, ProfileChanges
from companies.validation import normalise_code

HS_SEARCH_URL = "/api/v1/taxonomies/hs/"
ISIC_SEARCH_URL = "/api/v1/taxonomies/isic/"
PROVINCES_URL = "/api/v1/taxonomies/countries/{code}/provinces/"

BLANK_CHOICE = [("", "—")]


def model_form_field(model: type[models.Model], name: str, **overrides: Any) -> forms.CharField:
    """The form field of a model's text field: its limit, help text and the model's
    message for an over-long text come from the model."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field.")
    messages = {
        code: message
        for code, message in model_field.error_messages.items()
        if code == "max_length"
    }
    field = model_field.formfield(error_messages=messages, **overrides)
    if not isinstance(field, forms.CharField):
        raise TypeError(f"{model.__name__}.{name} is not a text field.")
    return field


def organisation_field(name: str, **overrides: Any) -> forms.CharField:
    return model_form_field(Organisation, name, **overrides)


def split_codes(raw: str) -> list[str]:
    """'610910, 6109 ;1410' -> ['610910', '6109', '1410'] (no checking: the service does)."""
    parts = (raw or "").replace(";", ",").replace("\n", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def describe_codes(kind: str, raw_codes: list[str]) -> list[tuple[str, str]]:
    """(code, description) for each code, so a form can show what a code means."""
    model = HsCode if kind == "hs" else IsicCode
    codes = [normalise_code(c) for c in raw_codes]
    known = dict(model.objects.filter(code__in=codes).values_list("code", "description"))
    return [(c, known.get(c, "")) for c in dict.fromkeys(codes)]


class CodeListField(forms.CharField):
    """Comma-separated HS or ISIC codes in a plain text box; the code picker fills it."""

    def __init__(self, *, taxonomy: str, multiple: bool = True, **kwargs: Any) -> None:
        self.taxonomy = taxonomy
        self.multiple = multiple
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "data-code-picker": taxonomy,
                    "data-search-url": HS_SEARCH_URL if taxonomy == "hs" else ISIC_SEARCH_URL,
                    "data-multiple": "true" if multiple else "false",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        codes = split_codes(super().to_python(value) or "")
        if self.multiple:
            return codes
        return codes[0] if codes else ""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(getattr(v, "code", v)) for v in value)
        return value


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, to fill its choices when the form is made."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field.")
    return field


class ServiceCheckedChoiceField(forms.ChoiceField):
    """A select whose value the service checks, so the service's message is the one shown."""

    def valid_value(self, value: Any) -> bool:
        return True


class ServiceCheckedMultipleChoiceField(forms.MultipleChoiceField):
    """A multi-select whose values the service checks (unknown codes name themselves)."""

    def valid_value(self, value: Any) -> bool:
        return True


class EmailAuthenticationForm(AuthenticationForm):
    """Log-in with the e-mail address (the user model's username field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            # The lockout refuses even the right password: say so, and for how long,
            # rather than that the password is wrong.
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(services.lockout_message(), code="locked_out") from None
            raise


class _PasswordPairMixin:
    """A password typed twice; the strength rules stay with the service."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        if (
            cleaned.get("password")
            and cleaned.get("password_confirm") is not None
            and cleaned["password"] != cleaned["password_confirm"]
        ):
            self.add_error("password_confirm", "The two passwords differ.")  # type: ignore[attr-defined]
        return cleaned


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label="Password",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text="At least 8 characters; not only digits, not a common password.",
        ),
        forms.CharField(
            label="Password again",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class SignupForm(_PasswordPairMixin, forms.Form):
    kind = forms.ChoiceField(
        label="I register",
        choices=[
            (Organisation.Kind.SUPPLIER, "an SME supplier: we make products"),
            (Organisation.Kind.BUYER, "a buyer: we source products"),
            (Organisation.Kind.CLUSTER_BODY, "a cluster body: we support a cluster of SMEs"),
        ],
        widget=forms.RadioSelect,
    )
    legal_name = organisation_field("legal_name", label="Organisation's legal name")
    local_name = organisation_field(
        "local_name",
        label="Name in local script",
        help_text="Optional, e.g. in Thai, Vietnamese or Chinese.",
    )
    country = ServiceCheckedChoiceField(label="Country")
    province = forms.CharField(
        label="Province or region",
        required=False,
        widget=forms.Select(attrs={"data-province-for": "id_country"}),
    )
    city = organisation_field("city", label="City")
    full_name = model_form_field(User, "full_name", label="Your name")
    email = forms.EmailField(
        label="Your e-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="You log in with it.",
    )
    password, password_confirm = _password_fields()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = BLANK_CHOICE + geography.country_choices()
        _set_province_choices(self, default_country="")

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("password_confirm", None)
        return data

    invitation_token = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput,
        help_text="The secret of the e-mailed invitation that led here, if any",
    )


def _set_province_choices(form: forms.Form, *, default_country: str) -> None:
    """Offer the provinces of the country chosen (submitted, else the saved one)."""
    country = (form.data.get("country") if form.is_bound else None) or form.initial.get(
        "country", default_country
    )
    subdivisions = geography.subdivisions_of(country) if country else []
    form.fields["province"].widget.choices = BLANK_CHOICE + [
        (code, f"{name} ({kind})") for code, name, kind in subdivisions
    ]
    form.fields["province"].widget.attrs["data-provinces-url"] = PROVINCES_URL


class ProfileForm(forms.Form):
    """The profile fields of one organisation; supplier- and buyer-only fields by kind."""

    legal_name = organisation_field("legal_name", label="Legal name")
    local_name = organisation_field("local_name", label="Name in local script", help_text="")
    country = ServiceCheckedChoiceField(label="Country")
    province = forms.CharField(
        label="Province or region",
        required=False,
        widget=forms.Select(attrs={"data-province-for": "id_country"}),
    )
    city = organisation_field("city", label="City")
    nearest_port = organisation_field("nearest_port", label="Nearest port")
    year_founded = forms.IntegerField(label="Year founded", required=False)
    employees_band = forms.ChoiceField(
        label="Employees",
        required=False,
        choices=BLANK_CHOICE + list(Organisation.EmployeesBand.choices),
    )
    website = forms.CharField(
        label="Website",
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = organisation_field(
        "description", label="About the organisation", widget=forms.Textarea(attrs={"rows": 5})
    )
    # Suppliers
    processes = organisation_field(
        "processes", label="Processes and capabilities", widget=forms.Textarea(attrs={"rows": 4})
    )
    hs_codes = CodeListField(
        taxonomy="hs",
        label="Products (HS codes)",
        help_text="Type a product or an HS code and pick from the list; "
        "or enter codes separated by commas.",
    )
    isic_codes = CodeListField(
        taxonomy="isic",
        label="Activities (ISIC codes)",
        help_text="Type an activity or an ISIC Rev. 4 code; or enter codes separated by commas.",
    )
    export_markets = ServiceCheckedMultipleChoiceField(
        label="Export markets",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    languages = ServiceCheckedMultipleChoiceField(
        label="Languages spoken",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    # Buyers
    sourcing_regions = ServiceCheckedMultipleChoiceField(
        label="Countries you source from",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    sectors_of_interest = CodeListField(
        taxonomy="isic",
        label="Sectors of interest (ISIC codes)",
        help_text="Type an activity or an ISIC Rev. 4 code; or enter codes separated by commas.",
    )

    SUPPLIER_FIELDS = ("processes", "hs_codes", "isic_codes", "export_markets", "languages")
    BUYER_FIELDS = ("sourcing_regions", "sectors_of_interest")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(organisation))
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not organisation.is_supplier:
            for name in self.SUPPLIER_FIELDS:
                del self.fields[name]
        if not organisation.is_buyer:
            for name in self.BUYER_FIELDS:
                del self.fields[name]
        countries = geography.country_choices()
        choice_field(self, "country").choices = BLANK_CHOICE + countries
        for name in ("export_markets", "sourcing_regions"):
            if name in self.fields:
                choice_field(self, name).choices = countries
        if "languages" in self.fields:
            choice_field(self, "languages").choices = geography.language_choices()
        _set_province_choices(self, default_country=organisation.country)

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        initial = {
            field: getattr(organisation, field)
            for field in (
                "legal_name",
                "local_name",
                "country",
                "province",
                "city",
                "nearest_port",
                "year_founded",
                "employees_band",
                "website",
                "description",
                "processes",
                "export_markets",
                "languages",
                "sourcing_regions",
            )
        }
        if organisation.pk:
            for field in ("hs_codes", "isic_codes", "sectors_of_interest"):
                initial[field] = [c.code for c in getattr(organisation, field).all()]
        return initial

    def code_fields(self) -> dict[str, list[tuple[str, str]]]:
        """Codes currently in each code field, with their descriptions, for display."""
        out: dict[str, list[tuple[str, str]]] = {}
        for name in ("hs_codes", "isic_codes", "sectors_of_interest"):
            if name not in self.fields:
                continue
            raw = self[name].value()
            codes = split_codes(raw) if isinstance(raw, str) else list(raw or [])
            field = self.fields[name]
            taxonomy = field.taxonomy if isinstance(field, CodeListField) else "hs"
            out[name] = describe_codes(taxonomy, codes)
        return out

    def service_data(self) -> ProfileChanges:
        """Every field of the form, keyed by the service's field names."""
        # The form's fields are profile fields, parsed to the types the service takes.
        return cast(ProfileChanges, {name: self.cleaned_data.get(name) for name in self.fields})


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "position", "email", "phone", "is_primary"]


class CertificationForm(forms.ModelForm):
    # The service looks the scheme up by its code, as the API does by code or name.
    scheme = forms.ChoiceField(label="Certification")

    class Meta:
        model = Certification
        fields = ["issuer", "certificate_number", "valid_until", "evidence"]
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "evidence": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/*"}
            ),
        }

    field_order = ["scheme", "issuer", "certificate_number", "valid_until", "evidence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "scheme").choices = BLANK_CHOICE + [
            (s.code, f"{s.name} — {s.full_name}" if s.full_name != s.name else s.name)
            for s in selectors.certification_scheme_list()
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["evidence"] = data.get("evidence") or None
        return data


class ProductLineForm(forms.ModelForm):
    hs_code = CodeListField(
        taxonomy="hs",
        multiple=False,
        required=True,
        label="Product (HS code)",
        help_text="Type the product or its HS code and pick it from the list.",
    )

    class Meta:
        model = ProductLine
        # The HS code is a typed code the service looks up, not the model's choice of rows.
        fields = ["description", "monthly_capacity", "unit", "min_order_quantity"]
        widgets = {
            "monthly_capacity": forms.NumberInput(attrs={"min": 0}),
            "min_order_quantity": forms.NumberInput(attrs={"min": 0}),
        }

    field_order = ["hs_code", "description", "monthly_capacity", "unit", "min_order_quantity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["min_order_quantity"].required = False

    def code_fields(self) -> dict[str, list[tuple[str, str]]]:
        raw = self["hs_code"].value()
        return {"hs_code": describe_codes("hs", split_codes(raw or ""))}

    def service_data(self) -> NewProductLine:
        data = dict(self.cleaned_data)
        if data.get("min_order_quantity") is None:
            data["min_order_quantity"] = 0
        # Every field of a product line, parsed to the types the service takes.
        return cast(NewProductLine, data)


class InviteForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        labels = {"email": "Colleague's e-mail address"}


class InvitationAcceptForm(_PasswordPairMixin, forms.Form):
    full_name = model_form_field(User, "full_name", label="Your name")
    password, password_confirm = _password_fields()


class DirectoryFilterForm(forms.Form):
    """Filters of the public supplier directory (a GET form)."""

    text = forms.CharField(label="Search", required=False, max_length=100)
    country = forms.ChoiceField(label="Country", required=False)
    hs_code = forms.CharField(
        label="HS code",
        required=False,
        max_length=model_form_field(HsCode, "code").max_length,
        help_text="Chapter, heading or subheading",
    )
    isic_code = forms.CharField(
        label="ISIC code", required=False, max_length=model_form_field(IsicCode, "code").max_length
    )
    certification = forms.ChoiceField(label="Certification", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = [("", "Any country")] + geography.country_choices()
        choice_field(self, "certification").choices = [("", "Any certification")] + [
            (s.code, s.name) for s in selectors.certification_scheme_list()
        ]

    def clean_hs_code(self) -> str:
        return normalise_code(self.cleaned_data["hs_code"])

    def clean_isic_code(self) -> str:
        return normalise_code(self.cleaned_data["isic_code"])
