"""What a ``--jobs`` worker does: convert JSON Lines records and runs of a page's records."""

from __future__ import annotations

import argparse
import gc
from collections import Counter
from typing import TYPE_CHECKING

import attrs

from refundmap import jsonio
from refundmap.cli.messages import Recording
from refundmap.conversion import Conversion, Converter
from refundmap.mapping.bare import BareRecords, Converted
from refundmap.missing import CopiedIds
from refundmap.report import RefundmapError
from refundmap.stream import Chunk, Frame, convert_chunk

if TYPE_CHECKING:
    from refundmap.formats import FormatName


@attrs.frozen
class LineOutcome:
    """One JSON Lines record converted.

    Attributes:
        line: its line number (records a worker took together: the first's).
        text: its text, as read (records taken together: none, see ``_work_bare``).
        result: its conversion (less the output, written already), or why not.
        texts: the lines to write.
        kinds: where no entry is printed or reported, the count of the report's
            entries by kind, instead of the entries; else None.
    """

    line: int | None
    text: bytes
    result: Conversion | RefundmapError
    texts: list[str]
    kinds: dict[str, int] | None = None


#: JSON Lines records a worker is given at a time.
_CHUNK = 256
#: Records of a chunk converted together: few enough that what they leave is
#: counted and freed while in the processor's cache (as the command's runs).
_RUN = 32
#: What a worker converts with, set once by :func:`_init_worker`.
_WORKER: tuple[Converter, bool] | None = None
#: The command's arguments and directory, for a worker converting whole files.
_WORKER_RUN: tuple[argparse.Namespace, Converter] | None = None


def _convert_line(
    converter: Converter,
    line: int | None,
    text: bytes,
    *,
    entries: bool = True,
    shipped: bool = True,
) -> LineOutcome:
    """Convert one JSON Lines record: the result (or the error) and the lines to write.

    The same function in the command's process and in ``--jobs`` workers: the
    output is the same, byte for byte. ``shipped``: the outcome goes back from
    a worker (pickled), which takes only what the command needs of the result
    (``entries``: its report's entries, else their counts in ``kinds``); else
    the result is as converted.
    """
    try:
        result = converter.convert(text)
    except RefundmapError as exc:
        return LineOutcome(line, text, exc, [])
    if type(result.output) is list and not text.lstrip().startswith(b"["):
        # A list envelope written as create bodies: one line a record.
        texts = [jsonio.write(body) for body in result.output]
    else:
        texts = [result.to_json()]
    if not shipped:
        return LineOutcome(line, text, result, texts)
    # The output is written already: what goes back from a worker is its text; the
    # entries, only where they are printed or reported (pickling them costs).
    if entries:
        return LineOutcome(line, text, attrs.evolve(result, output=None), texts)
    kinds = {str(kind): count for kind, count in result.counts().items()}  # no entry built
    return LineOutcome(line, text, attrs.evolve(result, output=None, report=()), texts, kinds)


def _init_worker(
    converter: Converter,
    entries: bool,  # noqa: FBT001 - initargs are positional
    args: argparse.Namespace,
) -> None:
    """Set a ``--jobs`` worker up for its conversions (after the pool has set its process up)."""
    global _WORKER, _WORKER_RUN  # noqa: PLW0603 - one per worker process, set once
    _WORKER_RUN = (args, converter)
    _WORKER = (converter, entries)


#: A run of a JSON document's records for a worker: its frame, less the options
#: the worker holds (head, tail, prefix, indent, level), and the records' texts.
_ChunkTask = tuple[bytes, bytes, str, "int | None", int, list[bytes]]


def _work_chunk(task: _ChunkTask) -> Chunk:
    """Convert a run of a JSON document's records in a worker.

    The report's entries go back only where they are printed or reported; else
    their count by kind.
    """
    assert _WORKER is not None  # noqa: S101 - set by the initializer
    head, tail, prefix, indent, level, texts = task
    converter, entries = _WORKER
    frame = Frame(head, tail, prefix, converter, indent, level, entries=entries)
    try:
        return convert_chunk(texts, frame)
    finally:
        gc.collect(1)


