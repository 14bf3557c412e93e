"""Loading a document of a format: decode, detect its shape, structure, check."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal, localcontext
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import attrs

from refundmap import jsonio
from refundmap.codec import Codec
from refundmap.codec.fields import keys
from refundmap.formats import FORMATS, NOT_REFUNDS, Format, FormatName, Shape, format_of, get_format
from refundmap.gate import FailKind, check_fail_on, failures
from refundmap.money import EXACT
from refundmap.paths import parse
from refundmap.report import (
    Entry,
    Kind,
    Path,
    Problem,
    ValidationError,
    describe,
    format_path,
)

if TYPE_CHECKING:
    from refundmap.profiles import PushOptions

#: The name of a write response's format (:mod:`refundmap.responses`).
ResponseFormatName = Literal["rutter-create-response", "railz-push-response"]

__all__ = ["Decoded", "Loaded", "Part", "codec_for", "decode", "load", "model_data", "validate"]


def codec_for(fmt: Format, *, strict: bool) -> Codec:
    """Return the converter of ``fmt`` in the given mode: ``fmt.codec(strict=strict)``."""
    return fmt.codec(strict=strict)


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
    #: The paths of empty line objects (``{}``): left out of the parts' models.
    empty_lines: tuple[str, ...] = ()

    def source_path(self, path: str) -> str:
        """Return a path in the parts' models as a path in the document.

        The models lack the empty line objects: a later line's index is its
        index among the others.
        """
        return _in_document(path, self.empty_lines) if self.empty_lines else path


#: What refundmap says of an empty line object, in a report and in a strict error.
EMPTY_LINE = "an empty line object, with no field at all; a conversion leaves it out"


def _without_empty_lines(item: dict[str, Any], fmt: Format, path: Path) -> tuple[Any, list[str]]:
    """Return ``item`` less its records' empty line objects, and their paths.

    The copy shares everything but the objects it changes; ``item`` is not changed.
    """
    shape = fmt.shape_of(item)
    key = fmt.lines_key
    if shape.records is None:
        held: Any = [item]
    else:
        held = item.get(fmt.naming(shape.records))
        held = held if shape.many and type(held) is list else [held]
    # Nearly every document has none: found without copying anything.
    if not any(
        type(record) is dict and type(lines := record.get(key)) is list and {} in lines
        for record in held
    ):
        return item, []
    copy_ = dict(item)
    # (the record's path, the object holding it, its key or index there, the record)
    records: list[tuple[Path, Any, Any, Any]] = []
    if shape.records is None:
        records.append((path, None, None, copy_))
    else:
        held_key = fmt.naming(shape.records)
        held = copy_.get(held_key)
        if shape.many and type(held) is list:
            copy_[held_key] = held = list(held)
            records.extend(
                ((*path, held_key, index), held, index, record) for index, record in enumerate(held)
            )
        else:
            records.append(((*path, held_key), copy_, held_key, held))
    found: list[str] = []
    for where, holder, at, record in records:
        lines = record.get(key) if type(record) is dict else None
        if type(lines) is not list or not any(type(x) is dict and not x for x in lines):
            continue
        empty = [index for index, line in enumerate(lines) if type(line) is dict and not line]
        found.extend(format_path((*where, key, index)) for index in empty)
        kept = {**record, key: [line for index, line in enumerate(lines) if index not in empty]}
        if holder is None:
            copy_ = kept
        else:
            holder[at] = kept
    return (copy_ if found else item), found


_INDEXED = re.compile(r"\[([0-9]+)\]")


def _in_document(path: str, empty: Sequence[str]) -> str:
    """Return ``path``, whose line indexes leave out the ``empty`` lines, in the document."""
    for hole in empty:  # in document order: each earlier hole shifts the later indexes
        lines, _, index = hole.rpartition("[")
        if not path.startswith(lines + "["):
            continue
        rest = path[len(lines) :]
        found = _INDEXED.match(rest)
        if found is None:
            continue
        at = int(found.group(1))
        if at >= int(index[:-1]):
            path = f"{lines}[{at + 1}]{rest[found.end() :]}"
    return path


@attrs.frozen
class Decoded:
    """JSON that refundmap has decoded already (a record split from its page): taken as it is."""

    value: Any


def decode(document: Any) -> Any:
    """Return decoded JSON with exact decimals from JSON text or decoded data.

    Raises:
        ValidationError: for text that is not JSON, or data that is not JSON.
    """
    if type(document) is Decoded:
        return document.value
    if isinstance(document, str | bytes | bytearray):
        return jsonio.loads(document)
    if attrs.has(type(document)) or (
        type(document) is list and document and all(attrs.has(type(d)) for d in document)
    ):
        return model_data(document)
    return jsonio.normalize(document)


def model_data(model: Any) -> Any:
    """Return a document model (or a list of them) as the vendor's JSON data, unchecked.

    A value of the wrong type (a string where an amount belongs) is kept as it
    is, for validation to name with its path.

    Raises:
        ParameterTypeError: for an object that is not a document model.
        ValidationError: for a model whose parts are not models where models belong.
    """
    if type(model) is list:
        return [model_data(item) for item in model]
    fmt = format_of(model)
    try:
        return fmt.codec(strict=False).unstructure(model)
    except (AttributeError, TypeError) as exc:  # a dict or a str where a model belongs
        raise ValidationError([Problem("$", f"cannot be written as {fmt.name}: {exc}")]) from None


@cache
def _vocabulary(fmt: Format) -> frozenset[str]:
    """Return the keys of ``fmt``'s record and envelope models."""
    codec = fmt.codec(strict=False)
    models = [fmt.record, *(shape.model for shape in fmt.envelopes)]
    return frozenset(key for model in models for key in codec.keys(model).values())


