"""The rules the mapping table names: values made for a target, values checked on the way in.

A *make* rule runs when the target format's cell is a key and the source has
no value for it: it receives the source model, the target dict so far and the
run, and returns a :class:`Made` (the value and how to report it), or None when
there is nothing to write. A *write* rule receives each value copied into its
cell, and the source model it comes from. Either raises :class:`Unmappable`
when the target cannot hold the record. The tables here name every rule; the
rules of line figures are :mod:`refundmap.mapping.figures`, what a rule receives
and gives :mod:`refundmap.mapping.context`, the arithmetic of lines
:mod:`refundmap.mapping.lines`, the words for reference ids
:mod:`refundmap.mapping.translation`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from refundmap.checks import railz_discount
from refundmap.currency import code_for_name, is_code
from refundmap.dates import format_date
from refundmap.mapping.context import Made, RuleContext, Unmappable
from refundmap.mapping.figures import (
    line_amount,
    line_figures,
    line_total,
    tax_inclusive,
    unit_amount,
)
from refundmap.mapping.lines import (
    before_discount,
    booked_discount,
    computed_line_total,
    one_amount_lines,
)
from refundmap.mapping.translation import ReferenceMessages, reference_messages
from refundmap.money import EXACT, tolerance
from refundmap.report import Kind

if TYPE_CHECKING:
    from refundmap.formats import Format

__all__ = [
    "APPLY",
    "APPLY_LINE_KEYS",
    "APPLY_REFUND_KEYS",
    "MAKE",
    "MAKE_KEYS",
    "MAKE_NO_LINES",
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
    "rutter_uuid",
    "sub_total_words",
]

#: The namespace of Rutter ids synthesized from Railz ids: ``uuid5(NS, railz_id)``, or
#: ``uuid5(NS, f"{scope}/{railz_id}")`` where the document names its connection
#: (see ``RuleContext.scope``). Fixed, so that converting the same refund twice gives the same id.
RUTTER_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://refundmap.invalid/rutter-id")
_NAMESPACE_BYTES = RUTTER_ID_NAMESPACE.bytes


def rutter_uuid(name: str) -> str:
    """Return ``str(uuid.uuid5(RUTTER_ID_NAMESPACE, name))``, without making the ``UUID``."""
    sha1 = _NAMESPACED.copy()  # hashlib.sha1(_NAMESPACE_BYTES + name.encode()), its start done once
    sha1.update(name.encode())
    digest = sha1.hexdigest()
    # uuid.UUID(version=5): the version nibble 5, the variant bits 10 (RFC 4122).
    variant = _VARIANTS[digest[16]]
    return f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:32]}"


try:  # CPython's own SHA-1: a copy and a short update cost less than OpenSSL's (1.6k instructions)
    from _sha1 import sha1 as _sha1_start  # type: ignore[import-not-found] # no stub
except ImportError:  # an interpreter without it: OpenSSL's, the same digest
    _NAMESPACED = hashlib.sha1(_NAMESPACE_BYTES, usedforsecurity=False)
else:
    _NAMESPACED = _sha1_start(_NAMESPACE_BYTES)
#: The variant digit of a UUID whose hex digit there was ``digit``: "89ab"[int(digit, 16) & 3].
_VARIANTS = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


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


def _rutter_id(_src: Any, out: dict[str, Any], run: RuleContext) -> Made | None:
    railz_id = out.get("platform_id")
    if railz_id is None:
        return None
    learned = run.learned_refund(railz_id)
    if learned is not None:
        message = f"the Rutter id of the refund the platform calls {railz_id!r}, from the directory"
        return Made(learned, Kind.DERIVED, message, "id")
    scope = run.scope
    if scope is None:
        made = rutter_uuid(railz_id)
        message = f"UUID version 5 of the Railz id {railz_id!r}"
        return _new(Made, (made, _SYNTHESIZED, message, "id"))  # Made(...), without its __new__
    # Railz ids are the platform's, unique within one business only.
    made = rutter_uuid(f"{scope}/{railz_id}")
    message = f"UUID version 5 of the Railz id {railz_id!r} of {scope}"
    return _new(Made, (made, _SYNTHESIZED, message, "id"))


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


def sub_total_words(total: Decimal, tax: Decimal) -> str:
    """Return the words of a refund's subTotal made of its ``total`` and ``tax`` (see _sub_total).

    The fast mapping notes the two values and says them so only when its report
    is read (``refundmap.mapping.fused_map``).
    """
    return f"total_amount {total!s} - tax_amount {tax!s}"


def _sub_total(src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    if run.source.vendor != "rutter" or src.total_amount is None or src.tax_amount is None:
        return None
    total, tax = src.total_amount, src.tax_amount
    message = sub_total_words(total, tax)
    return _new(Made, (total - tax, _DERIVED, message, "total_amount"))  # Made(...)


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
    made = _SYNCED.get(run.synced_at)  # the run's time, the same for each record: made once
    if made is None:
        if len(_SYNCED) >= _SYNCED_HELD:
            _SYNCED.clear()
        at = run.synced_at
        made = _SYNCED[at] = _new(Made, (at, _SYNTHESIZED, "the conversion time", None))
    return made


#: ``Made(...)`` of each conversion time met, by the time (a tuple: shared), a bounded few.
_SYNCED: dict[str, Made] = {}
_SYNCED_HELD = 16


def _pagination(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    page = {"offset": 0, "limit": run.count, "count": run.count}
    return Made(page, Kind.SYNTHESIZED, f"a single page holding all {run.count} records")


def _count(_src: Any, _out: dict[str, Any], run: RuleContext) -> Made | None:
    return Made(run.count, Kind.DERIVED, "the number of records")


def _quantity(value: Any, _src: Any, run: RuleContext) -> Made:
    if not run.target.whole_quantities or type(value) is int:
        return _new(Made, (value, None, "", None))  # Made(value), without its __new__
    # A whole quantity below 1024 (most), found by its hash: a decimal equal to an
    # int hashes as it (a reader's shared decimal holds its hash), and is compared
    # with a decimal key without being converted; its Made made once.
    made = _WHOLE.get(value)
    if made is None:
        if value != value.to_integral_value():
            raise Unmappable(f"Railz quantities are integers, and {value} is not")
        made = _new(Made, (int(value), None, "", None))
    return made


#: ``Made(number)`` of the ints 0-1023, by the number as a decimal: ``_WHOLE.get(quantity)
#: .value`` is ``int(quantity)`` where ``quantity`` is equal to one of them, whatever its
#: exponent or sign (5.0, 5E+0, -0). A Made is a tuple: shared, as no one changes it.
_WHOLE = {Decimal(number): Made(number) for number in range(1024)}


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
    made = _CODES.get(value)
    if made is not None:
        return made
    if is_code(value):
        made = _CODES[value] = Made(value)  # held: there are only so many codes
        return made
    if is_code(value.upper()):
        return Made(value.upper(), Kind.DERIVED, f"the currency code {value!r} in upper case")
    what = f"currencyRef.id {value!r} is not a currency code (the platform's own currency id)"
    name = src.currency_ref.name
    code = code_for_name(name) if name else None
    if code is not None:
        return Made(code, Kind.DERIVED, f"{what}; {code} is the one currency named {name!r}")
    why = f"its name {name!r} is no one currency's" if name else "it has no name"
    return Made(None, Kind.DROPPED, f"{what}, and {why}: {run.target_name} gets none")


#: ``Made(code)`` of each currency code met, by the code (a tuple: shared): at most every code.
_CODES: dict[str, Made] = {}


def _entries(line: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a mapped line's ``trackingCategoryRefs``, made (a line is made with its keys null)."""
    entries: list[dict[str, Any]] | None = line.get("trackingCategoryRefs")
    if entries is None:
        entries = line["trackingCategoryRefs"] = []
    return entries


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
                    _entries(line).append({"id": entry.id, "type": "department"})
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
            message = f"{run.target_name} keeps a department on lines only, and there is no line"
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
            entries = _entries(line)
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
    summed = sum(map(computed_line_total, out.get("line_items") or ()), Decimal(0))
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
_DERIVED, _SYNTHESIZED = Kind.DERIVED, Kind.SYNTHESIZED
_new = tuple.__new__

