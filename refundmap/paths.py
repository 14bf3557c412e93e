"""JSONPath: a location in a JSON document, as steps and as text, and moving it.

One room for the fact: the text form (``$.lines[0].id``, ``$['odd key']``),
reading it back, its general form (``$.lines[*].id``), and re-rooting a path
between a document and a document made of part of it (one record of a page, a
run of a page's records).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "JSONPath",
    "format_path",
    "general_path",
    "index",
    "parse",
    "rebase",
    "shift",
    "value_at",
]

#: A location in a JSON document: object keys and array indexes, root first.
JSONPath = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\['((?:[^'\\]|\\.)*)'\]")
_UNESCAPE = re.compile(r"\\(.)")
_INDEX = re.compile(r"\[[0-9]+\]")


def format_path(path: Iterable[str | int]) -> str:
    """Return ``path`` as JSONPath with the vendor's keys, e.g. ``$.lines[0].id``.

    Keys that are not plain identifiers are quoted: ``$['odd key']``.
    """
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENTIFIER.fullmatch(step):
            parts.append(f".{step}")
        else:
            escaped = step.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def parse(text: str) -> JSONPath | None:
    """Return the steps of JSONPath ``text``: :func:`format_path` undone.

    ``$.data[0].accountRef.id`` -> ``("data", 0, "accountRef", "id")``, quoted keys
    unquoted. Returns None for text :func:`format_path` does not write (``$[*]``).
    """
    if not text.startswith("$"):
        return None
    steps: list[str | int] = []
    at = 1
    while at < len(text):
        match = _STEP.match(text, at)
        if match is None:
            return None
        key, number, quoted = match.groups()
        if key is not None:
            steps.append(key)
        elif number is not None:
            steps.append(int(number))
        else:
            steps.append(_UNESCAPE.sub(r"\1", quoted))
        at = match.end()
    return tuple(steps)


def value_at(document: Any, path: str) -> Any:
    """Return the value at ``path`` (``$[1].data[3]``) in decoded ``document``.

    Raises:
        LookupError: there is no such value (a KeyError or an IndexError).
        ValueError: ``path`` is not JSONPath as :func:`format_path` writes it.
    """
    steps = parse(path)
    if steps is None:
        raise ValueError(f"not a JSONPath refundmap writes: {path!r}")
    value = document
    for step in steps:
        value = value[step]
    return value


def general_path(path: str) -> str:
    """``$.data[3].lines[0].subTotal`` -> ``$.data[*].lines[*].subTotal``: one row a field."""
    return _INDEX.sub("[*]", path)


def rebase(path: str, old: str, new: str) -> str | None:
    """Return ``path`` moved from under ``old`` to under ``new``; None where not under ``old``.

    ``rebase("$.data[0].lines[1]", "$.data[0]", "$[2].data[7]")`` is
    ``"$[2].data[7].lines[1]"``. ``$.data[10]`` is not under ``$.data[1]``.
    """
    if not path.startswith(old):
        return None
    rest = path[len(old) :]
    if rest and rest[0] not in ".[":
        return None
    return new + rest


def index(path: str, prefix: str) -> int:
    """Return the index just after ``prefix`` (``$.data[``) that ``path`` starts with."""
    start = len(prefix)
    return int(path[start : path.find("]", start)])


def shift(path: str, prefix: str, by: int) -> str:
    """``$.data[12].x`` under ``$.data[`` shifted ``by`` 3 -> ``$.data[15].x``; others as is."""
    if not by or not path.startswith(prefix):
        return path
    end = path.find("]", len(prefix))
    return f"{prefix}{int(path[len(prefix) : end]) + by}{path[end:]}"
