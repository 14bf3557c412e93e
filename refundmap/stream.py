"""Big JSON documents a record at a time: a list page's records, an array's elements.

:func:`scan` (from :mod:`refundmap.jsonscan`, re-exported here) reads a
document once and keeps only the envelope and where each record lies;
:func:`read_spans` then reads the records one at a time, and
:func:`convert_chunk` converts a run of them as the whole document would
convert them, and :class:`Assembly` puts the runs' output together with the
envelope's, as the whole document's conversion. Memory holds a buffer of the
file and a chunk of records, whatever the document's size.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any, cast

import attrs

from refundmap import jsonio, paths
from refundmap.conversion import Conversion, Converter, convert_as_page
from refundmap.formats import Format
from refundmap.jsonscan import Layout, read_spans, scan
from refundmap.missing import MissingReference, add_missing
from refundmap.records import records_key
from refundmap.report import Entry, MappingError, Problem, ValidationError

__all__ = [
    "Assembly",
    "Chunk",
    "Frame",
    "Layout",
    "Placed",
    "around",
    "convert_chunk",
    "convert_envelope",
    "decoded",
    "list_key",
    "moved",
    "read_spans",
    "scan",
    "shifted",
    "streams",
]


@attrs.frozen
class Frame:
    """What each run of a document's records is converted with.

    Attributes:
        head: the text before a run's records, to make a document of them.
        tail: the text after them.
        prefix: their path prefix in such a document: ``$.data[`` or ``$[``.
        options: the conversion's formats and options.
        indent: the output's indent; each output text is indented for ``level``.
        level: the nesting level of the output records in the target document.
        entries: whether a run's report entries are wanted, or only their count
            by kind.
    """

    head: bytes
    tail: bytes
    prefix: str
    options: Converter
    indent: int | None
    level: int
    entries: bool = True

    @classmethod
    def of(
        cls,
        layout: Layout,
        options: Converter,
        indent: int | None,
        *,
        entries: bool = True,
    ) -> Frame:
        """Return the frame of ``layout``'s records."""
        if layout.kind == "array":
            return cls(b"[", b"]", "$[", options, indent, 1, entries)
        assert layout.envelope is not None  # noqa: S101 - a page has its envelope
        before: list[str] = []
        after: list[str] = []
        side = before
        for key, value in layout.envelope.items():
            if key == layout.key:
                side = after
                continue
            side.append(jsonio.dumps(key) + ":" + jsonio.dumps(value))
        head = "{" + "".join(f"{member}," for member in before) + jsonio.dumps(layout.key) + ":["
        tail = "]" + "".join(f",{member}" for member in after) + "}"
        level = 1 if options.target.request is not None else 2  # bodies: an array
        prefix = f"$.{layout.key}["
        return cls(head.encode(), tail.encode(), prefix, options, indent, level, entries)


@attrs.frozen
class Chunk:
    """The conversion of a run of records, with paths as in the run alone.

    Attributes:
        texts: the JSON text of each output record (or body, or element).
        entries: the report of the converted records, each with the position
            (in the run) of the record it is about, in record order; target
            paths count the run's outputs from 0 (under ``target_prefix``).
        failures: for each record that did not convert, its position and why.
        records: how many refunds the converted records hold.
        untranslated: reference ids copied untranslated.
        target_prefix: where the outputs sit in the target document:
            ``$.customer_refunds[`` or ``$[``.
        kinds: the count of report entries by kind, where the frame wants no
            entries (then ``entries`` is empty).
    """

    texts: list[str]
    entries: list[tuple[int, Entry]]
    failures: list[tuple[int, ValidationError | MappingError]]
    records: int = 0
    untranslated: int = 0
    target_prefix: str = "$["
    kinds: Counter[str] = attrs.field(factory=Counter)
    #: The reference ids copied untranslated, each once with its count.
    missing: tuple[MissingReference, ...] = ()


#: ``$.data[12].x`` with shift 3 -> ``$.data[15].x`` (now :func:`refundmap.paths.shift`).
moved = paths.shift


def shifted(entry: Entry, source: tuple[str, int], target: tuple[str, int]) -> Entry:
    """Return ``entry`` with its record positions moved by ``(prefix, shift)`` each side."""
    if not (source[1] or target[1]):
        return entry
    target_path = entry.target_path
    if target_path is not None:
        target_path = paths.shift(target_path, *target)
    return Entry(entry.kind, paths.shift(entry.source_path, *source), target_path, entry.message)


def _items(conversion: Conversion, target: Format) -> tuple[list[Any], str]:
    """Return the records (or bodies, or elements) of a converted run, and their path prefix."""
    output = conversion.output
    if type(output) is list:
        return output, "$["
    assert type(output) is dict  # noqa: S101 - a list page
    key = target.naming(target.shape_of(output).records or "")
    return cast("list[Any]", output[key]), f"$.{key}["


def decoded(layout: Layout, texts: Iterable[bytes]) -> Any:
    """Return the document :func:`scan` read as ``layout``, decoded whole from its records' texts.

    Raises:
        ValidationError: a text is not JSON (the file changed since it was scanned).
    """
    records = [jsonio.loads(text) for text in texts]
    if layout.kind == "array":
        return records
    assert layout.envelope is not None  # noqa: S101 - a page has its envelope
    return {**layout.envelope, layout.key: records}


def around(envelope: Conversion | None, frame: Frame, written: int) -> tuple[str, str]:
    """Return the output text before a document's converted records, and after them.

    ``envelope`` is the conversion of its envelope (:func:`convert_envelope`),
    ``written`` how many output records (or bodies) lie between, each text
    indented as :func:`convert_chunk` indents it for ``frame``.
    """
    indent = frame.indent
    close = (
        "]" if not written or indent is None else "\n" + " " * (indent * (frame.level - 1)) + "]"
    )
    if envelope is None or type(envelope.output) is not dict:
        return "[", close
    fmt = frame.options.target
    key = fmt.naming(fmt.shape_of(envelope.output).records or "")
    marker = f"refundmap-records-{os.urandom(8).hex()}"
    text = jsonio.dumps({**envelope.output, key: marker}, indent=indent)
    head, tail = text.split(jsonio.dumps(marker))
    return head + "[", close + tail


def list_key(fmt: Format) -> str | None:
    """Return the key of ``fmt``'s list page records, which :func:`scan` reads one at a time."""
    shape = fmt.list_shape
    return None if shape is None or shape.records is None else fmt.naming(shape.records)


def streams(layout: Layout, converter: Converter, *, rejects: bool = False) -> bool:
    """Whether :class:`Assembly` converts ``layout``'s records a run at a time, not whole.

    Not a page that is no list page of the source after all, nor nothing to
    stream; nor, with ``rejects``, an array of list pages: each page's records
    are then rejected one by one, which the whole document's conversion does.
    """
    if not len(layout) or (layout.pages and rejects):
        return False
    return layout.kind != "page" or records_key(layout.envelope, converter.source) == layout.key


@attrs.frozen
class Placed:
    """A run's conversion placed in its document (:meth:`Assembly.place`).

    Attributes:
        kept: whether its records are part of the output: False once a record
            of the document failed (without ``rejects``), when only the
            problems count.
        text: the output records' text, in place after those before.
        entries: its report, with the document's paths on both sides.
        failures: each record that did not convert: its position in the run,
            its path in the document, and why, with the document's paths.
    """

    kept: bool
    text: str
    entries: list[Entry]
    failures: list[tuple[int, str, ValidationError | MappingError]]


class Assembly:
    """A list page or an array converted a run of records at a time, its output put together.

    Give it each run's :class:`Chunk` in order (:meth:`place`), write the texts
    it returns between the :meth:`close` head and tail: the output is the whole
    document's conversion, byte for byte, and the report lists each record's
    entries in record order, then the envelope's. With ``rejects``, a record
    that fails is set apart and the rest converts; without, the document fails
    (:meth:`error`).

    Raises:
        ValidationError, MappingError: for an envelope that does not convert
            on its own (convert the document whole instead).
        UsageError: as :meth:`Converter.convert` does.
    """

    def __init__(
        self,
        layout: Layout,
        converter: Converter,
        indent: int | None,
        *,
        entries: bool = True,
        rejects: bool = False,
    ) -> None:
        self.frame = Frame.of(layout, converter, indent, entries=entries)
        self.records = len(layout)
        self.envelope = convert_envelope(self.frame, self.records)
        self.rejects = rejects
        #: How many output records (or bodies) were placed so far.
        self.written = 0
        self.failures: list[ValidationError | MappingError] = []
        level = self.frame.level
        self._pad = "" if indent is None else "\n" + " " * (indent * level)

    def place(self, offset: int, chunk: Chunk) -> Placed:
        """Place the conversion of the run of records from ``offset`` in the document."""
        prefix = self.frame.prefix
        failures: list[tuple[int, str, ValidationError | MappingError]] = []
        for index, error in chunk.failures:
            problems = [
                Problem(paths.shift(p.path, prefix, offset), p.message) for p in error.problems
            ]
            failures.append((index, f"{prefix}{offset + index}]", type(error)(problems)))
        if not self.rejects:
            self.failures.extend(failure for _, _, failure in failures)
        if self.failures:
            return Placed(
                kept=False, text="", entries=[], failures=failures
            )  # the document fails: only its problems count
        moves = ((prefix, offset), (chunk.target_prefix, self.written))
        entries = [shifted(entry, *moves) for _, entry in chunk.entries]
        texts = []
        for text in chunk.texts:
            texts.append(("," if self.written else "") + self._pad + text)
            self.written += 1
        return Placed(kept=True, text="".join(texts), entries=entries, failures=failures)

    def error(self) -> ValidationError | MappingError | None:
        """Return why the document fails, from the records that failed; None when none did.

        Validation problems first, as for a whole document; each once (a problem
        of the envelope's would come with every record that failed).
        """
        if not self.failures:
            return None
        validation = [f for f in self.failures if isinstance(f, ValidationError)]
        unique = dict.fromkeys(p for f in validation or self.failures for p in f.problems)
        return (ValidationError if validation else MappingError)(list(unique))

    def close(self) -> tuple[str, str, tuple[Entry, ...]]:
        """Return the output text before the placed records, after them, and the envelope's report.

        An envelope whose records were rejected is converted again, holding the rest.
        """
        envelope = self.envelope
        if envelope is not None and self.written != self.records:
            envelope = convert_envelope(self.frame, self.written)
        head, tail = around(envelope, self.frame, self.written)
        return head, tail, envelope.report if envelope is not None else ()


def convert_envelope(frame: Frame, records: int) -> Conversion | None:
    """Convert a list page's envelope alone, saying it holds ``records`` records.

    None for an array, which has none.
    """
    if frame.prefix == "$[":
        return None
    return convert_as_page(frame.options, frame.head + frame.tail, records)


def convert_chunk(texts: Sequence[bytes], frame: Frame) -> Chunk:
    """Convert a run of records of a document as the whole document would convert them.

    ``texts`` are the records' JSON texts (from :func:`read_spans`). A run that
    does not convert whole is converted a record at a time, and each record
    that fails is in ``failures``. The envelope's own entries are
    left out: the envelope is converted once, on its own.
    """
    document = frame.head + b",".join(texts) + frame.tail
    try:
        conversion = frame.options.convert(document)
    except (ValidationError, MappingError) as exc:
        if len(texts) == 1:
            return Chunk([], [], [(0, exc)])
        return _one_by_one(texts, frame)
    items, target_prefix = _items(conversion, frame.options.target)
    indent, level, prefix = frame.indent, frame.level, frame.prefix
    texts_out = [
        jsonio.write(item) if indent is None else jsonio.dumps(item, indent=indent)
        for item in items
    ]
    if indent is not None and level:
        pad = "\n" + " " * (indent * level)  # no string holds a raw line break
        texts_out = [text.replace("\n", pad) for text in texts_out]
    entries: list[tuple[int, Entry]] = []
    kinds: Counter[str] = Counter()
    for entry in conversion.report:
        source = entry.source_path
        if not source.startswith(prefix):
            continue  # the envelope's: converted once, on its own
        if frame.entries:
            entries.append((paths.index(source, prefix), entry))
        else:
            kinds[entry.kind] += 1
    entries.sort(key=itemgetter(0))  # stable: each record's own order kept
    return Chunk(
        texts_out,
        entries,
        [],
        conversion.records,
        conversion.untranslated,
        target_prefix,
        kinds,
        conversion.missing,
    )


def _one_by_one(texts: Sequence[bytes], frame: Frame) -> Chunk:
    """Convert each record of a run alone; the ones that fail are its failures."""
    prefix = frame.prefix
    out: list[str] = []
    entries: list[tuple[int, Entry]] = []
    failures: list[tuple[int, ValidationError | MappingError]] = []
    kinds: Counter[str] = Counter()
    records = untranslated = 0
    missing: dict[tuple[str, str], MissingReference] = {}
    target_prefix = "$["
    for index, text in enumerate(texts):
        one = convert_chunk([text], frame)
        if one.failures:
            exc = one.failures[0][1]
            problems = [
                Problem(paths.shift(p.path, prefix, index), p.message) for p in exc.problems
            ]
            failures.append((index, type(exc)(problems)))
            continue
        target_prefix = one.target_prefix
        shift = ((prefix, index), (target_prefix, len(out)))
        entries.extend((index, shifted(entry, *shift)) for _, entry in one.entries)
        kinds.update(one.kinds)
        out.extend(one.texts)
        records += one.records
        untranslated += one.untranslated
        add_missing(missing, one.missing)
    return Chunk(
        out, entries, failures, records, untranslated, target_prefix, kinds, tuple(missing.values())
    )
