"""The line rules made cheaper (refundmap.mapping.lines, figures) give what they gave before.

The old forms are kept here as the reference: a line's tax reading (held by
identity before, found each time now) and its amount before tax (the discount's
words found through ``_booked`` for every line before), on lines of figures of
every exponent, in the exact context and in contexts that round, with the same
results, the same words, and the same signals raised.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from refundmap.checks import railz_discount
from refundmap.mapping import lines
from refundmap.mapping.lines import _booked, _booked_how, before_tax, line_tax_reading
from refundmap.money import EXACT

_ZERO = Decimal(0)


def _old_line_tax_reading(line: Any) -> bool | None:
    """``lines._line_tax_reading`` before, behind ``if not line.tax_amount: return False``."""
    if not line.tax_amount:
        return False
    quantity, unit, total = line.quantity, line.unit_amount, line.total_amount
    if quantity is None or unit is None or total is None:
        return False
    net = quantity * unit - railz_discount(line)[0]
    slack = lines.rounding_slack(quantity)
    if abs(total - net) > slack:
        return False
    sub_total = line.sub_total
    if sub_total is None or abs(sub_total - net) > slack:
        return True
    return None


def _old_before_tax(
    line: Any, *, net: bool = False, included: bool = False, reading: Any = ...
) -> tuple[Decimal, str, str] | None:
    """``lines.before_tax`` before."""
    if net:
        discount, plus = _ZERO, ""
    else:
        discount, found, rounded = _booked(line)
        plus = f" + {_booked_how(discount, found, rounded=rounded)}" if discount else ""
    before = "the line before tax" if net else "the line before tax and discount"
    if reading is ...:
        reading = _old_line_tax_reading(line)
    if included if reading is None else reading:
        value, message, key = (
            line.total_amount + discount,
            f"totalAmount {line.total_amount}{plus}: the unit amounts include tax",
            "totalAmount",
        )
    elif line.sub_total is not None:
        value, message, key = (
            line.sub_total + discount,
            f"subTotal {line.sub_total}{plus}: {before}",
            "subTotal",
        )
    elif line.total_amount is None:
        if line.quantity is None or line.unit_amount is None:
            return None
        value, key = (
            line.quantity * line.unit_amount - (railz_discount(line)[0] if net else 0),
            "unitAmount",
        )
        message = (
            f"quantity {line.quantity} x unitAmount {line.unit_amount}: the line has neither"
            " subTotal nor totalAmount"
        )
    elif line.tax_amount:
        value, key = line.total_amount - line.tax_amount + discount, "totalAmount"
        message = f"totalAmount {line.total_amount} - taxAmount {line.tax_amount}{plus}: {before}"
    else:
        value, message, key = (
            line.total_amount + discount,
            f"totalAmount {line.total_amount}{plus}",
            "totalAmount",
        )
    if net and railz_discount(line)[0]:
        message += ", net of its discount"
    return value, message, key


#: Amounts of every exponent, as the reader takes them (below 10^15, at most 20 places).
amounts = st.builds(
    lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
    st.integers(-(10**8), 10**8),
    st.integers(-12, 4),
)
maybe = st.none() | amounts
lines_ = st.builds(
    SimpleNamespace,
    quantity=st.none() | st.integers(-3, 10**6) | st.sampled_from([0, 1, 3, 10**14]),
    unit_amount=maybe,
    total_amount=maybe,
    sub_total=maybe,
    tax_amount=st.none() | st.just(_ZERO) | amounts,
    discount_amount=st.none() | st.sampled_from([_ZERO, Decimal("0.0")]) | amounts,
    discount_percentage=st.none() | st.just(_ZERO) | amounts,
)
contexts = st.just(EXACT) | st.builds(
    Context,
    prec=st.integers(3, 12),
    rounding=st.sampled_from([ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_DOWN]),
    traps=st.just([]),
)


def _twice(context: Context, function: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """Return what ``function`` gives in a copy of ``context``, and the flags it raised."""
    with localcontext(context) as here:
        here.clear_flags()
        try:
            result = function(*args, **kwargs)
        except (ArithmeticError, TypeError) as error:  # an impossible line, or a signal trapped
            result = type(error)
        return result, {flag for flag, raised in here.flags.items() if raised}


def _same(new: tuple[Any, Any], old: tuple[Any, Any]) -> None:
    (value, flags), (was, flags_was) = new, old
    assert flags == flags_was
    if isinstance(was, tuple):
        assert isinstance(value, tuple)
        assert [str(part) for part in value] == [str(part) for part in was]  # exponents too
    else:
        assert value is was


@given(lines_, contexts)
def test_a_tax_reading_is_as_before(line: Any, context: Context) -> None:
    _same(_twice(context, line_tax_reading, line), _twice(context, _old_line_tax_reading, line))


@given(lines_, contexts, st.booleans(), st.booleans(), st.sampled_from([..., None, True, False]))
def test_an_amount_before_tax_is_as_before(
    line: Any,
    context: Context,
    net: bool,  # noqa: FBT001
    included: bool,  # noqa: FBT001
    reading: Any,
) -> None:
    new = _twice(context, before_tax, line, net=net, included=included, reading=reading)
    _same(new, _twice(context, _old_before_tax, line, net=net, included=included, reading=reading))
