"""Totals arithmetic of both vendors, and percentage ranges.

Each check yields a :data:`Finding`: the path of the figure that does not add
up, and a message with the figures. Callers make findings report warnings, or
validation errors when strict. Figures agree when they differ by at most half
of the currency's minor unit; quantity x unit amount agrees with a line's amount
within half a minor unit x (|quantity| + 1), as platforms round unit amounts to
the minor unit and keep line amounts exact.

Each rule is stated once, as a function of plain values: a line's quantity,
unit amount and figures, a refund's totals, the currency's tolerance, an id
(``_rutter_line``, ``_rutter_total``, ``_rutter_ref``, ``_railz_line``,
``_railz_totals``, ``_currency_ref``, a percentage's range). A rule takes the
findings so far (None while there are none) and returns them with its own: the
path and the words of a finding are made only where there is one, so a record
that adds up allocates nothing. One walk a format reads a record's values and
hands them to the rules, in the order of the findings (a rule whose first tests
pass exactly, as most lines' do, is not called: ``tests/core/test_checks_walks.py``
holds each walk to the one that called every rule); it reads either a
record as read (a model, or the fast reader's view of one, which has the same
attributes) or a record as mapped (the dict of the format's JSON keys the fast
mapping writes, without viewing it as a model). The public checks are the first
form, in their own exact context; :func:`fast_check` gives either, computing in
the caller's (the fast path's, :data:`~refundmap.money.EXACT`): each form's own
walk (``_rutter_read``, ``_rutter_mapped``, ``_railz_read``, ``_railz_mapped``),
the same findings in one pass over a record's lines, reading a figure only where
a rule may need it (a Rutter record with an id not found before, a currency that
is no code or a line without a total is walked again by the full walk). All forms give the same
findings: ``tests/core/test_checks_fast.py`` compares them on spoiled records,
``tests/core/test_checks_walks.py`` each walk with the one that called every rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, localcontext
from functools import cache
from typing import Any

from refundmap.currency import code_for_name, is_code
from refundmap.models import railz, rutter
from refundmap.money import EXACT, format_amount, tolerance, unit_tolerance
from refundmap.report import Path

__all__ = [
    "FastCheck",
    "Finding",
    "check_railz",
    "check_railz_currency",
    "check_railz_push",
    "check_railz_v2",
    "check_railz_v2_push",
    "check_rutter",
    "check_rutter_create",
    "discount_how",
    "fast_check",
    "railz_discount",
    "railz_line_discount",
]

#: Where a figure does not add up, and why.
Finding = tuple[Path, str]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _found(found: list[Finding] | None, finding: Finding) -> list[Finding]:
    """Return the findings so far (None while there are none) with ``finding`` added."""
    if found is None:
        return [finding]
    found.append(finding)
    return found


# The rules, each stated once over plain values. Each takes the findings so far
# (None while there are none), and returns them with its own, if any: the path
# and the words of a finding are made only where there is one.


#: tolerance of the currency codes found (the same few recur), a bounded few: each is
#: 5 scaled by ten to at least -19, made in the exact context, so shareable by any caller
#: (the walks, and :mod:`refundmap.mapping.lines`, in the caller's context).
_HALVES: dict[str | None, Decimal] = {}
_HALVES_HELD = 64


def _tolerance(code: str | None) -> Decimal:
    """Return :func:`~refundmap.money.tolerance` of ``code``, and hold it."""
    if len(_HALVES) >= _HALVES_HELD:
        _HALVES.clear()
    with localcontext(EXACT):
        half = _HALVES[code] = tolerance(code)
    return half


def _rutter_line(  # noqa: PLR0913, PLR0917 - a line's figures, where it is, its currency's tolerance
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
    # quantity_slack(half, quantity), without the call; none where the total is exact.
    if total == expected or abs(total - expected) <= half * (
        (quantity if quantity >= 0 else -quantity) + 1
    ):
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


def _rutter_total(  # noqa: PLR0913, PLR0917 - a refund's figures, where it is, its currency's tolerance
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
    if total == excluding or abs(total - excluding) <= half or abs(total - including) <= half:
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


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: The references Rutter declares as UUIDs (its own ids): on the refund, and on a line.
_REFUND_REFS = ("account_id", "customer_id", "class_id", "department_id", "tax_rate_id")
_LINE_REFS = ("account_id", "tax_rate_id")  # a line's class_id is not declared a UUID


#: Ids found to be UUIDs already (the same accounts and tax rates recur), a bounded few;
#: and None, which needs no finding either (a walk asks of all a record's ids at once).
_UUIDS: set[str | None] = {None}
_UUIDS_HELD = 4096


def _is_uuid(value: str) -> bool:
    if value in _UUIDS:
        return True
    if _UUID.fullmatch(value) is None:
        return False
    if len(_UUIDS) >= _UUIDS_HELD:
        _UUIDS.clear()
        _UUIDS.add(None)
    _UUIDS.add(value)
    return True


def _rutter_ref(found: list[Finding] | None, value: str | None, at: Path) -> list[Finding] | None:
    """A reference id Rutter declares a UUID that is not one: a platform id where Rutter's belongs.

    The caller tries :data:`_UUIDS` first (most ids recur), and makes ``at`` only then.
    """
    if value is None or _is_uuid(value):
        return found
    return _found(
        found,
        (
            at,
            f"{at[-1]} {value!r} is not a UUID: it looks like a platform id, where Rutter"
            " expects its own id (a directory of references translates platform ids)",
        ),
    )


def _currency(found: list[Finding] | None, code: str | None, path: Path) -> list[Finding] | None:
    """A currency code that is neither ISO 4217's nor one Rutter adds."""
    if code is None or is_code(code):
        return found
    return _found(
        found,
        (
            (*path, "currency_code"),
            f"currency_code {code!r} is not an ISO 4217 code, nor one Rutter adds"
            " (ETH, BTC, withdrawn codes)",
        ),
    )


