"""Totals arithmetic of both vendors, and percentage ranges.

Each check yields a :data:`Finding`: the path of the figure that does not add
up, and a message with the figures. Callers make findings report warnings, or
validation errors when strict. Figures agree when they differ by at most half
of the currency's minor unit; quantity x unit amount agrees with a line's amount
within half a minor unit x (|quantity| + 1), as platforms round unit amounts to
the minor unit and keep line amounts exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from typing import cast

from refundmap.currency import code_for_name, is_code
from refundmap.models import railz, rutter
from refundmap.money import EXACT, format_amount, tolerance, unit_tolerance
from refundmap.report import Path

__all__ = [
    "Finding",
    "check_railz",
    "check_railz_currency",
    "check_railz_push",
    "check_railz_v2",
    "check_railz_v2_push",
    "check_rutter",
    "check_rutter_create",
    "discount_how",
    "railz_discount",
    "railz_line_discount",
]

#: Where a figure does not add up, and why.
Finding = tuple[Path, str]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _rutter_lines(
    lines: Iterable[rutter.LineItem | rutter.CreateLineItem],
    path: Path,
    currency: str | None,
    findings: list[Finding],
    *,
    create: bool = False,
) -> None:
    for index, line in enumerate(lines):
        item = line.item
        total = line.total_amount
        if total is None:  # a create line: Rutter computes it
            if item is None or item.unit_amount is None:
                findings.append(
                    (
                        (*path, "line_items", index, "total_amount"),
                        "total_amount is needed where item.unit_amount is absent",
                    )
                )
            continue
        if item is None:
            continue
        # A create line's quantity defaults to 1; a read line's is what it says.
        quantity = item.quantity
        if create and quantity is None:
            quantity = _ONE
        unit = item.unit_amount
        if quantity is None or unit is None:
            continue
        expected = quantity * unit
        # Unit amounts are rounded to the minor unit; line totals are exact.
        if abs(total - expected) > unit_tolerance(currency, quantity):
            by_default = "" if item.quantity is not None else " (by default)"
            findings.append(
                (
                    (*path, "line_items", index, "total_amount"),
                    f"total_amount {format_amount(total)} is not item.quantity"
                    f" {format_amount(quantity)}{by_default}"
                    f" x item.unit_amount"
                    f" {format_amount(unit)} = {format_amount(expected)}",
                )
            )


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: The references Rutter declares as UUIDs (its own ids): on the refund, and on a line.
_REFUND_REFS = ("account_id", "customer_id", "class_id", "department_id", "tax_rate_id")
_LINE_REFS = ("account_id", "tax_rate_id")  # a line's class_id is not declared a UUID


#: Ids found to be UUIDs already (the same accounts and tax rates recur), a bounded few.
_UUIDS: set[str] = set()
_UUIDS_HELD = 4096


def _is_uuid(value: str) -> bool:
    if value in _UUIDS:
        return True
    if _UUID.fullmatch(value) is None:
        return False
    if len(_UUIDS) >= _UUIDS_HELD:
        _UUIDS.clear()
    _UUIDS.add(value)
    return True


def _rutter_refs(
    refund: rutter.CustomerRefund | rutter.CreateRefund,
    lines: Sequence[rutter.LineItem | rutter.CreateLineItem],
    path: Path,
    findings: list[Finding],
) -> None:
    """Find reference ids that are not UUIDs: platform ids where Rutter's own belong."""
    known = _UUIDS  # the ids found before, tried first: most recur
    for key in _REFUND_REFS:
        value = getattr(refund, key)
        if value is not None and value not in known and not _is_uuid(value):
            findings.append(_not_uuid((*path, key), value))
    for index, line in enumerate(lines):
        for key in _LINE_REFS:
            value = getattr(line, key)
            if value is not None and value not in known and not _is_uuid(value):
                findings.append(_not_uuid((*path, "line_items", index, key), value))
        item = line.item
        if (
            item is not None
            and (value := item.id) is not None
            and value not in known
            and not _is_uuid(value)
        ):
            findings.append(_not_uuid((*path, "line_items", index, "item", "id"), value))


def _not_uuid(at: Path, value: str) -> Finding:
    return (
        at,
        f"{at[-1]} {value!r} is not a UUID: it looks like a platform id, where Rutter"
        " expects its own id (a directory of references translates platform ids)",
    )


