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
import tempfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from json.encoder import encode_basestring
from typing import Any, Self

from refundmap.money import format_amount
from refundmap.report import Path, Problem, ValidationError, describe, format_path

__all__ = ["AtomicFile", "dumps", "loads", "locate", "normalize"]

_BOM = "\ufeff"
#: Numbers whose exponent is beyond this are refused: ``1e999999999`` would be
#: written out as a billion digits.
MAX_EXPONENT = 1000
_SURROGATE = re.compile("[\ud800-\udfff]")


def _exact(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:  # an exponent beyond what Decimal can hold at all
        number = Decimal("Infinity")
    if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(f"the number {shown} is beyond 10^\u00b1{MAX_EXPONENT}")
    return number


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


def loads(text: str | bytes | bytearray) -> Any:
    """Parse JSON text exactly.

    Args:
        text: the document; bytes must be UTF-8 (a byte order mark is skipped).

    Returns:
        Decoded JSON with every number as a ``Decimal``.

    Raises:
        ValidationError: for text that is not JSON, not UTF-8, or that repeats
            a key within one object (each repeat listed with its path).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                [Problem("$", f"not UTF-8 text: byte {exc.start} is {text[exc.start]:#04x}")]
            ) from None
    text = text.removeprefix(_BOM)
    repeated: list[tuple[dict[str, Any], str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    repeated.append((obj, key))
                seen.add(key)
        return obj

    try:
        value = json.loads(
            text,
            parse_float=_exact,
            parse_int=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=pairs,
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        reason = exc.msg.removesuffix(" at")  # the stdlib ends some messages so
        raise ValidationError([Problem("$", f"invalid JSON at {where}: {reason}")]) from None
    except ValueError as exc:
        raise ValidationError([Problem("$", f"invalid JSON: {exc}")]) from None
    except RecursionError:
        raise ValidationError([Problem("$", "invalid JSON: nested too deeply")]) from None
    # A lone surrogate can only come from a \\ud... escape or a str that holds one.
    if ("\\ud" in text or "\\uD" in text or _has_surrogate(text)) and (
        problems := _surrogates(value)
    ):
        raise ValidationError(problems)
    if repeated:
        paths = locate(value, {id(obj) for obj, _ in repeated})
        raise ValidationError(
            [
                Problem(
                    format_path((*path, key)),
                    "key repeated within one object: which value is meant cannot be told",
                )
                for obj, key in repeated
                for path in paths.get(id(obj), [()])
            ]
        )
    return value


def normalize(value: Any) -> Any:
    """Return already-decoded JSON with floats as exact decimals.

    A float becomes the ``Decimal`` of its shortest ``repr``, which is the
    number as its JSON text had it. Containers are copied; the input is not
    changed.

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
        if kind is dict:
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
        if kind is list or kind is tuple:
            return [walk(item, (*path, index)) for index, item in enumerate(node)]
        if kind is str and _has_surrogate(node):
            problems.append(Problem(format_path(path), _SURROGATE_MESSAGE))
            return node
        if node is None or kind in (str, bool, int, Decimal):
            return node
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


def _chunks(value: Any, indent: str | None, level: int) -> Iterator[str]:
    kind = type(value)
    if kind is str:
        yield encode_basestring(value)
    elif value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif kind is Decimal:
        yield format_amount(value)
    elif kind is int:
        yield str(value)
    elif kind is float:
        yield format_amount(Decimal(repr(value)))
    elif kind is dict:
        if not value:
            yield "{}"
            return
        inner, outer, sep, colon = _layout(indent, level)
        yield "{" + inner
        first = True
        for key, item in value.items():
            if not first:
                yield sep
            first = False
            yield encode_basestring(key) + colon
            yield from _chunks(item, indent, level + 1)
        yield outer + "}"
    elif kind is list or kind is tuple:
        if not value:
            yield "[]"
            return
        inner, outer, sep, _ = _layout(indent, level)
        yield "[" + inner
        for index, item in enumerate(value):
            if index:
                yield sep
            yield from _chunks(item, indent, level + 1)
        yield outer + "]"
    else:
        raise TypeError(f"not JSON-ready: {describe(value)} ({type(value).__name__})")


def _layout(indent: str | None, level: int) -> tuple[str, str, str, str]:
    if indent is None:
        return "", "", ",", ":"
    inner = "\n" + indent * (level + 1)
    return inner, "\n" + indent * level, "," + inner, ": "


def dumps(value: Any, indent: int | None = None) -> str:
    """Return JSON text for JSON-ready ``value``, decimals written exactly.

    Args:
        value: dicts, lists, strings, ``Decimal``, ``int``, booleans and None.
        indent: spaces per level; None writes one compact line.
    """
    return "".join(_chunks(value, None if indent is None else " " * indent, 0))


class AtomicFile:
    """A text file written beside its destination and put in place only on commit.

    Until :meth:`commit`, the destination keeps whatever it held; :meth:`discard`
    (or leaving the ``with`` block without committing) removes the partial file.
    """

    def __init__(self, destination: str | os.PathLike[str]) -> None:
        self.destination = pathlib.Path(destination)
        fd, name = tempfile.mkstemp(
            dir=self.destination.parent, prefix=f".{self.destination.name}.", suffix=".part"
        )
        self._temp = pathlib.Path(name)
        self.stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def commit(self) -> None:
        """Put the written file in place of the destination."""
        self.stream.close()
        self._temp.replace(self.destination)

    def discard(self) -> None:
        """Remove the partial file; the destination is left as it was."""
        self.stream.close()
        with contextlib.suppress(FileNotFoundError):
            self._temp.unlink()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._temp.exists():
            self.discard()
