"""A record read by msgspec.convert first (refundmap.mapping.fused._Generator.converted).

The reader by ``msgspec.convert`` must give what the generated reader gives
(views of the same values, the same strings by identity, the same count of
keys and strings for the repeated-key proof), or refuse what it refuses: on
every record of the fixtures, and on each of them with one value changed into
each JSON type, one key left out, or an unknown key added, at every level.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from refundmap import jsonio
from refundmap.formats import get_format
from refundmap.mapping import fused

from helpers import FIXTURES

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1024,
    10**15,
    "",
    "x",
    "12.5",
    "2024-01-02",
    "2024-01-02T03:04:05.000Z",
    "RETURN",
    [],
    ["x"],
    {},
    {"a": 1},
    {"sales_taxable": True},
    {"shipping_amount": 1},
    Decimal("1.5"),
    Decimal("1E-21"),
    Decimal("0E+20"),
]


def _records(vendor: str) -> list[Any]:
    found = []
    for path in sorted((FIXTURES / vendor).glob("*.json")):
        decoded = fused._decode(path.read_bytes())
        fused._TEXT.quotes = None
        if type(decoded) is dict:
            records = decoded.get("customer_refunds")
            found.extend(records if type(records) is list else [decoded])
    return [record for record in found if type(record) is dict]


def _same(one: Any, other: Any) -> bool:
    if type(one).__module__ == fused.__name__:
        return type(other) is type(one) and all(
            _same(getattr(one, name), getattr(other, name)) for name in one.__struct_fields__
        )
    if type(one) is list:
        return (
            type(other) is list
            and len(one) == len(other)
            and all(_same(a, b) for a, b in zip(one, other, strict=True))
        )
    if type(one) is str:
        return one is other
    return type(one) is type(other) and one == other and str(one) == str(other)


def _outcome(read: Any, record: Any) -> tuple[Any, int]:
    count = [0]
    try:
        return read(copy.deepcopy(record), count), count[0]
    except fused.Fallback:
        return fused.Fallback, 0


def _alike(record: Any) -> None:
    source = get_format("rutter")
    converted = fused._converter(source, source.record, finite=True)
    generated = converted.__globals__["read_CustomerRefund"]  # the reader it falls back on
    text = jsonio.dumps(record)
    decoded = fused._decode(text)  # decimals and strings as jiter gives them
    fused._TEXT.quotes = None
    view, counted = _outcome(converted, decoded)
    expected, expected_count = _outcome(generated, decoded)
    if expected is fused.Fallback:
        assert view is fused.Fallback, text
        return
    assert view is not fused.Fallback, text
    assert counted == expected_count, text
    assert _same(expected, view), text
    assert type(view) is type(expected)  # one class, whichever reads it


def _changed(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Return ``record`` with one value changed, one key left out or one added, at every level."""
    made = []
    places: list[dict[str, Any]] = [record]
    for line in record.get("line_items") or []:
        if type(line) is dict:
            places.append(line)
            if type(line.get("item")) is dict:
                places.append(line["item"])
    for at, place in enumerate(places):
        for key in [*place, "unknown", "type", "additional_fields", "currency_code"]:
            for value in [*VALUES, "left out"]:
                changed = copy.deepcopy(record)
                target = _places(changed)[at]
                if value == "left out":
                    target.pop(key, None)
                else:
                    target[key] = copy.deepcopy(value)
                made.append(changed)
    return made


def _places(record: dict[str, Any]) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = [record]
    for line in record.get("line_items") or []:
        if type(line) is dict:
            places.append(line)
            if type(line.get("item")) is dict:
                places.append(line["item"])
    return places


RECORDS = _records("rutter")


def test_a_rutter_record_is_read_by_msgspec_first() -> None:
    source = get_format("rutter")
    converted = fused._converter(source, source.record, finite=True)
    assert converted.__name__ == "convert_CustomerRefund"
    assert fused.reader(source, source.record, finite=True).__name__ == "read_CustomerRefund"
    assert "convert_CustomerRefund(x, k)" in fused.source("rutter")  # a page's records
    assert "msgspec" not in fused.source("rutter", finite=False)
    assert "_convert(" not in fused.source("rutter", finite=False)
    assert "_convert(" not in fused.source("railz")


@pytest.mark.parametrize("index", range(len(RECORDS)))
def test_each_fixture_record_alike(index: int) -> None:
    _alike(RECORDS[index])


@pytest.mark.parametrize("index", range(len(RECORDS)))
def test_each_changed_record_alike(index: int) -> None:
    for changed in _changed(RECORDS[index]):
        _alike(changed)