def _currency(code: str | None, path: Path) -> list[Finding]:
    if code is None or is_code(code):
        return []
    return [
        (
            (*path, "currency_code"),
            f"currency_code {code!r} is not an ISO 4217 code, nor one Rutter adds"
            " (ETH, BTC, withdrawn codes)",
        )
    ]


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
    currency = refund.currency_code
    items = refund.line_items
    with localcontext(EXACT):
        findings = _currency(currency, path)
        if refs:
            _rutter_refs(refund, items, path, findings)
        _rutter_lines(items, path, currency, findings)
        if not items:
            return findings
        lines = sum([line.total_amount for line in items], _ZERO)
        discount = refund.discount_amount or _ZERO
        tax = refund.tax_amount or _ZERO
        excluding = lines - discount + tax
        including = lines - discount
        total = refund.total_amount
        half = tolerance(currency)
        if refund.tax_amount is None and lines >= _ZERO:
            # No tax stated (NetSuite states none): an unknown tax may lie between
            # the lines and the total, so only a total short of the lines is off.
            if total < including - half:
                findings.append(
                    (
                        (*path, "total_amount"),
                        f"total_amount {format_amount(total)} does not add up: line_items sum"
                        f" to {format_amount(lines)}, less discount_amount"
                        f" {format_amount(discount)} is {format_amount(including)}, and no"
                        " tax_amount is stated to make up the difference",
                    )
                )
        elif abs(total - excluding) > half and abs(total - including) > half:
            findings.append(
                (
                    (*path, "total_amount"),
                    f"total_amount {format_amount(total)} does not add up: line_items sum to"
                    f" {format_amount(lines)}, less discount_amount {format_amount(discount)}, plus"
                    f" tax_amount {format_amount(tax)} is {format_amount(excluding)}"
                    f" ({format_amount(including)} where the lines include tax)",
                )
            )
    return findings


def check_rutter_create(
    refund: rutter.CreateRefund, path: Path = (), *, refs: bool = True
) -> list[Finding]:
    """Check a Rutter create body: currency code, reference ids, line totals.

    As :func:`check_rutter` does, without the refund's total (a body has none).
    """
    items = refund.line_items
    with localcontext(EXACT):
        findings = _currency(refund.currency_code, path)
        if refs:
            _rutter_refs(refund, items, path, findings)
        _rutter_lines(items, path, refund.currency_code, findings, create=True)
        return findings


def _percentage(findings: list[Finding], value: Decimal | None, *at: str | int) -> None:
    """Find ``value``, at the path ``at``, out of a percentage's range."""
    if value is None or _ZERO <= value <= _HUNDRED:
        return
    findings.append((at, f"{at[-1]} {format_amount(value)} is not a percentage from 0 to 100"))


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
    quantity, unit = line.quantity, line.unit_amount
    if percentage and quantity is not None and unit is not None:
        with localcontext(EXACT):
            gross = quantity * unit
            discount = gross * percentage / _HUNDRED
            figure = getattr(line, "sub_total", None)
            if figure is None:
                figure = getattr(line, "total_amount", None) or getattr(line, "amount", None)
            if slack is None:
                slack = unit_tolerance(None, quantity)
            undiscounted = figure is not None and abs(figure - gross) <= slack
        if amount is None or not undiscounted:
            return discount, percentage
    return amount or _ZERO, None


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


def _railz_line(  # noqa: PLR0913 - a line, where it is, its currency's tolerances, the findings
    line: railz.RefundLine,
    path: Path,
    index: int,
    currency: str | None,
    *,
    half: Decimal,
    findings: list[Finding],
) -> None:
    percentage = line.discount_percentage
    if percentage is not None:
        _percentage(findings, percentage, *path, "lines", index, "discountPercentage")
    ref = line.tax_rate_ref
    if ref is not None and (rate := ref.effective_tax_rate) is not None:
        _percentage(findings, rate, *path, "lines", index, "taxRateRef", "effectiveTaxRate")
    quantity, unit = line.quantity, line.unit_amount
    sub_total, total, amount = line.sub_total, line.total_amount, line.discount_amount
    gross = None
    slack = half
    if quantity is not None and unit is not None:
        gross = quantity * unit
        # Unit amounts are rounded to the minor unit; line amounts are exact.
        slack = unit_tolerance(currency, quantity)
    found = None  # the line's discount, found once where needed
    if gross is not None and sub_total is not None:
        found = railz_discount(line, slack)
        expected = gross - found[0]
        # Tax-inclusive unit amounts (Xero's default) make the line's total,
        # not its subtotal, the net of quantity x unitAmount.
        if abs(sub_total - expected) > slack and not (
            total is not None and abs(total - expected) <= slack
        ):
            findings.append(
                (
                    (*path, "lines", index, "subTotal"),
                    f"subTotal {format_amount(sub_total)} is not quantity {quantity} x"
                    f" unitAmount {format_amount(unit or _ZERO)} less {discount_how(found)}"
                    f" = {format_amount(expected)} (nor is totalAmount, as it would be where"
                    " unit amounts include tax)",
                )
            )
    # discountAmount 0, and figures that apply none: the percentage disagrees,
    # unless the figures fit it too, within rounding (33 % of 0.04 and subTotal 0.03).
    if percentage and gross is not None and amount == 0:
        if found is None:
            found = railz_discount(line, slack)
        if (
            not found[0]
            and gross * percentage / _HUNDRED > slack
            and not _fits_percentage(line, gross, slack)
        ):
            findings.append(_against_percentage(line, (*path, "lines", index), gross, _ZERO))
    if percentage is not None and gross is not None and amount:
        expected = gross * percentage / _HUNDRED
        if abs(amount - expected) > slack:
            findings.append(_against_percentage(line, (*path, "lines", index), gross, amount))
    if sub_total is not None and total is not None:
        tax = line.tax_amount or _ZERO
        expected = sub_total + tax
        if abs(total - expected) > half:
            findings.append(
                (
                    (*path, "lines", index, "totalAmount"),
                    f"totalAmount {format_amount(total)} is not subTotal"
                    f" {format_amount(sub_total)} plus taxAmount {format_amount(tax)}"
                    f" = {format_amount(expected)}",
                )
            )


