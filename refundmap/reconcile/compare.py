"""Which fields are compared (read from the mapping table), and comparing two records."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from refundmap.dates import DateError, parse_date
from refundmap.formats import Format
from refundmap.mapping.table import LINE, REFUND, Marker, Row
from refundmap.reconcile.result import Difference, RecordRef, normalise_id
from refundmap.report import describe

__all__ = [
    "Comparer",
    "Item",
    "calendar_day",
    "cell_key",
    "get_key",
    "id_key",
    "line_key",
    "lines_key",
    "record_at",
]


@attrs.frozen
class _Field:
    """A field both formats hold: its key path in the compared format and in each side's."""

    key: str
    left: str
    right: str
    ref: bool
    date: bool


_DATES = frozenset({"transaction_date", "updated_at", "created_at"})
_OTHER = {"rutter": "railz", "railz": "rutter"}


def _fields(rows: Sequence[Row], compared: Format, left: Format, right: Format) -> list[_Field]:
    """Return the rows of ``rows`` both formats hold, vendor bookkeeping left out."""
    other = _OTHER[compared.vendor]
    found = []
    for row in rows:
        cells = row.cell(compared.name), row.cell(left.name), row.cell(right.name)
        if not all(isinstance(cell, str) for cell in cells) or row.lines is not None:
            continue
        if row.cell(other) is Marker.OMITTED or "[]" in str(cells[0]):
            continue  # a vendor's own bookkeeping (ids it makes, sync times)
        key, left_cell, right_cell = (str(cell) for cell in cells)
        rutter = str(row.rutter)
        found.append(_Field(key, left_cell, right_cell, row.ref is not None, rutter in _DATES))
    return found


def lines_key(fmt: Format) -> str | None:
    """Return the key of ``fmt``'s lines, or None."""
    for row in REFUND:
        if row.lines is not None:
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None


def id_key(fmt: Format) -> str | None:
    """Return the key of ``fmt``'s platform id (Rutter's ``platform_id``), or None."""
    for row in REFUND:
        if row.rutter == "platform_id":
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None  # pragma: no cover - the table has the row


def cell_key(fmt: Format, rutter: str) -> str | None:
    """Return the key in ``fmt`` of the refund field Rutter calls ``rutter``, or None."""
    for row in REFUND:
        if row.rutter == rutter:
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None  # pragma: no cover - the table has the rows


_SELECTOR = re.compile(r"(\w+)\[(\w+)\]")


def line_key(fmt: Format, rutter: str) -> str | None:
    """Return the key in ``fmt`` of the line field Rutter calls ``rutter``, or None."""
    for row in LINE:
        if row.rutter == rutter:
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None  # pragma: no cover - the table has the rows


def get_key(record: Any, key: str) -> Any:
    """Return the value at a table key path (``accountRef.id``, ``refs[class].id``), or None."""
    value = record
    for step, selector in _steps(key):
        if not isinstance(value, dict):
            return None
        if selector is None:
            value = value.get(step)
            continue
        typed = [
            e for e in value.get(step) or () if isinstance(e, dict) and e.get("type") == selector
        ]
        value = typed[0] if len(typed) == 1 else None
    return value


@functools.cache
def _steps(key: str) -> tuple[tuple[str, str | None], ...]:
    steps = []
    for step in key.split("."):
        selected = _SELECTOR.fullmatch(step)
        steps.append((selected[1], selected[2]) if selected else (step, None))
    return tuple(steps)


# -- comparing ------------------------------------------------------------------------


def calendar_day(value: date) -> date:
    """Return the calendar day of a date or timestamp, in its own offset."""
    return value.date() if isinstance(value, datetime) else value


def _compare_values(left: Any, right: Any, *, is_date: bool) -> str | None:
    """Return how two values differ, or None when they are the same."""
    if is_date and isinstance(left, str) and isinstance(right, str) and left != right:
        try:
            a, b = parse_date(left), parse_date(right)
        except DateError:
            return "a different value"
        if calendar_day(a) != calendar_day(b):
            return "a different calendar day"
        if isinstance(a, datetime) and isinstance(b, datetime):
            if (a.tzinfo is None) != (b.tzinfo is None):
                return "the same day, one with a UTC offset and one without"
            if a != b:
                return "the same day, a different instant"
            if a.utcoffset() != b.utcoffset():
                return None  # the same instant and day, written in other offsets
        return None
    if (left is None) != (right is None):
        return f"a value on the {'right' if left is None else 'left'} only"
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return None if left == right else "a different amount"
    return None if left == right else "a different value"


@attrs.frozen
class Item:
    """One record of one side, in the compared format's terms."""

    ref: RecordRef
    record: dict[str, Any]
    #: Paths in ``record`` of reference ids copied untranslated by the conversion.
    untranslated: frozenset[str]
    key: str | None
    note: str | None
    candidate: str | None


