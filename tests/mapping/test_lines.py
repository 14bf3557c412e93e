"""The arithmetic of refund lines (refundmap.mapping.lines), as its docstrings state it."""

from __future__ import annotations

from decimal import ROUND_DOWN, Context, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap import MappingError, convert
from refundmap.formats import FORMATS
from refundmap.mapping.lines import (
    before_discount,
    before_tax,
    body_line_total,
    booked_discount,
    computed_line_total,
    exact_quotient,
    one_amount_lines,
    tax_included,
)
from refundmap.models.railz import RefundLine, RefundLineV2

import strategies as s

D = Decimal


def test_a_percentage_discount_is_booked_to_the_cent() -> None:
    line = RefundLine(
        quantity=1, unit_amount=D("34.93"), discount_percentage=D("12.5"), sub_total=D("30.56")
    )
    discount, how = booked_discount(line)
    assert discount == D("4.37")
    assert how.endswith("(4.37)")
    # Added back, it gives the line before it.
    assert before_tax(line) == (
        D("34.93"),
        "subTotal 30.56 + " + how + ": the line before tax and discount",
        "subTotal",
    )


def test_a_line_total_is_before_tax_unless_the_unit_amounts_include_it() -> None:
    excluding = RefundLine(
        quantity=2, unit_amount=D(10), sub_total=D(20), tax_amount=D(2), total_amount=D(22)
    )
    assert not tax_included(excluding)
    assert before_tax(excluding)[0] == D(20)  # type: ignore[index]
    including = RefundLine(quantity=2, unit_amount=D(11), tax_amount=D(2), total_amount=D(22))
    assert tax_included(including)
    value, message, key = before_tax(including)  # type: ignore[misc]
    assert (value, key) == (D(22), "totalAmount")
    assert "the unit amounts include tax" in message
    assert before_tax(RefundLine(description="no figure")) is None


def test_a_version_2_amount_net_of_its_discount_is_given_back_before_it() -> None:
    line = RefundLineV2(quantity=3, unit_amount=D(10), discount_amount=D(3), amount=D(27))
    assert before_discount(line) == (
        D(30),
        "amount 27 + discountAmount 3: the line before discount",
        "amount",
    )
    # An amount that is not quantity x unitAmount less the discount: not net of it.
    assert (
        before_discount(
            RefundLineV2(quantity=3, unit_amount=D(10), discount_amount=D(3), amount=D(30))
        )
        is None
    )


@pytest.mark.parametrize(
    ("total", "quantity", "unit"),
    [(D(10), 4, D("2.5")), (D(10), 3, None), (D(1), 0, None), (D("0.01"), 10**19, None)],
)
def test_a_unit_amount_is_a_quotient_only_where_it_is_exact(
    total: Decimal, quantity: int, unit: Decimal | None
) -> None:
    assert exact_quotient(total, quantity) == unit


def test_rutter_computes_a_create_line_total_as_quantity_times_unit() -> None:
    assert computed_line_total(
        {"item": {"unit_amount": D("2.5"), "quantity": D(4)}, "total_amount": D(10)}
    ) == D(10)
    assert computed_line_total({"item": {"unit_amount": D("2.5")}, "total_amount": D(9)}) == D(
        "2.5"
    )
    assert computed_line_total({"total_amount": D(9)}) == D(9)


def test_a_create_body_line_total_follows_the_source_s_line_shape() -> None:
    v1 = RefundLine(quantity=1, unit_amount=D(10), sub_total=D(9), discount_amount=D(1))
    assert body_line_total(v1, FORMATS["railz"]) == D(9)  # net of its discount
    v2 = RefundLineV2(amount=D(7))
    assert body_line_total(v2, FORMATS["railz-v2"]) == D(7)
    assert [name for name, fmt in FORMATS.items() if one_amount_lines(fmt)] == [
        "railz-v2",
        "railz-v2-push",
    ]


def _converted(refund: dict[str, Any], target: str) -> Any:
    try:
        result = convert(refund, "railz", target, synced_at="2024-06-30T12:00:00Z")
    except MappingError as exc:
        return exc.problems
    return result.to_json(), result.report


@given(
    s.railz_priced_refunds(),
    st.sampled_from(["rutter", "rutter-create"]),
    st.integers(min_value=1, max_value=12),
)
def test_the_line_arithmetic_is_exact_in_a_conversion_whatever_the_callers_context(
    refund: dict[str, Any], target: str, precision: int
) -> None:
    """The functions compute in the caller's context, and a conversion's is exact."""
    # Figures of more digits than the caller's context holds.
    for figures in (refund, *refund["lines"]):
        for key in ("unitAmount", "discountAmount", "subTotal", "taxAmount", "totalAmount"):
            if figures.get(key) is not None:
                figures[key] *= 10_000_000
    if refund.get("totalDiscount") is not None:
        refund["totalDiscount"] *= 10_000_000
    expected = _converted(refund, target)
    with localcontext(Context(prec=precision, rounding=ROUND_DOWN)):
        assert _converted(refund, target) == expected