def _record_keys(fmt: Format) -> frozenset[str]:
    """Return the keys of ``fmt``'s record model."""
    # By the model and the naming: hashing a Format hashes every attribute.
    record: type = fmt.record
    return _model_keys(record, fmt.naming)


@cache
def _model_keys(model: type, naming: Callable[[str], str]) -> frozenset[str]:
    return frozenset(keys(model, naming).values())


def _fits(raw: dict[str, Any], fmt: Format, shape: Shape | None = None) -> bool:
    """Whether every key of ``raw`` is one of ``shape``'s (default: any envelope of ``fmt``)."""
    shapes = [shape] if shape is not None else [s for s in fmt.envelopes if s.marker in raw]
    codec = fmt.codec(strict=False)
    return any(set(raw) <= set(codec.keys(s.model).values()) for s in shapes)


def _foreign_hint(raw: dict[str, Any], fmt: Format) -> str | None:
    """Name what ``raw`` is when it is plainly not a document of ``fmt``."""
    for marker, what in NOT_REFUNDS.items():
        if marker in raw:
            return what
    if fmt.facts.other_version is not None:
        other = FORMATS[fmt.facts.other_version]
        own_key, other_key, own_only = fmt.facts.date_key, other.facts.date_key, fmt.facts.own_keys
        data = raw.get("data")
        record = data[0] if type(data) is list and data and type(data[0]) is dict else raw
        # Only when nothing in it is this version's: else its own problems say more.
        if other_key in record and own_key not in record and not own_only.intersection(record):
            return (
                f"this looks like a {other.name} refund ({other_key}, not {own_key}): validate or"
                f" convert it as {other.name}"
            )
    if fmt.request is not None and not _fits(raw, fmt):
        # A body format given a read response (a Rutter fetch response as rutter-create):
        # name the response whose keys the document has, all of them.
        for other in FORMATS.values():
            if other.request is not None:
                continue
            for shape in other.envelopes:
                if shape.marker in raw and _fits(raw, other, shape):
                    return (
                        f"this is a {other.name} {shape.name} document, not {fmt.name}:"
                        f" convert it to {fmt.name}"
                    )
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


