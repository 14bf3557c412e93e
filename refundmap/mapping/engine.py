"""Applying the mapping table: records, lines, envelopes and shapes.

The engine works on JSON-ready dicts with the vendor's keys (the source model
unstructured), so the table's key paths are the report's paths. Every target
record is then structured into its model, which both validates the output and
puts its keys in schema order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, get_args

import attrs

from refundmap.formats import Format, Shape
from refundmap.mapping.rules import MAKE, WRITE, Context, Made, Unmappable
from refundmap.mapping.table import ENVELOPE, LINES_TOTAL, REFUND, Marker, Row
from refundmap.report import Entry, Kind, Path, Problem, format_path
from refundmap.validation import Loaded, Part, codec_for

__all__ = ["PAIRS", "Run"]

#: Every (source, target) pair refundmap converts, besides each format to itself.
PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("rutter", "railz"),
        ("railz", "rutter"),
        ("railz", "rutter-create"),
        ("rutter", "rutter-create"),
    }
)


def _steps(keypath: str) -> tuple[str, ...]:
    return tuple(keypath.split("."))


def _get(obj: dict[str, Any], keypath: str) -> Any:
    value: Any = obj
    for step in keypath.split("."):
        if type(value) is not dict:
            return None
        value = value.get(step)
    return value


def _set(obj: dict[str, Any], keypath: str, value: Any) -> None:
    *parents, last = keypath.split(".")
    for step in parents:
        obj = obj.setdefault(step, {})
    obj[last] = value


class Run:
    """One conversion: the formats, the time, and the report as it grows."""

    def __init__(self, source: Format, target: Format, *, synced_at: str) -> None:
        self.source = source
        self.target = target
        self.synced_at = synced_at
        self.report: list[Entry] = []
        self.unmappable: list[Problem] = []
        self.losses: list[Problem] = []
        self._codec = codec_for(target, strict=False)
        self._bodies_written = 0

    # -- report -------------------------------------------------------------

    def _note(self, kind: Kind, source: Path, target: Path | None, message: str) -> None:
        entry = Entry(
            kind, format_path(source), None if target is None else format_path(target), message
        )
        self.report.append(entry)
        if kind is Kind.DROPPED:
            self.losses.append(Problem(entry.source_path, f"would be dropped: {message}"))

    def _fail(self, source: Path, reason: str) -> None:
        self.unmappable.append(Problem(format_path(source), reason))

    # -- records ------------------------------------------------------------

    def _map(
        self,
        rows: Sequence[Row],
        source: dict[str, Any],
        source_path: Path,
        target_path: Path,
        count: int = 0,
    ) -> dict[str, Any]:
        src_name, tgt_name = self.source.name, self.target.name
        out: dict[str, Any] = {}
        pending: list[Row] = []
        lines_total: tuple[Path, Decimal] | None = None
        for row in rows:
            s, t = row.cell(src_name), row.cell(tgt_name)
            value = _get(source, s) if isinstance(s, str) else None
            if row.lines is not None and isinstance(s, str) and isinstance(t, str) and value:
                out_lines = [
                    self._map(
                        row.lines,
                        line,
                        (*source_path, *_steps(s), index),
                        (*target_path, *_steps(t), index),
                    )
                    for index, line in enumerate(value)
                ]
                _set(out, t, out_lines)
                continue
            if value is None or (row.lines is not None and not value):
                if isinstance(t, str) and row.make is not None:
                    pending.append(row)
                continue
            assert isinstance(s, str)  # noqa: S101 - a value was read, so s is a key
            where = (*source_path, *_steps(s))
            if isinstance(t, str):
                try:
                    made = (
                        WRITE[row.write](value, self._context(source, out, count))
                        if row.write
                        else Made(value)
                    )
                except Unmappable as exc:
                    self._fail(where, str(exc))
                    continue
                _set(out, t, made.value)
                if made.kind is not None:
                    self._note(made.kind, where, (*target_path, *_steps(t)), made.message)
            elif t is Marker.DROPPED:
                self._note(Kind.DROPPED, where, None, f"{tgt_name} has no field for it")
            elif t is Marker.OMITTED:
                self._note(
                    Kind.OMITTED,
                    where,
                    None,
                    f"{src_name} bookkeeping; {tgt_name} has no place for it",
                )
            elif t is LINES_TOTAL:
                lines_total = where, value
        for row in pending:
            t = row.cell(tgt_name)
            assert isinstance(t, str)  # noqa: S101 - only rows with a target key wait here
            s = row.cell(src_name)
            where = (*source_path, *_steps(s)) if isinstance(s, str) else source_path
            assert row.make is not None  # noqa: S101 - only rows with a make rule wait here
            try:
                produced = MAKE[row.make](self._context(source, out, count))
            except Unmappable as exc:
                self._fail(where, str(exc))
                continue
            if produced is None:
                continue
            _set(out, t, produced.value)
            if produced.kind is not None:
                origin = (*source_path, *_steps(produced.source)) if produced.source else where
                self._note(produced.kind, origin, (*target_path, *_steps(t)), produced.message)
        if lines_total is not None:
            self._lines_total(*lines_total, out, target_path)
        return out

    def _lines_total(
        self, where: Path, total: Decimal, out: dict[str, Any], target_path: Path
    ) -> None:
        summed = sum((line["total_amount"] for line in out.get("line_items", [])), Decimal(0))
        if summed == total:
            self._note(
                Kind.DERIVED,
                where,
                None,
                f"the create body has no total; Rutter takes the sum of the line totals,"
                f" {summed}, which is total_amount",
            )
            return
        message = (
            f"the total changes from {total} to {summed}: the create body has no total,"
            " and Rutter takes the sum of the line totals"
        )
        self._note(Kind.WARNING, where, (*target_path, "line_items"), message)
        self.losses.append(Problem(format_path(where), message))

    def _context(self, source: dict[str, Any], out: dict[str, Any], count: int) -> Context:
        return Context(self.source.name, self.target.name, source, out, self.synced_at, count)

    def _record(self, record: dict[str, Any], source_path: Path, target_path: Path) -> Any:
        """Map one refund and finish it; None when it cannot be held by the target."""
        failures = len(self.unmappable)
        mapped = self._map(REFUND, record, source_path, target_path)
        if len(self.unmappable) > failures:
            return None
        return self._finish(mapped, self.target.record, source_path)

    def _finish(
        self, record: dict[str, Any], cls: type[object], source_path: Path
    ) -> dict[str, Any] | None:
        """Return ``record`` valid and in schema order, as the target model has it."""
        self._fill_nulls(record, cls)
        model, problems, _ = self._codec.structure(record, cls)
        if model is None:
            for problem in problems:
                self._fail(
                    source_path, f"the {self.target.name} output would be invalid: {problem}"
                )
            return None
        result: dict[str, Any] = self._codec.unstructure(model)
        return result

    def _fill_nulls(self, record: Any, cls: type) -> None:
        """Write null for each required, nullable key of the target model ``record`` lacks."""
        if type(record) is list:
            for item in record:
                self._fill_nulls(item, cls)
            return
        if type(record) is not dict:
            return
        keys = self._codec.keys(cls)
        for name, null_if_missing, nested in _nullable_required(cls):
            key = keys[name]
            if key not in record:
                if null_if_missing:
                    record[key] = None
            elif nested is not None:
                self._fill_nulls(record[key], nested)

    # -- documents ----------------------------------------------------------

    def convert(self, loaded: Loaded) -> Any:
        """Return the target document for ``loaded``, keeping its shape."""
        if self.target.name == "rutter-create":
            bodies = [body for part in loaded.parts for body in self._bodies(part, loaded)]
            many = loaded.is_array or any(part.shape.many for part in loaded.parts)
            return bodies if many else next(iter(bodies), None)
        docs = [self._document(part) for part in loaded.parts]
        return docs if loaded.is_array else docs[0]

    def _records(self, part: Part) -> Iterator[tuple[Path, dict[str, Any]]]:
        codec = codec_for(self.source, strict=False)
        for path, record in self.source.records(part.model, part.shape, part.path):
            yield path, codec.unstructure(record)

    def _envelope(self, part: Part) -> dict[str, Any]:
        envelope: dict[str, Any] = codec_for(self.source, strict=False).unstructure(part.model)
        if part.shape.records is not None:
            envelope.pop(self.source.naming(part.shape.records), None)
        return envelope

    def _omit_envelope(self, part: Part) -> None:
        if part.shape.records is None:
            return
        envelope = self._envelope(part)
        for row in ENVELOPE:
            s = row.cell(self.source.name)
            if isinstance(s, str) and _get(envelope, s) is not None:
                self._note(
                    Kind.OMITTED,
                    (*part.path, *_steps(s)),
                    None,
                    f"envelope metadata; {self.target.name} has no place for it here",
                )

    def _bodies(self, part: Part, loaded: Loaded) -> Iterator[dict[str, Any]]:
        if self.source is self.target:
            model = part.model
            if part.shape.name == "record":
                yield {"customer_refund": self._codec.unstructure(model)}
            else:
                yield self._codec.unstructure(model)
            return
        self._omit_envelope(part)
        many = loaded.is_array or any(p.shape.many for p in loaded.parts)
        for path, record in self._records(part):
            index = self._bodies_written
            self._bodies_written += 1
            target_path: Path = (index, "customer_refund") if many else ("customer_refund",)
            finished = self._record(record, path, target_path)
            if finished is not None:
                yield {"customer_refund": finished}

    def _document(self, part: Part) -> Any:
        codec = self._codec
        if self.source is self.target:
            return codec.unstructure(part.model)
        list_shape = _list_shape(self.target)
        if not (part.shape.many and list_shape is not None):
            self._omit_envelope(part)
            ((path, record),) = self._records(part)
            return self._record(record, path, part.path)
        records = list(self._records(part))
        key = self.target.naming(list_shape.records or "")
        out_records = []
        for index, (path, record) in enumerate(records):
            out_records.append(self._record(record, path, (*part.path, key, index)))
        if None in out_records:
            return None
        envelope = self._map(
            ENVELOPE, self._envelope(part), part.path, part.path, count=len(records)
        )
        envelope[key] = out_records
        self._fill_nulls(envelope, list_shape.model)
        return codec.unstructure(codec.converter.structure(envelope, list_shape.model))


def _list_shape(fmt: Format) -> Shape | None:
    for shape in fmt.envelopes:
        if shape.many:
            return shape
    return None


@cache
def _nullable_required(cls: type) -> tuple[tuple[str, bool, Any], ...]:
    """Return ``(attribute, required and nullable, nested class or None)`` per field."""
    attrs.resolve_types(cls)
    plan = []
    for field in attrs.fields(cls):
        args = get_args(field.type)
        nullable = type(None) in args
        nested = next((a for a in (field.type, *args) if attrs.has(a)), None)
        if nested is None:
            for arg in (field.type, *args):
                inner = get_args(arg)
                if inner and attrs.has(inner[0]):
                    nested = inner[0]
        plan.append((field.name, nullable and field.default is attrs.NOTHING, nested))
    return tuple(plan)
