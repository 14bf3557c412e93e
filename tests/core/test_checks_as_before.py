"""The checks' rules made cheaper (refundmap.checks) find what they found before.

The old forms of a Rutter and a Railz line's rules and of the refunds' totals
are kept here as the reference (they called ``quantity_slack`` and ``_discount``
for every line, and took the difference of figures that are equal): on
figures of every exponent, in the exact context, the same findings, at the same
paths, in the same words.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from refundmap import checks
from refundmap.checks import (
    Finding,
    _against_percentage,
    _discount,
    _found,
    discount_how,
)
from refundmap.money import EXACT, format_amount, quantity_slack
from refundmap.report import Path

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _old_rutter_line(  # noqa: PLR0917 - a line's figures, where it is, its currency's tolerance
    found: list[Finding] | None,
    path: Path,
    index: int,
    half: Decimal,
    total: Decimal | None,
    item: bool,  # noqa: FBT001 - whether the line has an item (its quantity and unit are its)
    quantity: Decimal | None,
    unit: Decimal | None,
    *,
    create: bool,
) -> list[Finding] | None:
    """A Rutter line's total: quantity x unit amount, within the rounding of the unit amount."""
    if total is None:  # a create line: Rutter computes it
        if not item or unit is None:
            return _found(
                found,
                (
                    (*path, "line_items", index, "total_amount"),
                    "total_amount is needed where item.unit_amount is absent",
                ),
            )
        return found
    # A create line's quantity defaults to 1; a read line's is what it says.
    stated = quantity
    if create and quantity is None:
        quantity = _ONE
    if not item or quantity is None or unit is None:
        return found
    expected = quantity * unit
    # Unit amounts are rounded to the minor unit; line totals are exact.
    if abs(total - expected) <= quantity_slack(half, quantity):
        return found
    by_default = "" if stated is not None else " (by default)"
    return _found(
        found,
        (
            (*path, "line_items", index, "total_amount"),
            f"total_amount {format_amount(total)} is not item.quantity"
            f" {format_amount(quantity)}{by_default}"
            f" x item.unit_amount"
            f" {format_amount(unit)} = {format_amount(expected)}",
        ),
    )


def _old_railz_line(  # noqa: PLR0917 - a line's figures, where it is, its currency's tolerance
    found: list[Finding] | None,
    path: Path,
    index: int,
    half: Decimal,
    quantity: int | None,
    unit: Decimal | None,
    sub_total: Decimal | None,
    total: Decimal | None,
    amount: Decimal | None,
    percentage: Decimal | None,
    tax: Decimal | None,
) -> list[Finding] | None:
    """A Railz version 1 line's figures: subTotal, discounts, and totalAmount."""
    gross = None
    slack = half
    if quantity is not None and unit is not None:
        gross = quantity * unit
        # Unit amounts are rounded to the minor unit; line amounts are exact.
        slack = quantity_slack(half, quantity)
    discount = None  # the line's discount, found once where needed
    if gross is not None and sub_total is not None:
        discount = _discount(amount, percentage, quantity, unit, sub_total, slack)
        expected = gross - discount[0]
        # Tax-inclusive unit amounts (Xero's default) make the line's total,
        # not its subtotal, the net of quantity x unitAmount.
        if abs(sub_total - expected) > slack and not (
            total is not None and abs(total - expected) <= slack
        ):
            found = _found(
                found,
                (
                    (*path, "lines", index, "subTotal"),
                    f"subTotal {format_amount(sub_total)} is not quantity {quantity} x"
                    f" unitAmount {format_amount(unit or _ZERO)} less {discount_how(discount)}"
                    f" = {format_amount(expected)} (nor is totalAmount, as it would be where"
                    " unit amounts include tax)",
                ),
            )
    # discountAmount 0, and figures that apply none: the percentage disagrees,
    # unless the figures fit it too, within rounding (33 % of 0.04 and subTotal 0.03).
    if percentage and gross is not None and amount == 0:
        if discount is None:
            figure = sub_total if sub_total is not None else (total or None)
            discount = _discount(amount, percentage, quantity, unit, figure, slack)
        if not discount[0] and gross * percentage / _HUNDRED > slack:
            # Whether the line's figure is also quantity x unitAmount less the percentage's.
            figure = sub_total if sub_total is not None else total
            fits = figure is not None and (
                abs(figure - (gross - gross * percentage / _HUNDRED)) <= slack
            )
            if not fits:
                found = _against_percentage(found, path, index, percentage, gross, _ZERO)
    if percentage is not None and gross is not None and amount:
        expected = gross * percentage / _HUNDRED
        if abs(amount - expected) > slack:
            found = _against_percentage(found, path, index, percentage, gross, amount)
    if sub_total is not None and total is not None:
        tax = tax or _ZERO
        expected = sub_total + tax
        if abs(total - expected) > half:
            found = _found(
                found,
                (
                    (*path, "lines", index, "totalAmount"),
                    f"totalAmount {format_amount(total)} is not subTotal"
                    f" {format_amount(sub_total)} plus taxAmount {format_amount(tax)}"
                    f" = {format_amount(expected)}",
                ),
            )
    return found


