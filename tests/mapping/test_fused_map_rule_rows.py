"""The fast mapping notes a rule's entry as a row: its suffixes, joined to the paths when read.

A table whose folded values are checked against what it noted compares their
suffixes to the rows' (the table's own code notes every entry at its paths);
one whose applied rule notes entries itself keeps whole entries.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import refundmap
from refundmap.mapping import fused, fused_map
from refundmap.mapping.compiler import _compiled
from refundmap.report import RefundmapError

SYNCED_AT = "2024-06-30T12:00:00Z"
FIXTURES = Path(__file__).parents[2] / "fixtures"


def _refund(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "1",
        "accountRef": {"id": "A", "name": "account A"},
        "date": "2024-06-13",
        "totalAmount": 110,
        "taxAmount": 10,
        "lines": [line],
    }


#: A line whose total includes tax: its subTotal is part of no Rutter value (dropped).
TAX_INCLUDED = {
    "unitAmount": 110,
    "quantity": 1,
    "subTotal": 100,
    "taxAmount": 10,
    "totalAmount": 110,
}
#: A line whose subTotal is Rutter's line total (derived from it: not dropped).
BEFORE_TAX = {
    "unitAmount": 100,
    "quantity": 1,
    "subTotal": 100,
    "taxAmount": 10,
    "totalAmount": 110,
}


def _both(document: Any) -> tuple[Any, Any]:
    text = json.dumps(document)
    taken = fused.TALLY.mapped
    fast = refundmap.convert(text, "railz", "rutter", synced_at=SYNCED_AT)
    assert fused.TALLY.mapped == taken + 1  # the fast mapping took it
    fused.ENABLED = False
    try:
        detailed = refundmap.convert(text, "railz", "rutter", synced_at=SYNCED_AT)
    finally:
        fused.ENABLED = True
    assert fast.report == detailed.report
    assert fast.to_json() == detailed.to_json()
    return fast.report, detailed.report


def _document(line: dict[str, Any], shape: str) -> Any:
    refund = _refund(line)
    if shape == "record":
        return refund
    page = json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text())
    page["data"] = [refund, {**refund, "id": "2"}]
    page["count"] = 2
    return page


@pytest.mark.parametrize("shape", ["record", "page"])
def test_a_folded_value_no_rule_used_is_dropped_at_its_path(shape: str) -> None:
    report, _ = _both(_document(TAX_INCLUDED, shape))
    page = shape == "page"
    at = "$.data[1].lines[0].subTotal" if page else "$.lines[0].subTotal"
    dropped = [entry for entry in report if entry.source_path == at]
    assert [(entry.kind, entry.message) for entry in dropped] == [
        (refundmap.Kind.DROPPED, "rutter has no field for it")
    ]


@pytest.mark.parametrize("shape", ["record", "page"])
def test_a_folded_value_a_rule_used_is_said_once_where_the_rule_says_it(shape: str) -> None:
    report, _ = _both(_document(BEFORE_TAX, shape))
    page = shape == "page"
    at = "$.data[1].lines[0].subTotal" if page else "$.lines[0].subTotal"
    said = [entry for entry in report if entry.source_path == at]
    assert [entry.kind for entry in said] == [refundmap.Kind.DERIVED]
    target = (
        "$.customer_refunds[1].line_items[0].total_amount"
        if page
        else "$.line_items[0].total_amount"
    )
    assert said[0].target_path == target


def test_the_rules_entries_are_rows_where_nothing_reads_them_as_they_are_noted() -> None:
    """No path is joined for a rule's entry while mapping; the detailed code joins them."""
    fast = fused_map.source("railz", "rutter")
    assert "origin = sp +" not in fast
    assert "if not _n0:" in fast  # the line's folded subTotal, flagged where noted
    assert "if _o == '.subTotal': _n0 = True" in fast
    assert "add((m.kind, '.' + m.source if m.source else '', '.id', m.message))" in fast
    detailed = _compiled("railz", "rutter", lookup=False)[1]
    assert "origin = sp + '.' + m.source if m.source else sp" in detailed
    assert "if sp + '.subTotal' not in map(" in detailed


def test_a_table_whose_rule_notes_entries_keeps_its_folded_values_whole() -> None:
    """Into a Rutter create body, the refund's folded discount is checked against whole entries."""
    code = fused_map.source("railz", "rutter-create")
    refund = code[code.index("def map_refund(") :]
    assert "if sp + '.totalDiscount' not in map(" in refund
    assert "origin = sp + '.' + m.source" in refund


def _decimal(sign: int, digits: int, exponent: int) -> Decimal:
    return Decimal((sign, tuple(int(d) for d in str(digits)), exponent))


def _amounts() -> st.SearchStrategy[Decimal | None]:
    """A Rutter amount the fast reader takes, of any exponent (``1E+2``, ``0E-8``), or null."""
    finite = st.builds(
        _decimal, st.sampled_from((0, 1)), st.integers(0, 10**14), st.integers(-20, 6)
    ).filter(lambda d: abs(d) < 10**15)
    return st.none() | finite


def _converted(text: str) -> Any:
    """Return the conversion of a Rutter ``text`` into Railz, or the error it raises."""
    try:
        return refundmap.convert(text, "rutter", "railz", synced_at=SYNCED_AT)
    except RefundmapError as error:
        return error


@given(total=_amounts(), tax=_amounts(), shape=st.sampled_from(["record", "page"]))
@settings(deadline=None)
def test_a_rutter_subtotal_is_the_rules_value_and_words(
    total: Decimal | None, tax: Decimal | None, shape: str
) -> None:
    """The fast form of rules._sub_total gives the rule's value and entry, worded when read."""
    refund = json.loads((FIXTURES / "rutter" / "seed-fetch.json").read_text())["customer_refund"]
    text = json.dumps({**refund, "total_amount": "TOTAL", "tax_amount": "TAX"})
    text = text.replace('"TOTAL"', "null" if total is None else str(total))
    text = text.replace('"TAX"', "null" if tax is None else str(tax))
    if shape == "page":
        text = f'{{"customer_refunds": [{text}], "next_cursor": null}}'
    taken = fused.TALLY.mapped
    fast = _converted(text)
    fused.ENABLED = False
    try:
        detailed = _converted(text)
    finally:
        fused.ENABLED = True
    if isinstance(detailed, RefundmapError):
        assert str(fast) == str(detailed)
        return
    if total is not None and tax is not None:
        assert fused.TALLY.mapped == taken + 1  # the fast mapping took it
        words = f"total_amount {total!s} - tax_amount {tax!s}"
        assert (refundmap.Kind.DERIVED, words) in [(e.kind, e.message) for e in fast.report]
    assert fast.counts() == detailed.counts()
    assert fast.report == detailed.report
    assert fast.to_json() == detailed.to_json()
