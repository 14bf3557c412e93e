"""An incremental JSON scanner: a document's envelope, and where each of its records lies.

:func:`scan` reads a document once by the rules of :func:`refundmap.jsonio.loads`
(exact numbers, no repeated key, no lone surrogate, bounded nesting, UTF-8, and
the same message at the same line and column for text that is not JSON), and
keeps only the envelope (a list page's members but its records) and the span
of each record. :func:`read_spans` then reads the records one at a time.
Memory holds a buffer of the file, whatever the document's size.
"""

from __future__ import annotations

import codecs
import json
import re
from array import array
from collections.abc import Iterator, MutableSequence, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal

import attrs

from refundmap import jsonio
from refundmap.paths import JSONPath, format_path
from refundmap.report import Problem, ValidationError

__all__ = ["Layout", "read_spans", "scan"]

#: Bytes read at a time (more for a value longer than that).
_READ = 1 << 20
_BOM = "\ufeff"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: How near the end of what is read an error may be a value cut off by the buffer.
_NEAR_END = 64


def _stdlib(probe: str) -> tuple[str, int]:
    """Return what the stdlib's parser says of ``probe`` (message, position): its wording."""
    try:
        json.loads(probe)
    except json.JSONDecodeError as exc:
        return exc.msg, exc.pos
    raise AssertionError(probe)  # pragma: no cover - every probe is broken


# The stdlib's words for each place the top level can go wrong (they vary by version).
_KEY = _stdlib('{"a": 1, 1')[0]
_COLON = _stdlib('{"a" 1')[0]
_OBJECT_COMMA = _stdlib('{"a": 1 1')[0]
_ARRAY_COMMA = _stdlib("[1 1")[0]
_EXTRA = _stdlib("1 1")[0]
# A trailing comma is named at the comma by some versions, at what follows by others.
_OBJECT_TRAILING = _stdlib('{"a": 1, }')
_OBJECT_TRAILING_AT_COMMA = _OBJECT_TRAILING[1] == len('{"a": 1')
_ARRAY_TRAILING = _stdlib("[1, ]")
_ARRAY_TRAILING_AT_COMMA = _ARRAY_TRAILING[1] == len("[1")


@attrs.frozen
class Layout:
    """What :func:`scan` found in a document.

    Attributes:
        kind: ``page``: an object whose records key holds an array;
            ``array``: a JSON array (each element a document of its own);
            ``value``: anything else, decoded whole in ``value``.
        spans: where each record (or element) lies: its first byte and the
            byte after it, two numbers a record.
        envelope: a page's members, in order, its records key holding ``[]``.
        key: a page's records key.
        value: the decoded document, for kind ``value``.
        pages: whether an array holds list pages (records of records).
    """

    kind: Literal["page", "array", "value"]
    spans: MutableSequence[int] = attrs.field(factory=lambda: array("q"))
    envelope: dict[str, Any] | None = None
    key: str | None = None
    value: Any = None
    pages: bool = False

    def __len__(self) -> int:
        """Return the number of records (or elements)."""
        return len(self.spans) // 2


