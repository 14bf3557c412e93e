"""Report entries, problems, the public errors.

``format_path``, ``general_path`` and ``Path`` (now ``JSONPath``) live in
:mod:`refundmap.paths`; they are re-exported here for the callers of before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, get_type_hints

import attrs

from refundmap.paths import JSONPath, format_path, general_path

__all__ = [
    "Entry",
    "Kind",
    "MappingError",
    "ParameterTypeError",
    "Path",
    "Problem",
    "RefundmapError",
    "UsageError",
    "ValidationError",
    "ValueRuleError",
    "describe",
    "format_path",
    "general_path",
    "printable",
]

#: Deprecated: the name of :data:`refundmap.paths.JSONPath` before it moved (it
#: shadowed ``pathlib.Path``); kept for a release.
Path = JSONPath


# Characters that move the cursor, end a line or recolour a terminal (C0, DEL, C1),
# and those that reorder what is shown (line and paragraph separators, bidi controls).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """Return ``text`` safe to print as one line: control characters as JSON escapes.

    A key or value holding a newline, a carriage return or an escape sequence
    would otherwise add a forged problem line or rewrite the terminal.
    """
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: _SHORT.get(m[0]) or f"\\u{ord(m[0]):04x}", text)


def describe(value: object) -> str:
    """Return ``value`` as a user would see it in JSON, shortened if long."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Decimal):
        text = str(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return repr(value)


class ValueRuleError(ValueError):
    """A JSON value broke a value rule; the message says what was expected and found."""


class Kind(StrEnum):
    """What a report entry says about a value."""

    #: A non-null business value the target has no field for.
    DROPPED = "dropped"
    #: Vendor bookkeeping with no meaning outside that vendor.
    OMITTED = "omitted"
    #: A target value computed from source values.
    DERIVED = "derived"
    #: A target value the source does not hold (a generated id, the time).
    SYNTHESIZED = "synthesized"
    #: A failed check, an unknown key, a total that changes.
    WARNING = "warning"


class Entry(NamedTuple):
    """One line of a report: what happened to the value at ``source_path``.

    A named tuple rather than an attrs class: a conversion makes one for every
    value not carried over one to one, and a tuple is the cheapest immutable
    record to make (bench/run.py).
    """

    kind: Kind
    source_path: str
    target_path: str | None
    message: str

    def to_dict(self) -> dict[str, str | None]:
        """Return the entry as JSON-ready data."""
        return {
            "kind": str(self.kind),
            "source_path": self.source_path,
            "target_path": self.target_path,
            "message": self.message,
        }


# The tuple's __new__ lives in a namespace of its own, where the postponed
# annotation "Kind" names nothing: give it the types (pdoc, inspect read them).
Entry.__new__.__annotations__ = get_type_hints(Entry)


@attrs.frozen
class Problem:
    """One reason a document was refused: where, and what was wrong there."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """Return the problem as JSON-ready data."""
        return {"path": self.path, "message": self.message}


class RefundmapError(Exception):
    """Base of the errors refundmap raises for documents it cannot accept.

    Attributes:
        problems: every problem found, each with its path.
        source: the file or document the paths are in, when it is known
            (a ``--refs`` file, say); None for the document being converted.
    """

    problems: tuple[Problem, ...]
    source: str | None

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(self._summary())

    def __reduce__(self) -> tuple[type[RefundmapError], tuple[tuple[Problem, ...], str | None]]:
        # Exception pickles its args (the summary text); rebuild from the problems instead.
        return type(self), (self.problems, self.source)

    def _summary(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        if self.source is not None:
            head = f"{self.source}: {head}"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class ValidationError(RefundmapError):
    """The input is not a valid document of its format.

    ``problems`` lists every problem found, each with its JSONPath.
    """


class MappingError(RefundmapError):
    """The input is valid but the target format cannot hold it as asked.

    ``problems`` lists every problem, each with its path in the source document.
    """


class UsageError(RefundmapError, ValueError):
    """A call refundmap cannot serve as asked: an unknown format or pair, a bad option.

    Also a :class:`ValueError`, as these errors were before. ``problems`` holds
    one problem whose path is the parameter's name (``connection_uuid``).
    """

    @classmethod
    def of(cls, parameter: str, message: str) -> UsageError:
        """Return the error for ``parameter`` (its name), saying ``message``."""
        return cls([Problem(parameter, message)])

    def _summary(self) -> str:
        return "; ".join(problem.message for problem in self.problems)


class ParameterTypeError(UsageError, TypeError):
    """A parameter of the wrong type (also a :class:`TypeError`)."""
