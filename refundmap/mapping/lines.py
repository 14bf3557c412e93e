"""The arithmetic of refund lines: each vendor's line figures, discounts and tax treatment.

Pure functions of the source models, which the rules of
:mod:`refundmap.mapping.rules` read to make and report a target's line amounts:
what a Railz line is before tax or discount, whether a refund's lines include
tax, the unit amount that multiplies back to a total. They compute in the
caller's decimal context: a conversion's is :data:`refundmap.money.EXACT`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext
from typing import TYPE_CHECKING, Any

from refundmap.checks import _HALVES, _tolerance, discount_how, railz_discount
from refundmap.currency import is_code
from refundmap.money import EXACT, MAX_DECIMAL_PLACES, tolerance, unit_tolerance

if TYPE_CHECKING:
    from types import EllipsisType

    from refundmap.formats import Format

__all__ = [
    "before_discount",
    "before_tax",
    "body_line_total",
    "booked_discount",
    "computed_line_total",
    "exact_quotient",
    "line_tax_reading",
    "one_amount_lines",
    "railz_includes_tax",
    "railz_lines_include_tax",
    "rounding_slack",
    "rutter_includes_tax",
    "tax_included",
    "unread_percentage",
    "v2_includes_tax",
    "v2_unit_includes_tax",
]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")


def one_amount_lines(fmt: Format) -> bool:
    """Whether ``fmt`` is Railz's with lines of one ``amount`` (version 2), not line figures."""
    return fmt.vendor == "railz" and not fmt.line_figures


#: rounding_slack of whole quantities below 10^15, as found (the same few recur): each
#: exact (0.005 x (|quantity| + 1) has at most 19 digits), rounded to the caller's
#: context when given. A bounded few.
_SLACKS: dict[int, Decimal] = {}
_SLACKS_HELD = 256
_SLACKS_BELOW = 10**15


def rounding_slack(quantity: Any) -> Decimal:
    """Return how far quantity x a unit amount rounded to the cent may be off."""
    if type(quantity) is not int:
        return unit_tolerance(None, quantity)
    slack = _SLACKS.get(quantity)
    if slack is None:
        if not -_SLACKS_BELOW < quantity < _SLACKS_BELOW:
            return unit_tolerance(None, quantity)
        if len(_SLACKS) >= _SLACKS_HELD:
            _SLACKS.clear()
        with localcontext(EXACT):
            slack = _SLACKS[quantity] = unit_tolerance(None, quantity)
    # As the product in the caller's context: the exact slack rounded once (a no-op in
    # EXACT), with the same signals; held as found, it would be another context's.
    return +slack


def booked_discount(line: Any) -> tuple[Decimal, str]:
    """Return a Railz line's discount as the platform books it, and how it was found.

    A discount by ``discountPercentage`` is rounded to the cent (12.5 % of 34.93 is
    4.37, and the line's ``subTotal`` 30.56): added back, it gives the line before it.
    """
    discount, found, rounded = _booked(line)
    return discount, _booked_how(discount, found, rounded=rounded)


def _booked(line: Any) -> tuple[Decimal, tuple[Decimal, Decimal | None], bool]:
    """Return :func:`booked_discount`'s discount, the line's own, and whether it was rounded."""
    found = railz_discount(line)
    discount = found[0]
    if not discount or line.discount_amount:
        return discount, found, False
    exponent = discount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -2:  # cents already
        return discount, found, False
    return discount.quantize(_CENT, ROUND_HALF_UP), found, True


def _booked_how(discount: Decimal, found: tuple[Decimal, Decimal | None], *, rounded: bool) -> str:
    """Word how :func:`_booked` found ``discount``: as the line's, rounded to the cent or not."""
    how = discount_how(found)
    return f"{how} ({discount!s})" if rounded else how


def line_tax_reading(line: Any) -> bool | None:
    """Whether a Railz version 1 line's unit amount includes tax (Xero's default).

    It does where its ``totalAmount``, not its ``subTotal``, is quantity x
    unitAmount less its discount, and the line carries tax. None where both
    are, within rounding: the line's figures fit either reading.
    """
    if not line.tax_amount:
        return False
    return _line_tax_reading(line)