class _Reader:
    """A UTF-8 file decoded a piece at a time, with where each character lies."""

    def __init__(self, stream: IO[bytes], records: str | None) -> None:
        self.stream = stream
        self.records = records  # a list page's records key
        self.pages = False  # whether a top-level array holds list pages
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.chars = 0  # characters before buf
        self.lines = 0  # line breaks before buf
        self.line_start = 0  # where the line buf starts on begins (a character offset)
        self.bytes = 0  # bytes before buf
        self._counted = 0  # characters of buf whose bytes are in _counted_bytes
        self._counted_bytes = 0
        self.repeats = jsonio.Repeats()
        self.decoder = jsonio.decoder(self.repeats)
        self.surrogates: list[Problem] = []
        self.repeated: list[Problem] = []
        while not self.buf and self.read():
            pass  # a byte order mark may come a byte at a time
        if self.buf.startswith(_BOM):  # skipped; positions count from after it
            self.buf = self.buf[1:]
            self.bytes = 3

    def read(self) -> bool:
        """Add as much again of the file to the buffer (a megabyte at least); False at its end."""
        if self.eof:
            return False
        data = self.stream.read(max(_READ, len(self.buf) - self.pos))
        self.buf += self.utf8.decode(data, final=not data)
        self.eof = not data
        return True

    def offset(self, index: int) -> int:
        """Return the byte offset in the file of ``buf[index]``; ``index`` never goes back."""
        piece = self.buf[self._counted : index]
        self._counted_bytes += len(piece) if piece.isascii() else len(piece.encode("utf-8"))
        self._counted = index
        return self.bytes + self._counted_bytes

    def drop(self) -> None:
        """Forget the text before ``pos``, once there is much of it."""
        if self.pos < _READ:
            return
        gone = self.buf[: self.pos]
        if breaks := gone.count("\n"):
            self.lines += breaks
            self.line_start = self.chars + gone.rindex("\n") + 1
        self.bytes = self.offset(self.pos)
        self.chars += self.pos
        self.buf = self.buf[self.pos :]
        self.pos = self._counted = self._counted_bytes = 0

    def skip(self) -> str:
        """Skip whitespace; return the next character, or ``""`` at the end."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.read():
                return ""

    def fail(self, message: str, at: int) -> ValidationError:
        """Return the error the stdlib's parser gives for ``message`` at ``buf[at]``."""
        breaks = self.buf.count("\n", 0, at)
        start = self.chars + self.buf.rindex("\n", 0, at) + 1 if breaks else self.line_start
        text = jsonio.syntax_error(message, self.lines + breaks + 1, self.chars + at - start + 1)
        return ValidationError([Problem("$", text)])

    def _cut_off(self, exc: json.JSONDecodeError) -> bool:
        """Whether the error may be the buffer's end, not the document's."""
        return not self.eof and (
            exc.pos >= len(self.buf) - _NEAR_END or exc.msg.startswith("Unterminated string")
        )

    def value(self, path: JSONPath) -> Any:
        """Decode the value at ``pos`` (at ``path`` in the document) and move past it."""
        while True:
            self.repeats.found.clear()
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._cut_off(exc) and self.read():
                    continue
                raise self.fail(exc.msg, exc.pos) from None
            except ValueError as exc:  # NaN, Infinity
                raise ValidationError([Problem("$", f"invalid JSON: {exc}")]) from None
            except InvalidOperation:
                raise ValidationError([Problem("$", jsonio.BEYOND)]) from None
            except RecursionError:
                raise ValidationError([Problem("$", jsonio.NESTED)]) from None
            if type(value) is Decimal and end > len(self.buf) - _NEAR_END and self.read():
                continue  # a number may go on in what was not read yet (1e5 read as 1e)
            break
        if self.repeats.found:
            self.repeated += self.repeats.problems(value, path)
        buf, start = self.buf, self.pos
        if buf.find("\\ud", start, end) >= 0 or buf.find("\\uD", start, end) >= 0:
            self.surrogates += jsonio.surrogate_problems(value, path)
        self.pos = end
        return value

    def key(self) -> str:
        """Decode the object key at ``pos`` (a ``"``) and move past it."""
        start = self.pos
        while True:
            try:
                key, end = json.decoder.scanstring(self.buf, start + 1)  # type: ignore[attr-defined]
            except json.JSONDecodeError as exc:
                if self._cut_off(exc) and self.read():
                    continue
                raise self.fail(exc.msg, exc.pos) from None
            break
        self.pos = end
        if self.buf.find("\\ud", start, end) >= 0 or self.buf.find("\\uD", start, end) >= 0:
            self.surrogates += [
                p for p in jsonio.surrogate_problems({key: None}) if p.message.startswith("a key")
            ]
        return str(key)

    def elements(self, prefix: JSONPath) -> array[int]:
        """Read the array at ``pos``, each element checked and left; return their spans."""
        spans: array[int] = array("q")
        self.pos += 1
        if self.skip() == "]":
            self.pos += 1
            return spans
        index = 0
        while True:
            spans.append(self.offset(self.pos))
            value = self.value((*prefix, index))
            spans.append(self.offset(self.pos))
            if not prefix and type(value) is dict and type(value.get(self.records)) is list:
                self.pages = True
            index += 1
            self.drop()
            char = self.skip()
            if char == "]":
                self.pos += 1
                return spans
            if char != ",":
                raise self.fail(_ARRAY_COMMA, self.pos)
            comma = self.pos
            self.pos += 1
            if self.skip() == "]":
                raise self.fail(_ARRAY_TRAILING[0], comma if _ARRAY_TRAILING_AT_COMMA else self.pos)

    def members(self, records: str) -> Layout:
        """Read the object at ``pos``: each member decoded, but the array under ``records``."""
        self.pos += 1
        envelope: dict[str, Any] = {}
        spans: array[int] | None = None
        seen: list[str] = []
        char = self.skip()
        if char == "}":
            self.pos += 1
            return Layout("value", value={})
        while True:
            if char != '"':
                raise self.fail(_KEY, self.pos)
            key = self.key()
            if self.skip() != ":":
                raise self.fail(_COLON, self.pos)
            self.pos += 1
            if self.skip() == "[" and key == records and spans is None:
                spans = self.elements((key,))
                envelope[key] = []
            else:
                envelope[key] = self.value((key,))
            seen.append(key)
            char = self.skip()
            if char == "}":
                self.pos += 1
                break
            if char != ",":
                raise self.fail(_OBJECT_COMMA, self.pos)
            comma = self.pos
            self.pos += 1
            char = self.skip()
            if char == "}":
                at = comma if _OBJECT_TRAILING_AT_COMMA else self.pos
                raise self.fail(_OBJECT_TRAILING[0], at)
        if len(seen) != len(envelope):  # the top-level object's repeats, found last
            counted: set[str] = set()
            for key in seen:
                if key in counted:
                    self.repeated.append(Problem(format_path((key,)), jsonio.REPEATED_KEY))
                counted.add(key)
        if spans is None:
            return Layout("value", value=envelope)
        return Layout("page", spans, envelope, records)