#: Rules that make a target value the source does not hold, by name.
MAKE: dict[str, Callable[[Any, dict[str, Any], RuleContext], Made | None]] = {
    "rutter_id": _rutter_id,
    "required": _required,
    "required_lines": _required_lines,
    "sub_total": _sub_total,
    "line_discounts": _line_discounts,
    "synced_at": _synced_at,
    "line_total": line_total,
    "tax_inclusive": tax_inclusive,
    "pagination": _pagination,
    "count": _count,
}

#: The keys of the dict each rule of :data:`MAKE` is given (a refund's or a line's, the
#: target's names) that it may read or write, over every pair: by ``get``, no other. The
#: fast compiler takes an object a line's table makes whole as made where no rule given the
#: line or its refund names it (tests/mapping/test_mapping8_wholes.py holds each rule to this).
MAKE_KEYS: dict[str, frozenset[str]] = {
    "rutter_id": frozenset({"platform_id"}),
    "required": frozenset(),
    "required_lines": frozenset(),
    "sub_total": frozenset(),
    "line_discounts": frozenset(),
    "synced_at": frozenset(),
    "line_total": frozenset(),
    "tax_inclusive": frozenset(),
    "pagination": frozenset(),
    "count": frozenset(),
}

#: The rules of :data:`MAKE` whose value, where one makes a refund's lines, holds no line.
MAKE_NO_LINES: frozenset[str] = frozenset({"required_lines"})

#: Rules each copied value passes on its way into the target, by name.
WRITE: dict[str, Callable[[Any, Any, RuleContext], Made]] = {
    "currency": _currency,
    "line_amount": line_amount,
    "unit_amount": unit_amount,
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
    "line_figures": line_figures,
}

#: The keys of the refund's dict each rule of :data:`APPLY` may read or write, over every
#: pair (the target's names): it reads them by ``get`` (an absent key is null to it). The
#: fast compiler finishes every other key of the refund where it maps it, before the rule
#: runs (tests/mapping/test_fused_map_finished.py holds each rule to this).
APPLY_REFUND_KEYS: dict[str, frozenset[str]] = {
    "department": frozenset({"lines", "department_id"}),
    "line_figures": frozenset({"lines", "line_items", "discount_amount"}),
}
#: The keys of each of the refund's lines each rule of :data:`APPLY` may read or write,
#: as :data:`APPLY_REFUND_KEYS` (a key it adds, one a line is not made with, among them).
APPLY_LINE_KEYS: dict[str, frozenset[str]] = {
    "department": frozenset({"trackingCategoryRefs"}),
    "line_figures": frozenset(
        {"subTotal", "totalAmount", "discountAmount", "taxAmount", "total_amount"}
    ),
}
