"""Reading JSON exactly and writing it back.

Every JSON number becomes a :class:`decimal.Decimal` holding the digits as
written; ``NaN`` and ``Infinity`` are refused, and so is a key repeated within
one object, since which of two amounts is meant cannot be guessed. The writer
prints decimals as plain JSON numbers (``1E+2`` as ``100``; ``1.10`` stays
``1.10``) and never uses exponent notation.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import pathlib
import re
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from json.encoder import encode_basestring
from typing import Any, Self, TypeAlias

from refundmap import cjson
from refundmap.money import format_amount
from refundmap.report import Path, Problem, ValidationError, describe, format_path

__all__ = [
    "AtomicFile",
    "JSONValue",
    "dumps",
    "loads",
    "loads_detailed",
    "locate",
    "normalize",
    "write",
    "write_utf8",
]

#: A JSON value as refundmap reads and writes it: numbers as ``Decimal`` (or
#: ``int``), objects as ``dict``, arrays as ``list``.
JSONValue: TypeAlias = (
    dict[str, "JSONValue"] | list["JSONValue"] | str | Decimal | int | bool | None
)

_BOM = "\ufeff"
#: Numbers whose exponent is beyond this are refused where no typed field bounds
#: them (in opaque JSON such as ``platform_data``): ``1e999999999`` would be
#: written out as a billion digits.
MAX_EXPONENT = 1000
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_numbers(value: Any) -> str | None:
    """Return where in ``value`` a number lies beyond 10^±1000 (``[2].a``), or None."""
    stack: list[tuple[Any, Path]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        kind = type(node)
        if kind is Decimal:
            if not node.is_finite() or abs(node.adjusted()) > MAX_EXPONENT:
                return format_path(path)[1:] or "itself"
        elif kind is dict:
            stack.extend((item, (*path, key)) for key, item in node.items())
        elif kind is list:
            stack.extend((item, (*path, index)) for index, item in enumerate(node))
    return None


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _surrogates(root: Any) -> list[Problem]:
    """Return a problem for every string or key holding a lone UTF-16 surrogate."""
    problems: list[Problem] = []
    stack: list[tuple[Any, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if type(node) is str:
            if _has_surrogate(node):
                problems.append(Problem(format_path(path), _SURROGATE_MESSAGE))
        elif type(node) is dict:
            for key, item in node.items():
                if _has_surrogate(key):
                    problems.append(Problem(format_path(path), f"a key {_SURROGATE_MESSAGE}"))
                stack.append((item, (*path, key)))
        elif type(node) is list:
            stack.extend((item, (*path, index)) for index, item in enumerate(node))
    return sorted(problems, key=lambda p: p.path)


_SURROGATE_MESSAGE = "holds a lone UTF-16 surrogate (such as \\ud800), which is not text"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _decode_error(exc: json.JSONDecodeError) -> str:
    """Say what is wrong with text that is not JSON, and where."""
    if not exc.doc.strip():
        return "the document is empty"
    return syntax_error(exc.msg, exc.lineno, exc.colno)


def syntax_error(message: str, line: int, column: int) -> str:
    """Say what the stdlib's parser found wrong (``message``) at a line and column."""
    reason = message.removesuffix(" at")  # the stdlib ends some messages so
    if reason == "Extra data":
        reason = (
            "Extra data: a second JSON value after the first (JSON Lines? read each line"
            " as a document: --jsonl, or a .jsonl or .ndjson file name)"
        )
    return f"invalid JSON at line {line} column {column}: {reason}"


#: Why a key repeated within one object is refused.
REPEATED_KEY = "key repeated within one object: which value is meant cannot be told"


class Repeats:
    """The ``object_pairs_hook`` that notes each key repeated within one object."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: list[tuple[dict[str, Any], str]] = []

    def __call__(self, items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    self.found.append((obj, key))
                seen.add(key)
        return obj

    def problems(self, value: Any, prefix: Path = ()) -> list[Problem]:
        """Return a problem for each repeat noted, with its path in ``value`` (under ``prefix``)."""
        paths = locate(value, {id(obj) for obj, _ in self.found})
        return [
            Problem(format_path((*prefix, *path, key)), REPEATED_KEY)
            for obj, key in self.found
            for path in paths.get(id(obj), [()])
        ]


def decoder(repeats: Repeats) -> json.JSONDecoder:
    """Return the stdlib decoder with refundmap's rules: exact numbers, no NaN, repeats noted."""
    return json.JSONDecoder(
        parse_float=Decimal,
        parse_int=Decimal,
        parse_constant=_refuse_constant,
        object_pairs_hook=repeats,
    )


