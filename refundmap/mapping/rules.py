"""The rules the mapping table names: values made for a target, values checked on the way in.

A *make* rule runs when the target format's cell is a key and the source has
no value for it: it receives the source model, the target dict so far and the
run, and returns a :class:`Made` (the value and how to report it), or None when
there is nothing to write. A *write* rule receives each value copied into its
cell. Either raises :class:`Unmappable` when the target cannot hold the record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, Protocol

import attrs

from refundmap.dates import format_date
from refundmap.references import KINDS
from refundmap.report import Kind

__all__ = [
    "APPLY",
    "MAKE",
    "RUTTER_ID_NAMESPACE",
    "WRITE",
    "Made",
    "ReferenceMessages",
    "Run",
    "Unmappable",
    "reference_messages",
]

#: The namespace of Rutter ids synthesized from Railz ids: ``uuid5(NS, railz_id)``, or
#: ``uuid5(NS, f"{scope}/{railz_id}")`` where the document names its connection
#: (see ``Run.scope``). Fixed, so that converting the same refund twice gives the same id.
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


class Run(Protocol):
    """What a rule may ask of the conversion it runs in."""

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
    def note(self, kind: Kind, source: str, target: str | None, message: str) -> None: ...  # noqa: D102
    def translate(  # noqa: D102
        self, kind: str, value: str, source: str, target: str, name_target: str | None
    ) -> tuple[str, str | None]: ...


def _rutter_id(_src: Any, out: dict[str, Any], run: Run) -> Made | None:
    railz_id = out.get("platform_id")
    if railz_id is None:
        return None
    if run.scope is None:
        made = str(uuid.uuid5(RUTTER_ID_NAMESPACE, railz_id))
        return Made(made, Kind.SYNTHESIZED, f"UUID version 5 of the Railz id {railz_id!r}", "id")
    # Railz ids are the platform's, unique within one business only.
    made = str(uuid.uuid5(RUTTER_ID_NAMESPACE, f"{run.scope}/{railz_id}"))
    message = f"UUID version 5 of the Railz id {railz_id!r} of {run.scope}"
    return Made(made, Kind.SYNTHESIZED, message, "id")


def _required(_src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    if run.target_name.startswith("rutter"):
        raise Unmappable("Rutter requires account_id, and the refund has no accountRef")
    if run.target_name in _PUSH:
        raise Unmappable(f"{run.target_name} requires accountRef, and the refund has no account")
    return None


def _required_lines(_src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    if run.target_name == "rutter-create":
        raise Unmappable("a Rutter create body needs at least one line item, and there is none")
    if run.target_name == "rutter":
        return Made([])
    return None


def _sub_total(src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    if run.source_name != "rutter" or src.total_amount is None or src.tax_amount is None:
        return None
    total, tax = src.total_amount, src.tax_amount
    return Made(
        total - tax, Kind.DERIVED, f"total_amount {total} - tax_amount {tax}", "total_amount"
    )


def _synced_at(_src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    return Made(run.synced_at, Kind.SYNTHESIZED, "the conversion time")


def _line_total(src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    if run.source_name != "railz":
        return None
    sub_total, tax = src.sub_total, src.tax_amount
    if sub_total is None:
        raise Unmappable(
            "Rutter requires a line total, and the line has neither totalAmount nor subTotal"
        )
    if tax is None:
        return Made(sub_total, Kind.DERIVED, f"subTotal {sub_total} (no taxAmount)", "subTotal")
    return Made(
        sub_total + tax, Kind.DERIVED, f"subTotal {sub_total} + taxAmount {tax}", "subTotal"
    )


def _pagination(_src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    page = {"offset": 0, "limit": run.count, "count": run.count}
    return Made(page, Kind.SYNTHESIZED, f"a single page holding all {run.count} records")


def _count(_src: Any, _out: dict[str, Any], run: Run) -> Made | None:
    return Made(run.count, Kind.DERIVED, "the number of records")


#: Formats whose line quantities are integers.
_WHOLE_QUANTITIES = frozenset({"railz", "railz-v2"})
#: Formats that keep a refund's department on its lines.
_DEPARTMENT_ON_LINES = frozenset({"railz-v2", "railz-v2-push"})
#: The longest memo a Railz push body takes.
MAX_MEMO = 4000
#: Railz's push bodies: a calendar date, a memo of at most MAX_MEMO characters.
_PUSH = frozenset({"railz-v2-push", "railz-push"})


def _quantity(value: Any, run: Run) -> Made:
    if run.target_name not in _WHOLE_QUANTITIES or type(value) is int:
        return Made(value)
    if value != value.to_integral_value():
        raise Unmappable(f"Railz quantities are integers, and {value} is not")
    return Made(int(value))


def _day(value: Any, run: Run) -> Made:
    if run.target_name not in _PUSH or not isinstance(value, datetime):
        return Made(value)
    day = value.date()  # the calendar day in the timestamp's own offset
    return Made(day, Kind.DERIVED, f"the calendar day of {format_date(value)}, in its own offset")


def _memo(value: Any, run: Run) -> Made:
    if run.target_name in _PUSH and len(value) > MAX_MEMO:
        raise Unmappable(
            f"{run.target_name} takes a memo of at most {MAX_MEMO:,} characters, and this one"
            f" has {len(value):,}; it is not cut"
        )
    return Made(value)


def _platform(value: Any, run: Run) -> Made:
    into_railz = run.target_name.startswith("railz")
    if run.source_name.startswith("railz") == into_railz:
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


def _department(src: Any, out: dict[str, Any], run: Run, sp: str, tp: str) -> None:
    """The refund's department and Railz version 2 lines' department entries.

    Rutter has one department for the refund; a version 2 line has it as a
    tracking category entry of type ``department``. Into version 2, every line
    gets the refund's department (derived). Out of version 2, a department that
    every line has, once and the same, is the refund's (derived); any other
    department entry has no Rutter field (dropped).
    """
    if run.target_name in _DEPARTMENT_ON_LINES:
        if run.source_name == "railz-v2":  # a line's department entries stay on that line
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
        if run.source_name != "rutter":
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
        named = run.target_name == "railz-v2"  # push entries have no name
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
    shared = shared and run.target_name.startswith("rutter")
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
                if run.target_name.startswith("rutter")
                else f"{run.target_name} has no field for it"
            )
            run.note(Kind.DROPPED, where, None, message)


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
MAKE: dict[str, Callable[[Any, dict[str, Any], Run], Made | None]] = {
    "rutter_id": _rutter_id,
    "required": _required,
    "required_lines": _required_lines,
    "sub_total": _sub_total,
    "synced_at": _synced_at,
    "line_total": _line_total,
    "pagination": _pagination,
    "count": _count,
}

#: Rules each copied value passes on its way into the target, by name.
WRITE: dict[str, Callable[[Any, Run], Made]] = {
    "quantity": _quantity,
    "platform": _platform,
    "day": _day,
    "memo": _memo,
}

#: Rules that map a field that sits at no one place in one of the formats, by name.
APPLY: dict[str, Callable[[Any, dict[str, Any], Run, str, str], None]] = {
    "department": _department,
}