def _fits_percentage(line: railz.RefundLine, gross: Decimal, slack: Decimal) -> bool:
    """Whether a line's figure is also quantity x unitAmount less its percentage's discount."""
    figure = line.sub_total if line.sub_total is not None else line.total_amount
    if figure is None:
        return False
    discount = gross * (line.discount_percentage or _ZERO) / _HUNDRED
    return abs(figure - (gross - discount)) <= slack


def _against_percentage(
    line: railz.RefundLine, path: Path, gross: Decimal, amount: Decimal
) -> Finding:
    percentage = line.discount_percentage or _ZERO
    expected = gross * percentage / _HUNDRED
    return (
        (*path, "discountAmount"),
        f"discountAmount {format_amount(amount)} is not discountPercentage"
        f" {format_amount(percentage)}% of quantity x unitAmount"
        f" {format_amount(gross)} = {format_amount(expected)}",
    )


def check_railz(refund: railz.Refund, path: Path = ()) -> list[Finding]:
    """Check a Railz refund: line and header arithmetic, and percentage ranges."""
    currency = refund.currency_ref.id if refund.currency_ref is not None else None
    lines = refund.lines or []
    findings: list[Finding] = []
    with localcontext(EXACT):
        _percentage(findings, refund.discount_percentage, *path, "discountPercentage")
        half = tolerance(currency)
        for index, line in enumerate(lines):
            _railz_line(line, path, index, currency, half=half, findings=findings)
        if refund.sub_total is None:
            return findings
        tax = refund.tax_amount or _ZERO
        expected = refund.sub_total + tax
        if abs(refund.total_amount - expected) > half:
            findings.append(
                (
                    (*path, "totalAmount"),
                    f"totalAmount {format_amount(refund.total_amount)} is not subTotal"
                    f" {format_amount(refund.sub_total)} plus taxAmount {format_amount(tax)}"
                    f" = {format_amount(expected)}",
                )
            )
        subtotals = [line.sub_total for line in lines]
        if subtotals and None not in subtotals:
            summed = sum(cast("list[Decimal]", subtotals), _ZERO)  # no None in it
            if abs(refund.sub_total - summed) > half:
                findings.append(
                    (
                        (*path, "subTotal"),
                        f"subTotal {format_amount(refund.sub_total)} is not the sum of the"
                        f" lines' subTotal {format_amount(summed)}",
                    )
                )
    return findings


def check_railz_v2(refund: railz.RefundV2, path: Path = ()) -> list[Finding]:
    """Check a Railz version 2 refund: the header total and percentage ranges.

    A version 2 line has one ``amount`` and Railz does not say whether it includes
    tax or discounts, so lines are checked for their percentages only.
    """
    findings: list[Finding] = []
    _percentage(findings, refund.discount_percentage, *path, "discountPercentage")
    for index, line in enumerate(refund.lines or []):
        _percentage(findings, line.discount_percentage, *path, "lines", index, "discountPercentage")
        if line.tax_rate_ref is not None:
            rate = line.tax_rate_ref.effective_tax_rate
            _percentage(findings, rate, *path, "lines", index, "taxRateRef", "effectiveTaxRate")
    if refund.sub_total is not None:
        with localcontext(EXACT):
            tax = refund.tax_amount or _ZERO
            expected = refund.sub_total + tax
            if abs(refund.total_amount - expected) > tolerance(refund.currency):
                findings.append(
                    (
                        (*path, "totalAmount"),
                        f"totalAmount {format_amount(refund.total_amount)} is not subTotal"
                        f" {format_amount(refund.sub_total)} plus taxAmount {format_amount(tax)}"
                        f" = {format_amount(expected)}",
                    )
                )
    return findings


def check_railz_v2_push(refund: railz.PushRefundDataV2, path: Path = ()) -> list[Finding]:
    """Check a Railz version 2 push body: its lines' discount percentages."""
    findings: list[Finding] = []
    for index, line in enumerate(refund.lines or []):
        _percentage(findings, line.discount_percentage, *path, "lines", index, "discountPercentage")
    return findings


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
    if ref is None or ref.id is None or is_code(ref.id) or is_code(ref.id.upper()):
        return []
    if ref.name and code_for_name(ref.name) is not None:
        return []
    why = f"its name {ref.name!r} is no one currency's" if ref.name else "it has no name"
    return [
        (
            (*path, "currencyRef", "id"),
            f"currencyRef.id {ref.id!r} is not a currency code (the platform's own currency"
            f" id), and {why}: converted to another format, the refund has no currency",
        )
    ]