def _numeric_ids(
    item: dict[str, Any], path: Path, found: list[Problem]
) -> dict[str, tuple[Path, str]]:
    """Return the ``id`` keys among ``found`` that hold a JSON integer: JSONPath -> (path, text)."""
    numbers: dict[str, tuple[Path, str]] = {}
    for problem in found:
        if not problem.message.startswith("expected a string, got "):
            continue
        steps = parse(problem.path)
        if steps is None or steps[-1] != "id" or steps[: len(path)] != path:
            continue
        value: Any = item
        for step in steps[len(path) :]:
            value = value[step]
        if type(value) is Decimal and value.as_tuple().exponent == 0:
            numbers[problem.path] = (steps[len(path) :], str(value))
    return numbers


def _read_as_text(numbers: dict[str, tuple[Path, str]]) -> list[Entry]:
    """Return the warning that each numeric id of ``numbers`` was read as its text."""
    return [
        Entry(
            Kind.WARNING, where, None, f'an id sent as the number {text}; read as the text "{text}"'
        )
        for where, (_, text) in numbers.items()
    ]


def _ids_as_text(item: Any, numbers: dict[str, tuple[Path, str]]) -> Any:
    """Return a copy of ``item`` with each numeric id replaced by its text."""
    item = copy.deepcopy(item)
    for steps, text in numbers.values():
        holder = item
        for step in steps[:-1]:
            holder = holder[step]
        holder[steps[-1]] = text
    return item


def load(document: Any, fmt: str | Format, *, strict: bool = False) -> Loaded:
    """Decode and validate ``document`` as ``fmt``.

    Raises:
        ValidationError: listing every problem found, each with its path.
    """
    with localcontext(EXACT):  # whatever decimal context the caller set
        return _load(document, get_format(fmt), strict=strict)


def _load(document: Any, fmt: Format, *, strict: bool) -> Loaded:
    raw = decode(document)
    codec = fmt.codec(strict=strict)
    is_array = type(raw) is list
    items: list[tuple[Path, Any]] = (
        [((index,), item) for index, item in enumerate(raw)] if is_array else [((), raw)]
    )
    problems: list[Problem] = []
    warnings: list[Entry] = []
    unknown_paths: list[str] = []
    empty_lines: list[str] = []
    parts: list[Part] = []
    for path, item in items:
        if type(item) is not dict:
            expected = "an object" if is_array else "a JSON object or array"
            problems.append(
                Problem(format_path(path), f"expected {expected}, got {describe(item)}")
            )
            continue
        # A record of its own keys only is none of what the hint names (and the hint costs).
        hint = None if _record_keys(fmt).issuperset(item) else _foreign_hint(item, fmt)
        if hint is not None:
            problems.append(Problem(format_path(path), hint))
            continue
        shape = fmt.shape_of(item)
        item, empty = _without_empty_lines(item, fmt, path)  # noqa: PLW2901
        empty_lines.extend(empty)
        model, found, unknown = codec.structure(item, shape.model, path)
        if found and fmt.ids_may_be_numbers and (numbers := _numeric_ids(item, path, found)):
            # Real Railz data has sent ids as JSON integers: read as their text.
            if strict:
                found = [
                    Problem(p.path, f"{p.message} (an id sent as a number; refused when strict)")
                    if p.path in numbers
                    else p
                    for p in found
                ]
            else:
                # The fixed copy is what is structured, and searched for unknown keys.
                item = _ids_as_text(item, numbers)  # noqa: PLW2901
                model, found, unknown = codec.structure(item, shape.model, path)
                warnings.extend(_read_as_text(numbers))
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
    if empty_lines:
        problems, warnings, unknown_paths = _with_empty_lines(
            empty_lines, problems, warnings, unknown_paths, strict=strict
        )
    if problems:
        raise ValidationError(problems)
    return Loaded(
        fmt,
        tuple(parts),
        is_array,
        tuple(warnings),
        tuple(unknown_paths),
        tuple(empty_lines),
    )


