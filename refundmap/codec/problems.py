"""cattrs' exception tree as problems: JSONPaths in the vendor's keys, said in words."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, TypeVar, get_args, get_origin

from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from refundmap.codec.converter import KeyRuleError, UnknownKeysError
from refundmap.codec.fields import without_none
from refundmap.report import Path, Problem, ValueRuleError, describe, format_path
from refundmap.values import words

__all__ = ["KeyRuleError", "UnknownKeysError", "expected", "problems"]

T = TypeVar("T")


def expected(type_: Any) -> str:
    """Return what a value of ``type_`` is, in words, for a missing key."""
    type_ = without_none(type_)
    said = words(type_)
    if said is not None:
        return said
    origin: Any = get_origin(type_)
    if origin is Literal:
        return "one of " + ", ".join(describe(value) for value in get_args(type_))
    return "an array" if origin is list else "an object"


def problems(
    exc: BaseException, path: Path, type_: Any, keys: Callable[[type], dict[str, str]]
) -> Iterator[Problem]:
    """Yield cattrs' exception tree ``exc`` as problems at JSONPaths of vendor keys.

    ``keys`` gives a class's ``{attribute name: JSON key}``.
    """
    if isinstance(exc, ClassValidationError):
        names = keys(exc.cl)
        for sub in exc.exceptions:
            note = _note(sub, AttributeValidationNote)
            if note is not None:
                yield from problems(sub, (*path, names[note.name]), note.type, keys)
            elif isinstance(sub, UnknownKeysError):
                for key in sub.keys:
                    yield Problem(format_path((*path, key)), "unknown key")
            elif isinstance(sub, KeyRuleError):
                yield Problem(format_path((*path, sub.key)), str(sub))
            else:
                yield from problems(sub, path, exc.cl, keys)
    elif isinstance(exc, IterableValidationError):
        for sub in exc.exceptions:
            at = _note(sub, IterableValidationNote)
            if at is None:
                yield from problems(sub, path, type_, keys)
            else:
                yield from problems(sub, (*path, at.index), at.type, keys)
    elif isinstance(exc, KeyError):
        yield Problem(format_path(path), f"required key is missing ({expected(type_)})")
    elif isinstance(exc, ValueRuleError):
        yield Problem(format_path(path), str(exc))
    else:
        yield Problem(format_path(path), f"cannot be read: {exc!r}")


def _note(exc: BaseException, kind: type[T]) -> T | None:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, kind):
            return note
    return None
