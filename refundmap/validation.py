"""Loading a document of a format: decode, detect its shape, structure, check."""

from __future__ import annotations

from decimal import localcontext
from functools import cache
from typing import Any

import attrs

from refundmap import jsonio
from refundmap.codec import Codec
from refundmap.formats import FORMATS, Format, Shape, get_format
from refundmap.money import EXACT
from refundmap.report import (
    Entry,
    Kind,
    Path,
    Problem,
    ValidationError,
    describe,
    format_path,
)

__all__ = ["Loaded", "Part", "codec_for", "decode", "load", "validate"]


@cache
def codec_for(fmt: Format, *, strict: bool) -> Codec:
    """Return the converter of ``fmt`` in the given mode, built once."""
    return Codec(fmt.naming, strict=strict)


@attrs.frozen
class Part:
    """One JSON object of a document: where it sits, its shape, its model."""

    path: Path
    shape: Shape
    model: Any


@attrs.frozen
class Loaded:
    """A valid document: its parts (several for a JSON array) and its report."""

    format: Format
    parts: tuple[Part, ...]
    is_array: bool
    report: tuple[Entry, ...]
    #: The paths of keys the format does not know (left out; warnings in the report).
    unknown: tuple[str, ...] = ()


def decode(document: Any) -> Any:
    """Return decoded JSON with exact decimals from JSON text or decoded data.

    Raises:
        ValidationError: for text that is not JSON, or data that is not JSON.
    """
    if isinstance(document, str | bytes | bytearray):
        return jsonio.loads(document)
    return jsonio.normalize(document)


@cache
def _vocabulary(fmt: Format) -> frozenset[str]:
    """Return the keys of ``fmt``'s record and envelope models."""
    codec = codec_for(fmt, strict=False)
    models = [fmt.record, *(shape.model for shape in fmt.envelopes)]
    return frozenset(key for model in models for key in codec.keys(model).values())


def _foreign_hint(raw: dict[str, Any], fmt: Format) -> str | None:
    """Name the other vendor's format when ``raw`` is plainly one of its documents."""
    own = len(_vocabulary(fmt).intersection(raw))
    for other in FORMATS.values():
        if other is fmt:
            continue
        for shape in other.envelopes:
            if shape.marker in raw and shape.marker not in _vocabulary(fmt):
                return f"this is a {other.name} {shape.name} document, not {fmt.name}"
        if (
            other.naming is not fmt.naming
            and len(_vocabulary(other).intersection(raw)) > max(own, 1) * 2
        ):
            return f"this looks like a {other.name} document, not {fmt.name}"
    return None


def load(document: Any, fmt: str | Format, *, strict: bool = False) -> Loaded:
    """Decode and validate ``document`` as ``fmt``.

    Raises:
        ValidationError: listing every problem found, each with its path.
    """
    with localcontext(EXACT):  # whatever decimal context the caller set
        return _load(document, get_format(fmt), strict=strict)


def _load(document: Any, fmt: Format, *, strict: bool) -> Loaded:
    raw = decode(document)
    codec = codec_for(fmt, strict=strict)
    is_array = type(raw) is list
    items: list[tuple[Path, Any]] = (
        [((index,), item) for index, item in enumerate(raw)] if is_array else [((), raw)]
    )
    problems: list[Problem] = []
    warnings: list[Entry] = []
    unknown_paths: list[str] = []
    parts: list[Part] = []
    for path, item in items:
        if type(item) is not dict:
            expected = "an object" if is_array else "a JSON object or array"
            problems.append(
                Problem(format_path(path), f"expected {expected}, got {describe(item)}")
            )
            continue
        hint = _foreign_hint(item, fmt)
        if hint is not None:
            problems.append(Problem(format_path(path), hint))
            continue
        shape = fmt.shape_of(item)
        model, found, unknown = codec.structure(item, shape.model, path)
        problems.extend(found)
        if unknown:
            located = jsonio.locate(item, {id(obj) for obj, _ in unknown})
            found_paths = [
                format_path((*path, *where, key))
                for obj, keys in unknown
                for where in located.get(id(obj), [()])
                for key in keys
            ]
            unknown_paths.extend(found_paths)
            message = f"unknown key: not part of the {fmt.name} format; left out"
            warnings.extend(Entry(Kind.WARNING, where, None, message) for where in found_paths)
        if model is None:
            continue
        parts.append(Part(path, shape, model))
        for record_path, record in fmt.records(model, shape, path):
            for where, message in fmt.check(record, record_path):
                if strict:
                    problems.append(Problem(format_path(where), message))
                else:
                    warnings.append(Entry(Kind.WARNING, format_path(where), None, message))
    if problems:
        raise ValidationError(problems)
    return Loaded(fmt, tuple(parts), is_array, tuple(warnings), tuple(unknown_paths))


def validate(document: Any, format: str | Format, *, strict: bool = False) -> tuple[Entry, ...]:  # noqa: A002 - the documented keyword
    """Validate ``document`` as a document of ``format``.

    Args:
        document: JSON text (``str`` or ``bytes``, parsed with exact decimals)
            or decoded JSON (a dict or list; floats are taken as their shortest
            repr). The shape (bare object, envelope, array) is detected.
        format: a format name such as ``"rutter"`` or ``"railz"``.
        strict: refuse numeric strings, unknown keys and totals that do not
            add up, instead of reporting them as warnings.

    Returns:
        The report: warnings for unknown keys and failed checks.

    Raises:
        ValidationError: listing every problem found, each with its JSONPath.
        ValueError: for an unknown format name.
    """
    return load(document, format, strict=strict).report