def _rutter_refs(
    found: list[Finding] | None, refund: Any, items: Any, path: Path, *, mapped: bool
) -> list[Finding] | None:
    """:func:`_rutter_ref` of each reference id of a Rutter record (see :func:`_rutter`)."""
    known = _UUIDS  # the ids found before (and None), tried first: most recur
    if mapped:
        values: tuple[str | None, ...] = tuple(map(refund.get, _REFUND_REFS))
        unknown = not known.issuperset(values)
    else:  # each tried as read: no tuple made of them where all are known (most records)
        unknown = not (
            refund.account_id in known
            and refund.customer_id in known
            and refund.class_id in known
            and refund.department_id in known
            and refund.tax_rate_id in known
        )
        if unknown:
            values = (
                refund.account_id,
                refund.customer_id,
                refund.class_id,
                refund.department_id,
                refund.tax_rate_id,
            )
    if unknown:
        for key, value in zip(_REFUND_REFS, values, strict=True):
            if value is not None and value not in known:
                found = _rutter_ref(found, value, (*path, key))
    for index, line in enumerate(items or ()):
        item = line.get("item") if mapped else line.item
        if mapped:
            account, rate = line.get("account_id"), line.get("tax_rate_id")
            value = None if item is None else item.get("id")
        else:
            account, rate = line.account_id, line.tax_rate_id
            value = None if item is None else item.id
        if account in known and rate in known and value in known:
            continue  # _rutter_ref finds nothing: each is a UUID found before, or None
        at = (*path, "line_items", index)
        if account is not None and account not in known:
            found = _rutter_ref(found, account, (*at, "account_id"))
        if rate is not None and rate not in known:
            found = _rutter_ref(found, rate, (*at, "tax_rate_id"))
        if value is not None and value not in known:
            found = _rutter_ref(found, value, (*at, "item", "id"))
    return found


def _rutter(
    refund: Any, path: Path, *, refs: bool, create: bool, mapped: bool
) -> list[Finding] | None:
    """Check a Rutter record as read (a model, or a view of one) or ``mapped`` (its JSON dict).

    Rutter's attribute names are its JSON keys: the two differ only in how a value is read.
    """
    if mapped:
        currency, items = refund.get("currency_code"), refund.get("line_items")
    else:
        currency, items = refund.currency_code, refund.line_items
    # _currency(None, currency, path), called only where the code is not one.
    found = None if currency is None or is_code(currency) else _currency(None, currency, path)
    if refs:
        found = _rutter_refs(found, refund, items, path, mapped=mapped)
    half = _HALVES.get(currency) or _tolerance(currency)  # tolerance(currency)
    lines = _ZERO
    for index, line in enumerate(items or ()):
        if mapped:
            total, item = line.get("total_amount"), line.get("item")
            if item is None:
                quantity = unit = None
            else:
                quantity, unit = item.get("quantity"), item.get("unit_amount")
        else:
            total, item = line.total_amount, line.item
            if item is None:
                quantity = unit = None
            else:
                quantity, unit = item.quantity, item.unit_amount
        # _rutter_line's first test, without the call: a total that is quantity x
        # unit amount exactly is found right (most lines).
        if total is None or quantity is None or unit is None or total != quantity * unit:
            found = _rutter_line(
                found, path, index, half, total, item is not None, quantity, unit, create=create
            )
        if not create:
            lines += total  # a read line has a total
    if create or not items:
        return found
    if mapped:
        discount, tax, total = (
            refund.get("discount_amount"),
            refund.get("tax_amount"),
            refund.get("total_amount"),
        )
    else:
        discount, tax, total = refund.discount_amount, refund.tax_amount, refund.total_amount
    # _rutter_total's first test, without the call: a total that is the lines less the
    # discount plus the tax (none where none is stated) exactly is found right (most refunds).
    if total == lines - (discount or _ZERO) + (tax or _ZERO):
        return found
    return _rutter_total(found, path, half, lines, discount, tax, total)


