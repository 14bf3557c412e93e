"""The fast reader's dates (refundmap.mapping.fused): any JSON value read as the codec reads it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refundmap import jsonio
from refundmap.dates import parse_date
from refundmap.formats import get_format
from refundmap.mapping import fused

from helpers import railz_refund, rutter_refund

#: Values a date key may be sent as: none of them a date the reader takes.
NOT_DATES = [{}, {"a": 1}, [], ["2024-06-13"], 0, 1, True, False, Decimal("1.5"), "tomorrow", ""]


def _read(fmt: str, record: dict[str, Any]) -> Any:
    """Return the view of ``record`` the generated reader makes of its JSON text, as decoded."""
    source = get_format(fmt)
    return fused.reader(source, source.record)(fused._decode(jsonio.dumps(record)), [0])


def _date(fmt: str) -> str:
    return "date" if fmt == "railz" else "transaction_date"


@pytest.mark.parametrize("value", NOT_DATES, ids=repr)
@pytest.mark.parametrize("fmt", ["railz", "rutter"])
def test_a_date_that_is_no_date_is_left_to_the_codec(fmt: str, value: Any) -> None:
    # An object or a list (unhashable) is refused as any other value that is no date.
    record = (railz_refund if fmt == "railz" else rutter_refund)(**{_date(fmt): value})
    _read(fmt, {**record, _date(fmt): "2024-06-13"})  # taken with a date
    with pytest.raises(fused.Fallback):
        _read(fmt, record)


@pytest.mark.parametrize("fmt", ["railz", "rutter"])
def test_a_date_read_again_is_the_date_read_first(fmt: str) -> None:
    make = railz_refund if fmt == "railz" else rutter_refund
    text = "2024-06-13T00:23:29.000Z" if fmt == "railz" else "2024-06-13"
    one, two = (getattr(_read(fmt, make(**{_date(fmt): text})), _date(fmt)) for _ in range(2))
    assert one is two  # the date held (fused._DATES), not read again
    assert one.isoformat()[:10] == "2024-06-13"


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner, max_size=2)
    ),
    max_leaves=4,
)
DATES = st.sampled_from(
    ["2024-06-13", "2024-06-13T00:23:29.000Z", "2024-06-13T00:23:29Z", "13/06/2024"]
)


@settings(deadline=None)
@given(st.sampled_from(["railz", "rutter"]), JSON | DATES)
def test_a_date_is_read_as_the_codec_reads_it_or_left_to_it(fmt: str, value: Any) -> None:
    make = railz_refund if fmt == "railz" else rutter_refund
    try:
        view = _read(fmt, make(**{_date(fmt): value}))
    except fused.Fallback:
        return
    if value is None:  # Rutter's transaction_date may be null
        assert fmt == "rutter"
        assert getattr(view, _date(fmt)) is None
        return
    assert type(value) is str
    assert getattr(view, _date(fmt)) == parse_date(value)
