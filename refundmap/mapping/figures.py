"""The rules of line figures: line totals, unit amounts, tax included or not, discounts.

Each figure is written as the target format defines it.

A line whose figures fit two readings follows its refund (:func:`_tax_by_refund`,
:func:`_discount_by_refund`). The arithmetic they read is
:mod:`refundmap.mapping.lines`; the rule tables that name them are
:mod:`refundmap.mapping.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from refundmap.currency import is_code
from refundmap.mapping.context import Made, RuleContext, Unmappable
from refundmap.mapping.lines import (
    _line_tax_reading,
    before_discount,
    before_tax,
    body_line_total,
    booked_discount,
    exact_quotient,
    line_tax_reading,
    one_amount_lines,
    railz_includes_tax,
    railz_lines_include_tax,
    rutter_includes_tax,
    unread_percentage,
    v2_includes_tax,
    v2_unit_includes_tax,
)
from refundmap.money import tolerance
from refundmap.report import Kind

__all__ = ["line_amount", "line_figures", "line_total", "tax_inclusive", "unit_amount"]

_ZERO = Decimal(0)
# Kind's members read once: the enum's metaclass has a __getattr__, which makes each read of
# ``Kind.DROPPED`` a slow lookup (about 900 instructions).
_DERIVED, _DROPPED, _WARNING = Kind.DERIVED, Kind.DROPPED, Kind.WARNING
_new = tuple.__new__


class _Indexed(dict[int, str]):
    """A path's suffix by a line's index, made once: ``_Indexed(".lines[{}]")[2]`` is ``.lines[2]``.

    A line's paths are its refund's and this (a subscript and a join, where an
    f-string formats the index for each line of each refund).
    """

    __slots__ = ("form",)

    def __init__(self, form: str) -> None:
        super().__init__()
        self.form = form

    def __missing__(self, index: int) -> str:
        made = self.form.format(index)
        if index < _INDEXED_HELD:
            self[index] = made
        return made


_INDEXED_HELD = 1024
#: A Rutter line's total_amount, and a Railz line, after a refund's path.
_ITEM_TOTAL = _Indexed(".line_items[{}].total_amount")
_LINE_AT = _Indexed(".lines[{}].")
#: A Railz line's subTotal and totalAmount, after a refund's path; by the key.
_LINE_SUB = _Indexed(".lines[{}].subTotal")
_LINE_TOTAL = _Indexed(".lines[{}].totalAmount")
_LINE_KEY = {"subTotal": _LINE_SUB, "totalAmount": _LINE_TOTAL}


def _into_rutter_from_railz(run: RuleContext) -> bool:
    return bool(run.source.line_figures) and run.target.vendor == "rutter"


def line_total(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    """Make a Rutter line's total, where a Railz line has none: its figures before tax."""
    if not _into_rutter_from_railz(run):
        return None
    found = before_tax(src, net=run.target.computes_totals)
    if found is None:
        raise Unmappable(
            "Rutter requires a line total, and the line has neither totalAmount nor subTotal,"
            " nor quantity and unitAmount"
        )
    value, message, key = found
    return Made(value, Kind.DERIVED, message, key)


def line_amount(value: Any, src: Any, run: RuleContext) -> Made:
    """Write a line's amount into Rutter before tax (and, in a create body, net of discount)."""
    source, target = run.source, run.target
    if target.vendor != "rutter":
        return _new(Made, (value, None, "", None))  # Made(value), without its __new__
    if source.line_figures:
        reading = _line_tax_reading(src) if src.tax_amount else False  # line_tax_reading(src)
        net = target.computes_totals
        if reading is False and not net and not (src.discount_amount or src.discount_percentage):
            sub_total = src.sub_total  # before_tax's subTotal, of a line without a discount
            if sub_total is not None:
                message = f"subTotal {sub_total!s}: the line before tax and discount"
                return _new(Made, (sub_total + _ZERO, _DERIVED, message, "subTotal"))
        found = before_tax(src, net=net, reading=reading)
        assert found is not None  # noqa: S101 - the line has a totalAmount: it is the value
        made, message, key = found
        if reading is None:
            # Read with its refund's lines, and reported there (_tax_by_refund).
            run.unclear_lines.append(src)
            return _new(Made, (made, None, "", None))
        if made == value and key == "totalAmount":
            return _new(Made, (value, None, "", None))  # the total as it is: no tax, no discount
        return _new(Made, (made, _DERIVED, message, key))
    if one_amount_lines(source):
        if target.computes_totals:
            return Made(value)  # the body's line total is the line net of its discount
        found = before_discount(src)
        return Made(value) if found is None else Made(found[0], Kind.DERIVED, *found[1:])
    return Made(value)