#: The tolerance of each currency code found to be one, and of None (neither needs a
#: finding): a walk's first test of a record's currency and its tolerance, in one lookup.
#: At most every code.
_CODE_HALVES: dict[str | None, Decimal] = {}


def _code_half(code: str | None) -> Decimal | None:
    """Return the tolerance of ``code`` where it needs no finding (:func:`_currency`); hold it."""
    if code is not None and not is_code(code):
        return None
    half = _CODE_HALVES[code] = _HALVES.get(code) or _tolerance(code)
    return half


def _rutter_read(refund: Any, path: Path, refs: bool = True) -> list[Finding] | None:  # noqa: FBT001, FBT002 - positional: a keyword-only default costs more a call
    """:func:`_rutter` of a record as read, not a create body: one pass over its lines.

    Each line's ids and figures are read once. A record whose currency is no code,
    or that holds an id not found before (or a line without a total), is walked
    again by :func:`_rutter` from the start, so that its findings keep their order.
    """
    currency, items = refund.currency_code, refund.line_items
    half = _CODE_HALVES.get(currency) or _code_half(currency)
    known = _UUIDS
    if half is None or (
        refs
        and not (
            refund.account_id in known
            and refund.customer_id in known
            and refund.class_id in known
            and refund.department_id in known
            and refund.tax_rate_id in known
        )
    ):
        return _rutter(refund, path, refs=refs, create=False, mapped=False)
    if not items:
        return None
    found = None
    lines = _ZERO
    for index, line in enumerate(items):
        total, item = line.total_amount, line.item
        if item is None:
            if total is None or (
                refs and not (line.account_id in known and line.tax_rate_id in known)
            ):
                return _rutter(refund, path, refs=refs, create=False, mapped=False)
        else:
            quantity, unit = item.quantity, item.unit_amount
            if total is None or (
                refs
                and not (
                    line.account_id in known and line.tax_rate_id in known and item.id in known
                )
            ):
                return _rutter(refund, path, refs=refs, create=False, mapped=False)
            # _rutter_line's first test, without the call (see _rutter).
            if quantity is None or unit is None or total != quantity * unit:
                found = _rutter_line(
                    found,
                    path,
                    index,
                    half,
                    total,
                    item is not None,
                    quantity,
                    unit,
                    create=False,
                )
        lines += total
    discount, tax, total = refund.discount_amount, refund.tax_amount, refund.total_amount
    if total == lines - (discount or _ZERO) + (tax or _ZERO):
        return found
    return _rutter_total(found, path, half, lines, discount, tax, total)


def _rutter_mapped(refund: Any, path: Path, refs: bool = True) -> list[Finding] | None:  # noqa: FBT001, FBT002 - as _rutter_read
    """:func:`_rutter_read` of a record as mapped (its JSON dict)."""
    currency, items = refund.get("currency_code"), refund.get("line_items")
    half = _CODE_HALVES.get(currency) or _code_half(currency)
    known = _UUIDS
    if half is None or (refs and not known.issuperset(map(refund.get, _REFUND_REFS))):
        return _rutter(refund, path, refs=refs, create=False, mapped=True)
    if not items:
        return None
    found = None
    lines = _ZERO
    for index, line in enumerate(items):
        total, item = line.get("total_amount"), line.get("item")
        if item is None:
            if total is None or (
                refs and not (line.get("account_id") in known and line.get("tax_rate_id") in known)
            ):
                return _rutter(refund, path, refs=refs, create=False, mapped=True)
        else:
            quantity, unit = item.get("quantity"), item.get("unit_amount")
            if total is None or (
                refs
                and not (
                    line.get("account_id") in known
                    and line.get("tax_rate_id") in known
                    and item.get("id") in known
                )
            ):
                return _rutter(refund, path, refs=refs, create=False, mapped=True)
            # _rutter_line's first test, without the call (see _rutter).
            if quantity is None or unit is None or total != quantity * unit:
                found = _rutter_line(
                    found,
                    path,
                    index,
                    half,
                    total,
                    item is not None,
                    quantity,
                    unit,
                    create=False,
                )
        lines += total
    discount, tax = refund.get("discount_amount"), refund.get("tax_amount")
    total = refund.get("total_amount")
    if total == lines - (discount or _ZERO) + (tax or _ZERO):
        return found
    return _rutter_total(found, path, half, lines, discount, tax, total)


