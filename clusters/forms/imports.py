"""Forms of the member imports: the upload on the pages, and the one place a row of a
member list is parsed (``MemberRowForm``), with the limits and choices of the profile
and product-line models it fills. The service decides what a valid row then does."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from clusters import member_csv
from clusters.models import ImportedFirm
from companies import validation
from companies.models import Organisation, ProductLine, Unit

__all__ = ["FirmData", "MemberImportForm", "MemberRowForm"]


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label="Member list (CSV)",
        required=False,  # the service words the message when no file comes
        help_text="CSV in UTF-8 or UTF-16, comma, semicolon or tab separated; "
        "at most 5 MB and 5,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    dry_run = forms.BooleanField(
        label="Check the file first (dry run): show what each row would do, change nothing yet",
        required=False,
        initial=True,
    )


@dataclass
class FirmData:
    """A row's values, parsed; only the columns the file has (others stay as they are)."""

    email: str
    fields: dict[str, Any] = field(default_factory=dict)
    hs_codes: list[str] | None = None
    isic_codes: list[str] | None = None
    # (HS code, monthly capacity, unit, minimum order); None: no capacity columns
    product_line: tuple[str, int, str, int] | None = None
    clear_product_lines: bool = False


# A row is not a person typing: its messages say "the row has".
_ROW_TOO_LONG = "At most %(limit_value)d characters (the row has %(show_value)d)."
_TEXT_COLUMNS = ("legal_name", "local_name", "city", "description", "processes")
_CAPACITY_COLUMNS = ("capacity_hs_code", "monthly_capacity", "unit", "min_order")
# Columns of a product line, and the model fields whose rules they follow.
_NUMBER_COLUMNS = {"monthly_capacity": "monthly_capacity", "min_order": "min_order_quantity"}


