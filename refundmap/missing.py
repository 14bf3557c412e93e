"""The reference ids a conversion copied untranslated: named, counted, and written as CSV.

Read from the report entries and the source document, so that a user can
complete them and pass them to ``--refs`` (``directory=``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from refundmap.gate import UNTRANSLATED
from refundmap.references import CSV_COLUMNS
from refundmap.report import Entry, Kind, describe

__all__ = [
    "MissingReference",
    "add_missing",
    "describe_missing",
    "missing_csv",
    "missing_of",
    "missing_references",
]


@attrs.frozen
class MissingReference:
    """A reference id a conversion copied untranslated: one row of a ``--refs`` CSV file.

    The side that is known is filled in; the other is empty, to be completed.

    Attributes:
        kind: ``account``, ``customer``, ``class``, ...
        rutter_id: Rutter's id, or ``""`` when the id came from the platform.
        platform_id: the platform's id, or ``""`` when the id came from Rutter.
        name: the reference's name where the source document gives one.
        count: how many times the id was copied.
    """

    kind: str
    rutter_id: str
    platform_id: str
    name: str = ""
    count: int = 1

    @property
    def id(self) -> str:
        """The known id."""
        return self.rutter_id or self.platform_id

    def row(self) -> tuple[str, str, str, str]:
        """Return the CSV row ``kind,rutter_id,platform_id,name``."""
        return (self.kind, self.rutter_id, self.platform_id, self.name)


_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\['((?:[^'\\]|\\.)*)'\]")


def _steps(path: str) -> Iterator[str | int]:
    at = 1
    while at < len(path):
        match = _STEP.match(path, at)
        if match is None:
            return
        key, index, quoted = match.groups()
        if index is not None:
            yield int(index)
        else:
            yield key if key is not None else re.sub(r"\\(.)", r"\1", quoted)
        at = match.end()


def _at(document: Any, path: str) -> Any:
    value = document
    for step in _steps(path):
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def missing_references(
    report: Sequence[Entry], document: Any, *, from_rutter: bool
) -> list[MissingReference]:
    """Return the distinct reference ids ``report`` says were copied untranslated.

    Args:
        report: a conversion's report.
        document: the source document, decoded (the ids are read at the entries' paths).
        from_rutter: whether the source is a Rutter format (its ids are Rutter's).

    Returns:
        One :class:`MissingReference` per kind and id, in the order first met,
        with how many times it was copied, and the name beside it in a Railz source.
    """
    found: dict[tuple[str, str], MissingReference] = {}
    for entry in report:
        if entry.kind is not Kind.WARNING:
            continue
        match = UNTRANSLATED.match(entry.message)
        if match is None:
            continue
        kind = match["kind"].replace(" ", "_")
        value = _at(document, entry.source_path)
        if value is None:
            continue
        value = str(value)
        seen = found.get((kind, value))
        if seen is not None:
            found[kind, value] = attrs.evolve(seen, count=seen.count + 1)
            continue
        name = ""
        if not from_rutter and entry.source_path.endswith(".id"):
            held = _at(document, entry.source_path[: -len(".id")] + ".name")
            name = held if isinstance(held, str) else ""
        rutter_id, platform_id = (value, "") if from_rutter else ("", value)
        found[kind, value] = MissingReference(kind, rutter_id, platform_id, name)
    return list(found.values())


def add_missing(
    found: dict[tuple[str, str], MissingReference], more: Iterable[MissingReference]
) -> None:
    """Add ``more`` to ``found`` (by kind and id), summing the counts of an id met again."""
    for missing in more:
        key = (missing.kind, missing.id)
        seen = found.get(key)
        found[key] = (
            missing
            if seen is None
            # Made directly: attrs.evolve reads the class's fields at each call (the
            # command adds every record's ids, most of them met before).
            else MissingReference(
                seen.kind,
                seen.rutter_id,
                seen.platform_id,
                seen.name or missing.name,
                seen.count + missing.count,
            )
        )


def missing_csv(missing: Iterable[MissingReference]) -> str:
    """Return ``missing`` as a CSV directory file (header ``kind,rutter_id,platform_id,name``).

    The empty side of each row is the one to fill in before passing the file to ``--refs``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(item.row() for item in missing)
    return out.getvalue()


def describe_missing(missing: Sequence[MissingReference], shown: int = 5) -> str:
    """Name the distinct ids of ``missing``, the first ``shown`` of them, most copied first.

    ``2 distinct: account "200" (Sales) 833 times, tax rate "OUTPUT2" once``.
    """
    ranked = sorted(missing, key=lambda item: -item.count)
    named = []
    for item in ranked[:shown]:
        name = f" ({item.name})" if item.name else ""
        times = "once" if item.count == 1 else f"{item.count} times"
        named.append(f"{item.kind.replace('_', ' ')} {describe(item.id)}{name} {times}")
    more = len(ranked) - shown
    tail = f", and {more} more" if more > 0 else ""
    return f"{len(ranked)} distinct: {', '.join(named)}{tail}"


def missing_of(
    counted: Mapping[tuple[str, str], int],
    *,
    from_rutter: bool,
    names: Mapping[tuple[str, str], str] | None = None,
) -> tuple[MissingReference, ...]:
    """Return ``{(kind, id): times}`` as :class:`MissingReference` rows, in the order met.

    ``names`` gives the name of an id, by kind and id, where the source gives one.
    """
    named = names or {}
    return tuple(
        MissingReference(
            kind,
            *((value, "") if from_rutter else ("", value)),
            name=named.get((kind, value), ""),
            count=times,
        )
        for (kind, value), times in counted.items()
    )


class CopiedIds:
    """The ids a conversion copied untranslated, as counted; their rows made when first read.

    What a :class:`~refundmap.Conversion` holds for its ``missing``: the mapping
    counts each id it copies by kind and id (``{("account", "A-1"): 2}``), and
    the :class:`MissingReference` rows are made from the counts (as
    :func:`missing_of` makes them) the first time they are read, so that a
    caller that reads only the counts (the command line, a record at a time)
    makes none. Equal and hashed as its rows.
    """

    __slots__ = ("_counted", "_from_rutter", "_names", "_rows")

    def __init__(
        self,
        counted: Mapping[tuple[str, str], int],
        *,
        from_rutter: bool,
        names: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        """Hold ``counted``, ``{(kind, id): times}`` in the order met, ids of the source's side.

        ``names``: the name the source gives an id, by kind and id, where it gives one.
        """
        self._counted: Mapping[tuple[str, str], int] | None = counted
        self._from_rutter = from_rutter
        self._names: Mapping[tuple[str, str], str] | None = names
        self._rows: tuple[MissingReference, ...] | None = None

    @classmethod
    def of(cls, missing: CopiedIds | Iterable[MissingReference]) -> CopiedIds:
        """Return ``missing`` as copied ids: itself, or rows given already."""
        if isinstance(missing, CopiedIds):
            return missing  # attrs.evolve gives a conversion's own back
        copied = cls({}, from_rutter=False)
        copied._counted = None  # counted from the rows when asked
        copied._rows = tuple(missing)  # a tuple is itself
        return copied

    def rows(self) -> tuple[MissingReference, ...]:
        """Return each id once, with how many times it was copied, in the order met."""
        if self._rows is None:
            assert self._counted is not None  # noqa: S101 - one of the two is always held
            self._rows = missing_of(self._counted, from_rutter=self._from_rutter, names=self._names)
        return self._rows

    def counts(self) -> dict[tuple[str, str], int]:
        """Return how many times each id was copied, ``{(kind, id): times}``, making no row."""
        if self._counted is None:
            counted: dict[tuple[str, str], int] = {}
            for row in self.rows():
                key = (row.kind, row.id)
                counted[key] = counted.get(key, 0) + row.count
            self._counted = counted
        return dict(self._counted)

    def names(self) -> dict[tuple[str, str], str]:
        """Return the name the source gives each id, ``{(kind, id): name}``, where it gives one."""
        if self._names is None:
            self._names = {(row.kind, row.id): row.name for row in self.rows() if row.name}
        return dict(self._names)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CopiedIds):
            return self.rows() == other.rows()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.rows())

    def __repr__(self) -> str:
        return repr(self.rows())
