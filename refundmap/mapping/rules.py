"""The rules the mapping table names: values made for a target, values checked on the way in.

A *make* rule runs when the target format's cell is a key and the source has
no value for it: it receives the source model, the target dict so far and the
run, and returns a :class:`Made` (the value and how to report it), or None when
there is nothing to write. A *write* rule receives each value copied into its
cell, and the source model it comes from. Either raises :class:`Unmappable`
when the target cannot hold the record. The arithmetic of lines the rules read
is :mod:`refundmap.mapping.lines`; the words for reference ids,
:mod:`refundmap.mapping.translation`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from refundmap.checks import railz_discount
from refundmap.currency import code_for_name, is_code
from refundmap.dates import format_date
from refundmap.mapping.lines import (
    before_discount,
    before_tax,
    body_line_total,
    booked_discount,
    computed_line_total,
    exact_quotient,
    one_amount_lines,
    railz_includes_tax,
    rutter_includes_tax,
    tax_included,
    v2_includes_tax,
    v2_unit_includes_tax,
)
from refundmap.mapping.translation import ReferenceMessages, reference_messages
from refundmap.money import EXACT, tolerance
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


def _line_discounts(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    """Rutter's ``discount_amount``, where Railz has no ``totalDiscount``: its lines' discounts.

    Rutter's line totals are before the lines' discounts (each is added back,
    see ``before_tax`` and ``before_discount``), so the refund's discount is their sum.
    """
    into_rutter = run.target.vendor == "rutter" and not run.target.is_body
    if not into_rutter or run.source.vendor != "railz":
        return None
    v2 = one_amount_lines(run.source)
    found = [
        (index, *booked_discount(line))
        for index, line in enumerate(src.lines or ())
        # A version 2 amount gets its discount back only where it is net of it.
        if not v2 or before_discount(line) is not None
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


def _into_rutter_from_railz(run: RuleContext) -> bool:
    return bool(run.source.line_figures) and run.target.vendor == "rutter"


def _line_total(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
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


def _line_amount(value: Any, src: Any, run: RuleContext) -> Made:
    if one_amount_lines(run.source) and run.target.vendor == "rutter":
        if run.target.computes_totals:
            return Made(value)  # the body's line total is the line net of its discount
        found = before_discount(src)
        return Made(value) if found is None else Made(found[0], Kind.DERIVED, *found[1:])
    if not _into_rutter_from_railz(run):
        return Made(value)
    found = before_tax(src, net=run.target.computes_totals)
    assert found is not None  # noqa: S101 - the line has a totalAmount: it is the value
    made, message, key = found
    if made == value and key == "totalAmount":
        return Made(value)  # the total as it is: no tax, no discount
    return Made(made, Kind.DERIVED, message, key)


def _unit_amount(value: Any, src: Any, run: RuleContext) -> Made:
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
    quantity = src.quantity if run.source.vendor == "railz" else src.item.quantity
    quantity = 1 if quantity is None else quantity
    with localcontext(EXACT):
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


def _tax_inclusive(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    """Tell Rutter whether the create body's line amounts include tax, where the source says."""
    included: bool | None
    if run.source.line_figures:
        taxed = [line for line in src.lines or () if line.tax_amount]
        kinds = {tax_included(line) for line in taxed}
        if taxed and len(kinds) != 1:
            return None  # the lines disagree
        included = kinds.pop() if taxed else railz_includes_tax(src)
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


def _v2_lines_before_tax(src: Any, out: dict[str, Any], run: RuleContext, sp: str, tp: str) -> None:
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
    with localcontext(EXACT):
        taxes = sum((line.tax_amount or _ZERO for line in lines), _ZERO)
    if abs(taxes - src.tax_amount) > tolerance(src.currency if is_code(src.currency) else None):
        return  # the lines' taxes are not the refund's: no line's share is known
    if any(v2_unit_includes_tax(line) for line in lines if line.tax_amount):
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
    if one_amount_lines(run.source) and into_rutter:
        _v2_lines_before_tax(src, out, run, sp, tp)
        return
    if run.source.vendor != "rutter" or not run.target.line_figures:
        return
    lines = out.get("lines") or []
    items = src.line_items or ()
    tax = src.tax_amount or _ZERO
    discount = src.discount_amount or _ZERO
    included = rutter_includes_tax(src)
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
    summed = sum(map(computed_line_total, out.get("line_items", [])), Decimal(0))
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
        lines = sum((railz_discount(line)[0] for line in src.lines or ()), Decimal(0))
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


_ZERO = Decimal(0)

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
