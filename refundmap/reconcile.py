"""Reconciling two datasets of refunds: matched by id, compared field by field through the mapping.

:func:`reconcile` reads both sides a record at a time, converts each record into
the terms of one format (the *compared* format) with the library's own
conversion, keeps an index of both by match key (in memory, moved to a
temporary SQLite file past ``spill_after`` records), then pairs and compares
them. Which fields are compared is read from the mapping table: every field
both formats hold, except each vendor's own bookkeeping.
"""

from __future__ import annotations

import os
import pickle
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, TypeAlias

import attrs

from refundmap import jsonio
from refundmap.conversion import RecordResult, conversion_time, convert_each, supported
from refundmap.dates import DateError, parse_date
from refundmap.formats import Format, FormatName, get_format
from refundmap.jsonio import JSONValue
from refundmap.mapping.table import LINE, REFUND, Marker, Row
from refundmap.references import Lookup
from refundmap.report import ParameterTypeError, Problem, UsageError, ValidationError, describe
from refundmap.stream import read_spans, scan

__all__ = [
    "SPILL_AFTER",
    "Difference",
    "Outcome",
    "OutcomeKind",
    "Reconciliation",
    "RecordRef",
    "normalise_id",
    "reconcile",
]

#: Records (both sides) the index holds in memory before it moves to a SQLite file.
SPILL_AFTER = 50_000
#: Records of a list page converted together (its envelope with each run of them).
_CHUNK = 500
#: Records of each kind the text summary lists (the report lists all).
_LISTED = 10
_SUFFIXES = (".json", ".jsonl", ".ndjson")
#: A transaction id with a sandbox prefix, ``e63799bf-184`` for platform id ``184``.
_PREFIXED = re.compile(r"[0-9a-fA-F]{8}-([0-9]+)")

#: One side: a document (JSON text or decoded JSON), a path (a file or a folder), or a
#: list of paths.
Side: TypeAlias = Any


class OutcomeKind(StrEnum):
    """What reconciling found for a record, or a group of them."""

    #: Paired by id and equal in every compared field.
    MATCHED = "matched"
    #: Paired by id, with differences.
    DIFFERENT = "different"
    #: Paired by customer, calendar day and total only (one side has no id): a
    #: candidate, never counted as matched.
    CANDIDATE = "candidate"
    #: Only on the left side.
    ONLY_LEFT = "only_left"
    #: Only on the right side.
    ONLY_RIGHT = "only_right"
    #: Several records claim the same match.
    AMBIGUOUS = "ambiguous"
    #: Invalid, or the compared format cannot hold it: not compared.
    REJECTED = "rejected"


@attrs.frozen
class RecordRef:
    """Where a record is.

    Attributes:
        side: ``left`` or ``right``.
        source: the file (``FILE:LINE`` in JSON Lines), or ``left``/``right``
            (``left[1]``: the second document) for a document given as data.
        path: the record's JSONPath in that document, in its vendor's keys.
        id: its platform id as written (Rutter's ``platform_id``, Railz's
            ``id``); None when it has none.
    """

    side: str
    source: str
    path: str
    id: str | None = None

    def __str__(self) -> str:
        shown = f" (id {self.id})" if self.id is not None else ""
        return f"{self.source} {self.path}{shown}"

    def to_dict(self) -> dict[str, str | None]:
        """Return the reference as JSON-ready data."""
        return {"source": self.source, "path": self.path, "id": self.id}


@attrs.frozen
class Difference:
    """One field that differs (or a reference that cannot be compared).

    Attributes:
        field: the field in the compared format's keys (``line_items[1].total_amount``).
        left_path: its JSONPath on the left, in the left vendor's keys.
        right_path: its JSONPath on the right, in the right vendor's keys.
        left: the left value, in the compared format's terms (None: absent or null).
        right: the right value, likewise.
        message: what differs (``a different calendar day``, ``line only on the left``);
            for an untranslated reference, which id could not be translated.
    """

    field: str
    left_path: str
    right_path: str
    left: JSONValue
    right: JSONValue
    message: str

    def __str__(self) -> str:
        return (
            f"{self.field}: {describe(self.left)} <> {describe(self.right)}"
            f" ({self.message}; left {self.left_path}, right {self.right_path})"
        )

    def to_dict(self) -> dict[str, JSONValue]:
        """Return the difference as JSON-ready data (amounts as ``Decimal``)."""
        return {
            "field": self.field,
            "left_path": self.left_path,
            "right_path": self.right_path,
            "left": self.left,
            "right": self.right,
            "message": self.message,
        }