def check_rutter(
    refund: rutter.CustomerRefund, path: Path = (), *, refs: bool = True
) -> list[Finding]:
    """Check a Rutter refund: its currency code, reference ids, and totals.

    The currency code must be ISO 4217's or one Rutter adds. Reference ids must
    be UUIDs (Rutter's own; ``refs=False`` skips them). Each line's total must be
    its quantity x unit amount. The
    total must be the lines' sum less the discount plus the tax, or, where the
    lines include tax, the lines' sum less the discount. Where no tax is stated
    (null), it is unknown: the total must be at least the lines less the discount.
    """
    with localcontext(EXACT):
        return _rutter(refund, path, refs=refs, create=False, mapped=False) or []


def check_rutter_create(
    refund: rutter.CreateRefund, path: Path = (), *, refs: bool = True
) -> list[Finding]:
    """Check a Rutter create body: currency code, reference ids, line totals.

    As :func:`check_rutter` does, without the refund's total (a body has none).
    """
    with localcontext(EXACT):
        return _rutter(refund, path, refs=refs, create=True, mapped=False) or []


def _percentage(found: list[Finding] | None, value: Decimal | None, at: Path) -> list[Finding]:
    """A percentage out of the range 0 to 100 (the caller tests :func:`_off_percentage`)."""
    assert value is not None  # noqa: S101 - the caller found it out of range
    return _found(found, (at, f"{at[-1]} {format_amount(value)} is not a percentage from 0 to 100"))


def _off_percentage(value: Decimal | None) -> bool:
    """Whether ``value`` is a percentage out of the range 0 to 100."""
    return value is not None and not _ZERO <= value <= _HUNDRED


def _discount(  # noqa: PLR0913, PLR0917 - a line's figures
    amount: Decimal | None,
    percentage: Decimal | None,
    quantity: Decimal | int | None,
    unit: Decimal | None,
    figure: Decimal | None,
    slack: Decimal | None,
) -> tuple[Decimal, Decimal | None]:
    """Return :func:`railz_discount` of a line's figures, in the caller's exact context.

    ``figure`` is the line's ``subTotal``, else its ``totalAmount`` or ``amount``
    (the first that is not zero).
    """
    if amount:
        return amount, None
    if percentage and quantity is not None and unit is not None:
        gross = quantity * unit
        discount = gross * percentage / _HUNDRED
        if slack is None:
            slack = unit_tolerance(None, quantity)
        undiscounted = figure is not None and abs(figure - gross) <= slack
        if amount is None or not undiscounted:
            return discount, percentage
    return amount or _ZERO, None


def railz_discount(
    line: railz.RefundLine | railz.RefundLineV2, slack: Decimal | None = None
) -> tuple[Decimal, Decimal | None]:
    """Return a Railz line's discount, and the percentage it is of quantity x unitAmount.

    As :func:`railz_line_discount` finds it (which see), without wording how:
    the percentage is None where the discount is the line's ``discountAmount``
    (or none).
    """
    amount = line.discount_amount
    if amount:
        return amount, None
    percentage = line.discount_percentage
    if not percentage:
        return amount or _ZERO, None
    figure = getattr(line, "sub_total", None)
    if figure is None:
        figure = getattr(line, "total_amount", None) or getattr(line, "amount", None)
    with localcontext(EXACT):
        return _discount(amount, percentage, line.quantity, line.unit_amount, figure, slack)


def discount_how(found: tuple[Decimal, Decimal | None]) -> str:
    """Word how :func:`railz_discount` found a discount, as :func:`railz_line_discount` does."""
    discount, percentage = found
    if percentage is None:
        return f"discountAmount {format_amount(discount)}"
    return f"discountPercentage {format_amount(percentage)}%"


