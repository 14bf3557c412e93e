"""A conversion's report kept as the parts it was noted in, made one tuple when first read.

A :class:`~refundmap.Conversion` holds its report as :class:`Rows`: the
reading's entries and the mapping's, as they were noted. ``report`` joins them
into one tuple of :class:`~refundmap.Entry` the first time it is read, and
:meth:`Rows.counts` counts the entries by kind without joining anything, which
is all the command line needs when it neither prints nor writes entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from refundmap.report import Entry, Kind

__all__ = ["Rows", "kinds_counted"]

#: The kinds, in order (iterating the enum is Python code each time).
_KINDS = tuple(Kind)


def kinds_counted(kinds: list[Any]) -> dict[Kind, int]:
    """Return how many times each :class:`Kind` is in ``kinds``, those found, in their order.

    Counted in one pass through a dict, in C (a Kind hashes as its text, cached): the
    items that are no Kind (None, marks, tuples) are compared once each, not once a
    kind. Where an item cannot be hashed, counted by ``list.count``, which equals it.
    """
    try:
        counted = Counter(kinds)
    except TypeError:  # an unhashable item
        return {kind: count for kind in _KINDS if (count := kinds.count(kind))}
    return {kind: count for kind in _KINDS if (count := counted.get(kind, 0))}


class Rows:
    """A report noted in parts, one tuple of entries once read (equal as that tuple)."""

    __slots__ = ("_parts", "_report")

    def __init__(self, *parts: Sequence[Entry]) -> None:
        self._parts = parts
        self._report: tuple[Entry, ...] | None = None

    @classmethod
    def of(cls, report: Rows | Iterable[Entry]) -> Rows:
        """Return ``report`` as rows: itself, or a report read already (entries)."""
        if isinstance(report, Rows):
            return report  # attrs.evolve gives a conversion's own rows back
        if report == ():
            return _NO_ROWS  # read already, never changed: one for every empty report
        rows = cls()
        rows._report = report if type(report) is tuple else tuple(report)
        return rows

    def entries(self) -> tuple[Entry, ...]:
        """Return the report: every entry in the order noted, built on the first call."""
        if self._report is None:
            parts = self._parts
            if len(parts) == 1 and type(parts[0]) is tuple:
                self._report = parts[0]
            else:
                self._report = tuple(chain.from_iterable(parts))
            self._parts = ()
        return self._report

    def counts(self) -> dict[Kind, int]:
        """Return how many entries there are of each kind found, in :class:`Kind` order."""
        parts = self._parts if self._report is None else (self._report,)
        return kinds_counted([entry[0] for part in parts for entry in part])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.entries() == other.entries()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.entries())

    def __repr__(self) -> str:
        return repr(self.entries())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rows.of, (self.entries(),))  # another process gets the report itself


#: An empty report, read already (``Conversion(output, ())``: every bare result's own).
_NO_ROWS = Rows()
_NO_ROWS._report = ()  # noqa: SLF001 - made here, once
