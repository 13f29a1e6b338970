"""One page of a list: ``page`` and ``page_size`` are checked, not guessed.

DRF's paginator answers ``page_size=abc`` or ``page_size=0`` with the default size and
``page=abc`` with a 404, so a client's mistake looks like an empty or a missing list.
Here a value that is not a whole number in range is a 400 naming the parameter; a page
past the last one is still a 404 ("Invalid page"), as the schema says.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

__all__ = ["MAX_PAGE_SIZE", "PAGE_SIZE", "StandardPagination", "checked_positive_int"]

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far past any real list; a larger number is a client's mistake, not a page to look for.
MAX_PAGE = 1_000_000


def checked_positive_int(raw: str, *, name: str, maximum: int) -> int:
    """``raw`` as a whole number from 1 to ``maximum``, or a 400 naming ``name``."""
    message = _("%(name)s must be a whole number from 1 to %(maximum)s.") % {
        "name": name,
        "maximum": maximum,
    }
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationError({name: [message]})
    value = int(text)
    if not 1 <= value <= maximum:
        raise ValidationError({name: [message]})
    return value


class StandardPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return checked_positive_int(
            raw, name=self.page_size_query_param, maximum=self.max_page_size
        )

    def get_page_number(self, request: Request, paginator: Any) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if raw in self.last_page_strings:
            return raw
        return checked_positive_int(raw, name=self.page_query_param, maximum=MAX_PAGE)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
                parameter["description"] = str(
                    _("Page number, from 1; past the last page the answer is 404.")
                )
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["description"] = _("Results per page, from 1 to %(maximum)s.") % {
                    "maximum": self.max_page_size
                }
        return parameters
