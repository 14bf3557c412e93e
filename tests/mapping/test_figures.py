"""The figure rules of refundmap.mapping.figures: a line's tax reading taken once a rule."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import refundmap
from refundmap.mapping import figures, lines
from refundmap.mapping.lines import before_tax, line_tax_reading, tax_included
from refundmap.models.railz import RefundLine

D = Decimal
FIXTURES = Path(__file__).parents[2] / "fixtures" / "railz"


def _inclusive_line() -> RefundLine:
    """A taxed line whose totalAmount, not its subTotal, is quantity x unitAmount."""
    return RefundLine(
        quantity=2,
        unit_amount=D("10.00"),
        sub_total=D("18.00"),
        tax_amount=D("2.00"),
        total_amount=D("20.00"),
    )


def test_a_reading_given_is_the_one_used() -> None:
    line = _inclusive_line()
    assert line_tax_reading(line) is True
    assert before_tax(line) == (
        D("20.00"),
        "totalAmount 20.00: the unit amounts include tax",
        "totalAmount",
    )
    assert before_tax(line, reading=True) == before_tax(line)
    # The caller's reading decides, not the line's figures read again.
    assert before_tax(line, reading=False) == (
        D("18.00"),
        "subTotal 18.00: the line before tax and discount",
        "subTotal",
    )
    unclear = before_tax(line, reading=None, included=False)
    assert unclear is not None
    assert unclear[2] == "subTotal"
    assert tax_included(line, reading=None, otherwise=True) is True
    assert tax_included(line, reading=None) is False
    assert tax_included(line) is True


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize(
    "name", ["quickbooks-list.json", "quickbooks-discounts.json", "seed-refund.json"]
)
def test_each_line_is_read_for_tax_once(
    name: str, fast: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into Rutter, a taxed line is read for tax by its rule and by its refund's; others never."""
    calls: list[Any] = []
    found = lines._line_tax_reading

    def counted(line: Any) -> bool | None:
        calls.append(line)
        return found(line)

    monkeypatch.setenv("REFUNDMAP_FAST", fast)
    monkeypatch.setattr(figures, "_line_tax_reading", counted)
    monkeypatch.setattr(lines, "_line_tax_reading", counted)
    data = (FIXTURES / name).read_bytes()
    refundmap.convert(data, "railz", "rutter", synced_at="2024-06-30T12:00:00Z")
    document = json.loads(data)
    records = document.get("data", [document])
    taxed = sum(bool(line.get("taxAmount")) for record in records for line in record["lines"])
    # Once by the line's rule, once more by its refund's (_tax_by_refund), which reads
    # the refund's other lines only where a line's figures fit both readings.
    assert len(calls) == 2 * taxed
