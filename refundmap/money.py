"""Exact amounts: parsing JSON numbers and numeric strings, currency minor units.

Amounts are :class:`decimal.Decimal` from input to output; a binary float is
never on the way. Floats from already-decoded JSON are taken as their shortest
``repr``, which is the text the JSON number had.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation
from functools import cache
from typing import TypeGuard

from refundmap.currency import minor_unit
from refundmap.report import ValueRuleError, describe

__all__ = [
    "EXACT",
    "MAX_DECIMAL_PLACES",
    "AmountError",
    "format_amount",
    "minor_unit",
    "parse_amount",
    "parse_integer",
    "quantity_slack",
    "tolerance",
    "unit_tolerance",
]

#: Amounts must be smaller than 10^15 in absolute value: at most this many integer digits.
MAX_DIGITS = 15
#: More decimal places than this is not an amount (and ``1e-999999999`` would
#: otherwise be written out as a billion zeros).
MAX_DECIMAL_PLACES = 20

# The JSON number grammar: what a numeric string must look like. Decimal() alone
# would also take "1_000", " 12 ", "Infinity" and "NaN".
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")

#: Enough precision for products of two bounded amounts, so checks never round.
EXACT = Context(prec=80)


class AmountError(ValueRuleError):
    """A value is not an acceptable amount; the message says what was found."""


def _to_decimal(value: object, *, strict: bool, what: str) -> Decimal:
    # type() rather than isinstance(): bool is an int, and must be refused.
    if type(value) is Decimal:
        number = value
    elif type(value) is int:
        number = Decimal(value)
    elif type(value) is float:
        number = Decimal(repr(value))
    elif type(value) is str:
        if strict:
            raise AmountError(
                f"expected {what} as a JSON number, got the string {describe(value)}"
                " (numeric strings are refused in strict mode)"
            )
        if not _JSON_NUMBER.fullmatch(value):
            raise AmountError(f"expected {what}, got {describe(value)}")
        try:
            number = Decimal(value)
        except InvalidOperation:  # an exponent beyond what Decimal can hold at all
            raise AmountError(
                f"expected {what} smaller than 10^15 in magnitude, got {describe(value)}"
            ) from None
    else:
        raise AmountError(f"expected {what}, got {describe(value)}")
    if not number.is_finite():
        raise AmountError(f"expected {what}, got {describe(value)}")
    if not number:
        # Zero, whatever its exponent (0e15, 0E-30): kept as written where it fits.
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)  # noqa: S101 - finite, so an int
        return number if -MAX_DECIMAL_PLACES <= exponent <= 0 else Decimal(0)
    # adjusted() is the exponent of the leading digit: no arithmetic, so no
    # overflow for 1e999999999 (abs() would raise under the default context).
    if number.adjusted() >= MAX_DIGITS:
        raise AmountError(f"expected {what} smaller than 10^15 in magnitude, got {describe(value)}")
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 - finite, so an int
    if exponent < -MAX_DECIMAL_PLACES:
        raise AmountError(
            f"expected {what} with at most {MAX_DECIMAL_PLACES} decimal places,"
            f" got {describe(value)}"
        )
    return number


def in_bounds(value: object) -> TypeGuard[Decimal]:
    """Return whether ``value`` is a finite ``Decimal`` an amount takes as it is.

    Below 10^15, with at most 20 decimal places: the common case, decided
    without ``Decimal.as_tuple()`` (which builds a tuple of every digit) when
    the decimal prints without an exponent. :func:`parse_amount` decides, and
    explains, everything else.
    """
    if type(value) is not Decimal:
        return False
    text = str(value)
    point = text.find(".")
    # At most 15 characters before the point (sign included), no exponent: finite, below 10^15.
    if 0 < point <= MAX_DIGITS and "E" not in text:
        return len(text) - point - 1 <= MAX_DECIMAL_PLACES
    if not value.is_finite() or value.adjusted() >= MAX_DIGITS:
        return False
    if "E" in text:
        return value.as_tuple().exponent >= -MAX_DECIMAL_PLACES  # type: ignore[operator]
    return point < 0 or len(text) - point - 1 <= MAX_DECIMAL_PLACES


def parse_amount(value: object, *, strict: bool = False) -> Decimal:
    """Return ``value`` as an exact decimal amount.

    Args:
        value: a decoded JSON value: ``Decimal``, ``int``, ``float`` or ``str``.
        strict: refuse numeric strings.

    Raises:
        AmountError: for booleans, NaN, infinities, non-numeric strings,
            magnitudes of 10^15 or more, and more than 20 decimal places.
    """
    return _to_decimal(value, strict=strict, what="a decimal amount")


def parse_integer(value: object, *, strict: bool = False) -> int:
    """Return ``value`` as an ``int``; integral decimals such as ``3.0`` are taken.

    Raises:
        AmountError: for anything :func:`parse_amount` refuses, and fractions.
    """
    number = _to_decimal(value, strict=strict, what="an integer")
    if number != number.to_integral_value():
        raise AmountError(f"expected an integer, got {describe(value)}")
    return int(number)


def format_amount(value: Decimal) -> str:
    """Return ``value`` as a plain JSON number: every digit kept, never an exponent.

    ``Decimal("1E+2")`` is ``100``; ``Decimal("1.10")`` stays ``1.10``.
    """
    return format(value, "f")


@cache
def tolerance(currency: str | None) -> Decimal:
    """Return half of ``currency``'s minor unit: how far a total may be off."""
    return Decimal(5).scaleb(-minor_unit(currency) - 1)


def unit_tolerance(currency: str | None, quantity: Decimal | int) -> Decimal:
    """Return how far ``quantity`` x a unit amount may be from the line's amount.

    Platforms round unit amounts to the currency's minor unit and keep the line's
    amount exact (4.89 x 5 against 24.46): the product is then off by up to half
    a minor unit x ``|quantity|``, and the amount itself by up to half a minor
    unit, so half a minor unit x (``|quantity|`` + 1).
    """
    return quantity_slack(tolerance(currency), quantity)


def quantity_slack(half: Decimal, quantity: Decimal | int) -> Decimal:
    """Return :func:`unit_tolerance` from the currency's :func:`tolerance` ``half``.

    That is ``half`` x (``|quantity|`` + 1), for a caller that has the tolerance already.
    """
    return half * ((quantity if quantity >= 0 else -quantity) + 1)
