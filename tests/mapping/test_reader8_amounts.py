"""The fast reader's amount lines (refundmap.mapping.fused): each JSON type, read or refused.

In the readers of both kinds (of JSON text, of a document given decoded): a
decimal within bounds is held as it is, a JSON integer as an equal decimal (0
noted), null where the key is nullable; anything else is refused (Fallback).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from refundmap.formats import get_format
from refundmap.mapping import fused
from refundmap.models import rutter

RUTTER = get_format("rutter")

#: A value of an amount, and what the reader holds of it (``fused.Fallback``: refused).
AMOUNTS: list[tuple[Any, Any]] = [
    (Decimal("12.50"), Decimal("12.50")),
    (Decimal("-0.00000000000000000001"), Decimal("-0.00000000000000000001")),
    (Decimal("1E-21"), fused.Fallback),
    (Decimal("1E+15"), fused.Fallback),
    (7, Decimal(7)),
    (1023, Decimal(1023)),
    (1024, Decimal(1024)),
    (-3, Decimal(-3)),
    (0, Decimal(0)),
    (10**15 - 1, Decimal(10**15 - 1)),
    (10**15, fused.Fallback),
    (-(10**15), fused.Fallback),
    (True, fused.Fallback),
    (False, fused.Fallback),
    ("12.50", fused.Fallback),
    (12.5, fused.Fallback),
    ([], fused.Fallback),
    ({}, fused.Fallback),
]


def _read(cls: type, value: dict[str, Any], *, finite: bool) -> Any:
    return fused.reader(RUTTER, cls, finite=finite)(value, [0])


@pytest.mark.parametrize("finite", [True, False])
@pytest.mark.parametrize(("amount", "held"), AMOUNTS)
def test_an_amount_of_each_type(amount: Any, held: Any, *, finite: bool) -> None:
    item = {"id": "I-1", "quantity": 1, "unit_amount": amount}  # unit_amount: nullable
    if held is fused.Fallback:
        with pytest.raises(fused.Fallback):
            _read(rutter.Item, item, finite=finite)
        return
    fused._ZERO.seen = False
    read = _read(rutter.Item, item, finite=finite).unit_amount
    assert type(read) is Decimal
    assert str(read) == str(held)
    assert fused._ZERO.seen is (amount == 0 and type(amount) is int)
    if type(amount) is Decimal:
        assert read is amount  # taken as it is


@pytest.mark.parametrize("finite", [True, False])
def test_null_where_nullable_and_refused_where_not(*, finite: bool) -> None:
    item = {"id": "I-1", "quantity": None, "unit_amount": None}
    read = _read(rutter.Item, item, finite=finite)
    assert (read.quantity, read.unit_amount) == (None, None)
    line = {  # total_amount: required, not nullable
        "account_id": None,
        "class_id": None,
        "tax_rate_id": None,
        "total_amount": None,
        "description": None,
        "item": None,
    }
    with pytest.raises(fused.Fallback):
        _read(rutter.LineItem, line, finite=finite)
    line["total_amount"] = 5
    assert _read(rutter.LineItem, line, finite=finite).total_amount == Decimal(5)
