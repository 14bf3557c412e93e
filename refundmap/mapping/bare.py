"""Many bare records converted one after another, each its own document, the shared work done once.

A JSON Lines file is a document a line: :meth:`Converter.convert
<refundmap.Converter.convert>` would make, for each line, the fast path's state
(a ``Run``, the pair's compiled functions looked up, a ``Loaded``, a
``Conversion`` and its rows and ids). :class:`BareRecords` makes that state
once for a converter and resets it for each record; a record is converted
as the fast path converts it alone (:mod:`refundmap.mapping.fused`), its
report kept as the rows noted (:class:`Converted`). A text it does not take
outright (anything but a bare record the fast reader and mapping take: an
envelope, an odd value, a record the target cannot hold) gives None, and the
caller converts it alone as ever: the same output, report and errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import localcontext
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import jiter

from refundmap.checks import fast_check
from refundmap.cjson import _negative_zero
from refundmap.jsonio import write
from refundmap.mapping import fused, fused_map
from refundmap.mapping.fused import _quotes
from refundmap.mapping.fused_map import Fallback, _compiled, _Counted, _entries, _kinds, _warn
from refundmap.mapping.runtime import _scope
from refundmap.money import EXACT
from refundmap.paths import format_path
from refundmap.report import Entry, Kind, RefundmapError
from refundmap.rows import kinds_counted

if TYPE_CHECKING:
    from refundmap.conversion import Converter

__all__ = ["BareRecords", "Converted"]

_first = itemgetter(0)
#: A converted record's report, as noted: the reading's entries, the mapping's rows.
_reports = itemgetter(1, 2)


class Converted(NamedTuple):
    """One bare record converted by :class:`BareRecords`.

    Attributes:
        text: the output record's compact JSON text (``Conversion.to_json()``).
        reading: the reading's entries (the source's checks), first in the report.
        notes: the mapping's rows, made entries by :meth:`BareRecords.entries`.
        untranslated: how many reference ids it copied untranslated: its items
            of :attr:`BareRecords.copied`.
        named: its items of :attr:`BareRecords.named`.
        output: the output record, JSON-ready (``Conversion.output``).
    """

    text: str
    reading: list[Entry]
    notes: list[Any]
    untranslated: int
    named: int
    output: dict[str, Any]


def _no_text(_: Any) -> str:
    return ""


class _Ids(_Counted):
    """A run whose ids copied untranslated are kept in order met, for many records.

    Its ``copied_keys`` is :attr:`BareRecords.copied`, a ``(kind, id)`` a copy
    (the code compiled ``by_key`` notes them so), and each record's
    ``copied_names`` (its first name of each id) is added to ``names`` once it is taken.
    """

    names: list[tuple[tuple[str, str], str]]
    named_keys: set[tuple[str, str]] | None
    copied_keys: list[tuple[str, str]]

    def copied(self, kind: str, value: str, name: str | None = None) -> None:
        """Note a reference id copied untranslated, with its name, as the generated code does."""
        key = kind, value
        self.copied_keys.append(key)
        if name is not None and key not in self.copied_names:
            self.copied_names[key] = name


class BareRecords:
    """Bare records of one converter's source format, converted one after another.

    Made only where :meth:`takes` says the converter's conversions take the
    fast path. Each record is its own document: what :meth:`convert` gives for
    it is what ``converter.convert(text)`` gives (its ``to_json()``, its report,
    its counts), and the ids each copied untranslated are added, in the order
    met, to :attr:`copied` and :attr:`named`, where the caller sums them
    (``Converted.untranslated`` and ``Converted.named`` items a record).

    Attributes:
        copied: each reference id copied untranslated, ``(kind, id)``, once
            each time it was copied, in the order met (the caller empties it).
        named: ``((kind, id), name)``: the name the source gives each of those
            ids, where it gives one (not empty), once an id: the first met. With
            ``names_once`` False, each record's own: the first name (empty or
            not) it gives each id, as its conversion alone holds them.
    """

    def __init__(
        self, converter: Converter, *, names_once: bool = True, texts: bool = True
    ) -> None:
        """Make what the records of ``converter`` share (see :meth:`takes`).

        ``texts`` False: the records' texts are not written (``Converted.text`` is empty).
        """
        source, target = converter.source, converter.target
        # Of JSON text; a Rutter record by msgspec.convert first, as on a page (see fused).
        self._read = fused._converter(source, source.record, finite=True)  # noqa: SLF001
        self._zero = fused._ZERO  # noqa: SLF001 - the reader's note of a kept 0, this thread's
        self._markers = tuple(shape.marker for shape in source.envelopes)
        self._check = fast_check(source.name, mapped=False) or source.check
        lookup = converter.directory
        self._mapper = _compiled(
            source.name,
            target.name,
            lookup=lookup is not None,
            require_refs=converter.require_refs,
            counted=True,
            by_key=True,
        )[0]
        run = self._run = fused_map.start_run(converter, None, _Ids)
        self.copied: list[tuple[str, str]] = []
        self.named: list[tuple[tuple[str, str], str]] = []
        run.copied_keys, run.names = self.copied, self.named
        run.named_keys = set() if names_once else None
        into_rutter = target.vendor == "rutter" and source.vendor == "railz"
        self._params = converter.params if into_rutter else {}
        self._target_check = fused_map.target_check(target, lookup)
        self._lines_key = target.lines_key
        self._target_name = target.name
        self._write: Callable[[Any], str] = write if texts else _no_text

    @staticmethod
    def takes(converter: Converter) -> bool:
        """Whether ``converter``'s bare records can be converted by a :class:`BareRecords`."""
        source, target = converter.source, converter.target
        return (
            fused._takes(source, target, strict=converter.strict)  # noqa: SLF001 - its own test
            and fused_map.takes(converter)
            and not converter.fail_on
        )

    def convert(self, texts: Sequence[bytes]) -> list[Converted | None]:
        """Convert each JSON text of ``texts`` alone: its :class:`Converted`, or None.

        None for a text that is not a bare record the fast path takes outright:
        convert it alone (``converter.convert(text)``), which says what it has.
        """
        one = self._one
        with localcontext(EXACT):  # as each conversion alone: exact, whatever the caller set
            return [one(text) for text in texts]

    def _one(self, text: bytes) -> Converted | None:
        # As fused.load and fused_map.convert do for a bare record: see the module.
        zero = self._zero
        zero.seen = False  # a JSON integer 0 whose sign is kept (fused._zero), to come
        try:
            # Values cached too: short values repeat from line to line (ids, names,
            # dates). No repeated-key check: the reader's count proves none (below).
            raw = jiter.from_json(text, float_mode="decimal", allow_inf_nan=False, cache_mode="all")
        except ValueError:
            return None
        if type(raw) is not dict:
            return None  # not a bare record
        for marker in self._markers:  # any() of a generator: 2,700 instructions a line more
            if marker in raw:
                return None  # an envelope, not a bare record
        run = self._run
        copied, named = self.copied, self.named
        keys, names = len(copied), len(named)
        try:
            count = [0]
            record = self._read(raw, count)  # an empty line object too is a Fallback
            if 2 * count[0] != _quotes(text):
                raise Fallback  # noqa: TRY301 - a key may be repeated: the record alone says
            if zero.seen and _negative_zero(text):
                raise Fallback  # noqa: TRY301 - an integer -0 jiter read as 0: the record alone
            # The fast form gives None where nothing is found: no comprehension is run then.
            found = self._check(record, ())
            reading = (
                [Entry(Kind.WARNING, format_path(where), None, message) for where, message in found]
                if found
                else []
            )
            notes: list[Any] = []
            run.report = notes
            run.copied_names = {}
            run.scope = _scope(record, self._params)
            mapped = self._mapper(record, "$", "$", run)
            if run.unmappable:
                raise Fallback  # noqa: TRY301 - the record alone says why
            lines = mapped.get(self._lines_key)
            if lines and not all(lines):
                raise Fallback  # noqa: TRY301 - an empty line, said by the engine
            if self._target_check is None:
                raise Fallback  # noqa: TRY301 - a target without it: the engine checks views
            findings = self._target_check(mapped, ())
            if findings:
                _warn(findings, "$", "$", notes, self._target_name)
            output = self._write(mapped)
        except (Fallback, ArithmeticError, RefundmapError):
            run.unmappable.clear()
            del copied[keys:]  # the record alone counts its own
            return None
        if run.copied_names:  # the record's first name of each id, in order met
            named_keys = run.named_keys
            if named_keys is None:  # each record's own names
                named += run.copied_names.items()
            else:  # an id's first name, not empty, is the one kept
                for key, name in run.copied_names.items():
                    if name and key not in named_keys:
                        named_keys.add(key)
                        named.append((key, name))
        fused.TALLY.taken += 1
        fused.TALLY.mapped += 1
        untranslated = len(copied) - keys
        return Converted(output, reading, notes, untranslated, len(named) - names, mapped)

    @staticmethod
    def entries(converted: Converted) -> list[Entry]:
        """Return a record's report, as its conversion alone gives it (``Conversion.report``)."""
        return [*converted.reading, *_entries([("$", "$", converted.notes)])]

    @staticmethod
    def counts(records: Sequence[Converted]) -> dict[Kind, int]:
        """Return how many entries of each kind the reports of ``records`` hold, those found.

        As ``Conversion.counts()`` of each, summed: the kinds in
        :class:`~refundmap.Kind` order. Rows are not made entries: their kinds
        are read as noted, in C, with the marks of nested tables (no kind).
        """
        return kinds_counted(
            _kinds([*chain.from_iterable(chain.from_iterable(map(_reports, records)))])
        )