def surrogate_problems(value: Any, prefix: Path = ()) -> list[Problem]:
    """Return a problem for every string or key of ``value`` holding a lone UTF-16 surrogate."""
    return [Problem(format_path(prefix) + p.path[1:], p.message) for p in _surrogates(value)]


def loads(text: str | bytes | bytearray) -> Any:
    """Parse JSON text exactly: jiter in C, or :func:`loads_detailed` for what it refuses.

    Args:
        text: the document; bytes must be UTF-8 (a byte order mark is skipped).

    Returns:
        Decoded JSON with every number as a ``Decimal``.

    Raises:
        ValidationError: for text that is not JSON, not UTF-8, or that repeats
            a key within one object (each repeat listed with its path).
    """
    try:
        return cjson.read(text)
    except cjson.RefusedError:
        return loads_detailed(text)  # the same value, or the problem named with its path


def loads_detailed(text: str | bytes | bytearray) -> Any:
    """Parse JSON text exactly, in Python: what :func:`loads` does, naming every problem.

    Args:
        text: the document; bytes must be UTF-8 (a byte order mark is skipped).

    Returns:
        Decoded JSON with every number as a ``Decimal``.

    Raises:
        ValidationError: for text that is not JSON, not UTF-8, or that repeats
            a key within one object (each repeat listed with its path).
    """
    # Text decoded from UTF-8 holds no raw surrogate (the decoder refuses them);
    # a str may, and encoding it finds one in C.
    raw_surrogate = False
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                [Problem("$", f"not UTF-8 text: byte {exc.start} is {text[exc.start]:#04x}")]
            ) from None
    elif not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raw_surrogate = True
    text = text.removeprefix(_BOM)
    repeats = Repeats()
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=repeats,
        )
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem("$", _decode_error(exc))]) from None
    except ValueError as exc:
        raise ValidationError([Problem("$", f"invalid JSON: {exc}")]) from None
    except InvalidOperation:  # a number whose exponent Decimal cannot hold at all
        raise ValidationError([Problem("$", BEYOND)]) from None
    except RecursionError:
        raise ValidationError([Problem("$", NESTED)]) from None
    # A lone surrogate can only come from a \\ud... escape or a str that holds one.
    if (raw_surrogate or "\\ud" in text or "\\uD" in text) and (problems := _surrogates(value)):
        raise ValidationError(problems)
    if repeats.found:
        raise ValidationError(repeats.problems(value))
    return value


#: What :func:`loads` says of a number beyond what ``Decimal`` holds, and of deep nesting.
BEYOND = f"invalid JSON: a number is beyond 10^\u00b1{MAX_EXPONENT}"
NESTED = "invalid JSON: nested too deeply"


def normalize(value: Any) -> Any:
    """Return already-decoded JSON with numbers as exact decimals, as :func:`loads` gives them.

    A float becomes the ``Decimal`` of its shortest ``repr``, which is the
    number as its JSON text had it; an int becomes its ``Decimal``, so that
    decoded input meets the same bounds as text. Any ``Mapping`` is an object
    and any ``Sequence`` other than text an array (an ``OrderedDict``, a
    tuple). Containers are copied; the input is not changed.

    Raises:
        ValidationError: for NaN or infinite floats, non-string keys, and
            values that are not JSON (every one listed with its path).
    """
    problems: list[Problem] = []

    def walk(node: Any, path: Path) -> Any:
        kind = type(node)
        if kind is float:
            if not math.isfinite(node):
                problems.append(Problem(format_path(path), f"{node!r} is not a JSON number"))
                return node
            return Decimal(repr(node))
        if kind is int:
            return Decimal(node)  # what JSON text gives (loads' parse_int)
        if kind is dict or (kind is not str and isinstance(node, Mapping)):
            out: dict[str, Any] = {}
            for key, item in node.items():
                if not isinstance(key, str):
                    problems.append(
                        Problem(format_path(path), f"object key {key!r} is not a string")
                    )
                    continue
                if _has_surrogate(key):
                    problems.append(Problem(format_path(path), f"a key {_SURROGATE_MESSAGE}"))
                    continue
                out[key] = walk(item, (*path, key))
            return out
        if (
            kind is list
            or kind is tuple
            or (isinstance(node, Sequence) and not isinstance(node, str | bytes | bytearray))
        ):
            return [walk(item, (*path, index)) for index, item in enumerate(node)]
        if kind is str and _has_surrogate(node):
            problems.append(Problem(format_path(path), _SURROGATE_MESSAGE))
            return node
        if node is None or kind in (str, bool, Decimal):
            return node
        if isinstance(node, str):  # a str subclass: its text
            return str(node)
        problems.append(Problem(format_path(path), f"not a JSON value: {type(node).__name__}"))
        return node

    try:
        result = walk(value, ())
    except RecursionError:
        raise ValidationError([Problem("$", "nested too deeply")]) from None
    if problems:
        raise ValidationError(problems)
    return result


