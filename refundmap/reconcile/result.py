"""What reconciling found: the outcomes, their records and differences, and the result."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Protocol

import attrs

from refundmap import jsonio
from refundmap.jsonio import JSONValue
from refundmap.report import Problem, describe

__all__ = ["Difference", "Outcome", "OutcomeKind", "Reconciliation", "RecordRef", "normalise_id"]


class Writer(Protocol):
    """Where a report is written: a text file, ``sys.stdout``, ``io.StringIO``."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""


#: Records of each kind the text summary lists (the report lists all).
LISTED = 10
#: A transaction id with a sandbox prefix, ``e63799bf-184`` for platform id ``184``.
_PREFIXED = re.compile(r"[0-9a-fA-F]{8}-([0-9]+)")


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

    def summary(self, listed: int = LISTED) -> str:
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

    def write(self, stream: Writer, *, jsonl: bool = False) -> None:
        """Write the report: JSON, or JSON Lines (a summary, then an outcome a line)."""
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