def _old_rutter_total(  # noqa: PLR0917 - a refund's figures, where it is, its currency's tolerance
    found: list[Finding] | None,
    path: Path,
    half: Decimal,
    lines: Decimal,
    discount_amount: Decimal | None,
    tax_amount: Decimal | None,
    total: Decimal,
) -> list[Finding] | None:
    """A Rutter refund's total: the lines less the discount, plus the tax unless they include it."""
    discount = discount_amount or _ZERO
    tax = tax_amount or _ZERO
    including = lines - discount
    if tax_amount is None and lines >= _ZERO:
        # No tax stated (NetSuite states none): an unknown tax may lie between
        # the lines and the total, so only a total short of the lines is off.
        if total >= including - half:
            return found
        return _found(
            found,
            (
                (*path, "total_amount"),
                f"total_amount {format_amount(total)} does not add up: line_items sum"
                f" to {format_amount(lines)}, less discount_amount"
                f" {format_amount(discount)} is {format_amount(including)}, and no"
                " tax_amount is stated to make up the difference",
            ),
        )
    excluding = including + tax
    if abs(total - excluding) <= half or abs(total - including) <= half:
        return found
    return _found(
        found,
        (
            (*path, "total_amount"),
            f"total_amount {format_amount(total)} does not add up: line_items sum to"
            f" {format_amount(lines)}, less discount_amount {format_amount(discount)}, plus"
            f" tax_amount {format_amount(tax)} is {format_amount(excluding)}"
            f" ({format_amount(including)} where the lines include tax)",
        ),
    )


def _old_railz_totals(  # noqa: PLR0917 - a refund's figures, where it is, its currency's tolerance
    found: list[Finding] | None,
    path: Path,
    half: Decimal,
    sub_total: Decimal | None,
    tax_amount: Decimal | None,
    total: Decimal,
    summed: Decimal | None,
) -> list[Finding] | None:
    """A Railz refund's totalAmount, subTotal plus taxAmount; its subTotal, the lines' (``summed``).

    ``summed`` is None where a line has no ``subTotal``, or there is no line.
    """
    if sub_total is None:
        return found
    tax = tax_amount or _ZERO
    expected = sub_total + tax
    if abs(total - expected) > half:
        found = _found(
            found,
            (
                (*path, "totalAmount"),
                f"totalAmount {format_amount(total)} is not subTotal"
                f" {format_amount(sub_total)} plus taxAmount {format_amount(tax)}"
                f" = {format_amount(expected)}",
            ),
        )
    if summed is not None and abs(sub_total - summed) > half:
        found = _found(
            found,
            (
                (*path, "subTotal"),
                f"subTotal {format_amount(sub_total)} is not the sum of the"
                f" lines' subTotal {format_amount(summed)}",
            ),
        )
    return found