def locate(root: Any, targets: set[int]) -> dict[int, list[Path]]:
    """Return the paths at which the containers whose ``id`` is in ``targets`` sit.

    Used only on the rare path (a repeated or unknown key was seen), so the
    common path never walks a document twice.
    """
    found: dict[int, list[Path]] = {}
    stack: list[tuple[Any, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in targets:
            found.setdefault(id(node), []).append(path)
        if type(node) is dict:
            stack.extend((item, (*path, key)) for key, item in node.items())
        elif type(node) is list:
            stack.extend((item, (*path, index)) for index, item in enumerate(node))
    return found


def _write(value: Any, append: Callable[[str], object]) -> None:  # noqa: C901, PLR0912 - one flat dispatch, scalars inlined for speed (bench/run.py)
    """Append the compact JSON text of ``value``; the common scalars are inlined."""
    kind = type(value)
    if kind is dict:
        if not value:
            append("{}")
            return
        separator = "{"
        for key, item in value.items():
            item_kind = type(item)
            if item_kind is str:
                append(f"{separator}{encode_basestring(key)}:{encode_basestring(item)}")
            elif item_kind is Decimal:
                append(f"{separator}{encode_basestring(key)}:{format_amount(item)}")
            elif item is None:
                append(f"{separator}{encode_basestring(key)}:null")
            else:
                append(f"{separator}{encode_basestring(key)}:")
                _write(item, append)
            separator = ","
        append("}")
    elif kind is list or kind is tuple:
        if not value:
            append("[]")
            return
        separator = "["
        for item in value:
            append(separator)
            _write(item, append)
            separator = ","
        append("]")
    elif kind is str:
        append(encode_basestring(value))
    elif kind is Decimal:
        append(format_amount(value))
    elif value is None:
        append("null")
    elif value is True:
        append("true")
    elif value is False:
        append("false")
    elif kind is int:
        append(str(value))
    elif kind is float:
        append(format_amount(Decimal(repr(value))))
    else:
        raise TypeError(f"not JSON-ready: {describe(value)} ({type(value).__name__})")


def _write_indented(value: Any, append: Callable[[str], object], indent: str, level: int) -> None:
    kind = type(value)
    if (kind is dict or kind is list or kind is tuple) and value:
        inner = "\n" + indent * (level + 1)
        if kind is dict:
            append("{")
            for index, (key, item) in enumerate(value.items()):
                append(("," if index else "") + inner + encode_basestring(key) + ": ")
                _write_indented(item, append, indent, level + 1)
        else:
            append("[")
            for index, item in enumerate(value):
                append(("," if index else "") + inner)
                _write_indented(item, append, indent, level + 1)
        append("\n" + indent * level + ("}" if kind is dict else "]"))
    else:
        _write(value, append)


def _write_deep(value: Any, append: Callable[[str], object], indent: str | None) -> None:
    """Append the text :func:`_write` (or :func:`_write_indented`) would, with a stack of its own.

    For a document nested deeper than the caller's stack leaves room for.
    """
    # Entries: (text to append, None, 0), or (None, value to write, its level).
    stack: list[tuple[str | None, Any, int]] = [(None, value, 0)]
    while stack:
        text, node, level = stack.pop()
        if text is not None:
            append(text)
            continue
        kind = type(node)
        if not ((kind is dict or kind is list or kind is tuple) and node):
            _write(node, append)  # a scalar or an empty container: no recursion
            continue
        pairs = list(node.items()) if kind is dict else [(None, item) for item in node]
        inner = "" if indent is None else "\n" + indent * (level + 1)
        close = "}" if kind is dict else "]"
        todo: list[tuple[str | None, Any, int]] = [("{" if kind is dict else "[", None, 0)]
        for index, (key, item) in enumerate(pairs):
            head = ("," if index else "") + inner
            if key is not None:
                head += encode_basestring(key) + (":" if indent is None else ": ")
            todo.extend(((head, None, 0), (None, item, level + 1)))
        todo.append(((close if indent is None else "\n" + indent * level + close), None, 0))
        stack.extend(reversed(todo))


def write(value: Any) -> str:
    """Return the compact text :func:`dumps` gives ``value``, through msgspec where it is the same.

    ``value`` holds no float (numbers are ``Decimal`` or ``int``): what
    :func:`loads`, :func:`normalize` and a conversion give.
    """
    return cjson.write(value) or dumps(value)


def write_utf8(value: Any) -> bytes:
    """Return :func:`write`'s text of ``value`` encoded in UTF-8, for a writer of bytes."""
    return cjson.encode(value) or dumps(value).encode()


def dumps(value: Any, indent: int | None = None) -> str:
    """Return JSON text for JSON-ready ``value``, decimals written exactly.

    Args:
        value: dicts, lists, strings, ``Decimal``, ``int``, booleans and None.
        indent: spaces per level; None writes one compact line.
    """
    parts: list[str] = []
    try:
        if indent is None:
            _write(value, parts.append)
        else:
            _write_indented(value, parts.append, " " * indent, 0)
    except RecursionError:
        # Deeper than the caller's stack allows: the same text, without recursion.
        parts.clear()
        _write_deep(value, parts.append, None if indent is None else " " * indent)
    return "".join(parts)


#: Bytes of the destination's name kept in its temporary file's name.
_TEMP_NAME_ROOM = 200


def _umask() -> int:
    """Return the process's umask (reading it means setting it: set it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicFile:
    """A text file written beside its destination and put in place only on commit.

    Until :meth:`commit`, the destination keeps whatever it held; :meth:`discard`
    (or leaving the ``with`` block without committing) removes the partial file.

    The destination's nature is respected: a symbolic link is written through
    (its target is replaced, the link kept); a file that exists keeps its mode,
    a new one gets the mode the umask gives (as ``open`` would); a destination
    that is not a regular file (a FIFO, a terminal, ``/dev/stdout``) is written
    to directly, never renamed over, and so cannot be rolled back.
    """

    def __init__(self, destination: str | os.PathLike[str]) -> None:
        self.destination = pathlib.Path(destination)
        try:
            found = self.destination.stat()  # through symbolic links
        except FileNotFoundError:
            found = None
        self.streaming = found is not None and not stat.S_ISREG(found.st_mode)
        if self.streaming:
            self._temp = None
            self.stream = self.destination.open("w", encoding="utf-8", newline="\n")
            return
        # A link is written through: the temporary file goes beside its target.
        self.destination = pathlib.Path(os.path.realpath(self.destination))
        # The temporary name adds 15 bytes: a long name (up to the 255 a file
        # system allows) is cut, on a character boundary, to fit.
        short = os.fsencode(self.destination.name)[:_TEMP_NAME_ROOM]
        stem = short.decode("utf-8", errors="ignore")
        fd, name = tempfile.mkstemp(dir=self.destination.parent, prefix=f".{stem}.", suffix=".part")
        self._temp = pathlib.Path(name)
        # mkstemp makes 0600: give the file the mode it had, or the one the umask gives.
        mode = stat.S_IMODE(found.st_mode) if found is not None else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        self.stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def close(self) -> None:
        """Write everything to the disk (flushed and fsynced) and close the file.

        Raises:
            OSError: when the data cannot be written (a full disk, a file too
                large); the destination is still as it was.
        """
        if not self.stream.closed:
            self.stream.flush()
            if self._temp is not None:
                os.fsync(self.stream.fileno())
            self.stream.close()

    def commit(self) -> None:
        """Put the written file in place of the destination (closing it first)."""
        self.close()
        if self._temp is not None:
            self._temp.replace(self.destination)

    def discard(self) -> None:
        """Remove the partial file; the destination is left as it was."""
        with contextlib.suppress(OSError):  # unwritable data is being thrown away anyway
            self.stream.close()
        if self._temp is not None:
            with contextlib.suppress(FileNotFoundError):
                self._temp.unlink()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._temp is None:
            with contextlib.suppress(OSError):
                self.stream.close()
        elif self._temp.exists():
            self.discard()