def _model_field(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation.")
    return found


def _text_column(name: str) -> forms.Field:
    formfield = _model_field(Organisation, name).formfield(
        required=False, error_messages={"max_length": _ROW_TOO_LONG}
    )
    if formfield is None:
        raise TypeError(f"Organisation.{name} has no form field.")
    return formfield


def _one_of(values: list[str]) -> str:
    return ", ".join(values)


class MemberRowForm(forms.Form):
    """One row of a member list, checked column by column; ``reasons()`` says what is
    wrong in the words of the import's report, ``firm_data()`` gives the parsed row."""

    email = forms.CharField(required=False)
    legal_name = _text_column("legal_name")
    local_name = _text_column("local_name")
    city = _text_column("city")
    description = _text_column("description")
    processes = _text_column("processes")
    country = forms.CharField(required=False)
    province = forms.CharField(required=False)
    hs_codes = forms.CharField(required=False)
    isic_codes = forms.CharField(required=False)
    employees_band = forms.CharField(required=False)
    website = forms.CharField(required=False)
    capacity_hs_code = forms.CharField(required=False)
    monthly_capacity = forms.CharField(required=False)
    unit = forms.CharField(required=False)
    min_order = forms.CharField(required=False)

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(data=values)
        self.values = values

    def _known(self, column: str, check: Any, *args: Any, **kwargs: Any) -> Any:
        """The companies' own check of a code or a country; its message goes to the column."""
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    self.add_error(column, message)
            return None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if not email:
            raise ValidationError(
                "The firm's e-mail address is required: it is the key of the row."
            )
        try:
            _model_field(ImportedFirm, "email").run_validators(email)
        except ValidationError:
            raise ValidationError(
                f"“{self.values['email']}” is not a valid e-mail address."
            ) from None
        return email

    def clean_legal_name(self) -> str:
        if not self.cleaned_data["legal_name"]:
            raise ValidationError("The firm's legal name is required.")
        return self.cleaned_data["legal_name"]

    def clean_employees_band(self) -> str:
        # Spreadsheets write "10–49" with a dash, and "10 - 49".
        band = self.cleaned_data["employees_band"].replace("–", "-").replace(" ", "")
        choices = Organisation.EmployeesBand.values
        if band and band not in choices:
            raise ValidationError(
                f"“{self.values['employees_band']}” is not one of {_one_of(choices)}."
            )
        return band

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        if website and "://" not in website:
            website = f"https://{website}"  # spreadsheets often hold bare domains
        model_field = _model_field(Organisation, "website")
        if website:
            try:
                model_field.run_validators(website)
            except ValidationError as exc:
                too_long = any(e.code == "max_length" for e in exc.error_list)
                raise ValidationError(
                    f"At most {model_field.max_length} characters."
                    if too_long
                    else f"“{self.values['website']}” is not a web address."
                ) from None
        return website

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "country" in self.values and "country" not in self.errors:
            country = self._known("country", validation.clean_country, data.get("country", ""))
            data["country"] = country
            if country and "province" in self.values:
                raw = data.get("province", "").upper()
                if raw and "-" not in raw:
                    raw = f"{country}-{raw}"  # "TN" in a row of India is IN-TN
                data["province"] = self._known("province", validation.clean_province, raw, country)
        for column, check in (
            ("hs_codes", validation.clean_hs_codes),
            ("isic_codes", validation.clean_isic_codes),
        ):
            if column in self.values:
                found = self._known(column, check, member_csv.split_codes(data.get(column, "")))
                data[column] = [c.code for c in found] if found is not None else None
        self._clean_capacity(data)
        return data

    def _clean_capacity(self, data: dict[str, Any]) -> None:
        data["product_line"], data["clear_product_lines"] = None, False
        if not any(c in self.values for c in _CAPACITY_COLUMNS):
            return
        given = {c: data.get(c, "") for c in _CAPACITY_COLUMNS}
        if not any(given.values()):
            data["clear_product_lines"] = True
            return
        missing = [c for c in ("capacity_hs_code", "monthly_capacity", "unit") if not given[c]]
        if missing:
            self.add_error(
                None,
                "A product line needs capacity_hs_code, monthly_capacity and unit together "
                f"(missing: {', '.join(missing)}).",
            )
            return
        found = self._known(
            "capacity_hs_code",
            validation.clean_hs_codes,
            [given["capacity_hs_code"]],
            field="capacity_hs_code",
        )
        numbers: dict[str, int] = {}
        for column, model_name in _NUMBER_COLUMNS.items():
            raw = given[column].replace(",", "").replace(" ", "") or "0"
            try:
                numbers[column] = int(raw)
                _model_field(ProductLine, model_name).run_validators(numbers[column])
            except (ValueError, ValidationError):
                numbers.pop(column, None)
                self.add_error(column, f"“{given[column]}” is not a whole number of zero or more.")
        unit = given["unit"].lower().replace("²", "2").replace("³", "3")
        if unit not in Unit.values:
            self.add_error("unit", f"“{given['unit']}” is not one of {_one_of(Unit.values)}.")
        if found and len(numbers) == 2 and unit in Unit.values:
            data["product_line"] = (
                found[0].code,
                numbers["monthly_capacity"],
                unit,
                numbers["min_order"],
            )

    def reasons(self) -> list[str]:
        """What is wrong with the row, each as "column: message"."""
        if not self.is_valid():
            return [
                f"{column}: {message}" if column != "__all__" else str(message)
                for column, messages in self.errors.items()
                for message in messages
            ]
        return []

    def firm_data(self) -> FirmData:
        """The parsed row: the profile's columns the file has, codes, the product line."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        firm = FirmData(email=data.get("email", self.values.get("email", "").strip().lower()))
        firm.fields["legal_name"] = data.get("legal_name", "")
        profile = (*_TEXT_COLUMNS, "country", "province", "employees_band", "website")
        for column in profile:
            if column in self.values and column != "legal_name" and data.get(column) is not None:
                firm.fields[column] = data[column]
        firm.hs_codes = data.get("hs_codes") if "hs_codes" in self.values else None
        firm.isic_codes = data.get("isic_codes") if "isic_codes" in self.values else None
        firm.product_line = data.get("product_line")
        firm.clear_product_lines = bool(data.get("clear_product_lines"))
        return firm
