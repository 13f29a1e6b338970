"""A row of a member list is parsed in one place, its form, with the limits and choices
of the profile and product-line models."""

import pytest

from clusters.forms.imports import MemberRowForm
from companies.models import Organisation
from tests.clusters.test_imports import good_row

pytestmark = pytest.mark.django_db


def test_a_good_row_becomes_the_firms_data():
    form = MemberRowForm(good_row(1, province="TN", employees_band="50 – 249", website="k.example"))

    assert form.reasons() == []
    data = form.firm_data()
    assert data.email == "sales1@knit1.example"
    assert data.fields["province"] == "IN-TN"
    assert data.fields["employees_band"] == "50-249"
    assert data.fields["website"] == "https://k.example"
    assert data.hs_codes == ["610910", "611030"]
    assert data.product_line is not None


def test_the_limits_are_the_models():
    limit = Organisation._meta.get_field("legal_name").max_length
    form = MemberRowForm(good_row(1, legal_name="x" * (limit + 1)))

    assert form.reasons() == [f"legal_name: At most {limit} characters (the row has {limit + 1})."]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("email", "", "The firm's e-mail address is required"),
        ("employees_band", "7", "is not one of 1-9, 10-49"),
        ("monthly_capacity", "-5", "is not a whole number of zero or more"),
        ("unit", "bushels", "is not one of"),
        ("country", "XX", "Unknown country code: XX"),
    ],
)
def test_a_bad_cell_is_named_by_its_column(column, value, reason):
    reasons = MemberRowForm(good_row(1, **{column: value})).reasons()

    assert len(reasons) == 1
    assert reasons[0].startswith(f"{column}: ")
    assert reason in reasons[0]


def test_a_row_without_capacity_columns_leaves_product_lines_alone():
    row = {"email": "a@one.example", "legal_name": "One", "country": "IN"}

    data = MemberRowForm(row).firm_data()

    assert data.product_line is None
    assert not data.clear_product_lines
    assert data.hs_codes is None
    assert set(data.fields) == {"legal_name", "country"}
