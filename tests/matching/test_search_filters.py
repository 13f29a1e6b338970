"""A saved search's filters are read back from what was stored, with one parser."""

import pytest

from matching.search import SupplierSearchFilters
from sme_platform.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_stored_filters_read_back_as_the_same_filters():
    filters = SupplierSearchFilters.from_params(
        {"country": ["VN", "KH"], "hs_code": "6109", "min_capacity": "500", "unit": "pieces"}
    )

    assert SupplierSearchFilters.from_stored(filters.as_dict()) == filters


def test_stored_filters_with_a_withdrawn_code_are_refused_like_a_search():
    with pytest.raises(ApplicationError) as caught:
        SupplierSearchFilters.from_stored({"hs_code": "610999"})

    assert isinstance(caught.value, ApplicationError)
    assert "hs_code" in caught.value.extra