def _work(chunk: list[tuple[int | None, bytes]]) -> list[LineOutcome]:
    """Convert a chunk of JSON Lines records in a worker."""
    assert _WORKER is not None  # noqa: S101 - set by the initializer
    converter, entries = _WORKER
    try:
        if BareRecords.takes(converter):
            return _work_bare(converter, entries, chunk)
        return [_convert_line(converter, line, text, entries=entries) for line, text in chunk]
    finally:
        gc.collect(1)


#: A worker's bare records, made for its first chunk.
_BARE: list[BareRecords] = []


def _work_bare(
    converter: Converter,
    entries: bool,  # noqa: FBT001 - as _WORKER holds it
    chunk: list[tuple[int | None, bytes]],
) -> list[LineOutcome]:
    """Convert a chunk of JSON Lines records sharing their work, as :func:`_convert_line` would.

    Each record the shared work takes goes back as its conversion alone would:
    its text, and a conversion holding its counts, ids and (``entries``) report.
    Where no entry is needed, the records taken one after another (up to
    :data:`_RUN`) go back as one outcome, at the first one's line: their
    texts as one, their counts, ids and kinds summed (what the command adds
    up of each), and not their input texts (needed only for a failure's reject).
    """
    if not _BARE:
        _BARE.append(BareRecords(converter))
    bare = _BARE[0]
    target = converter.target.name
    from_rutter = converter.source.vendor == "rutter"
    outcomes: list[LineOutcome] = []
    for start in range(0, len(chunk), _RUN):
        run = chunk[start : start + _RUN]
        taken: list[Converted] = []  # taken, their outcome to come (no entry needed)
        first: int | None = None
        for (line, text), made in zip(run, bare.convert([text for _, text in run]), strict=True):
            if made is None:
                if taken:
                    outcomes.append(_taken(bare, first, taken, target, from_rutter=from_rutter))
                    taken = []
                outcomes.append(_convert_line(converter, line, text, entries=entries))
                continue
            if not entries:
                if not taken:
                    first = line
                taken.append(made)
                continue
            ids = bare.copied[: made.untranslated]
            names = bare.named[: made.named]
            del bare.copied[: made.untranslated], bare.named[: made.named]
            result = Conversion(None, tuple(bare.entries(made)), 1, made.untranslated, target)
            copied = CopiedIds(dict(Counter(ids)), from_rutter=from_rutter, names=dict(names))
            object.__setattr__(result, "_missing", copied)
            outcomes.append(LineOutcome(line, text, result, [made.text]))
        if taken:
            outcomes.append(_taken(bare, first, taken, target, from_rutter=from_rutter))
    return outcomes


def _taken(
    bare: BareRecords,
    line: int | None,
    taken: list[Converted],
    target: FormatName,
    *,
    from_rutter: bool,
) -> LineOutcome:
    """Return the outcome of records ``bare`` took one after another, the first at ``line``.

    One conversion of ``len(taken)`` records: their ids, names and kinds
    summed, their texts written as one, with no entry (see :func:`_work_bare`).
    """
    untranslated = sum(made.untranslated for made in taken)
    named = sum(made.named for made in taken)
    ids, names = bare.copied[:untranslated], bare.named[:named]
    del bare.copied[:untranslated], bare.named[:named]
    result = Conversion(None, (), len(taken), untranslated, target)
    copied = CopiedIds(dict(Counter(ids)), from_rutter=from_rutter, names=dict(names))
    object.__setattr__(result, "_missing", copied)
    kinds = {str(kind): count for kind, count in bare.counts(taken).items()}
    return LineOutcome(line, b"", result, ["\n".join(made.text for made in taken)], kinds)


@attrs.frozen
class FileOutcome:
    """A file a worker converted.

    Attributes:
        converted: whether it all converted (or was rejected).
        text: its output.
        told: what it reported, rejected and said, in order.
        counts: its counts (records, kinds, rejected, untranslated).
        copied: how many times it copied each id untranslated, by kind and id.
        named: the name the source gives each of those ids, where it gives one.
    """

    converted: bool
    text: str
    told: Recording
    counts: Counter[str]
    copied: dict[tuple[str, str], int]
    named: dict[tuple[str, str], str]