def _line_tax_reading(line: Any) -> bool | None:
    """:func:`line_tax_reading` of a line that carries tax, found each time it is asked.

    Not held: a reading held from one call is right in another only in the same
    context settings, traps and flags, and finding it costs about what holding it
    did (a conversion asks twice a line).
    """
    quantity, unit, total = line.quantity, line.unit_amount, line.total_amount
    if quantity is None or unit is None or total is None:
        return False
    # railz_discount(line)[0], its common cases without the call: the line's
    # discountAmount, else none where it has no discountPercentage.
    amount = line.discount_amount
    if amount:
        net = quantity * unit - amount
    elif line.discount_percentage:
        net = quantity * unit - railz_discount(line)[0]
    else:
        net = quantity * unit - _ZERO
    slack = _SLACKS.get(quantity) if type(quantity) is int else None
    slack = rounding_slack(quantity) if slack is None else +slack  # as rounding_slack gives it
    if abs(total - net) > slack:
        return False
    sub_total = line.sub_total
    if sub_total is None or abs(sub_total - net) > slack:
        return True
    return None


def unread_percentage(line: Any) -> Decimal:
    """Return the booked ``discountPercentage`` of a line read as having no discount, else 0.

    A ``discountAmount`` of 0 beside a percentage is read as no discount where
    the line's figure is quantity x unitAmount within rounding
    (:func:`refundmap.checks.railz_line_discount`); where that figure is also
    quantity x unitAmount less the percentage's discount, rounded to the cent,
    the figures fit both readings, and this is that discount.
    """
    percentage, quantity, unit = line.discount_percentage, line.quantity, line.unit_amount
    if line.discount_amount != 0 or not percentage or quantity is None or unit is None:
        return _ZERO
    if railz_discount(line)[0]:
        return _ZERO  # read as discounted already
    figure = getattr(line, "sub_total", None)
    if figure is None:
        figure = getattr(line, "total_amount", None) or getattr(line, "amount", None)
    if figure is None:
        return _ZERO
    gross = quantity * unit
    booked = (gross * percentage / 100).quantize(_CENT, ROUND_HALF_UP)
    # A version 2 amount may include the line's tax (see before_discount).
    figures = (figure, figure - (line.tax_amount or _ZERO))
    fits = any(abs(f - (gross - booked)) <= rounding_slack(quantity) for f in figures)
    return booked if booked and fits else _ZERO


def tax_included(
    line: Any, *, otherwise: bool = False, reading: bool | EllipsisType | None = ...
) -> bool:
    """Whether a Railz version 1 line's unit amount includes tax; ``otherwise`` where unclear.

    ``otherwise`` is the refund's reading (see :func:`railz_lines_include_tax`);
    ``reading`` the line's :func:`line_tax_reading` where the caller has it already.
    """
    if reading is ...:
        reading = line_tax_reading(line)
    return otherwise if reading is None else reading


def railz_lines_include_tax(src: Any) -> bool | None:
    """Whether a Railz version 1 refund's taxed lines include tax, by the lines that say.

    A refund's lines share one tax treatment (Xero's line amount type is the
    document's): a line whose figures fit either reading follows the lines whose
    figures say, and where none says, is read as excluding tax. None where the
    lines that say disagree.
    """
    readings = {line_tax_reading(line) for line in src.lines or () if line.tax_amount}
    clear = readings - {None}
    if len(clear) > 1:
        return None
    return clear.pop() if clear else False