def _with_empty_lines(
    empty: Sequence[str],
    problems: list[Problem],
    warnings: list[Entry],
    unknown: list[str],
    *,
    strict: bool,
) -> tuple[list[Problem], list[Entry], list[str]]:
    """Return the paths found in the models as paths in the document, and the empty lines."""
    problems = [Problem(_in_document(p.path, empty), p.message) for p in problems]
    warnings = [
        Entry(e.kind, _in_document(e.source_path, empty), None, e.message) for e in warnings
    ]
    unknown = [_in_document(where, empty) for where in unknown]
    if strict:
        problems.extend(Problem(where, EMPTY_LINE) for where in empty)
    else:
        warnings.extend(Entry(Kind.WARNING, where, None, EMPTY_LINE) for where in empty)
    return problems, warnings, unknown


def validate(  # noqa: PLR0913 - the documented keywords
    document: Any,
    format: FormatName | Format | ResponseFormatName,  # noqa: A002 - the documented keyword
    *,
    strict: bool = False,
    fail_on: Collection[FailKind] | str | None = None,
    platform: str | None = None,
    push_options: PushOptions | Mapping[str, Any] | str | os.PathLike[str] | None = None,
) -> tuple[Entry, ...]:
    """Validate ``document`` as a document of ``format``.

    Args:
        document: JSON text (``str`` or ``bytes``, parsed with exact decimals)
            or decoded JSON (a dict or list; floats are taken as their shortest
            repr). The shape (bare object, envelope, array) is detected.
        format: a format name such as ``"rutter"`` or ``"railz"``, or a write
            response's: ``rutter-create-response``, ``railz-push-response``
            (see :mod:`refundmap.responses`).
        strict: refuse numeric strings, unknown keys and totals that do not
            add up, instead of reporting them as warnings.
        fail_on: kinds of report entry that make the document invalid, as
            for :func:`refundmap.convert`: ``warning`` (any) and ``unknown-key``
            are the ones a document alone can have.
        platform: the platform behind a write body, where the document does
            not name it (as for :func:`refundmap.convert`): each value the
            platform does not take, or requires and the body lacks, is a warning.
        push_options: a saved Railz ``pushOptions`` response, for a
            ``railz-v2-push`` body: each required field missing, or value not
            among a field's ``enumValues``, is a warning.

    Returns:
        The report: warnings for unknown keys and failed checks.

    Raises:
        ValidationError: listing every problem found, each with its JSONPath.
        ValueError: for an unknown format name or fail_on kind.
    """
    kinds = check_fail_on(fail_on)
    report = _report(document, format, strict=strict, platform=platform, push_options=push_options)
    if kinds and (failed := failures(report, kinds)):
        raise ValidationError(failed)
    return report


def _report(
    document: Any,
    format: FormatName | Format | ResponseFormatName,  # noqa: A002 - validate's keyword
    *,
    strict: bool,
    platform: str | None,
    push_options: PushOptions | Mapping[str, Any] | str | os.PathLike[str] | None,
) -> tuple[Entry, ...]:
    """Return the report of validating ``document``: its format's, and its platform's."""
    if isinstance(format, str) and format.endswith("-response"):
        # Imported here: reading a response loads the refund in it through this module.
        from refundmap.responses import RESPONSE_FORMATS, read_response  # noqa: PLC0415

        if format in RESPONSE_FORMATS:
            return read_response(document, format).report
    fmt = get_format(format)
    if platform is None and push_options is None and fmt.request is None:
        return load(document, fmt, strict=strict).report
    # Imported here: the profiles read the mapping, which reads documents through this module.
    from refundmap.profiles import check_options, platform_report  # noqa: PLC0415

    given, options = check_options(platform, push_options, fmt)  # before the document is read
    loaded = load(document, fmt, strict=strict)
    return (*loaded.report, *platform_report(loaded, given, options))
