"""Whether a refund's lines include tax, found as before (refundmap.mapping.lines).

``rutter_includes_tax`` sums a refund's line totals in a loop (not ``sum()``
over a generator), and ``_includes_tax`` decides without a match statement:
the old forms are kept here as the reference, on refunds of figures of every
exponent, in the exact context and in contexts that round, with the same
answers and the same signals raised.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from refundmap.mapping import lines
from refundmap.money import EXACT, tolerance

_ZERO = Decimal(0)


def _old_includes_tax(src: Any, including: Decimal, currency: str | None) -> bool | None:
    """``lines._includes_tax`` before."""
    excluding = including + src.tax_amount
    half = tolerance(currency)
    match abs(src.total_amount - including) <= half, abs(src.total_amount - excluding) <= half:
        case (True, False):
            return True
        case (False, True):
            return False
        case _:
            return None


def _old_rutter_includes_tax(src: Any) -> bool | None:
    """``lines.rutter_includes_tax`` before."""
    if not src.tax_amount or not src.line_items:
        return None
    summed = sum((line.total_amount for line in src.line_items), _ZERO)
    return _old_includes_tax(src, summed - (src.discount_amount or _ZERO), src.currency_code)


amounts = st.builds(
    lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
    st.integers(-(10**8), 10**8),
    st.integers(-12, 4),
)
contexts = st.just(EXACT) | st.builds(
    Context,
    prec=st.integers(3, 12),
    rounding=st.sampled_from([ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_DOWN]),
    traps=st.just([]),
)


@st.composite
def refunds(draw: st.DrawFn) -> Any:
    """A Rutter refund's figures: its total the lines less the discount, plus the tax or not."""
    totals = draw(st.lists(amounts, max_size=4))
    tax = draw(st.none() | st.just(_ZERO) | amounts)
    discount = draw(st.none() | st.just(_ZERO) | amounts)
    including = sum(totals, _ZERO) - (discount or _ZERO)
    total = draw(
        st.sampled_from([including, including + (tax or _ZERO)]).flatmap(
            lambda exact: st.sampled_from([exact, exact + Decimal("0.004"), exact + 1])
        )
        | amounts
    )
    return SimpleNamespace(
        line_items=[SimpleNamespace(total_amount=figure) for figure in totals],
        tax_amount=tax,
        discount_amount=discount,
        total_amount=total,
        currency_code=draw(st.sampled_from([None, "USD", "JPY", "BHD"])),
    )


def _in(context: Context, function: Any, *args: Any) -> tuple[Any, set[Any]]:
    """Return what ``function`` gives in a copy of ``context`` (or its error), and its flags."""
    with localcontext(context) as here:
        here.clear_flags()
        try:
            result = function(*args)
        except (ArithmeticError, TypeError) as error:
            result = type(error)
        return result, {flag for flag, raised in here.flags.items() if raised}


@given(refunds(), contexts)
def test_a_rutter_refunds_lines_include_tax_as_before(refund: Any, context: Context) -> None:
    old = _in(context, _old_rutter_includes_tax, refund)
    assert _in(context, lines.rutter_includes_tax, refund) == old


@given(refunds(), amounts, contexts)
def test_lines_summing_to_a_figure_include_tax_as_before(
    refund: Any, including: Decimal, context: Context
) -> None:
    if refund.tax_amount is None:
        refund.tax_amount = _ZERO
    for summed in (including, refund.total_amount, refund.total_amount - refund.tax_amount):
        old = _in(context, _old_includes_tax, refund, summed, refund.currency_code)
        assert _in(context, lines._includes_tax, refund, summed, refund.currency_code) == old