def before_tax(
    line: Any,
    *,
    net: bool = False,
    included: bool = False,
    reading: bool | EllipsisType | None = ...,
) -> tuple[Decimal, str, str] | None:
    """Return a Railz version 1 line's amount as Rutter's line total, how, and from which key.

    The amount is before discount (``net``: after it), and before tax unless the
    unit amounts include it (``included``: the refund's reading, for a line whose
    figures fit either); None when the line has neither total.

    Rutter's line total is ``item.quantity x item.unit_amount``, and its refund's total
    is the lines less ``discount_amount`` plus ``tax_amount`` (or, where the lines
    include tax, less ``discount_amount`` only). Railz's ``subTotal`` is the line
    "inclusive of discounts but exclusive of tax", its ``totalAmount`` "inclusive of
    discounts and tax": the discount is added back (one by ``discountPercentage``
    too, not quantity x unitAmount, which may be rounded), and the tax left out
    unless the unit amounts include it. ``reading`` is the line's
    :func:`line_tax_reading` where the caller has it already.
    """
    if net or not (line.discount_amount or line.discount_percentage):
        discount, plus = _ZERO, ""  # _booked's, of a line with neither (most lines)
    else:
        discount, found, rounded = _booked(line)
        # Worded only where it is said.
        plus = f" + {_booked_how(discount, found, rounded=rounded)}" if discount else ""
    before = "the line before tax" if net else "the line before tax and discount"
    if reading is ...:
        reading = line_tax_reading(line)
    if included if reading is None else reading:  # tax_included(line, otherwise=included)
        value, message, key = (
            line.total_amount + discount,
            f"totalAmount {line.total_amount!s}{plus}: the unit amounts include tax",
            "totalAmount",
        )
    elif line.sub_total is not None:
        value, message, key = (
            line.sub_total + discount,
            f"subTotal {line.sub_total!s}{plus}: {before}",
            "subTotal",
        )
    elif line.total_amount is None:
        if line.quantity is None or line.unit_amount is None:
            return None
        # Rutter's line total by its own definition (a line Railz got from Rutter
        # without a figure: the refund's discount was not per line).
        value, key = (
            line.quantity * line.unit_amount - (railz_discount(line)[0] if net else 0),
            "unitAmount",
        )
        message = (
            f"quantity {line.quantity!s} x unitAmount {line.unit_amount!s}: the line has neither"
            " subTotal nor totalAmount"
        )
    elif line.tax_amount:
        value, key = line.total_amount - line.tax_amount + discount, "totalAmount"
        message = (
            f"totalAmount {line.total_amount!s} - taxAmount {line.tax_amount!s}{plus}: {before}"
        )
    else:
        value, message, key = (
            line.total_amount + discount,
            f"totalAmount {line.total_amount!s}{plus}",
            "totalAmount",
        )
    if net and railz_discount(line)[0]:
        message += ", net of its discount"
    return value, message, key


def before_discount(line: Any) -> tuple[Decimal, str, str] | None:
    """Return a Railz version 2 line's amount before discount, where it is net of one.

    That is where ``amount`` is quantity x unitAmount less its discount
    (``discountAmount``, else ``discountPercentage`` %), plus its ``taxAmount`` or not.
    """
    tax = line.tax_amount or _ZERO
    if line.quantity is None or line.unit_amount is None:
        return None
    discount, how = booked_discount(line)
    if not discount:
        return None
    net = line.quantity * line.unit_amount - discount
    slack = rounding_slack(line.quantity)
    # The amount may include the line's tax too (see rules._v2_lines_before_tax).
    if all(abs(net - amount) > slack for amount in (line.amount, line.amount - tax)):
        return None
    message = f"amount {line.amount!s} + {how}: the line before discount"
    return line.amount + discount, message, "amount"


def body_line_total(line: Any, source: Format) -> Decimal | None:
    """Return the line total a Rutter create body holds for a line of ``source``."""
    if source.line_figures:
        found = before_tax(line, net=True)
        return None if found is None else found[0]
    if one_amount_lines(source):
        return line.amount  # type: ignore[no-any-return]
    return line.total_amount  # type: ignore[no-any-return]


def exact_quotient(total: Decimal, quantity: Any) -> Decimal | None:
    """Return total / quantity where it has no remainder and a target can hold it, else None.

    Rounded up in 80 digits, a quotient can multiply back to the total exactly:
    only a division that is not rounded at all counts, and only to
    ``MAX_DECIMAL_PLACES`` places (all that a Rutter amount takes).
    """
    if not quantity:
        return None
    with localcontext(EXACT) as context:
        context.traps[Inexact] = True
        try:
            unit = total / Decimal(quantity)
        except Inexact:
            return None
    exponent = unit.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 - a finite quotient of finite amounts
    if -exponent > MAX_DECIMAL_PLACES:
        return None
    return unit


