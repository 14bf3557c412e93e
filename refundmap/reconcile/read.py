"""Reading one side a record at a time, in the compared format's terms."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias

from refundmap import jsonio
from refundmap.conversion import RecordResult, convert_each, supported
from refundmap.dates import DateError, parse_date
from refundmap.formats import Format
from refundmap.reconcile.compare import (
    Item,
    calendar_day,
    cell_key,
    get_key,
    id_key,
    line_key,
    lines_key,
    record_at,
)
from refundmap.reconcile.result import RecordRef, normalise_id
from refundmap.report import ParameterTypeError, Problem, UsageError, ValidationError
from refundmap.stream import Layout, read_spans, scan

__all__ = ["Reader", "Side", "compared_format"]

#: Records of a list page converted together (its envelope with each run of them).
_CHUNK = 500
_SUFFIXES = (".json", ".jsonl", ".ndjson")

#: One side: a document (JSON text or decoded JSON), a path (a file or a folder), or a
#: list of paths.
Side: TypeAlias = Any


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


#: Where a path of a piece's document is: its source (``FILE:LINE``) and its path there.
Place = Callable[[str], tuple[str, str]]
#: A piece of a side: where its paths are, and a document; or a source and why it is not JSON.
_Piece = tuple[Place, Any] | tuple[str, ValidationError]


def _pieces(value: Side, fmt: Format, name: str) -> Iterator[_Piece]:
    """Yield each document of a side (a page or array in runs of records), or why it is not JSON."""
    for label, source in _sources(value, name):
        if not isinstance(source, Path):
            if isinstance(source, str | bytes | bytearray):
                try:
                    source = jsonio.loads(source)  # noqa: PLW2901 - decoded once, ids read from it
                except ValidationError as exc:
                    yield label, exc
                    continue
            yield _renumber(label, "$", 0), source
            continue
        for file in _files(label, source, name):
            yield from _file_pieces(file, fmt)


def _file_pieces(file: Path, fmt: Format) -> Iterator[_Piece]:
    label = str(file)
    if file.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _lines(file)
        return
    key = next((fmt.naming(s.records) for s in fmt.envelopes if s.many and s.records), None)
    with file.open("rb") as stream:
        try:
            layout = scan(stream, key)
        except ValidationError as exc:
            yield label, exc
            return
        if layout.kind == "value":
            yield _renumber(label, "$", 0), layout.value
            return
        prefix = "$[" if layout.kind == "array" else f"$.{key}["
        start, run = 0, []
        for text in read_spans(stream, layout.spans):
            run.append(jsonio.loads(text))
            if len(run) == _CHUNK:
                yield _renumber(label, prefix, start), _document(layout, key, run)
                start, run = start + len(run), []
        if run or not start:
            yield _renumber(label, prefix, start), _document(layout, key, run)


def _document(layout: Layout, key: str | None, run: list[Any]) -> Any:
    if layout.kind == "array" or key is None:
        return run
    return {**(layout.envelope or {}), key: run}


def _lines(file: Path) -> Iterator[_Piece]:
    """Yield a JSON Lines file's objects in runs (an array of them), each line's place kept."""
    label = str(file)
    numbers: list[int] = []
    run: list[Any] = []
    with file.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                value = jsonio.loads(line)
            except ValidationError as exc:
                yield f"{label}:{number}", exc
                continue
            if not isinstance(value, dict):  # an array, say: a document of its own
                yield _renumber(f"{label}:{number}", "$", 0), value
                continue
            numbers.append(number)
            run.append(value)
            if len(run) == _CHUNK:
                yield _numbered(label, numbers), run
                numbers, run = [], []
    if run:
        yield _numbered(label, numbers), run


_INDEXED = re.compile(r"\$\[([0-9]+)\]")


def _numbered(label: str, numbers: list[int]) -> Place:
    """Return the place of a path in an array of JSON Lines objects: its line, its path there."""

    def place(path: str) -> tuple[str, str]:
        found = _INDEXED.match(path)
        if found is None:
            return label, path
        return f"{label}:{numbers[int(found[1])]}", "$" + path[found.end() :]

    return place


def _renumber(label: str, prefix: str, start: int) -> Place:
    """Return the place of a path in a run of records that starts at ``start`` in the file."""

    def place(path: str) -> tuple[str, str]:
        if not start or not path.startswith(prefix) or prefix == "$":
            return label, path
        index, rest = path[len(prefix) :].split("]", 1)
        return label, f"{prefix}{int(index) + start}]{rest}"

    return place


def compared_format(left: Format, right: Format) -> Format:
    """Return the format both sides are compared in: Rutter's between the vendors, else left's.

    Between the vendors, Railz's detail (a line's subTotal, discount and tax)
    gives Rutter's values, not the other way: a Railz line's totalAmount
    includes tax, Rutter's line total does not.
    """
    first, second = (
        (right, left) if (left.vendor, right.vendor) == ("railz", "rutter") else (left, right)
    )
    if supported(second.name, first.name):
        return first
    if supported(first.name, second.name):
        return second
    raise UsageError.of(
        "right_format",
        f"cannot compare {left.name} with {right.name}: neither converts to the other",
    )


class Reader:
    """Turns each record of a side into an item in the compared format's terms."""

    def __init__(self, fmt: Format, compared: Format, options: dict[str, Any]) -> None:
        self.fmt = fmt
        self.compared = compared
        self.options = options
        self.id_key = id_key(compared)
        requests = [shape for shape in compared.envelopes if shape.name == "request"]
        body = requests[0].records if compared.request is not None and requests else None
        self.body = compared.naming(body) if body else None
        self.own_id = id_key(fmt)
        self.customer = cell_key(compared, "customer_id")
        self.day = cell_key(compared, "transaction_date")
        self.total = cell_key(compared, "total_amount")
        lines, line_total = lines_key(compared), line_key(compared, "total_amount")
        # A format without a total (a create body) has the sum of its line totals.
        self.lines = (lines, line_total) if self.total is None and lines and line_total else None

    def items(
        self, value: Side, side: str
    ) -> Iterator[Item | tuple[RecordRef, tuple[Problem, ...]]]:
        """Yield each record of ``value`` as an item, or where it is and why it was refused."""
        for piece in _pieces(value, self.fmt, side):
            if isinstance(piece[0], str):
                label, exc = piece
                yield RecordRef(side, label, "$"), exc.problems
                continue
            place, document = piece
            try:
                results = list(convert_each(document, self.fmt, self.compared, **self.options))
            except ValidationError as exc:
                label, path = place("$")
                yield RecordRef(side, label, path), exc.problems
                continue
            for result in results:
                yield self._item(result, side, place, document)

    def _item(
        self, result: RecordResult, side: str, place: Place, document: Any
    ) -> Item | tuple[RecordRef, tuple[Problem, ...]]:
        label, path = place(result.path)
        if result.error is not None:
            problems = tuple(Problem(place(p.path)[1], p.message) for p in result.error.problems)
            return RecordRef(side, label, path), problems
        record: Any = result.output
        if self.body is not None:  # a request body: its record is inside
            record = record[self.body]
            if self.fmt is self.compared:
                path = f"{path}.{self.body}"
        raw = get_key(record, self.id_key) if self.id_key else None
        key, note = normalise_id(raw) if raw is not None else (None, None)
        if self.own_id is not None and self.fmt is not self.compared:
            raw = get_key(record_at(document, result.path), self.own_id)  # as the side writes it
        untranslated = frozenset(
            e.target_path
            for e in result.report
            if e.kind == "warning" and e.target_path and "untranslated" in e.message
        )
        return Item(
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
        customer, day = get_key(record, self.customer), get_key(record, self.day)
        total = get_key(record, self.total) if self.total is not None else None
        if self.lines is not None:
            totals = [get_key(line, self.lines[1]) for line in record.get(self.lines[0]) or ()]
            if totals and all(isinstance(value, Decimal) for value in totals):
                total = sum(totals, Decimal(0))
        if customer is None or day is None or not isinstance(total, Decimal):
            return None
        try:
            when = calendar_day(parse_date(day))
        except DateError:
            return None
        return f"{customer}\x00{when.isoformat()}\x00{total.normalize():f}"