def railz_line_discount(
    line: railz.RefundLine | railz.RefundLineV2, slack: Decimal | None = None
) -> tuple[Decimal, str]:
    """Return a Railz line's discount, and how it was found.

    The discount is ``discountAmount``, else ``discountPercentage`` % of quantity x
    unitAmount, else none. A ``discountAmount`` of 0 beside a percentage is taken
    as not given, unless the line's own figures apply no discount (its
    ``subTotal``, or its ``totalAmount`` where it has no ``subTotal``, is quantity
    x unitAmount within ``slack``, by default the rounding of a unit amount to the
    cent). :func:`railz_discount` gives the discount alone, without wording how.
    """
    found = railz_discount(line, slack)
    return found[0], discount_how(found)


def _railz_line(  # noqa: PLR0913, PLR0917 - a line's figures, where it is, its currency's tolerance
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
        # Unit amounts are rounded to the minor unit; line amounts are exact:
        # quantity_slack(half, quantity), without the call.
        slack = half * ((quantity if quantity >= 0 else -quantity) + 1)
    # The line's discount, found once where needed.
    discount: tuple[Decimal, Decimal | None] | None = None
    if gross is not None and sub_total is not None:
        if amount or not percentage:  # _discount's, without the call (most lines)
            discount = (amount or _ZERO, None)
        else:
            discount = _discount(amount, percentage, quantity, unit, sub_total, slack)
        expected = gross - discount[0]
        # Tax-inclusive unit amounts (Xero's default) make the line's total,
        # not its subtotal, the net of quantity x unitAmount.
        if (
            sub_total != expected  # exact: within any slack
            and abs(sub_total - expected) > slack
            and not (total is not None and abs(total - expected) <= slack)
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
        if total != expected and abs(total - expected) > half:
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


def _against_percentage(  # noqa: PLR0913, PLR0917 - a line's figures, where it is
    found: list[Finding] | None,
    path: Path,
    index: int,
    percentage: Decimal,
    gross: Decimal,
    amount: Decimal,
) -> list[Finding]:
    percentage = percentage or _ZERO  # 0.00 worded as 0
    expected = gross * percentage / _HUNDRED
    return _found(
        found,
        (
            (*path, "lines", index, "discountAmount"),
            f"discountAmount {format_amount(amount)} is not discountPercentage"
            f" {format_amount(percentage)}% of quantity x unitAmount"
            f" {format_amount(gross)} = {format_amount(expected)}",
        ),
    )


def _railz_totals(  # noqa: PLR0913, PLR0917 - a refund's figures, where it is, its currency's tolerance
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
    if total != expected and abs(total - expected) > half:
        found = _found(
            found,
            (
                (*path, "totalAmount"),
                f"totalAmount {format_amount(total)} is not subTotal"
                f" {format_amount(sub_total)} plus taxAmount {format_amount(tax)}"
                f" = {format_amount(expected)}",
            ),
        )
    if summed is not None and sub_total != summed and abs(sub_total - summed) > half:
        found = _found(
            found,
            (
                (*path, "subTotal"),
                f"subTotal {format_amount(sub_total)} is not the sum of the"
                f" lines' subTotal {format_amount(summed)}",
            ),
        )
    return found


def _currency_ref(
    found: list[Finding] | None, code: str | None, name: str | None, path: Path
) -> list[Finding] | None:
    """A Railz ``currencyRef.id`` that is no code, under a name that names no one currency."""
    if code is None or is_code(code) or is_code(code.upper()):
        return found
    if name and code_for_name(name) is not None:
        return found
    why = f"its name {name!r} is no one currency's" if name else "it has no name"
    return _found(
        found,
        (
            (*path, "currencyRef", "id"),
            f"currencyRef.id {code!r} is not a currency code (the platform's own currency"
            f" id), and {why}: converted to another format, the refund has no currency",
        ),
    )


def _railz(refund: Any, path: Path, *, mapped: bool, currency: bool) -> list[Finding] | None:
    """Check a Railz version 1 record as read (a model, or a view of one) or ``mapped`` (its JSON).

    :func:`check_railz`'s findings, then (``currency``) :func:`check_railz_currency`'s.
    """
    if mapped:
        ref = refund.get("currencyRef")
        code, name = (None, None) if ref is None else (ref.get("id"), ref.get("name"))
        percentage = refund.get("discountPercentage")
        lines = refund.get("lines")
    else:
        ref = refund.currency_ref
        code, name = (None, None) if ref is None else (ref.id, ref.name)
        percentage = refund.discount_percentage
        lines = refund.lines
    found = None
    if _off_percentage(percentage):
        found = _percentage(found, percentage, (*path, "discountPercentage"))
    half = _HALVES.get(code) or _tolerance(code)  # tolerance(code)
    summed: Decimal | None = _ZERO if lines else None  # the lines' subTotal, while each has one
    for index, line in enumerate(lines or ()):
        if mapped:
            get = line.get
            percentage, ref = get("discountPercentage"), get("taxRateRef")
            rate = None if ref is None else ref.get("effectiveTaxRate")
            quantity, unit, sub_total = get("quantity"), get("unitAmount"), get("subTotal")
            total, amount, tax = get("totalAmount"), get("discountAmount"), get("taxAmount")
        else:
            percentage, ref = line.discount_percentage, line.tax_rate_ref
            rate = None if ref is None else ref.effective_tax_rate
            quantity, unit, sub_total = line.quantity, line.unit_amount, line.sub_total
            total, amount, tax = line.total_amount, line.discount_amount, line.tax_amount
        # _off_percentage(percentage), _off_percentage(rate), without the calls.
        if percentage is not None and not _ZERO <= percentage <= _HUNDRED:
            found = _percentage(found, percentage, (*path, "lines", index, "discountPercentage"))
        if rate is not None and not _ZERO <= rate <= _HUNDRED:
            at = (*path, "lines", index, "taxRateRef", "effectiveTaxRate")
            found = _percentage(found, rate, at)
        # _railz_line's tests, without the call, where they pass exactly (most lines):
        # no percentage, and no subTotal (each of its findings needs one or the other),
        # or no discount, subTotal quantity x unitAmount, and totalAmount (where there
        # is one) subTotal plus taxAmount.
        if percentage is not None or (
            sub_total is not None
            and (
                amount
                or quantity is None
                or unit is None
                or sub_total != quantity * unit
                or (total is not None and total != sub_total + (tax or _ZERO))
            )
        ):
            found = _railz_line(
                found, path, index, half, quantity, unit, sub_total, total, amount, percentage, tax
            )
        if summed is not None:
            summed = None if sub_total is None else summed + sub_total
    if mapped:
        sub_total, tax, total = (
            refund.get("subTotal"),
            refund.get("taxAmount"),
            refund.get("totalAmount"),
        )
    else:
        sub_total, tax, total = refund.sub_total, refund.tax_amount, refund.total_amount
    # _railz_totals' tests, without the call, where they pass exactly (most refunds).
    if sub_total is not None and (
        total != sub_total + (tax or _ZERO) or (summed is not None and sub_total != summed)
    ):
        found = _railz_totals(found, path, half, sub_total, tax, total, summed)
    if not currency or code is None or is_code(code):  # _currency_ref's first test
        return found
    return _currency_ref(found, code, name, path)


def _railz_read(refund: Any, path: Path) -> list[Finding] | None:
    """:func:`_railz` of a record as read (a model, or a view of one), with its currency."""
    currency, percentage, lines = refund.currency_ref, refund.discount_percentage, refund.lines
    code = None if currency is None else currency.id
    found = None
    if percentage is not None and not _ZERO <= percentage <= _HUNDRED:
        found = _percentage(found, percentage, (*path, "discountPercentage"))
    half = _CODE_HALVES.get(code) or _code_half(code)
    coded = half is not None  # a code, or None: no _currency_ref finding
    if half is None:
        half = _HALVES.get(code) or _tolerance(code)  # tolerance(code)
    summed: Decimal | None = _ZERO if lines else None
    for index, line in enumerate(lines or ()):
        percentage, ref, sub_total = line.discount_percentage, line.tax_rate_ref, line.sub_total
        rate = None if ref is None else ref.effective_tax_rate
        # _off_percentage(percentage), _off_percentage(rate), without the calls.
        if percentage is not None and not _ZERO <= percentage <= _HUNDRED:
            found = _percentage(found, percentage, (*path, "lines", index, "discountPercentage"))
        if rate is not None and not _ZERO <= rate <= _HUNDRED:
            at = (*path, "lines", index, "taxRateRef", "effectiveTaxRate")
            found = _percentage(found, rate, at)
        quantity, unit, total = line.quantity, line.unit_amount, line.total_amount
        amount, tax = line.discount_amount, line.tax_amount
        # _railz_line's tests, without the call, where they pass exactly (see _railz).
        if percentage is not None or (
            sub_total is not None
            and (
                amount
                or quantity is None
                or unit is None
                or sub_total != quantity * unit
                or (total is not None and total != sub_total + (tax or _ZERO))
            )
        ):
            found = _railz_line(
                found, path, index, half, quantity, unit, sub_total, total, amount, percentage, tax
            )
        if summed is not None:
            summed = None if sub_total is None else summed + sub_total
    sub_total, tax, total = refund.sub_total, refund.tax_amount, refund.total_amount
    # _railz_totals' tests, without the call, where they pass exactly (most refunds).
    if sub_total is not None and (
        total != sub_total + (tax or _ZERO) or (summed is not None and sub_total != summed)
    ):
        found = _railz_totals(found, path, half, sub_total, tax, total, summed)
    # _currency_ref's first test (a code not coded is not None).
    if coded or is_code(code):  # type: ignore[arg-type]
        return found
    return _currency_ref(found, code, currency.name, path)


def _railz_mapped(refund: Any, path: Path) -> list[Finding] | None:
    """:func:`_railz` of a record as mapped, with its currency: a line's figures read as needed.

    A line without ``subTotal`` or ``discountPercentage`` has no more read (no
    rule but the percentages' finds anything in it), and its refund's lines no sum.
    """
    currency, percentage = refund.get("currencyRef"), refund.get("discountPercentage")
    lines = refund.get("lines")
    code = None if currency is None else currency.get("id")
    found = None
    if percentage is not None and not _ZERO <= percentage <= _HUNDRED:
        found = _percentage(found, percentage, (*path, "discountPercentage"))
    half = _CODE_HALVES.get(code) or _code_half(code)
    coded = half is not None  # a code, or None: no _currency_ref finding
    if half is None:
        half = _HALVES.get(code) or _tolerance(code)  # tolerance(code)
    summed: Decimal | None = _ZERO if lines else None
    for index, line in enumerate(lines or ()):
        percentage, ref = line.get("discountPercentage"), line.get("taxRateRef")
        sub_total = line.get("subTotal")
        rate = None if ref is None else ref.get("effectiveTaxRate")
        # _off_percentage(percentage), _off_percentage(rate), without the calls.
        if percentage is not None and not _ZERO <= percentage <= _HUNDRED:
            found = _percentage(found, percentage, (*path, "lines", index, "discountPercentage"))
        if rate is not None and not _ZERO <= rate <= _HUNDRED:
            at = (*path, "lines", index, "taxRateRef", "effectiveTaxRate")
            found = _percentage(found, rate, at)
        if sub_total is None:
            summed = None
            if percentage is not None:
                quantity, unit = line.get("quantity"), line.get("unitAmount")
                total, amount = line.get("totalAmount"), line.get("discountAmount")
                tax = line.get("taxAmount")
                found = _railz_line(
                    found, path, index, half, quantity, unit, None, total, amount, percentage, tax
                )
            continue
        quantity, unit = line.get("quantity"), line.get("unitAmount")
        total, amount = line.get("totalAmount"), line.get("discountAmount")
        # _railz_line's tests, without the call, where they pass exactly (see _railz); a
        # line's taxAmount read only where it has a totalAmount, or the rule is asked.
        if (
            percentage is not None
            or amount
            or quantity is None
            or unit is None
            or sub_total != quantity * unit
            or (total is not None and total != sub_total + (line.get("taxAmount") or _ZERO))
        ):
            tax = line.get("taxAmount")
            found = _railz_line(
                found, path, index, half, quantity, unit, sub_total, total, amount, percentage, tax
            )
        if summed is not None:
            summed += sub_total
    sub_total, tax = refund.get("subTotal"), refund.get("taxAmount")
    total = refund.get("totalAmount")
    # _railz_totals' tests, without the call, where they pass exactly (most refunds).
    if sub_total is not None and (
        total != sub_total + (tax or _ZERO) or (summed is not None and sub_total != summed)
    ):
        found = _railz_totals(found, path, half, sub_total, tax, total, summed)
    # _currency_ref's first test (a code not coded is not None).
    if coded or is_code(code):  # type: ignore[arg-type]
        return found
    return _currency_ref(found, code, None if currency is None else currency.get("name"), path)


def check_railz(refund: railz.Refund, path: Path = ()) -> list[Finding]:
    """Check a Railz refund: line and header arithmetic, and percentage ranges."""
    with localcontext(EXACT):
        return _railz(refund, path, mapped=False, currency=False) or []


def _railz_v2(refund: Any, path: Path, *, mapped: bool) -> list[Finding] | None:
    """Check a Railz version 2 record as read (a model, or a view of one) or ``mapped``."""
    if mapped:
        percentage, lines = refund.get("discountPercentage"), refund.get("lines")
    else:
        percentage, lines = refund.discount_percentage, refund.lines
    found = None
    if _off_percentage(percentage):
        found = _percentage(found, percentage, (*path, "discountPercentage"))
    for index, line in enumerate(lines or ()):
        if mapped:
            percentage, ref = line.get("discountPercentage"), line.get("taxRateRef")
            rate = None if ref is None else ref.get("effectiveTaxRate")
        else:
            percentage, ref = line.discount_percentage, line.tax_rate_ref
            rate = None if ref is None else ref.effective_tax_rate
        if _off_percentage(percentage):
            found = _percentage(found, percentage, (*path, "lines", index, "discountPercentage"))
        if _off_percentage(rate):
            at = (*path, "lines", index, "taxRateRef", "effectiveTaxRate")
            found = _percentage(found, rate, at)
    if mapped:
        get = refund.get
        currency, sub_total = get("currency"), get("subTotal")
        tax, total = get("taxAmount"), get("totalAmount")
    else:
        currency, sub_total = refund.currency, refund.sub_total
        tax, total = refund.tax_amount, refund.total_amount
    if sub_total is None:
        return found
    return _railz_totals(found, path, tolerance(currency), sub_total, tax, total, None)


def check_railz_v2(refund: railz.RefundV2, path: Path = ()) -> list[Finding]:
    """Check a Railz version 2 refund: the header total and percentage ranges.

    A version 2 line has one ``amount`` and Railz does not say whether it includes
    tax or discounts, so lines are checked for their percentages only.
    """
    with localcontext(EXACT):
        return _railz_v2(refund, path, mapped=False) or []


def check_railz_v2_push(refund: railz.PushRefundDataV2, path: Path = ()) -> list[Finding]:
    """Check a Railz version 2 push body: its lines' discount percentages."""
    found = None
    for index, line in enumerate(refund.lines or []):
        percentage = line.discount_percentage
        if _off_percentage(percentage):
            found = _percentage(found, percentage, (*path, "lines", index, "discountPercentage"))
    return found or []


def check_railz_push(_refund: railz.PushRefundData, _path: Path = ()) -> list[Finding]:
    """Check a Railz version 1 push body: nothing to check.

    Its lines have a total and no quantity or price, and Railz does not say how
    the refund's total relates to them.
    """
    return []


def check_railz_currency(refund: railz.Refund, path: Path = ()) -> list[Finding]:
    """Check a Railz refund's ``currencyRef``: a code, or a platform id named as one currency.

    QuickBooks Desktop sends its own currency list id named ``US Dollar``: a
    conversion takes the code of the one currency of that name. An id that is
    no code, under a name that names no one currency (NetSuite's ``1``, named
    ``CAN``), gives another format no currency at all.
    """
    ref = refund.currency_ref
    if ref is None:
        return []
    return _currency_ref(None, ref.id, ref.name, path) or []


#: A check of the fast path: a record and its path in; its findings out, None where
#: there are none. It computes in the caller's exact context (:data:`~refundmap.money.EXACT`).
FastCheck = Callable[[Any, Path], "list[Finding] | None"]


@cache
def fast_check(name: str, *, mapped: bool, refs: bool = True) -> FastCheck | None:
    """Return the read format ``name``'s check (its ``Format.check``) as the fast path calls it.

    On a record as read (a model, or the fast reader's view of one), or ``mapped``:
    the dict of the format's JSON keys a mapping made. The same findings as the
    format's check, in the same order; Rutter's reference ids only with ``refs``.
    None for a format without one.
    """
    # Functions of their own, not partials: a partial given keywords copies them into a
    # dict at each call, which costs more than a frame.
    if name == "rutter":
        walk = _rutter_mapped if mapped else _rutter_read
        if refs:
            return walk  # its refs by default

        def rutter_check(refund: Any, path: Path) -> list[Finding] | None:
            return walk(refund, path, False)  # noqa: FBT003 - positional, as the walk takes it

        return rutter_check
    if name == "railz":
        return _railz_mapped if mapped else _railz_read
    if name == "railz-v2":

        def railz_v2_check(refund: Any, path: Path) -> list[Finding] | None:
            return _railz_v2(refund, path, mapped=mapped)

        return railz_v2_check
    return None
