"""The rules the mapping table names: values made for a target, values checked on the way in.

A *make* rule runs when the target format's cell is a key and the source has
no value for it: it receives the source model, the target dict so far and the
run, and returns a :class:`Made` (the value and how to report it), or None when
there is nothing to write. A *write* rule receives each value copied into its
cell, and the source model it comes from. Either raises :class:`Unmappable`
when the target cannot hold the record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from refundmap.checks import railz_line_discount
from refundmap.currency import code_for_name, is_code
from refundmap.dates import format_date
from refundmap.money import EXACT, MAX_DECIMAL_PLACES, tolerance
from refundmap.references import KINDS
from refundmap.report import Kind

if TYPE_CHECKING:
    from refundmap.formats import Format

__all__ = [
    "APPLY",
    "MAKE",
    "PLATFORM_NAMES",
    "RUTTER_ID_NAMESPACE",
    "SERVICE_NAMES",
    "WRITE",
    "WRITE_WHEN",
    "Made",
    "ReferenceMessages",
    "RuleContext",
    "Unmappable",
    "lines_total",
    "reference_messages",
]

#: The namespace of Rutter ids synthesized from Railz ids: ``uuid5(NS, railz_id)``, or
#: ``uuid5(NS, f"{scope}/{railz_id}")`` where the document names its connection
#: (see ``RuleContext.scope``). Fixed, so that converting the same refund twice gives the same id.
RUTTER_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://refundmap.invalid/rutter-id")

# Rutter's connection.platform and Railz's meta.serviceName for the same platform.
_PLATFORMS = {
    "QUICKBOOKS": "quickbooks",
    "QUICKBOOKS_DESKTOP": "quickbooksDesktop",
    "XERO": "xero",
    "NETSUITE": "oracleNetsuite",
    "FRESHBOOKS": "freshbooks",
    "SAGE_BUSINESS_CLOUD": "sageBusinessCloud",
    "SAGE_INTACCT": "sageIntacct",
    "DYNAMICS365": "dynamicsBusinessCentral",
    "WAVE": "wave",
    "ZOHO_BOOKS": "zohoBooks",
}
_SERVICES = {service: platform for platform, service in _PLATFORMS.items()}
#: Rutter's ``connection.platform`` -> Railz's ``serviceName``, for the platforms both name.
PLATFORM_NAMES = _PLATFORMS
#: Railz's accounting service names, as Railz spells them.
SERVICE_NAMES = frozenset(_SERVICES)


class Unmappable(Exception):  # noqa: N818 - a reason, raised and caught inside the engine
    """The target format cannot hold this record; the message says why."""


@attrs.frozen
class Made:
    """A value a rule made, and how the report names it (``kind`` None: not reported).

    ``source`` is the key path, in the source object, of the value it was made
    from, when there is one.
    """

    value: Any
    kind: Kind | None = None
    message: str = ""
    source: str | None = None


class RuleContext(Protocol):
    """What a rule may ask of the conversion it runs in."""

    @property
    def source(self) -> Format: ...  # noqa: D102
    @property
    def target(self) -> Format: ...  # noqa: D102
    @property
    def source_name(self) -> str: ...  # noqa: D102
    @property
    def target_name(self) -> str: ...  # noqa: D102
    @property
    def synced_at(self) -> str: ...  # noqa: D102
    @property
    def count(self) -> int: ...  # noqa: D102
    @property
    def scope(self) -> str | None: ...  # noqa: D102
    @property
    def failed(self) -> bool: ...  # noqa: D102
    def note(self, kind: Kind, source: str, target: str | None, message: str) -> None: ...  # noqa: D102
    def learned_refund(self, platform_id: str) -> str | None: ...  # noqa: D102
    def change_total(self, source: str, target: str, message: str) -> None: ...  # noqa: D102
    def translate(  # noqa: D102
        self, kind: str, value: str, source: str, target: str, name_target: str | None
    ) -> tuple[str, str | None]: ...


def _rutter_id(_src: Any, out: dict[str, Any], run: RuleContext) -> Made | None:
    railz_id = out.get("platform_id")
    if railz_id is None:
        return None
    learned = run.learned_refund(railz_id)
    if learned is not None:
        message = f"the Rutter id of the refund the platform calls {railz_id!r}, from the directory"
        return Made(learned, Kind.DERIVED, message, "id")
    if run.scope is None:
        made = str(uuid.uuid5(RUTTER_ID_NAMESPACE, railz_id))
        return Made(made, Kind.SYNTHESIZED, f"UUID version 5 of the Railz id {railz_id!r}", "id")
    # Railz ids are the platform's, unique within one business only.
    made = str(uuid.uuid5(RUTTER_ID_NAMESPACE, f"{run.scope}/{railz_id}"))
    message = f"UUID version 5 of the Railz id {railz_id!r} of {run.scope}"
    return Made(made, Kind.SYNTHESIZED, message, "id")


def _required(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    if run.target.vendor == "rutter":
        raise Unmappable("Rutter requires account_id, and the refund has no accountRef")
    if run.target.vendor == "railz" and run.target.is_body:
        raise Unmappable(f"{run.target_name} requires accountRef, and the refund has no account")
    return None


def _required_lines(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    if run.target.vendor != "rutter":
        return None
    if run.target.is_body:
        raise Unmappable("a Rutter create body needs at least one line item, and there is none")
    return Made([])


def _sub_total(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    if run.source.vendor != "rutter" or src.total_amount is None or src.tax_amount is None:
        return None
    total, tax = src.total_amount, src.tax_amount
    return Made(
        total - tax, Kind.DERIVED, f"total_amount {total} - tax_amount {tax}", "total_amount"
    )


def _booked_discount(line: Any) -> tuple[Decimal, str]:
    """Return a Railz line's discount as the platform books it, and how it was found.

    A discount by ``discountPercentage`` is rounded to the cent (12.5 % of 34.93 is
    4.37, and the line's ``subTotal`` 30.56): added back, it gives the line before it.
    """
    discount, how = railz_line_discount(line)
    if not discount or line.discount_amount:
        return discount, how
    exponent = discount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -2:  # cents already
        return discount, how
    booked = discount.quantize(_CENT, ROUND_HALF_UP)
    return booked, f"{how} ({booked})"


def _line_discounts(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    """Rutter's ``discount_amount``, where Railz has no ``totalDiscount``: its lines' discounts.

    Rutter's line totals are before the lines' discounts (each is added back,
    see ``_before_tax`` and ``_before_discount``), so the refund's discount is their sum.
    """
    into_rutter = run.target.vendor == "rutter" and not run.target.is_body
    if not into_rutter or run.source.vendor != "railz":
        return None
    v2 = _one_amount_lines(run.source)
    found = [
        (index, *_booked_discount(line))
        for index, line in enumerate(src.lines or ())
        # A version 2 amount gets its discount back only where it is net of it.
        if not v2 or _before_discount(line) is not None
    ]
    found = [entry for entry in found if entry[1]]
    if not found:
        return None
    with localcontext(EXACT):
        total = sum((discount for _, discount, _ in found), _ZERO)
    said = ", ".join(f"lines[{index}] {how}" for index, _, how in found)
    message = f"the sum of the lines' discounts ({said}): Rutter's line totals are before them"
    return Made(total, Kind.DERIVED, message, "lines")


def _synced_at(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    return Made(run.synced_at, Kind.SYNTHESIZED, "the conversion time")


def _slack(quantity: Any) -> Decimal:
    """Return how far quantity x a unit amount rounded to the cent may be off."""
    return _HALF_CENT * (abs(Decimal(quantity)) + 1)


def _tax_included(line: Any) -> bool:
    """Whether a Railz version 1 line's unit amount includes tax (Xero's default).

    It does where its ``totalAmount``, not its ``subTotal``, is quantity x
    unitAmount less its discount, and the line carries tax.
    """
    if line.quantity is None or line.unit_amount is None or line.total_amount is None:
        return False
    if not line.tax_amount:
        return False
    with localcontext(EXACT):
        net = line.quantity * line.unit_amount - railz_line_discount(line)[0]
    slack = _slack(line.quantity)
    if abs(line.total_amount - net) > slack:
        return False
    return line.sub_total is None or abs(line.sub_total - net) > slack


def _before_tax(line: Any, *, net: bool = False) -> tuple[Decimal, str, str] | None:
    """Return a Railz version 1 line's amount as Rutter's line total, how, and from which key.

    The amount is before discount (``net``: after it), and before tax unless the
    unit amounts include it; None when the line has neither total.

    Rutter's line total is ``item.quantity x item.unit_amount``, and its refund's total
    is the lines less ``discount_amount`` plus ``tax_amount`` (or, where the lines
    include tax, less ``discount_amount`` only). Railz's ``subTotal`` is the line
    "inclusive of discounts but exclusive of tax", its ``totalAmount`` "inclusive of
    discounts and tax": the discount is added back (one by ``discountPercentage``
    too, not quantity x unitAmount, which may be rounded), and the tax left out
    unless the unit amounts include it.
    """
    discount, how = (_ZERO, "") if net else _booked_discount(line)
    plus = f" + {how}" if discount else ""
    before = "the line before tax" if net else "the line before tax and discount"
    if _tax_included(line):
        value, message, key = (
            line.total_amount + discount,
            f"totalAmount {line.total_amount}{plus}: the unit amounts include tax",
            "totalAmount",
        )
    elif line.sub_total is not None:
        value, message, key = (
            line.sub_total + discount,
            f"subTotal {line.sub_total}{plus}",
            "subTotal",
        )
        message += f": {before}"
    elif line.total_amount is None:
        if line.quantity is None or line.unit_amount is None:
            return None
        # Rutter's line total by its own definition (a line Railz got from Rutter
        # without a figure: the refund's discount was not per line).
        value, key = (
            line.quantity * line.unit_amount - (railz_line_discount(line)[0] if net else 0),
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
    if net and railz_line_discount(line)[0]:
        message += ", net of its discount"
    return value, message, key


def _into_rutter_from_railz(run: RuleContext) -> bool:
    return bool(run.source.line_figures) and run.target.vendor == "rutter"


def _line_total(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    if not _into_rutter_from_railz(run):
        return None
    found = _before_tax(src, net=run.target.computes_totals)
    if found is None:
        raise Unmappable(
            "Rutter requires a line total, and the line has neither totalAmount nor subTotal,"
            " nor quantity and unitAmount"
        )
    value, message, key = found
    return Made(value, Kind.DERIVED, message, key)


def _before_discount(line: Any) -> tuple[Decimal, str, str] | None:
    """Return a Railz version 2 line's amount before discount, where it is net of one.

    That is where ``amount`` is quantity x unitAmount less its discount
    (``discountAmount``, else ``discountPercentage`` %), plus its ``taxAmount`` or not.
    """
    tax = line.tax_amount or _ZERO
    if line.quantity is None or line.unit_amount is None:
        return None
    discount, how = _booked_discount(line)
    if not discount:
        return None
    with localcontext(EXACT):
        net = line.quantity * line.unit_amount - discount
        slack = _slack(line.quantity)
        # The amount may include the line's tax too (see _v2_lines_before_tax).
        if all(abs(net - amount) > slack for amount in (line.amount, line.amount - tax)):
            return None
    message = f"amount {line.amount} + {how}: the line before discount"
    return line.amount + discount, message, "amount"


def _line_amount(value: Any, src: Any, run: RuleContext) -> Made:
    if _one_amount_lines(run.source) and run.target.vendor == "rutter":
        if run.target.computes_totals:
            return Made(value)  # the body's line total is the line net of its discount
        found = _before_discount(src)
        return Made(value) if found is None else Made(found[0], Kind.DERIVED, *found[1:])
    if not _into_rutter_from_railz(run):
        return Made(value)
    found = _before_tax(src, net=run.target.computes_totals)
    assert found is not None  # noqa: S101 - the line has a totalAmount: it is the value
    made, message, key = found
    if made == value and key == "totalAmount":
        return Made(value)  # the total as it is: no tax, no discount
    return Made(made, Kind.DERIVED, message, key)


def _body_line_total(line: Any, run: RuleContext) -> Decimal | None:
    """Return the line total a Rutter create body holds for a source line."""
    if run.source.line_figures:
        found = _before_tax(line, net=True)
        return None if found is None else found[0]
    if _one_amount_lines(run.source):
        return line.amount  # type: ignore[no-any-return]
    return line.total_amount  # type: ignore[no-any-return]


def _exact_quotient(total: Decimal, quantity: Any) -> Decimal | None:
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


def _unit_amount(value: Any, src: Any, run: RuleContext) -> Made:
    """A unit amount in a create body: one that gives the line's total, or none.

    Rutter takes a create line's total as quantity (default 1) x unit amount. A
    unit amount that does not give the body's line total exactly (rounded to the
    minor unit, or before the line's discount) is the line's total / quantity
    where that is exact (derived), else left out, so that Rutter takes the
    line's total.
    """
    total = _body_line_total(src, run)
    if total is None:
        return Made(value)
    quantity = src.quantity if run.source.vendor == "railz" else src.item.quantity
    quantity = 1 if quantity is None else quantity
    with localcontext(EXACT):
        product = quantity * value
        if product == total:
            return Made(value)
    unit = _exact_quotient(total, quantity)
    exact = unit is not None
    said = f"quantity {quantity} x unit amount {value} is {product}, not the line's total {total}"
    if exact:
        return Made(unit, Kind.DERIVED, f"{said}; {total} / {quantity}, as Rutter multiplies back")
    return Made(
        None,
        Kind.DERIVED,
        f"{said}, and no exact unit amount gives it: left out, so that Rutter"
        " takes the line's total",
    )


def _rutter_includes_tax(src: Any) -> bool | None:
    """Whether a Rutter refund's line totals include tax, where its arithmetic says.

    None where the refund has no tax or no line, or its total says neither.
    """
    if not src.tax_amount or not src.line_items:
        return None
    lines = sum((line.total_amount for line in src.line_items), _ZERO)
    return _includes_tax(src, lines - (src.discount_amount or _ZERO), src.currency_code)


def _v2_includes_tax(src: Any) -> bool | None:
    """Whether a Railz version 2 refund's line amounts include tax, where its arithmetic says.

    Railz does not define it: the amounts include tax where they sum to the
    refund's total, and exclude it where they sum to it less the tax.
    """
    if not src.tax_amount or not src.lines:
        return None
    return _includes_tax(src, sum((line.amount for line in src.lines), _ZERO), src.currency)


def _railz_includes_tax(src: Any) -> bool | None:
    """Whether a Railz version 1 refund's lines include tax, where only its header says.

    That is where no line carries tax and the refund does: the lines include it
    where their totals (net of discounts) sum to ``totalAmount`` and ``subTotal`` +
    ``taxAmount`` is ``totalAmount`` (Railz's own definition); they exclude it
    where the totals sum to ``totalAmount`` less the tax.
    """
    if not src.tax_amount or not src.lines or src.total_amount is None:
        return None
    totals = [_before_tax(line, net=True) for line in src.lines]
    if any(found is None for found in totals):
        return None
    lines = sum((found[0] for found in totals if found is not None), _ZERO)
    currency = src.currency_ref.id if src.currency_ref is not None else None
    currency = currency if currency is not None and is_code(currency) else None
    half = tolerance(currency)
    if src.sub_total is not None and abs(src.sub_total + src.tax_amount - src.total_amount) > half:
        return None  # the header does not add up: it says nothing
    return _includes_tax(src, lines, currency)


def _includes_tax(src: Any, including: Decimal, currency: str | None) -> bool | None:
    excluding = including + src.tax_amount
    half = tolerance(currency)
    match abs(src.total_amount - including) <= half, abs(src.total_amount - excluding) <= half:
        case (True, False):
            return True
        case (False, True):
            return False
        case _:
            return None


def _tax_inclusive(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    """Tell Rutter whether the create body's line amounts include tax, where the source says."""
    included: bool | None
    if run.source.line_figures:
        taxed = [line for line in src.lines or () if line.tax_amount]
        kinds = {_tax_included(line) for line in taxed}
        if taxed and len(kinds) != 1:
            return None  # the lines disagree
        included = kinds.pop() if taxed else _railz_includes_tax(src)
        if included is None:
            return None
    else:
        rutter = run.source.vendor == "rutter"
        included = (_rutter_includes_tax if rutter else _v2_includes_tax)(src)
        if included is None:
            return None
    message = "the lines' amounts include tax" if included else "the lines' amounts exclude tax"
    where = run.source.lines_key
    return Made(included, Kind.DERIVED, message, where)


def _no_line_figure(run: RuleContext, where: str, at: str, why: str) -> None:
    """Report a Rutter line total that no Railz line figure can hold, without inventing one.

    A push line without ``totalAmount`` is a line the platform cannot book: a
    warning at the target line, not only a dropped value.
    """
    if run.target.vendor == "railz" and run.target.is_body:
        message = (
            f"the {run.target_name} line gets no totalAmount, and a push line without an"
            f" amount is not one the platform can book: {why}; no share of it is invented"
        )
        run.note(Kind.WARNING, where, at + "totalAmount", message)
        return
    run.note(Kind.DROPPED, where, None, f"{run.target_name} has no field for it: {why}")


def _v2_unit_includes_tax(line: Any) -> bool:
    """Whether a version 2 line's quantity x unitAmount less its discount is its amount.

    That is, whether its unit amounts include its tax, not only its amount.
    """
    if line.quantity is None or line.unit_amount is None:
        return False
    with localcontext(EXACT):
        net: Decimal = line.quantity * line.unit_amount - railz_line_discount(line)[0]
    slack = _slack(line.quantity)
    return bool(abs(line.amount - net) <= slack < abs(line.amount - line.tax_amount - net))


def _v2_lines_before_tax(src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str) -> None:
    """Railz version 2 line amounts that include tax, as Rutter's line totals: less their tax.

    Rutter's line total is quantity x unit amount, before tax. A version 2 line's
    ``amount`` includes its ``taxAmount`` where the refund's arithmetic says so:
    the amounts sum to ``totalAmount``, not to it less ``taxAmount``, and the
    lines' taxes sum to the refund's. Each line total is then its amount less its
    tax (derived), and the refund adds up as Rutter computes it.
    """
    lines = src.lines or ()
    if _v2_includes_tax(src) is not True:
        return
    with localcontext(EXACT):
        taxes = sum((line.tax_amount or _ZERO for line in lines), _ZERO)
    if abs(taxes - src.tax_amount) > tolerance(src.currency if is_code(src.currency) else None):
        return  # the lines' taxes are not the refund's: no line's share is known
    if any(_v2_unit_includes_tax(line) for line in lines if line.tax_amount):
        return  # quantity x unitAmount is the amount, tax included (Xero's default)
    why = (
        f"the refund's line amounts include tax (they sum to totalAmount {src.total_amount},"
        " not to it less the tax), and Rutter's line total is before tax"
    )
    for index, (line, target) in enumerate(zip(lines, out.get("line_items") or [], strict=False)):
        if not line.tax_amount:
            continue
        target["total_amount"] -= line.tax_amount
        run.note(
            Kind.DERIVED,
            f"{sp}.lines[{index}].amount",
            f"{tp}.line_items[{index}].total_amount",
            f"amount {line.amount} less taxAmount {line.tax_amount}: {why}",
        )


def _line_figures(src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str) -> None:
    """A Rutter line total as Railz's line figures, by Railz's definitions.

    Rutter's line total is quantity x unit amount, before the refund's discount
    and tax. Railz's ``subTotal`` is the line "inclusive of discounts but exclusive
    of tax", its ``totalAmount`` "inclusive of discounts and tax". Which the Rutter
    total is follows from the refund's own arithmetic: its ``subTotal`` where the
    lines exclude tax (or its total says neither), its ``totalAmount`` where they
    include it, both where the refund has no tax. A refund's discount or tax
    belongs to its one line; over several lines, no line's share is known, and a
    figure that needs it is not written.
    """
    into_rutter = run.target.vendor == "rutter" and not run.target.is_body
    if _one_amount_lines(run.source) and into_rutter:
        _v2_lines_before_tax(src, out, run, sp, tp)
        return
    if run.source.vendor != "rutter" or not run.target.line_figures:
        return
    lines = out.get("lines") or []
    items = src.line_items or ()
    tax = src.tax_amount or _ZERO
    discount = src.discount_amount or _ZERO
    included = _rutter_includes_tax(src)
    one = len(items) == 1
    only_sub = "subTotal" in run.target.line_figures
    for index, (line, item) in enumerate(zip(lines, items, strict=False)):
        amount = item.total_amount
        line.pop("totalAmount", None)
        where = f"{sp}.line_items[{index}].total_amount"
        at = f"{tp}.lines[{index}]."
        if discount and not one:
            why = (
                f"the refund's discount_amount {discount} is not per line, and Railz's line"
                " figures are net of discounts"
            )
            _no_line_figure(run, where, at, why)
            continue
        net = amount - discount
        if included:
            sub, total = (net - tax if one else None), net
        else:
            sub, total = net, (net + tax if one or not tax else None)
        taxed = "include" if included else ("exclude" if tax else "carry no")
        said = f"the refund's lines {taxed} tax"
        if included is None and tax:
            said = (
                "the refund's total says neither whether its lines include tax nor that they"
                " exclude it, and Rutter's line total is before tax"
            )
        if discount:
            said += f"; total_amount {amount} less the refund's discount_amount {discount}"
        if one and tax:
            said += f"; the refund's tax_amount {tax} is its one line's"
        if total is None and not (only_sub and sub is not None):
            why = (
                f"the refund's tax_amount {tax} is not per line, and a {run.target_name} line's"
                " only figure, totalAmount, includes tax"
            )
            _no_line_figure(run, where, at, why)
            continue
        if only_sub and sub is not None:
            line["subTotal"] = sub
            run.note(Kind.DERIVED, where, at + "subTotal", f"subTotal, as {said}")
        if total is not None:
            line["totalAmount"] = total
            run.note(Kind.DERIVED, where, at + "totalAmount", f"totalAmount, as {said}")
        if only_sub and one:
            if discount:
                line["discountAmount"] = discount
                run.note(
                    Kind.DERIVED,
                    sp + ".discount_amount",
                    at + "discountAmount",
                    "the refund's discount, of its one line",
                )
            if tax:
                line["taxAmount"] = tax
                run.note(
                    Kind.DERIVED,
                    sp + ".tax_amount",
                    at + "taxAmount",
                    "the refund's tax, of its one line",
                )


def _pagination(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    page = {"offset": 0, "limit": run.count, "count": run.count}
    return Made(page, Kind.SYNTHESIZED, f"a single page holding all {run.count} records")


def _count(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    return Made(run.count, Kind.DERIVED, "the number of records")


_ZERO = Decimal(0)
_CENT = Decimal("0.01")
#: Half a cent: how far a line's figures may be off when telling its tax treatment.
_HALF_CENT = tolerance(None)


def _one_amount_lines(fmt: Format) -> bool:
    """Whether ``fmt`` is Railz's with lines of one ``amount`` (version 2), not line figures."""
    return fmt.vendor == "railz" and not fmt.line_figures


def _quantity(value: Any, _src: Any, run: RuleContext) -> Made:
    if not run.target.whole_quantities or type(value) is int:
        return Made(value)
    if value != value.to_integral_value():
        raise Unmappable(f"Railz quantities are integers, and {value} is not")
    return Made(int(value))


def _day(value: Any, _src: Any, run: RuleContext) -> Made:
    if not run.target.calendar_dates or not isinstance(value, datetime):
        return Made(value)
    day = value.date()  # the calendar day in the timestamp's own offset
    return Made(day, Kind.DERIVED, f"the calendar day of {format_date(value)}, in its own offset")


def _memo(value: Any, _src: Any, run: RuleContext) -> Made:
    limit = run.target.memo_limit
    if limit is not None and len(value) > limit:
        raise Unmappable(
            f"{run.target_name} takes a memo of at most {limit:,} characters, and this one"
            f" has {len(value):,}; it is not cut"
        )
    return Made(value)


def _platform(value: Any, _src: Any, run: RuleContext) -> Made:
    into_railz = run.target.vendor == "railz"
    if run.source.vendor == run.target.vendor:
        return Made(value)  # one vendor's name for it, on both sides
    names = _PLATFORMS if into_railz else _SERVICES
    if value not in names:
        # No counterpart: copied as it is, and said so; never an invented name.
        mine, theirs = (
            ("Rutter's platform", "Railz") if into_railz else ("Railz's service", "Rutter")
        )
        return Made(value, Kind.WARNING, f"{theirs} has no counterpart of {mine} {value!r}; copied")
    name = names[value]
    if into_railz:
        return Made(name, Kind.DERIVED, f"Rutter's platform {value!r} is Railz's {name!r}")
    return Made(name, Kind.DERIVED, f"Railz's service {value!r} is Rutter's {name!r}")


def _currency(value: Any, src: Any, run: RuleContext) -> Made:
    """A Railz version 1 ``currencyRef.id`` as a currency code: the code, where it is one.

    QuickBooks Desktop sends its own currency list id (``8000006D-1217255359``,
    named ``US Dollar``): the code is then the one currency of that name
    (derived), or there is none (dropped). A platform id never lands where a
    code belongs.
    """
    if is_code(value):
        return Made(value)
    if is_code(value.upper()):
        return Made(value.upper(), Kind.DERIVED, f"the currency code {value!r} in upper case")
    what = f"currencyRef.id {value!r} is not a currency code (the platform's own currency id)"
    name = src.currency_ref.name
    code = code_for_name(name) if name else None
    if code is not None:
        return Made(code, Kind.DERIVED, f"{what}; {code} is the one currency named {name!r}")
    why = f"its name {name!r} is no one currency's" if name else "it has no name"
    return Made(None, Kind.DROPPED, f"{what}, and {why}: {run.target_name} gets none")


def _department(src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str) -> None:
    """The refund's department and Railz version 2 lines' department entries.

    Rutter has one department for the refund; a version 2 line has it as a
    tracking category entry of type ``department``. Into version 2, every line
    gets the refund's department (derived). Out of version 2, a department that
    every line has, once and the same, is the refund's (derived); any other
    department entry has no Rutter field (dropped).
    """
    if run.target.department_on_lines:
        if run.source.department_on_lines:  # a line's department entries stay on that line
            pairs = zip(out.get("lines") or [], src.lines or (), strict=False)
            for index, (line, source) in enumerate(pairs):
                for position, entry in enumerate(source.tracking_category_refs or ()):
                    if entry.type != "department":
                        continue
                    line.setdefault("trackingCategoryRefs", []).append(
                        {"id": entry.id, "type": "department"}
                    )
                    if entry.name is not None:
                        where = f"{sp}.lines[{index}].trackingCategoryRefs[{position}].name"
                        run.note(
                            Kind.DROPPED, where, None, f"{run.target_name} has no field for it"
                        )
            return
        if not run.source.refund_department:
            return
        department = src.department_id
        if department is None:
            return
        lines = out.get("lines") or []
        if not lines:
            message = "railz-v2 keeps a department on lines only, and there is no line"
            run.note(Kind.DROPPED, sp + ".department_id", None, message)
            return
        first = (
            f"{tp}.lines[0].trackingCategoryRefs[{len(lines[0].get('trackingCategoryRefs') or ())}]"
        )
        named = not run.target.is_body  # push entries have no name
        department, name = run.translate(
            "department",
            department,
            sp + ".department_id",
            first + ".id",
            first + ".name" if named else None,
        )
        for index, line in enumerate(lines):
            entries = line.setdefault("trackingCategoryRefs", [])
            # The lines are finished after this rule: key order, no null name.
            entries.append({"id": department, "name": name, "type": "department"})
            target = f"{tp}.lines[{index}].trackingCategoryRefs[{len(entries) - 1}]"
            run.note(
                Kind.DERIVED,
                sp + ".department_id",
                target,
                "the refund's department, on every line",
            )
        return
    found = [
        (index, position, entry)
        for index, line in enumerate(src.lines or ())
        for position, entry in enumerate(line.tracking_category_refs or ())
        if entry.type == "department"
    ]
    if not found:
        return
    lines = src.lines or ()
    shared = len(found) == len(lines) and len({e.id for _, _, e in found}) == 1
    shared = shared and len({index for index, _, _ in found}) == len(lines)
    # Only Rutter has a refund-level department; Railz version 1 has none at all.
    shared = shared and run.target.refund_department
    if shared:
        index, position, entry = found[0]
        where = f"{sp}.lines[{index}].trackingCategoryRefs[{position}].id"
        out["department_id"] = run.translate(
            "department", entry.id, where, tp + ".department_id", None
        )[0]
    for index, position, entry in found:
        where = f"{sp}.lines[{index}].trackingCategoryRefs[{position}]"
        if shared:
            run.note(Kind.DERIVED, where, tp + ".department_id", "the department every line shares")
            if entry.name is not None:
                run.note(
                    Kind.DROPPED, where + ".name", None, f"{run.target_name} has no field for it"
                )
        else:
            message = (
                f"{run.target_name} has no field for a department that not every line shares"
                if run.target.refund_department
                else f"{run.target_name} has no field for it"
            )
            run.note(Kind.DROPPED, where, None, message)


def lines_total(
    src: Any, out: dict[str, Any], run: RuleContext, given: tuple[str, Decimal], target: str
) -> None:
    """Report how the create body's implied total compares with the source total.

    ``given`` is the source total's path and value; ``target`` the body's path.

    Rutter takes the sum of the line totals, plus the source's tax unless the
    body says its lines include tax (``additional_fields.tax_inclusive`` true):
    without the key, Rutter reads the lines as excluding tax.
    """
    if run.failed:
        return  # a line could not be mapped: the record is refused, not compared
    where, total = given
    summed = sum(map(_computed, out.get("line_items", [])), Decimal(0))
    _folded_discount(where, src, target, run)
    implied, how = summed, "the sum of the line totals"
    tax = getattr(src, "tax_amount", None)
    if tax and (out.get("additional_fields") or {}).get("tax_inclusive") is not True:
        implied, how = summed + tax, f"the sum of the line totals, {summed}, plus the tax {tax}"
    if implied == total:
        run.note(
            Kind.DERIVED,
            where,
            None,
            f"the create body has no total; Rutter takes {how}, {implied}, which is total_amount"
            if implied is summed
            else f"the create body has no total; Rutter takes {how}, which is total_amount",
        )
        return
    message = (
        f"the total changes from {total} to {implied}, {abs(implied - total)}"
        f" {'more' if implied > total else 'less'}: the create body has no total, and"
        " Rutter takes"
        f" {'the sum of the line totals' if implied is summed else how}"
    )
    run.change_total(where, target + ".line_items", message)


def _folded_discount(where: str, src: Any, target: str, run: RuleContext) -> None:
    """Report a Railz refund's discount as its lines', which create body lines are net of."""
    discount = getattr(src, "total_discount", None)
    if not discount or run.source.vendor != "railz":
        return
    with localcontext(EXACT):
        lines = sum((railz_line_discount(line)[0] for line in src.lines or ()), Decimal(0))
        # Each line's discount may be rounded to the cent in the refund's.
        slack = tolerance(None) * max(1, len(src.lines or ()))
    if abs(lines - discount) > slack:
        return  # a discount beyond the lines': dropped, and the total changes
    run.note(
        Kind.DERIVED,
        where.rpartition(".")[0] + ".totalDiscount",
        target + ".line_items",
        f"the lines' discounts, {lines}: the create body's line totals are net of them",
    )


def _computed(line: dict[str, Any]) -> Decimal:
    """Return a create body's line total as Rutter computes it: quantity (default 1) x unit."""
    item = line.get("item") or {}
    unit = item.get("unit_amount")
    if unit is None:
        return line["total_amount"]  # type: ignore[no-any-return]
    quantity = item.get("quantity")
    total = line.get("total_amount")
    with localcontext(EXACT):
        computed = (Decimal(1) if quantity is None else quantity) * unit
    return total if computed == total else computed  # type: ignore[no-any-return]


_ARTICLES = {"account": "an", "item": "an"}


@attrs.frozen
class ReferenceMessages:
    """The report's words for reference ids written into one format, per kind."""

    whose: dict[str, str]
    translated: dict[str, str]
    named: dict[str, str]
    no_directory: dict[str, str]


@cache
def reference_messages(target: str, *, into_railz: bool) -> ReferenceMessages:
    """Return the words for reference ids written into the format ``target``."""
    # Made once per target: the common entries carry no value, so that a
    # conversion formats no text for them (the paths say which id it was).
    space, expected = (
        ("Rutter's", "the platform's id") if into_railz else ("the platform's", "Rutter's own id")
    )
    words = {kind: kind.replace("_", " ") for kind in KINDS}
    return ReferenceMessages(
        whose={kind: f"{space} id of {word}" for kind, word in words.items()},
        translated={
            kind: f"{'the platform' if into_railz else 'Rutter'}'s id of this {word},"
            " from the directory"
            for kind, word in words.items()
        },
        named={kind: f"the {word}'s name, from the directory" for kind, word in words.items()},
        no_directory={
            kind: f"{space} id of {_ARTICLES.get(kind, 'a')} {word}, copied untranslated:"
            f" {target} expects {expected}; give a directory of references (directory=,"
            " --refs) to translate it"
            for kind, word in words.items()
        },
    )


#: Rules that make a target value the source does not hold, by name.
MAKE: dict[str, Callable[[Any, dict[str, Any], RuleContext], Made | None]] = {
    "rutter_id": _rutter_id,
    "required": _required,
    "required_lines": _required_lines,
    "sub_total": _sub_total,
    "line_discounts": _line_discounts,
    "synced_at": _synced_at,
    "line_total": _line_total,
    "tax_inclusive": _tax_inclusive,
    "pagination": _pagination,
    "count": _count,
}

#: Rules each copied value passes on its way into the target, by name.
WRITE: dict[str, Callable[[Any, Any, RuleContext], Made]] = {
    "currency": _currency,
    "line_amount": _line_amount,
    "unit_amount": _unit_amount,
    "quantity": _quantity,
    "platform": _platform,
    "day": _day,
    "memo": _memo,
}

#: The pairs (source, target) a write rule has work in; elsewhere a plain copy is compiled.
WRITE_WHEN: dict[str, Callable[[Format, Format], bool]] = {
    "line_amount": lambda source, target: source.vendor == "railz" and target.vendor == "rutter",
    "currency": lambda source, target: source.currency_ids and not target.currency_ids,
    "unit_amount": lambda _source, target: target.computes_totals,
    # A source of whole quantities has integers already.
    "quantity": lambda source, target: target.whole_quantities and not source.whole_quantities,
    "platform": lambda source, target: source.vendor != target.vendor,
    "day": lambda _source, target: target.calendar_dates,
    "memo": lambda _source, target: target.memo_limit is not None,
}

#: Rules that map a field that sits at no one place in one of the formats, by name.
APPLY: dict[str, Callable[[Any, dict[str, Any], RuleContext, str, str], None]] = {
    "department": _department,
    "line_figures": _line_figures,
}
