"""Assertions for users' tests: a document is valid, a conversion gives what is expected.

Each raises :class:`AssertionError` with a message a test report shows as it is:
each problem at its JSONPath, in the vendor's own keys, with what was expected
and what was found. They need neither pytest nor hypothesis.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import Any

from refundmap.conversion import Conversion, convert
from refundmap.formats import Format, FormatName
from refundmap.gate import FailKind
from refundmap.report import (
    Entry,
    MappingError,
    RefundmapError,
    ValidationError,
    describe,
    format_path,
)
from refundmap.validation import decode, validate

__all__ = ["assert_converts", "assert_valid"]

#: How many differences a failed comparison lists.
_SHOWN = 20


def _failed(what: str, error: RefundmapError) -> AssertionError:
    lines = [f"  {problem}" for problem in error.problems]
    return AssertionError("\n".join([what, *lines]))


def assert_valid(
    document: Any,
    format: FormatName | Format,  # noqa: A002 - as for refundmap.validate
    *,
    strict: bool = False,
    fail_on: Collection[FailKind] | str | None = None,
) -> tuple[Entry, ...]:
    """Assert that ``document`` is a valid document of ``format``; return its report.

    Args:
        document: JSON text or decoded JSON, as for :func:`refundmap.validate`.
        format: the format's name.
        strict: validate strictly.
        fail_on: report kinds that fail it too (``"warning"``: any warning).

    Raises:
        AssertionError: naming each problem at its JSONPath.
    """
    __tracebackhide__ = True  # pytest shows the failure at the caller's line
    try:
        return validate(document, format, strict=strict, fail_on=fail_on)
    except ValidationError as exc:
        name = format if isinstance(format, str) else format.name
        raise _failed(f"not a valid {name} document:", exc) from None


def _differences(expected: Any, found: Any, path: tuple[str | int, ...]) -> Iterator[str]:
    """Yield ``$.path: expected X, found Y`` for each place the two JSON values differ."""
    where = format_path(path)
    if type(expected) is dict and type(found) is dict:
        for key in expected:
            if key not in found:
                wanted = describe(expected[key])
                yield f"{format_path((*path, key))}: expected {wanted}, found no key"
            else:
                yield from _differences(expected[key], found[key], (*path, key))
        for key in found:
            if key not in expected:
                yield f"{format_path((*path, key))}: expected no key, found {describe(found[key])}"
        return
    if type(expected) is list and type(found) is list:
        for index, (want, got) in enumerate(zip(expected, found, strict=False)):
            yield from _differences(want, got, (*path, index))
        if len(expected) != len(found):
            yield f"{where}: expected {len(expected)} items, found {len(found)}"
        return
    same_kind = type(expected) is type(found) or (
        isinstance(expected, Decimal) and isinstance(found, Decimal)
    )
    if not same_kind or expected != found:
        yield f"{where}: expected {describe(expected)}, found {describe(found)}"


def assert_converts(
    document: Any,
    source: FormatName | Format,
    target: FormatName | Format,
    expected: Any = None,
    *,
    fail_on: Collection[FailKind] | str | None = None,
    **options: Any,
) -> Conversion:
    """Assert that ``document`` converts from ``source`` to ``target`` (as ``expected``).

    Args:
        document: JSON text or decoded JSON.
        source: its format.
        target: the format to write.
        expected: the output expected (JSON text or decoded JSON), compared
            value by value, amounts as numbers (``12.5`` is ``12.50``); None:
            any output.
        fail_on: report kinds that fail the assertion, as for :func:`refundmap.convert`.
        **options: the other keywords of :func:`refundmap.convert` (``directory``, ...).

    Raises:
        AssertionError: naming each problem, or each difference from
            ``expected`` (the first 20), at its JSONPath in the output.
    """
    __tracebackhide__ = True
    try:
        done = convert(document, source, target, fail_on=fail_on, **options)
    except (ValidationError, MappingError) as exc:
        raise _failed("the conversion failed:", exc) from None
    if expected is not None:
        differences = list(_differences(decode(expected), done.output, ()))
        if differences:
            shown = [f"  {line}" for line in differences[:_SHOWN]]
            if len(differences) > _SHOWN:
                shown.append(f"  ... and {len(differences) - _SHOWN} more")
            count = len(differences)
            head = f"the output differs from the expected in {count} place{'s' * (count != 1)}:"
            raise AssertionError("\n".join([head, *shown]))
    return done