def _includes_tax(src: Any, including: Decimal, currency: str | None) -> bool | None:
    """Whether lines summing to ``including`` include the refund's tax: None where unclear."""
    excluding = including + src.tax_amount
    half = _HALVES.get(currency) or _tolerance(currency)  # tolerance(currency), held
    total: Decimal = src.total_amount
    includes = abs(total - including) <= half
    # abs(total - excluding) <= half; of a total that is the lines and their tax (most
    # refunds), without the arithmetic: equal amounts (exponents -20 and above) differ by
    # an exact 0, which raises no signal.
    excludes = total == excluding or abs(total - excluding) <= half
    # Not a match statement: its tuple and patterns cost more than the arithmetic.
    if includes is not excludes:
        return includes
    return None


def rutter_includes_tax(src: Any) -> bool | None:
    """Whether a Rutter refund's line totals include tax, where its arithmetic says.

    None where the refund has no tax or no line, or its total says neither.
    """
    if not src.tax_amount or not src.line_items:
        return None
    lines = _ZERO  # sum(), without a generator's frame: the same additions in the same order
    for line in src.line_items:
        lines += line.total_amount
    return _includes_tax(src, lines - (src.discount_amount or _ZERO), src.currency_code)


def v2_includes_tax(src: Any) -> bool | None:
    """Whether a Railz version 2 refund's line amounts include tax, where its arithmetic says.

    Railz does not define it: the amounts include tax where they sum to the
    refund's total, and exclude it where they sum to it less the tax.
    """
    if not src.tax_amount or not src.lines:
        return None
    return _includes_tax(src, sum((line.amount for line in src.lines), _ZERO), src.currency)


def railz_includes_tax(src: Any) -> bool | None:
    """Whether a Railz version 1 refund's lines include tax, where only its header says.

    That is where no line carries tax and the refund does: the lines include it
    where their totals (net of discounts) sum to ``totalAmount`` and ``subTotal`` +
    ``taxAmount`` is ``totalAmount`` (Railz's own definition); they exclude it
    where the totals sum to ``totalAmount`` less the tax.
    """
    if not src.tax_amount or not src.lines or src.total_amount is None:
        return None
    totals = [before_tax(line, net=True) for line in src.lines]
    if any(found is None for found in totals):
        return None
    lines = sum((found[0] for found in totals if found is not None), _ZERO)
    currency = src.currency_ref.id if src.currency_ref is not None else None
    currency = currency if currency is not None and is_code(currency) else None
    half = tolerance(currency)
    if src.sub_total is not None and abs(src.sub_total + src.tax_amount - src.total_amount) > half:
        return None  # the header does not add up: it says nothing
    return _includes_tax(src, lines, currency)


def v2_unit_includes_tax(line: Any, discount: Decimal | None = None) -> bool:
    """Whether a version 2 line's quantity x unitAmount less its discount is its amount.

    That is, whether its unit amounts include its tax, not only its amount.
    ``discount`` is the line's where its refund decides it (see :func:`unread_percentage`).
    """
    if line.quantity is None or line.unit_amount is None:
        return False
    if discount is None:
        discount = railz_discount(line)[0]
    net: Decimal = line.quantity * line.unit_amount - discount
    slack = rounding_slack(line.quantity)
    return bool(abs(line.amount - net) <= slack < abs(line.amount - line.tax_amount - net))


def computed_line_total(line: dict[str, Any]) -> Decimal:
    """Return a create body's line total as Rutter computes it: quantity (default 1) x unit."""
    item = line.get("item") or {}
    unit = item.get("unit_amount")
    if unit is None:
        return line["total_amount"]  # type: ignore[no-any-return]
    quantity = item.get("quantity")
    total = line.get("total_amount")
    computed = (Decimal(1) if quantity is None else quantity) * unit
    return total if computed == total else computed  # type: ignore[no-any-return]
