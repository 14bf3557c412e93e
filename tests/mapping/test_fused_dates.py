"""The fast reader's dates (refundmap.mapping.fused): any JSON value read as the codec reads it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from refundmap import jsonio
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