def unit_amount(value: Any, src: Any, run: RuleContext) -> Made:
    """A unit amount in a create body: one that gives the line's total, or none.

    Rutter takes a create line's total as quantity (default 1) x unit amount. A
    unit amount that does not give the body's line total exactly (rounded to the
    minor unit, or before the line's discount) is the line's total / quantity
    where that is exact (derived), else left out, so that Rutter takes the
    line's total.
    """
    total = body_line_total(src, run.source)
    if total is None:
        return Made(value)
    if run.source.line_figures and line_tax_reading(src) is None:
        return Made(value)  # its total is its refund's to decide (_tax_by_refund)
    quantity = src.quantity if run.source.vendor == "railz" else src.item.quantity
    return _unit_for(value, total, quantity)


def _unit_for(value: Any, total: Decimal, quantity: Any) -> Made:
    """A create body's unit amount for a line of ``total`` (see ``unit_amount``)."""
    quantity = 1 if quantity is None else quantity
    product = quantity * value
    if product == total:
        return Made(value)
    unit = exact_quotient(total, quantity)
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


def tax_inclusive(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    """Tell Rutter whether the create body's line amounts include tax, where the source says."""
    included: bool | None
    if run.source.line_figures:
        taxed = any(line.tax_amount for line in src.lines or ())
        included = railz_lines_include_tax(src) if taxed else railz_includes_tax(src)
        if included is None:
            return None
    else:
        rutter = run.source.vendor == "rutter"
        included = (rutter_includes_tax if rutter else v2_includes_tax)(src)
        if included is None:
            return None
    message = "the lines' amounts include tax" if included else "the lines' amounts exclude tax"
    where = run.source.lines_key
    return Made(included, Kind.DERIVED, message, where)


def _no_line_figure(run: RuleContext, why: str) -> tuple[Kind, str | None, str]:
    """How a Rutter line total that no Railz line figure can hold is reported (none is invented).

    A push line without ``totalAmount`` is a line the platform cannot book: a
    warning at the target line, not only a dropped value. Returns the entry's
    kind, its key in the target line (None: no target), and its words: the same
    for every line of a refund.
    """
    if run.target.vendor == "railz" and run.target.request is not None:  # is_body, no call
        message = (
            f"the {run.target_name} line gets no totalAmount, and a push line without an"
            f" amount is not one the platform can book: {why}; no share of it is invented"
        )
        return _WARNING, "totalAmount", message
    return _DROPPED, None, f"{run.target_name} has no field for it: {why}"


def _no_share_words(target_name: str, discount: Decimal) -> str:
    """:func:`_no_line_figure`'s words of a line into ``target_name``, not a push line's.

    The line's refund has a ``discount`` over several lines (see :func:`_no_line_shares`).
    """
    return (
        f"{target_name} has no field for it: the refund's discount_amount {discount!s}"
        " is not per line, and Railz's line figures are net of discounts"
    )


def _no_line_shares(
    run: RuleContext, lines: list[Any], count: int, discount: Decimal, paths: tuple[str, str]
) -> None:
    """Rutter lines of a refund whose discount is over several: no Railz line figure holds them.

    Railz's line figures are net of discounts, and no line's share of the refund's
    ``discount_amount`` is known: each of the first ``count`` target ``lines``
    gets no ``totalAmount``, reported as :func:`_no_line_figure` says (whether
    the refund's lines include tax is not asked: no figure is written).
    """
    if not count or not lines:
        return
    push = run.target.vendor == "railz" and run.target.request is not None
    if run.rows and not push:
        # Rows of the paths' suffixes and what words them when read (see Run.rows).
        add, name = run.report.append, run.target_name
        for index, line in enumerate(lines[:count]):
            line["totalAmount"] = None
            add((_DROPPED, _ITEM_TOTAL[index], None, _no_share_words, name, discount))
        return
    if push:
        kind, key, message = _no_line_figure(
            run,
            f"the refund's discount_amount {discount!s} is not per line, and Railz's line"
            " figures are net of discounts",
        )
    else:  # _no_line_figure's words, in one f-string
        kind, key, message = _DROPPED, None, _no_share_words(run.target_name, discount)
    if run.rows:  # a row: the paths' suffixes (see Run.rows)
        add = run.report.append
        targets = None if key is None else _LINE_KEY[key]
        for index, line in enumerate(lines[:count]):
            line["totalAmount"] = None
            add((kind, _ITEM_TOTAL[index], None if targets is None else targets[index], message))
        return
    sp, tp = paths
    for index, line in enumerate(lines[:count]):
        line["totalAmount"] = None
        target = None if key is None else tp + _LINE_AT[index] + key
        run.note(kind, sp + _ITEM_TOTAL[index], target, message)


def _note_no_figure(
    run: RuleContext, said: tuple[Kind, str | None, str], where: str, at: str
) -> None:
    """Report a line's total as :func:`_no_line_figure` ``said``; ``at``: the target line's path."""
    kind, key, message = said
    run.note(kind, where, None if key is None else at + key, message)


def _tax_by_refund(src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str) -> None:
    """Railz version 1 lines whose figures fit both readings of tax, read as their refund's.

    A line that carries tax and whose ``subTotal`` and ``totalAmount`` are both
    quantity x unitAmount within rounding follows the refund's other lines
    (:func:`~refundmap.mapping.lines.railz_lines_include_tax`): a refund's lines
    share one tax treatment.

    Those lines are the ones their rule found (:func:`line_amount`, which ran on
    each line with a ``totalAmount`` before this, in the same run and context),
    held in ``run.unclear_lines``: each line's figures are read for tax once.
    """
    held = run.unclear_lines
    if not held:  # most refunds: no line fits both readings
        return
    lines = src.lines or ()
    # By identity: a line held and not read here (its refund failed first) is no other's.
    unclear = [any(line is found for found in held) for line in lines]
    held.clear()
    if not any(unclear):
        return
    net = run.target.computes_totals
    included = bool(railz_lines_include_tax(src))
    reading = "include" if included else "exclude"
    targets = out.get("line_items") or []
    for index, (line, target) in enumerate(zip(lines, targets, strict=False)):
        if not unclear[index]:
            continue
        found = before_tax(line, net=net, included=included, reading=None)
        assert found is not None  # noqa: S101 - the line has a totalAmount
        value, message, key = found
        target["total_amount"] = value
        run.note(
            Kind.DERIVED,
            f"{sp}.lines[{index}].{key}",
            f"{tp}.line_items[{index}].total_amount",
            f"{message}; its figures fit both readings of tax, and the refund's lines {reading} it",
        )
        item = target.get("item")
        if net and isinstance(item, dict) and item.get("unit_amount") is not None:
            made = _unit_for(item["unit_amount"], value, line.quantity)
            item["unit_amount"] = made.value
            if made.kind is not None:
                where = f"{tp}.line_items[{index}].item.unit_amount"
                run.note(made.kind, f"{sp}.lines[{index}].unitAmount", where, made.message)


def _discount_by_refund(
    src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str
) -> dict[int, Decimal]:
    """Railz lines whose figures fit both a discount and none, read as their refund's.

    A ``discountAmount`` of 0 beside a percentage whose line fits both readings
    (:func:`~refundmap.mapping.lines.unread_percentage`) is the percentage's
    discount where the refund's ``totalDiscount`` is the lines' discounts with
    it, and not without it: into a Rutter refund, whose line total is before
    its discount, it is added back (derived). Returns those discounts by line.
    """
    discount = src.total_discount
    if run.target.computes_totals or not discount:
        return {}
    lines, targets = src.lines or (), out.get("line_items") or []
    unread = {index: unread_percentage(line) for index, line in enumerate(lines)}
    unread = {index: booked for index, booked in unread.items() if booked}
    if not unread:
        return {}
    currency = src.currency if one_amount_lines(run.source) else None
    # As the lines' totals add them back: each rounded to the cent.
    read = sum((booked_discount(line)[0] for line in lines), _ZERO)
    added = sum(unread.values(), _ZERO)
    half = tolerance(currency if currency and is_code(currency) else None)
    if abs(read - discount) <= half or abs(read + added - discount) > half:
        return {}
    for index, booked in unread.items():
        if index >= len(targets):
            continue
        targets[index]["total_amount"] += booked
        run.note(
            Kind.DERIVED,
            f"{sp}.lines[{index}].discountPercentage",
            f"{tp}.line_items[{index}].total_amount",
            f"plus discountPercentage {lines[index].discount_percentage}% ({booked}): its"
            f" discountAmount 0 fits both a discount and none, and the refund's totalDiscount"
            f" {discount} is the lines' discounts with it; Rutter's line total is before it",
        )
    return unread


def _v2_lines_before_tax(  # noqa: PLR0913 - an apply rule's arguments, and the discounts read
    src: Any,
    out: dict[str, Any],
    run: RuleContext,
    sp: str,
    tp: str,
    *,
    discounts: Mapping[int, Decimal],
) -> None:
    """Railz version 2 line amounts that include tax, as Rutter's line totals: less their tax.

    Rutter's line total is quantity x unit amount, before tax. A version 2 line's
    ``amount`` includes its ``taxAmount`` where the refund's arithmetic says so:
    the amounts sum to ``totalAmount``, not to it less ``taxAmount``, and the
    lines' taxes sum to the refund's. Each line total is then its amount less its
    tax (derived), and the refund adds up as Rutter computes it.
    """
    lines = src.lines or ()
    if v2_includes_tax(src) is not True:
        return
    taxes = sum((line.tax_amount or _ZERO for line in lines), _ZERO)
    if abs(taxes - src.tax_amount) > tolerance(src.currency if is_code(src.currency) else None):
        return  # the lines' taxes are not the refund's: no line's share is known
    including = {
        index
        for index, line in enumerate(lines)
        if line.tax_amount and v2_unit_includes_tax(line, discounts.get(index))
    }
    if including and not _v2_discounts_follow(src, out, run, (sp, tp), including):
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


def _v2_discounts_follow(
    src: Any, out: dict[str, Any], run: RuleContext, paths: tuple[str, str], including: set[int]
) -> bool:
    """Whether version 2 lines read as including tax only for want of a discount follow the rest.

    A line whose ``discountAmount`` 0 beside a percentage fits both a discount and
    none (:func:`~refundmap.mapping.lines.unread_percentage`) reads as unit
    amounts that include tax without the discount, and as ones that exclude it
    with the discount. Where every such line is one of these, other taxed lines
    exclude tax, and the refund has no ``totalDiscount`` to say otherwise, they
    follow those lines: the discount is added back to the line and to
    ``discount_amount`` (derived), and the caller takes each line's tax off.
    """
    sp, tp = paths
    lines = src.lines or ()
    taxed = sum(1 for line in lines if line.tax_amount)
    if src.total_discount is not None or len(including) == taxed:
        return False
    booked = {index: unread_percentage(lines[index]) for index in including}
    if not all(b and not v2_unit_includes_tax(lines[i], b) for i, b in booked.items()):
        return False
    targets = out.get("line_items") or []
    for index, discount in sorted(booked.items()):
        if index >= len(targets):
            continue
        line = lines[index]
        targets[index]["total_amount"] += discount
        out["discount_amount"] = (out.get("discount_amount") or _ZERO) + discount
        said = (
            f"discountPercentage {line.discount_percentage}% ({discount}): its discountAmount 0"
            " fits both a discount with unit amounts that exclude tax and none with ones that"
            " include it, and the refund's other lines exclude it"
        )
        where = f"{sp}.lines[{index}].discountPercentage"
        run.note(Kind.DERIVED, where, f"{tp}.line_items[{index}].total_amount", f"plus {said}")
        run.note(Kind.DERIVED, where, f"{tp}.discount_amount", f"plus the line's {said}")
    return True


#: The discounts no line's figures leave to its refund (see :func:`_discount_by_refund`).
_NO_DISCOUNTS: Mapping[int, Decimal] = MappingProxyType({})


def _one_line_words(told: str, amount: Decimal, discount: Decimal, tax: Decimal) -> tuple[str, str]:
    """The words of a refund's one line's subTotal and totalAmount: ``told``, discount, tax."""
    said = told
    if discount:
        said += f"; total_amount {amount!s} less the refund's discount_amount {discount!s}"
    if tax:
        said += f"; the refund's tax_amount {tax!s} is its one line's"
    return f"subTotal, as {said}", f"totalAmount, as {said}"


def _told_words(included: bool | None, taxed: bool) -> tuple[str, str, str]:  # noqa: FBT001
    """Return what a Rutter refund's lines are told of tax, and its lines' words over several.

    ``included``: whether its lines include tax (None: its total says neither);
    ``taxed``: whether it has tax.
    """
    told = "the refund's lines {} tax".format(
        "include" if included else ("exclude" if taxed else "carry no")
    )
    if included is None and taxed:
        told = (
            "the refund's total says neither whether its lines include tax nor that they"
            " exclude it, and Rutter's line total is before tax"
        )
    return told, f"subTotal, as {told}", f"totalAmount, as {told}"


class _Rows(dict[int, tuple[Kind, str, str, str]]):
    """A line's row of a figure derived from its total, by the line's index, made once.

    ``_Rows(_LINE_SUB, said)[2]`` is ``(DERIVED, _ITEM_TOTAL[2], _LINE_SUB[2], said)``:
    the same for every refund, as a row of the fast mapping's report (see Run.rows).
    """

    __slots__ = ("said", "target")

    def __init__(self, target: _Indexed, said: str) -> None:
        super().__init__()
        self.target, self.said = target, said

    def __missing__(self, index: int) -> tuple[Kind, str, str, str]:
        made = (_DERIVED, _ITEM_TOTAL[index], self.target[index], self.said)
        if index < _INDEXED_HELD:
            self[index] = made
        return made


def _told(included: bool | None, taxed: bool) -> tuple[str, str, str, _Rows, _Rows]:  # noqa: FBT001
    """Return :func:`_told_words`, and the rows of a line's subTotal and totalAmount by them."""
    told, sub_said, total_said = _told_words(included, taxed)
    return told, sub_said, total_said, _Rows(_LINE_SUB, sub_said), _Rows(_LINE_TOTAL, total_said)


#: :func:`_told` of each reading and tax: the same for every refund.
_TOLD = {
    (included, taxed): _told(included, taxed)
    for included in (True, False, None)
    for taxed in (True, False)
}


def line_figures(src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str) -> None:
    """Line totals between Rutter and Railz that only the whole refund decides.

    A Railz refund's lines into Rutter: those whose figures their refund decides
    (:func:`_tax_by_refund`, :func:`_discount_by_refund`, :func:`_v2_lines_before_tax`).

    A Rutter line total as Railz's line figures, by Railz's definitions (here, not in
    a call of its own: most refunds converted are Rutter's). Rutter's line total is
    quantity x unit amount, before the refund's discount and tax. Railz's
    ``subTotal`` is the line "inclusive of discounts but exclusive of tax", its
    ``totalAmount`` "inclusive of discounts and tax". Which the Rutter total is
    follows from the refund's own arithmetic: its ``subTotal`` where the lines
    exclude tax (or its total says neither), its ``totalAmount`` where they include
    it, both where the refund has no tax. A refund's discount or tax belongs to its
    one line; over several lines, no line's share is known, and a figure that needs
    it is not written.
    """
    source = run.source
    if source.vendor != "rutter":
        if source.vendor == "railz" and run.target.vendor == "rutter":
            # The first test of each rule, without its call, where it passes (most refunds):
            # no line held for its refund; no totalDiscount, or a body, which computes totals.
            if source.line_figures and run.unclear_lines:
                _tax_by_refund(src, out, run, sp, tp)
            discounts = (
                _discount_by_refund(src, out, run, sp, tp)
                if src.total_discount and not run.target.computes_totals
                else _NO_DISCOUNTS
            )
            if not source.line_figures and not run.target.is_body:  # one_amount_lines(source)
                _v2_lines_before_tax(src, out, run, sp, tp, discounts=discounts)
        return
    figures = run.target.line_figures
    if not figures:
        return
    lines = out.get("lines") or []
    items = src.line_items or ()
    discount = src.discount_amount or _ZERO
    one = len(items) == 1
    if discount and not one:
        _no_line_shares(run, lines, len(items), discount, (sp, tp))
        return
    tax = src.tax_amount or _ZERO
    included = rutter_includes_tax(src)
    only_sub = "subTotal" in figures
    # zip(lines, items, strict=False), without the zip: its keyword alone costs more than
    # a refund's subscripts.
    lines = lines if len(lines) <= len(items) else lines[: len(items)]
    if not (run.rows and not one and only_sub and not included):
        _line_by_line(run, (lines, items), (sp, tp), (discount, tax), included, only_sub=only_sub)
        return
    # Several lines, a subTotal each (and a totalAmount where there is no tax), noted as
    # rows (see Run.rows): the paths' suffixes, joined when read; the rows made once.
    _, _, _, sub_rows, total_rows = _TOLD[included, bool(tax)]
    add = run.report.append
    for index, line in enumerate(lines):
        line["totalAmount"] = None  # none yet (its place kept: a line is finished in place)
        net = items[index].total_amount - discount
        line["subTotal"] = net
        add(sub_rows[index])
        if not tax:
            line["totalAmount"] = net + tax
            add(total_rows[index])


#: :func:`line_figures` of a Rutter refund (its rule had a function of its own before).
_rutter_line_figures = line_figures


def _line_by_line(  # noqa: PLR0913 - the rule's run, the lines, where they are, the refund's figures
    run: RuleContext,
    lines: tuple[list[dict[str, Any]], Any],
    paths: tuple[str, str],
    figures: tuple[Decimal, Decimal],
    included: bool | None,  # noqa: FBT001 - rutter_includes_tax's answer
    *,
    only_sub: bool,
) -> None:
    """:func:`line_figures` of each line, noted as entries (or of a refund's one line).

    ``lines``: the target's lines and the Rutter refund's line items; ``figures``: the
    refund's discount and tax (each zero where it has none).
    """
    (targets, items), (sp, tp), (discount, tax) = lines, paths, figures
    one = len(items) == 1
    # Over several lines, each line's words are the refund's (a discount is then over
    # several, and left above; the tax is not its one line's): made once, for all refunds.
    told, sub_said, total_said, _, _ = _TOLD[included, bool(tax)]
    unsplit = None  # what _no_line_figure says of each line, found at the first: the same for all
    for index, line in enumerate(targets):
        amount = items[index].total_amount
        line["totalAmount"] = None  # none yet (its place kept: a line is finished in place)
        net = amount - discount
        where = sp + _ITEM_TOTAL[index]
        at = tp + _LINE_AT[index]
        if included:
            sub, total = (net - tax if one else None), net
        else:
            sub, total = net, (net + tax if one or not tax else None)
        if one:
            sub_said, total_said = _one_line_words(told, amount, discount, tax)
        if total is None and not (only_sub and sub is not None):
            if unsplit is None:
                unsplit = _no_line_figure(
                    run,
                    f"the refund's tax_amount {tax!s} is not per line, and a {run.target_name}"
                    " line's only figure, totalAmount, includes tax",
                )
            _note_no_figure(run, unsplit, where, at)
            continue
        if only_sub and sub is not None:
            line["subTotal"] = sub
            run.note(_DERIVED, where, at + "subTotal", sub_said)
        if total is not None:
            line["totalAmount"] = total
            run.note(_DERIVED, where, at + "totalAmount", total_said)
        if only_sub and one:
            _one_line_shares(run, line, (sp, at), discount, tax)


def _one_line_shares(
    run: RuleContext, line: dict[str, Any], paths: tuple[str, str], discount: Decimal, tax: Decimal
) -> None:
    """Write a refund's ``discount`` and ``tax`` into its one Railz ``line`` (at ``paths``)."""
    sp, at = paths
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
