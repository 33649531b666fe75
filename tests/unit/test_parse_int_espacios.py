"""A made-up page cursor (``?cursor=' OR '1'='1``) decodes to ``"9\\x1d"``: it was a 500 on /candidaturas."""

from services.common.boundary import parse_int
from services.publico.filters import ListFilters


def test_separators_str_strip_removes_are_not_an_error() -> None:
    for text in ("9\x1d", "\x1c9\x1e", "9\x1f", " 9\u2028"):
        assert parse_int(text) == 9, repr(text)


def test_an_injected_cursor_is_just_a_cursor() -> None:
    for cursor in ("' OR '1'='1", "%' OR 1=1 --"):
        filters = ListFilters.model_validate({"cursor": cursor})
        assert filters.after_id is None or isinstance(filters.after_id, int)