@attrs.frozen
class Outcome:
    """What reconciling found for one pair, one record, or one group of records.

    Attributes:
        kind: matched, different, candidate, only_left, only_right, ambiguous or rejected.
        left: the left records concerned (one for a pair; several when ambiguous).
        right: the right records concerned.
        differences: each field that differs (different and candidate pairs).
        untranslated: references not compared because an id has no counterpart
            in the directory (or there is no directory); not differences.
        notes: what else was seen: lines paired by content, the id normalisation
            used, why a group is ambiguous.
        problems: why a rejected record was not compared, with its paths.
    """

    kind: OutcomeKind
    left: tuple[RecordRef, ...] = ()
    right: tuple[RecordRef, ...] = ()
    differences: tuple[Difference, ...] = ()
    untranslated: tuple[Difference, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    def to_dict(self) -> dict[str, JSONValue]:
        """Return the outcome as JSON-ready data; empty lists are left out."""
        data: dict[str, JSONValue] = {"kind": str(self.kind)}
        for name in ("left", "right", "differences", "untranslated", "problems"):
            items = getattr(self, name)
            if items:
                data[name] = [item.to_dict() for item in items]
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@attrs.frozen
class Reconciliation:
    """The result of :func:`reconcile`.

    Attributes:
        left_format: the format of the left side.
        right_format: the format of the right side.
        compared_as: the format both sides were compared in.
        counts: how many outcomes of each kind (every kind present, 0 or more);
            an ambiguous group counts once.
        outcomes: every outcome but the matched pairs, which are listed only when
            ``keep_matched`` was true; in the order found.
        records: how many records were read on each side (``left``, ``right``).
        untranslated: how many references were not compared for want of a translation.
    """

    left_format: str
    right_format: str
    compared_as: str
    counts: dict[str, int]
    outcomes: tuple[Outcome, ...]
    records: dict[str, int]
    untranslated: int = 0

    @property
    def ok(self) -> bool:
        """Whether every record of each side matched one of the other side's, equal."""
        return all(count == 0 for kind, count in self.counts.items() if kind != "matched")

    def of(self, kind: OutcomeKind | str) -> list[Outcome]:
        """Return the outcomes of ``kind`` (``different``, ``only_left``, ...), in order."""
        return [outcome for outcome in self.outcomes if outcome.kind == kind]

    def summary(self, listed: int = _LISTED) -> str:
        """Return a text summary: the counts, then the first ``listed`` outcomes of each kind."""
        head = (
            f"{self.left_format} ({self.records['left']} records) against"
            f" {self.right_format} ({self.records['right']} records),"
            f" compared as {self.compared_as}: " + ("all matched" if self.ok else "differences")
        )
        lines = [head]
        lines += [f"  {kind:<11} {self.counts[kind]:>9}" for kind in self.counts]
        if self.untranslated:
            lines.append(f"  references not compared, not in the directory: {self.untranslated}")
        for kind in OutcomeKind:
            if kind == OutcomeKind.MATCHED:
                continue
            found = self.of(kind)
            for outcome in found[:listed]:
                lines += _describe(outcome)
            if len(found) > listed:
                lines.append(f"... and {len(found) - listed} more {kind} (see the report)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, JSONValue]:
        """Return the whole result as JSON-ready data (amounts as ``Decimal``)."""
        return {**self._head(), "outcomes": [outcome.to_dict() for outcome in self.outcomes]}

    def write(self, stream: IO[str], *, jsonl: bool = False) -> None:
        """Write the report to ``stream``: JSON, or JSON Lines (a summary line, then an outcome a line)."""
        if not jsonl:
            stream.write(jsonio.dumps(self.to_dict(), indent=2) + "\n")
            return
        stream.write(jsonio.dumps({"kind": "summary", **self._head()}) + "\n")
        for outcome in self.outcomes:
            stream.write(jsonio.dumps(outcome.to_dict()) + "\n")

    def _head(self) -> dict[str, JSONValue]:
        return {
            "left_format": self.left_format,
            "right_format": self.right_format,
            "compared_as": self.compared_as,
            "ok": self.ok,
            "counts": dict(self.counts),
            "records": dict(self.records),
            "untranslated": self.untranslated,
        }


def _describe(outcome: Outcome) -> list[str]:
    sides = [str(ref) for ref in (*outcome.left, *outcome.right)]
    lines = [f"{outcome.kind}: " + " <> ".join(sides)]
    lines += [f"  {difference}" for difference in outcome.differences]
    lines += [f"  {problem}" for problem in outcome.problems]
    lines += [f"  note: {note}" for note in outcome.notes]
    return lines


def normalise_id(value: object) -> tuple[str, str | None]:
    """Return a platform id as matched, and the normalisation applied (None: none).

    The normalisations, each seen in real Railz data: an integer id is its
    decimal text (``184`` is ``"184"``); a transaction id with a sandbox prefix
    of eight hexadecimal digits and a dash before a number is that number
    (``e63799bf-184`` is ``184``).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), "an integer id matched as text"
    text = str(value)
    found = _PREFIXED.fullmatch(text)
    if found:
        return found[1], f"id {text!r} matched as {found[1]!r} (its prefix left out)"
    return text, None


# -- which fields are compared --------------------------------------------------------


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


def _lines_keys(fmt: Format) -> str | None:
    for row in REFUND:
        if row.lines is not None:
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None


def _id_key(fmt: Format) -> str | None:
    for row in REFUND:
        if row.rutter == "platform_id":
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None  # pragma: no cover - the table has the row


def _cell_key(fmt: Format, rutter: str) -> str | None:
    for row in REFUND:
        if row.rutter == rutter:
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None  # pragma: no cover - the table has the rows


_SELECTOR = re.compile(r"(\w+)\[(\w+)\]")


def _line_key(fmt: Format, rutter: str) -> str | None:
    for row in LINE:
        if row.rutter == rutter:
            cell = row.cell(fmt.name)
            return cell if isinstance(cell, str) else None
    return None  # pragma: no cover - the table has the rows


def _get(record: Any, key: str) -> Any:
    """Return the value at a table key path (``accountRef.id``, ``refs[class].id``); None if absent."""
    value = record
    for step in key.split("."):
        if not isinstance(value, dict):
            return None
        selected = _SELECTOR.fullmatch(step)
        if selected:
            entries = value.get(selected[1])
            typed = [e for e in entries or () if isinstance(e, dict) and e.get("type") == selected[2]]
            value = typed[0] if len(typed) == 1 else None
        else:
            value = value.get(step)
    return value


# -- comparing ------------------------------------------------------------------------


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _compare_values(left: Any, right: Any, *, is_date: bool) -> str | None:
    """Return how two values differ, or None when they are the same."""
    if is_date and isinstance(left, str) and isinstance(right, str) and left != right:
        try:
            a, b = parse_date(left), parse_date(right)
        except DateError:
            return "a different value"
        if _day(a) != _day(b):
            return "a different calendar day"
        if isinstance(a, datetime) and isinstance(b, datetime):
            if (a.tzinfo is None) != (b.tzinfo is None):
                return "the same day, one with a UTC offset and one without"
            if a != b:
                return "the same day, a different instant"
            if a.utcoffset() != b.utcoffset():
                return None  # the same instant and day, written in other offsets
        return None
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return None if left == right else "a different amount"
    return None if left == right else "a different value"


@attrs.frozen
class _Item:
    """One record of one side, in the compared format's terms."""

    ref: RecordRef
    record: dict[str, Any]
    #: Paths in ``record`` of reference ids copied untranslated by the conversion.
    untranslated: frozenset[str]
    key: str | None
    note: str | None
    candidate: str | None


class _Comparer:
    """Compares two items field by field, lines by position and then by content."""

    def __init__(self, compared: Format, left: Format, right: Format) -> None:
        self.fields = _fields(REFUND, compared, left, right)
        self.id_key = _id_key(compared)
        self.line_fields = _fields(LINE, compared, left, right)
        self.lines = (_lines_keys(compared), _lines_keys(left), _lines_keys(right))

    def compare(self, a: _Item, b: _Item) -> tuple[list[Difference], list[Difference], list[str]]:
        """Return the differences, the untranslated references and the notes of a pair."""
        found: list[Difference] = []
        untranslated: list[Difference] = []
        self._fields(self.fields, ("", "", "", ""), a, b, found, untranslated)
        notes = self._compare_lines(a, b, found, untranslated)
        return found, untranslated, notes

    def _fields(  # noqa: PLR0913 - one place on both sides, and where findings go
        self,
        fields: Sequence[_Field],
        at: tuple[str, str, str, str],
        a: _Item,
        b: _Item,
        found: list[Difference],
        untranslated: list[Difference],
    ) -> None:
        record_a = _get_line(a.record, at[0]) if at[0] else a.record
        record_b = _get_line(b.record, at[1]) if at[1] else b.record
        for field in fields:
            left, right = _get(record_a, field.key), _get(record_b, field.key)
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
        self, a: _Item, b: _Item, found: list[Difference], untranslated: list[Difference]
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
            value = _get(line, field.key)
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


def _at(document: Any, path: str) -> Any:
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


# -- the index ------------------------------------------------------------------------


class _Index:
    """Both sides' items by match key: SQLite in memory, moved to a file past ``spill_after``."""

    def __init__(self, spill_after: int) -> None:
        self.spill_after = spill_after
        self.db = sqlite3.connect(":memory:")
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.db.execute(
            "CREATE TABLE items (side INTEGER, seq INTEGER, key TEXT, candidate TEXT, item BLOB,"
            " PRIMARY KEY (side, seq))"
        )
        self.db.execute("CREATE INDEX by_key ON items (key)")
        self.db.execute("CREATE INDEX by_candidate ON items (candidate)")
        self.count = [0, 0]
        self.pending: list[tuple[int, int, str | None, str | None, bytes]] = []

    @property
    def spilled(self) -> bool:
        """Whether the index is in a file."""
        return self.folder is not None

    def add(self, side: int, item: _Item) -> None:
        blob = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.append((side, self.count[side], item.key, item.candidate, blob))
        self.count[side] += 1
        if len(self.pending) >= 1000:
            self.flush()

    def flush(self) -> None:
        self.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", self.pending)
        self.db.commit()  # a backup waits for an open transaction
        self.pending.clear()
        if self.folder is None and sum(self.count) > self.spill_after:
            self.folder = tempfile.TemporaryDirectory(prefix="refundmap-reconcile-")
            disk = sqlite3.connect(Path(self.folder.name) / "index.sqlite3")
            disk.execute("PRAGMA journal_mode = OFF")
            disk.execute("PRAGMA synchronous = OFF")
            self.db.backup(disk)
            self.db.close()
            self.db = disk

    def side(self, side: int) -> Iterator[tuple[int, _Item]]:
        cursor = self.db.execute("SELECT seq, item FROM items WHERE side = ? ORDER BY seq", (side,))
        for seq, blob in cursor:
            yield seq, pickle.loads(blob)  # noqa: S301 - written by this index

    def where(self, column: str, value: str) -> list[tuple[int, int, _Item]]:
        query = f"SELECT side, seq, item FROM items WHERE {column} = ? ORDER BY side, seq"  # noqa: S608 - key or candidate
        return [
            (side, seq, pickle.loads(blob))  # noqa: S301 - written by this index
            for side, seq, blob in self.db.execute(query, (value,))
        ]

    def close(self) -> None:
        self.db.close()
        if self.folder is not None:
            self.folder.cleanup()


# -- reading --------------------------------------------------------------------------


def _sources(value: Side, name: str) -> list[tuple[str, Any]]:
    """Return ``(label, document or path)`` of each source of one side."""
    if isinstance(value, os.PathLike):
        return [(os.fspath(value), Path(value))]
    if (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(item, os.PathLike) for item in value)
    ):
        return [(os.fspath(item), Path(item)) for item in value]
    if isinstance(value, Iterator):
        raise ParameterTypeError.of(
            name, f"{name} must be a document, a path or a list of paths, not an iterator"
        )
    return [(name, value)]


def _files(label: str, path: Path, name: str) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
    if not path.exists():
        raise UsageError.of(name, f"{label}: no such file or folder")
    return [path]


#: A piece of a side: where it is, the path prefix of its records, a document.
_Piece = tuple[str, Callable[[str], str], Any]


def _pieces(value: Side, fmt: Format, name: str) -> Iterator[_Piece | tuple[str, Exception]]:
    """Yield each document of a side (a page split into runs), or why a file is not JSON."""
    for label, source in _sources(value, name):
        if not isinstance(source, Path):
            yield label, _same, source
            continue
        for file in _files(label, source, name):
            yield from _file_pieces(file, fmt)


def _same(path: str) -> str:
    return path


def _file_pieces(file: Path, fmt: Format) -> Iterator[_Piece | tuple[str, Exception]]:
    label = str(file)
    if file.suffix.lower() in (".jsonl", ".ndjson"):
        with file.open("rb") as stream:
            for number, line in enumerate(stream, 1):
                if line.strip():
                    yield f"{label}:{number}", _same, line
        return
    key = next((fmt.naming(s.records) for s in fmt.envelopes if s.many and s.records), None)
    with file.open("rb") as stream:
        try:
            layout = scan(stream, key)
        except ValidationError as exc:
            yield label, exc
            return
        if layout.kind == "value":
            yield label, _same, layout.value
            return
        texts = read_spans(stream, layout.spans)
        if layout.kind == "array":
            for index, text in enumerate(texts):
                yield label, _shift("$[0]", f"$[{index}]"), b"[" + text + b"]"
            return
        envelope = layout.envelope or {}
        start, run = 0, []
        for text in texts:
            run.append(jsonio.loads(text))
            if len(run) == _CHUNK:
                yield label, _renumber(f"$.{key}[", start), {**envelope, key: run}
                start, run = start + len(run), []
        if run or not start:
            yield label, _renumber(f"$.{key}[", start), {**envelope, key: run}


def _shift(old: str, new: str) -> Callable[[str], str]:
    def shift(path: str) -> str:
        return new + path[len(old) :] if path.startswith(old) else path

    return shift


def _renumber(prefix: str, start: int) -> Callable[[str], str]:
    def renumber(path: str) -> str:
        if not start or not path.startswith(prefix):
            return path
        index, rest = path[len(prefix) :].split("]", 1)
        return f"{prefix}{int(index) + start}]{rest}"

    return renumber


# -- reconciling ----------------------------------------------------------------------


def _compared_format(left: Format, right: Format) -> Format:
    """Return the format both sides are compared in: Rutter's between the vendors, else left's.

    Between the vendors, Railz's detail (a line's subTotal, discount and tax)
    gives Rutter's values, not the other way: a Railz line's totalAmount
    includes tax, Rutter's line total does not.
    """
    first, second = (right, left) if (left.vendor, right.vendor) == ("railz", "rutter") else (left, right)
    if supported(second.name, first.name):
        return first
    if supported(first.name, second.name):
        return second
    raise UsageError.of(
        "right_format",
        f"cannot compare {left.name} with {right.name}: neither converts to the other",
    )


class _Reader:
    """Turns each record of a side into an item in the compared format's terms."""

    def __init__(self, fmt: Format, compared: Format, options: dict[str, Any]) -> None:
        self.fmt = fmt
        self.compared = compared
        self.options = options
        self.id_key = _id_key(compared)
        requests = [shape for shape in compared.envelopes if shape.name == "request"]
        body = requests[0].records if compared.request is not None and requests else None
        self.body = compared.naming(body) if body else None
        self.own_id = _id_key(fmt)
        self.customer = _cell_key(compared, "customer_id")
        self.day = _cell_key(compared, "transaction_date")
        self.total = _cell_key(compared, "total_amount")
        lines, line_total = _lines_keys(compared), _line_key(compared, "total_amount")
        # A format without a total (a create body) has the sum of its line totals.
        self.lines = (lines, line_total) if self.total is None and lines and line_total else None

    def items(
        self, value: Side, side: str
    ) -> Iterator[_Item | tuple[RecordRef, tuple[Problem, ...]]]:
        for piece in _pieces(value, self.fmt, side):
            if len(piece) == 2:  # noqa: PLR2004 - a file that is not JSON
                label, exc = piece
                problems = getattr(exc, "problems", (Problem("$", str(exc)),))
                yield RecordRef(side, label, "$"), tuple(problems)
                continue
            label, place, document = piece
            try:
                if isinstance(document, str | bytes | bytearray):
                    document = jsonio.loads(document)
                results = list(convert_each(document, self.fmt, self.compared, **self.options))
            except ValidationError as exc:
                yield RecordRef(side, label, "$"), exc.problems
                continue
            for result in results:
                yield self._item(result, side, label, place, document)

    def _item(  # noqa: PLR0913 - a result, and where it is
        self,
        result: RecordResult,
        side: str,
        label: str,
        place: Callable[[str], str],
        document: Any,
    ) -> _Item | tuple[RecordRef, tuple[Problem, ...]]:
        path = place(result.path)
        if result.error is not None:
            problems = tuple(Problem(place(p.path), p.message) for p in result.error.problems)
            return RecordRef(side, label, path), problems
        record = result.output
        assert isinstance(record, dict)  # noqa: S101 - a converted record is an object
        if self.body is not None:  # a request body: its record is inside
            record = record[self.body]
            if self.fmt is self.compared:
                path = f"{path}.{self.body}"
        raw = _get(record, self.id_key) if self.id_key else None
        key, note = normalise_id(raw) if raw is not None else (None, None)
        if self.own_id is not None and self.fmt is not self.compared:
            raw = _get(_at(document, result.path), self.own_id)  # as the side writes it
        untranslated = frozenset(
            e.target_path
            for e in result.report
            if e.kind == "warning" and e.target_path and "untranslated" in e.message
        )
        return _Item(
            RecordRef(side, label, path, None if raw is None else str(raw)),
            record,
            untranslated,
            key,
            note,
            self._candidate(record),
        )

    def _candidate(self, record: dict[str, Any]) -> str | None:
        """Return the customer, calendar day and total of ``record``; None when one is missing."""
        if self.customer is None or self.day is None:
            return None
        customer, day = _get(record, self.customer), _get(record, self.day)
        total = _get(record, self.total) if self.total is not None else None
        if self.lines is not None:
            totals = [_get(line, self.lines[1]) for line in record.get(self.lines[0]) or ()]
            if totals and all(isinstance(value, Decimal) for value in totals):
                total = sum(totals, Decimal(0))
        if customer is None or day is None or not isinstance(total, Decimal):
            return None
        try:
            when = _day(parse_date(day))
        except DateError:
            return None
        return f"{customer}\x00{when.isoformat()}\x00{total.normalize():f}"


def reconcile(  # noqa: PLR0913 - the documented keywords
    left: Side,
    left_format: FormatName | Format,
    right: Side,
    right_format: FormatName | Format,
    *,
    directory: Lookup | None = None,
    strict: bool = False,
    keep_matched: bool = True,
    spill_after: int = SPILL_AFTER,
) -> Reconciliation:
    """Match the refunds of ``left`` with those of ``right`` and compare each pair.

    A pair is matched by platform id: Rutter's ``platform_id`` is the Railz
    ``id`` (within one vendor, the same field), after :func:`normalise_id`.
    Records without a pair by id are paired as ``candidate`` when one of the
    two has no id and they share the customer (translated through
    ``directory``), the calendar day and the total; several records claiming
    the same pair are ``ambiguous``. Each pair is compared in the terms of one
    format: the right side is converted into the left format (or the left
    into the right, when only that pair converts), and every field both
    formats hold is compared (:data:`refundmap.mapping.table.REFUND`): amounts
    exactly, dates by calendar day and instant, references through the
    directory (an id it lacks is listed in ``untranslated``, not as a
    difference), lines by position and, where reordered, by content.

    Args:
        left: a document (JSON text, or decoded JSON), a path
            (``pathlib.Path``: a JSON or JSON Lines file, or a folder of
            ``.json``, ``.jsonl`` and ``.ndjson`` files), or a list of paths.
        left_format: the format of every left document.
        right: the other side, likewise.
        right_format: its format.
        directory: translates reference ids between the vendors' id spaces.
        strict: validate strictly (see :func:`refundmap.validate`).
        keep_matched: list matched pairs in ``outcomes`` (they are always counted).
        spill_after: records held in memory before the index moves to a file.

    Returns:
        The counts and outcomes. A record that is invalid is a ``rejected``
        outcome; the others are compared all the same.

    Raises:
        UsageError: an unknown format, two formats neither converts to, a path
            that does not exist; ParameterTypeError for a parameter of the wrong type.
    """
    formats = get_format(left_format, "left_format"), get_format(right_format, "right_format")
    compared = _compared_format(*formats)
    if not isinstance(spill_after, int) or isinstance(spill_after, bool) or spill_after < 0:
        raise ParameterTypeError.of("spill_after", "spill_after must be a whole number, 0 or more")
    options = {"strict": strict, "directory": directory, "synced_at": conversion_time()}
    index = _Index(spill_after)
    outcomes: list[Outcome] = []
    counts = {str(kind): 0 for kind in OutcomeKind}
    try:
        for side, (value, fmt) in enumerate(((left, formats[0]), (right, formats[1]))):
            name = ("left", "right")[side]
            for item in _Reader(fmt, compared, options).items(value, name):
                if isinstance(item, _Item):
                    index.add(side, item)
                else:
                    ref, problems = item
                    outcomes.append(Outcome(OutcomeKind.REJECTED, **{name: (ref,)}, problems=problems))  # type: ignore[arg-type]
        index.flush()
        untranslated = _pair(index, _Comparer(compared, *formats), outcomes, keep_matched, counts)
        records = {"left": index.count[0], "right": index.count[1]}
    finally:
        index.close()
    for outcome in outcomes:
        if outcome.kind == OutcomeKind.REJECTED:
            counts[outcome.kind] += 1
            records["left" if outcome.left else "right"] += 1
    return Reconciliation(
        formats[0].name,
        formats[1].name,
        compared.name,
        counts,
        tuple(outcomes),
        records,
        untranslated,
    )


def _pair(  # noqa: C901, PLR0912 - the three passes, kept together
    index: _Index,
    comparer: _Comparer,
    outcomes: list[Outcome],
    keep_matched: bool,  # noqa: FBT001
    counts: dict[str, int],
) -> int:
    """Pair the items of ``index``: by id, then as candidates, then the rest; return untranslated."""
    done = [bytearray(index.count[0]), bytearray(index.count[1])]
    untranslated = 0

    def emit(outcome: Outcome) -> None:
        counts[outcome.kind] += 1
        if outcome.kind != OutcomeKind.MATCHED or keep_matched:
            outcomes.append(outcome)

    def compare(a: _Item, b: _Item, kind: OutcomeKind | None) -> None:
        nonlocal untranslated
        found, refs, notes = comparer.compare(a, b)
        untranslated += len(refs)
        notes += [note for note in (a.note, b.note) if note]
        if kind is None:
            kind = OutcomeKind.DIFFERENT if found else OutcomeKind.MATCHED
        emit(Outcome(kind, (a.ref,), (b.ref,), tuple(found), tuple(refs), tuple(notes)))

    def ambiguous(group: list[tuple[int, int, _Item]], why: str) -> None:
        for side, seq, _ in group:
            done[side][seq] = 1
        lefts = tuple(item.ref for side, _, item in group if side == 0)
        rights = tuple(item.ref for side, _, item in group if side == 1)
        emit(Outcome(OutcomeKind.AMBIGUOUS, lefts, rights, notes=(why,)))

    for seq, item in index.side(0):  # by id
        if done[0][seq] or item.key is None:
            continue
        group = index.where("key", item.key)
        rights = [g for g in group if g[0] == 1]
        if not rights:
            continue
        if len(group) == 2:  # noqa: PLR2004 - one a side
            done[0][seq] = done[1][rights[0][1]] = 1
            compare(item, rights[0][2], None)
        else:
            ambiguous(group, f"{len(group)} records have the platform id {item.key!r}")
    for seq, item in index.side(0):  # as candidates
        if done[0][seq] or item.candidate is None:
            continue
        group = [
            g for g in index.where("candidate", item.candidate) if not done[g[0]][g[1]]
        ]
        rights = [g for g in group if g[0] == 1 and (item.key is None or g[2].key is None)]
        if not rights:
            continue
        lefts = [g for g in group if g[0] == 0 and (g[2].key is None or any(r[2].key is None for r in rights))]
        if len(lefts) == 1 and len(rights) == 1:
            done[0][seq] = done[1][rights[0][1]] = 1
            compare(item, rights[0][2], OutcomeKind.CANDIDATE)
        else:
            ambiguous([*lefts, *rights], "several records share the customer, day and total")
    for side, kind in ((0, OutcomeKind.ONLY_LEFT), (1, OutcomeKind.ONLY_RIGHT)):
        for seq, item in index.side(side):
            if not done[side][seq]:
                emit(Outcome(kind, **{("left", "right")[side]: (item.ref,)}))  # type: ignore[arg-type]
    return untranslated