class Comparer:
    """Compares two items field by field, lines by position and then by content."""

    def __init__(self, compared: Format, left: Format, right: Format) -> None:
        self.fields = _fields(REFUND, compared, left, right)
        self.id_key = id_key(compared)
        self.line_fields = _fields(LINE, compared, left, right)
        self.lines = (lines_key(compared), lines_key(left), lines_key(right))

    def compare(self, a: Item, b: Item) -> tuple[list[Difference], list[Difference], list[str]]:
        """Return the differences, the untranslated references and the notes of a pair."""
        found: list[Difference] = []
        untranslated: list[Difference] = []
        self._fields(self.fields, ("", "", "", ""), a, b, found, untranslated)
        notes = self._compare_lines(a, b, found, untranslated)
        return found, untranslated, notes

    def _fields(  # noqa: PLR0913, PLR0917 - one place on both sides, and where findings go
        self,
        fields: Sequence[_Field],
        at: tuple[str, str, str, str],
        a: Item,
        b: Item,
        found: list[Difference],
        untranslated: list[Difference],
    ) -> None:
        record_a = _get_line(a.record, at[0]) if at[0] else a.record
        record_b = _get_line(b.record, at[1]) if at[1] else b.record
        for field in fields:
            left, right = get_key(record_a, field.key), get_key(record_b, field.key)
            key, key_b = at[0] + field.key, at[1] + field.key
            paths = (
                _join(a.ref.path, at[2] + field.left),
                _join(b.ref.path, at[3] + field.right),
            )
            if field.ref and (f"$.{key}" in a.untranslated or f"$.{key_b}" in b.untranslated):
                which = left if f"$.{key}" in a.untranslated else right
                message = f"{describe(which)} has no counterpart in the directory; not compared"
                untranslated.append(Difference(key, *paths, left, right, message))
                continue
            if field.key == self.id_key and left is not None and right is not None:
                left_id, right_id = normalise_id(left)[0], normalise_id(right)[0]
                how = None if left_id == right_id else "a different id"
            else:
                how = _compare_values(left, right, is_date=field.date)
            if how is not None:
                found.append(Difference(key, *paths, left, right, how))

    def _compare_lines(
        self, a: Item, b: Item, found: list[Difference], untranslated: list[Difference]
    ) -> list[str]:
        key, left_key, right_key = self.lines
        if key is None or left_key is None or right_key is None:
            return []
        lines_a, lines_b = a.record.get(key) or [], b.record.get(key) or []
        seen_a = [self._seen(line) for line in lines_a]
        seen_b = [self._seen(line) for line in lines_b]
        pairs = [(i, i) for i in range(min(len(lines_a), len(lines_b))) if seen_a[i] == seen_b[i]]
        rest_a = [i for i in range(len(lines_a)) if i >= len(lines_b) or seen_a[i] != seen_b[i]]
        rest_b = [j for j in range(len(lines_b)) if j >= len(lines_a) or seen_a[j] != seen_b[j]]
        notes = []
        for i in list(rest_a):  # a line elsewhere, equal by content
            j = next((j for j in rest_b if seen_b[j] == seen_a[i]), None)
            if j is not None:
                rest_a.remove(i)
                rest_b.remove(j)
                pairs.append((i, j))
                notes.append(f"left line {i} is right line {j}, equal by content")
        for i, j in [*pairs, *zip(rest_a, rest_b, strict=False)]:
            at = (f"{key}[{i}].", f"{key}[{j}].", f"{left_key}[{i}].", f"{right_key}[{j}].")
            self._fields(self.line_fields, at, a, b, found, untranslated)
        extra = len(rest_a) - len(rest_b)
        for i in rest_a[len(rest_b) :] if extra > 0 else ():
            path = _join(a.ref.path, f"{left_key}[{i}]")
            found.append(
                Difference(f"{key}[{i}]", path, "", lines_a[i], None, "a line only on the left")
            )
        for j in rest_b[len(rest_a) :] if extra < 0 else ():
            path = _join(b.ref.path, f"{right_key}[{j}]")
            found.append(
                Difference(f"{key}[{j}]", "", path, None, lines_b[j], "a line only on the right")
            )
        return notes

    def _seen(self, line: Any) -> tuple[Any, ...]:
        """Return what is compared of a line, dates and amounts in a comparable form."""
        values = []
        for field in self.line_fields:
            value = get_key(line, field.key)
            if isinstance(value, Decimal):
                value = value.normalize()
            values.append(value)
        return tuple(values)


def _get_line(record: dict[str, Any], at: str) -> Any:
    """Return the line at ``lines[3].`` of ``record``."""
    found = re.fullmatch(r"(\w+)\[([0-9]+)\]\.", at)
    if not found:
        return None
    lines = record.get(found[1]) or []
    index = int(found[2])
    return lines[index] if index < len(lines) else None


_STEP = re.compile(r"\.(\w+)|\[([0-9]+)\]")


def record_at(document: Any, path: str) -> Any:
    """Return the value at a record's JSONPath (``$.data[3]``, ``$[1]``) in ``document``."""
    value = document
    for key, index in _STEP.findall(path[1:]):
        if key and isinstance(value, dict):
            value = value.get(key)
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            return None
    return value


def _join(record_path: str, key: str) -> str:
    return f"{record_path}.{key}" if key else record_path