#: Amounts of every exponent, as the reader takes them (below 10^15, at most 20 places).
amounts = st.builds(
    lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
    st.integers(-(10**8), 10**8),
    st.integers(-12, 4),
)
maybe = st.none() | amounts
quantities = st.none() | st.integers(-3, 10**6) | st.sampled_from([0, 1, 3, 10**14])
halves = st.sampled_from([Decimal("0.005"), Decimal("0.5"), Decimal("0.0005"), Decimal(5)])
PATH: Path = ("data", 2)


#: How far a figure is from what its others make: exact, within rounding, or off.
offsets = st.sampled_from(
    [Decimal(0), Decimal("0.00"), Decimal("0.004"), Decimal("-0.005"), Decimal("0.01"), Decimal(7)]
)


def _near(data: st.DataObject, exact: Any) -> Any:
    """Return a figure that is ``exact`` give or take an offset, or any other, or None."""
    if exact is None or data.draw(st.booleans()):
        return data.draw(maybe)
    return exact + data.draw(offsets)


@given(halves, st.booleans(), quantities | maybe, maybe, st.booleans(), st.data())
def test_a_rutter_line_is_checked_as_before(  # noqa: PLR0917 - a line's figures
    half: Decimal,
    item: bool,  # noqa: FBT001
    quantity: Any,
    unit: Decimal | None,
    create: bool,  # noqa: FBT001
    data: st.DataObject,
) -> None:
    with localcontext(EXACT):
        product = None if quantity is None or unit is None else quantity * unit
        total = _near(data, product)
        new = checks._rutter_line(None, PATH, 1, half, total, item, quantity, unit, create=create)
        old = _old_rutter_line(None, PATH, 1, half, total, item, quantity, unit, create=create)
    assert new == old


@given(
    halves,
    quantities,
    maybe,
    st.none() | st.sampled_from([_ZERO, Decimal("0.0")]) | amounts,
    st.none() | st.sampled_from([_ZERO, Decimal(10), Decimal("33.3")]) | amounts,
    maybe,
    st.data(),
)
def test_a_railz_line_is_checked_as_before(  # noqa: PLR0917 - a line's figures
    half: Decimal,
    quantity: int | None,
    unit: Decimal | None,
    amount: Decimal | None,
    percentage: Decimal | None,
    tax: Decimal | None,
    data: st.DataObject,
) -> None:
    with localcontext(EXACT):
        gross = None if quantity is None or unit is None else quantity * unit
        sub_total = _near(data, None if gross is None else gross - (amount or _ZERO))
        total = _near(data, None if sub_total is None else sub_total + (tax or _ZERO))
        figures = (half, quantity, unit, sub_total, total, amount, percentage, tax)
        new = checks._railz_line(None, PATH, 0, *figures)
        old = _old_railz_line(None, PATH, 0, *figures)
    assert new == old


@given(halves, amounts, maybe, maybe, st.data())
def test_a_rutter_total_is_checked_as_before(
    half: Decimal,
    lines: Decimal,
    discount: Decimal | None,
    tax: Decimal | None,
    data: st.DataObject,
) -> None:
    with localcontext(EXACT):
        including = lines - (discount or _ZERO)
        total = _near(data, including + (tax or _ZERO) if data.draw(st.booleans()) else including)
        if total is None:
            total = lines
        new = checks._rutter_total(None, PATH, half, lines, discount, tax, total)
        assert new == _old_rutter_total(None, PATH, half, lines, discount, tax, total)


@given(halves, maybe, maybe, st.data())
def test_railz_totals_are_checked_as_before(
    half: Decimal, sub_total: Decimal | None, tax: Decimal | None, data: st.DataObject
) -> None:
    with localcontext(EXACT):
        total = _near(data, None if sub_total is None else sub_total + (tax or _ZERO))
        if total is None:
            total = tax or _ZERO
        summed = _near(data, sub_total)
        new = checks._railz_totals(None, PATH, half, sub_total, tax, total, summed)
        assert new == _old_railz_totals(None, PATH, half, sub_total, tax, total, summed)