def _check_utf8(stream: IO[bytes]) -> None:
    """Refuse text that is not UTF-8 as :func:`refundmap.jsonio.loads` does: its first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while True:
        data = stream.read(_READ)
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            at = offset - pending + exc.start
            byte = exc.object[exc.start]
            raise ValidationError(
                [Problem("$", f"not UTF-8 text: byte {at} is {byte:#04x}")]
            ) from None
        if not data:
            return
        offset += len(data)


def scan(stream: IO[bytes], records: str | None) -> Layout:
    """Read a JSON document from a seekable binary ``stream``, keeping its records' places.

    Args:
        stream: the document, read from its current position to its end.
        records: the key of a list page's records (None: no page is streamed).

    Raises:
        ValidationError: as :func:`refundmap.jsonio.loads` raises it.
    """
    start = stream.tell()
    _check_utf8(stream)
    stream.seek(start)
    reader = _Reader(stream, records)
    first = reader.skip()
    if not first:
        raise ValidationError([Problem("$", "the document is empty")])
    if first == "{" and records is not None:
        layout = reader.members(records)
    elif first == "[":
        spans = reader.elements(())
        layout = Layout("array", spans, pages=reader.pages)
    else:
        layout = Layout("value", value=reader.value(()))
    if reader.skip():
        raise reader.fail(_EXTRA, reader.pos)
    if reader.surrogates:
        raise ValidationError(sorted(reader.surrogates, key=lambda problem: problem.path))
    if reader.repeated:
        raise ValidationError(reader.repeated)
    if start:  # spans count from the stream's start, as seek does
        layout.spans[:] = array("q", (offset + start for offset in layout.spans))
    return layout


def read_spans(stream: IO[bytes], spans: Sequence[int]) -> Iterator[bytes]:
    """Yield the text of each record :func:`scan` found, in order."""
    for index in range(0, len(spans), 2):
        start, end = spans[index], spans[index + 1]
        stream.seek(start)
        yield stream.read(end - start)
