"""Write bodies checked against the platform behind them: the profile table and Railz's pushOptions.

The platform comes from the document where it says (Rutter's
``connection.platform``, Railz's ``meta.serviceName`` or a push body's
``connection.serviceName``) or from the ``platform`` parameter; none known
means the format's generic rules. :mod:`refundmap.mapping.platforms` is the
table; :class:`PushOptions` is a saved ``GET /v2/data/pushOptions`` response.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import attrs

from refundmap import jsonio
from refundmap.formats import FORMATS, Format
from refundmap.mapping.platforms import (
    PLATFORMS,
    REFUSED,
    REQUIRED,
    ROWS,
    Platform,
    PlatformRow,
    Rule,
)
from refundmap.mapping.platforms import platform_named as _profiled
from refundmap.mapping.rules import PLATFORM_NAMES
from refundmap.mapping.table import DEFAULT_KINDS, LINE, REFUND, Row
from refundmap.report import Entry, Kind, ParameterTypeError, UsageError, format_path
from refundmap.validation import Loaded, model_data

if TYPE_CHECKING:
    from refundmap.mapping.runtime import Run

__all__ = [
    "WRITE_FORMATS",
    "Breach",
    "FieldOption",
    "PushOptions",
    "apply_profile",
    "check_options",
    "check_platform",
    "check_record",
    "platform_for",
    "platform_of",
    "platform_report",
    "remove",
    "service_name",
    "source_field",
]

#: The write formats a profile applies to.
WRITE_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.is_body)


def service_name(text: str) -> str | None:
    """Return the Railz service name of the platform ``text`` names, or None for no platform.

    ``text`` is Rutter's ``connection.platform`` (``QUICKBOOKS``) or Railz's
    ``serviceName`` (``quickbooks``), in any case.
    """
    profiled = _profiled(text)
    if profiled is not None:
        return profiled.railz
    folded = text.strip().casefold()
    for rutter, railz in PLATFORM_NAMES.items():
        if folded in (rutter.casefold(), railz.casefold()):
            return railz
    return None


def check_platform(value: object, parameter: str = "platform") -> str | None:
    """Return the ``platform`` parameter as a Railz service name; None for None.

    Raises:
        UsageError: for a name that is no platform refundmap knows.
        ParameterTypeError: for anything but text.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParameterTypeError.of(
            parameter, f"{parameter} must be a string, not {type(value).__name__}"
        )
    found = service_name(value)
    if found is None:
        names = ", ".join(p.railz for p in PLATFORMS)
        raise UsageError.of(
            parameter,
            f"{parameter}: unknown platform {value!r}; the profiled platforms are {names}"
            f" (or Rutter's names: {', '.join(p.rutter for p in PLATFORMS)})",
        )
    return found


def platform_of(model: Any) -> str | None:
    """Return the Railz service name of the platform a document model names, or None."""
    for holder, attribute in (("connection", "platform"), ("meta", "service_name")):
        named = getattr(getattr(model, holder, None), attribute, None)
        if isinstance(named, str):
            return service_name(named) or named
    named = getattr(getattr(model, "connection", None), "service_name", None)
    return service_name(named) or named if isinstance(named, str) else None


@attrs.frozen
class FieldOption:
    """One field a Railz push takes for one accounting service (a pushOptions entry)."""

    type: str | None
    description: str | None
    required: bool
    enum_values: tuple[str, ...] | None


@attrs.frozen
class PushOptions:
    """A saved Railz ``pushOptions`` response: per accounting service, the fields a push takes.

    The response's ``data`` maps each service (``quickbooks``, ``xero``, ...) to
    its fields, each with ``type``, ``description``, ``required`` and
    ``enumValues``; an object's or an array's fields sit under its
    ``properties``. Key paths are a push body's record's, a line's under
    ``lines[]``: ``lines[].accountRef``.
    """

    services: Mapping[str, Mapping[str, FieldOption]]

    @classmethod
    def load(cls, source: str | os.PathLike[str] | Mapping[str, Any]) -> PushOptions:
        """Return the push options of a saved response: a file's path, or its decoded JSON.

        Raises:
            UsageError: for a file that cannot be read, or is not a pushOptions
                response (naming the JSONPath of what is wrong).
        """
        if isinstance(source, Mapping):
            data: Any = source
        elif isinstance(source, str | os.PathLike):
            try:
                data = jsonio.loads(FilePath(source).read_bytes())
            except OSError as exc:
                raise UsageError.of(
                    "push_options", f"push_options: cannot read {os.fspath(source)!r}: {exc}"
                ) from None
            except ValueError as exc:
                raise UsageError.of(
                    "push_options", f"push_options: {os.fspath(source)!r} is not JSON: {exc}"
                ) from None
        else:
            raise ParameterTypeError.of(
                "push_options",
                "push_options must be a file's path, a decoded pushOptions response or"
                f" refundmap.profiles.PushOptions, not {type(source).__name__}",
            )
        services = data.get("data") if type(data) is dict else None
        if type(services) is not dict or not services:
            _bad("$.data", "an object of accounting services", data)
        assert isinstance(services, dict)  # noqa: S101 - _bad raised otherwise
        return cls(
            {name: dict(_fields(fields, f"$.data.{name}", "")) for name, fields in services.items()}
        )

    def fields(self, service: str) -> Mapping[str, FieldOption] | None:
        """Return the fields a push to ``service`` takes; None when the response has none."""
        return self.services.get(service)


def _bad(path: str, expected: str, found: object) -> None:
    raise UsageError.of(
        "push_options",
        f"push_options: {path}: expected {expected}, found {jsonio.dumps(found)[:60]}",
    )


def _fields(fields: object, path: str, prefix: str) -> Iterator[tuple[str, FieldOption]]:
    if type(fields) is not dict:
        _bad(path, "an object of fields", fields)
    assert isinstance(fields, dict)  # noqa: S101 - _bad raised otherwise
    for name, spec in fields.items():
        at = f"{path}.{name}"
        if type(spec) is not dict:
            _bad(at, "an object with type, description, required, enumValues", spec)
        required = spec.get("required", False)
        if type(required) is not bool:
            _bad(f"{at}.required", "true or false", required)
        enum = spec.get("enumValues")
        if enum is not None and (type(enum) is not list or not enum):
            _bad(f"{at}.enumValues", "a non-empty array of values", enum)
        kind = spec.get("type")
        key = prefix + name
        yield (
            key,
            FieldOption(
                kind if isinstance(kind, str) else None,
                spec.get("description") if isinstance(spec.get("description"), str) else None,
                required,
                tuple(str(value) for value in enum) if enum is not None else None,
            ),
        )
        if "properties" in spec:
            inner = f"{key}[]." if kind == "array" else f"{key}."
            yield from _fields(spec["properties"], f"{at}.properties", inner)


@attrs.frozen
class Breach:
    """One place a write record breaks its platform's rules.

    Attributes:
        kind: ``refused`` (a value the platform does not take), ``required``
            (a value it needs and the record lacks) or ``enum`` (a value not
            among those it takes).
        path: the key path in the record, a line's with its index:
            ``lines[1].accountRef.id``.
        message: what the platform does, and why.
        row: the profile row said, None for a pushOptions rule.
    """

    kind: str
    path: str
    message: str
    row: PlatformRow | None = None


def check_record(
    record: Mapping[str, Any],
    fmt: str,
    service: str | None,
    *,
    source: str | None = None,
    push_options: PushOptions | None = None,
) -> list[Breach]:
    """Return where ``record`` (a write format's record, as JSON data) breaks its platform's rules.

    Args:
        record: the record of a ``fmt`` body (the ``customer_refund``, the ``data``).
        fmt: the write format's name.
        service: the platform's Railz service name; None: no rule applies.
        source: the field of the source a value came from matters to a row
            with ``when_from`` (the vendor's name of the source format, ``rutter``
            or ``railz``); None when the record was not converted.
        push_options: Railz's rules, for a ``railz-v2-push`` record.
    """
    breaches: list[Breach] = []
    platform = _profiled(service) if service is not None else None
    if platform is not None:
        for row, rule in _rules(fmt, platform, from_rutter=source == "rutter"):
            for at, holder, rest in _holders(record, row.field):
                value = _get(holder, rest)
                if rule is REFUSED and value is not None:
                    what = (
                        f"{platform.name} does not take {row.field} in a {fmt} body"
                        if row.when_from is None
                        else f"{platform.name}'s {row.field} in a {fmt} body is not Rutter's"
                        f" {row.when_from}"
                    )
                    breaches.append(Breach("refused", at + rest, f"{what} ({row.why})", row))
                elif rule is REQUIRED and value is None:
                    if row.unless is not None and _get(holder, row.unless) is not None:
                        continue
                    breaches.append(
                        Breach(
                            "required",
                            at + rest,
                            f"{platform.name} requires {row.field} in a {fmt} body ({row.why})",
                            row,
                        )
                    )
    options = push_options.fields(service) if push_options and service else None
    if options is not None and FORMATS[fmt].push_options:
        for field, option in options.items():
            for at, holder, rest in _holders(record, field):
                value = _get(holder, rest)
                parent = rest.rpartition(".")[0]
                if parent and _get(holder, parent) is None:
                    continue  # a field of an object the record does not have
                if value is None and option.required:
                    breaches.append(
                        Breach(
                            "required",
                            at + rest,
                            f"Railz's pushOptions for {service} mark {field} required",
                        )
                    )
                elif (
                    value is not None
                    and option.enum_values is not None
                    and type(value) not in (dict, list)
                    and str(value) not in option.enum_values
                ):
                    breaches.append(
                        Breach(
                            "enum",
                            at + rest,
                            f"Railz's pushOptions for {service} take {field} among"
                            f" {', '.join(option.enum_values)}, not {jsonio.dumps(value)}",
                        )
                    )
    return breaches


@cache
def _rules(
    fmt: str, platform: Platform, *, from_rutter: bool
) -> tuple[tuple[PlatformRow, Rule], ...]:
    """Return the rows of ``fmt`` that say more than the generic rules for ``platform``."""
    return tuple(
        (row, row.rule(platform))
        for row in ROWS
        if row.format == fmt
        and row.rule(platform) in (REFUSED, REQUIRED)
        # A when_from row is about a value written from that Rutter field.
        and (row.when_from is None or from_rutter)
    )


def _holders(record: Mapping[str, Any], field: str) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    """Yield ``(path of the holder + ".", the holder, the rest of field)`` for each holder."""
    head, sep, rest = field.partition("[].")
    if not sep:
        yield "", record, field
        return
    lines = record.get(head)
    if type(lines) is not list:
        return
    for index, line in enumerate(lines):
        if type(line) is dict:
            yield f"{head}[{index}].", line, rest


def _get(holder: Mapping[str, Any], dotted: str) -> Any:
    value: Any = holder
    for key in dotted.split("."):
        if type(value) is not dict:
            return None
        value = value.get(key)
    return value


def remove(record: dict[str, Any], path: str) -> None:
    """Remove the value at ``path`` (``lines[0].accountRef.id``) and the objects left empty."""
    steps: list[str | int] = []
    for part in path.split("."):
        name, bracket, index = part.partition("[")
        steps.append(name)
        if bracket:
            steps.append(int(index.rstrip("]")))
    holders: list[Any] = [record]
    for step in steps[:-1]:
        holders.append(holders[-1][step])
    holders[-1].pop(steps[-1], None)
    # An object left empty (additional_fields) goes too; a line never does.
    for holder, step in zip(reversed(holders[:-1]), reversed(steps[:-1]), strict=True):
        if isinstance(step, int) or holder[step]:
            break
        del holder[step]


def platform_for(model: Any, given: str | None, params: Mapping[str, Any]) -> str | None:
    """Return the platform of one document's records: what it names, else what was given.

    ``params`` are the body's own parameters: a railz-push body's ``service_name``
    names its platform too.

    Raises:
        UsageError: ``given`` is not the platform the document names.
    """
    named = platform_of(model)
    if named is not None and given is not None and named != given:
        raise UsageError.of(
            "platform",
            f"platform is {given!r}, and the document names {named!r}: give the document's,"
            " or none",
        )
    service = params.get("service_name")
    return named or given or (service_name(service) if isinstance(service, str) else None)


def source_field(target_field: str, source: str, target: str) -> str | None:
    """Return the key path in a ``source`` record that a ``target`` record's field comes from.

    ``target_field`` is a record's key path, a line's with its index
    (``lines[1].accountRef.id``); None where no one source field maps to it.
    """
    head, bracket, rest = target_field.partition("[")
    if not bracket:
        return _source_field(target_field, source, target, line=False)
    index, _, within = rest.partition("].")
    found = _source_field(within, source, target, line=True)
    if found is None:
        return None
    lines = FORMATS[source].lines_key
    del head
    return f"{lines}[{index}].{found}"


@cache
def _source_field(field: str, source: str, target: str, *, line: bool) -> str | None:
    """Return the key path in a source record (or line) of a target record's (line's) field."""
    rows: tuple[Row, ...] = LINE if line else REFUND
    for row in rows:
        cell = row.cell(target)
        if not isinstance(cell, str) or not (cell == field or cell.startswith(field + ".")):
            continue
        found = row.cell(source)
        if not isinstance(found, str) or row.apply is not None:
            return None
        return found.split("[", 1)[0]  # an entry of a typed list: the list
    return None


def apply_profile(run: Run, mapped: dict[str, Any], where: str) -> None:
    """Apply the platform's rules to one converted write record, in ``run``'s report.

    A value the platform refuses is left out and reported ``dropped`` at its
    source path; a value it requires and the record lacks, or one it does not
    take among its values, makes the record unmappable (naming the target path).
    """
    service = run.service
    breaches = check_record(
        mapped,
        run.target_name,
        service,
        source=run.source.vendor,
        push_options=run.push_options,
    )
    if run.push_options is not None and run.push_options.fields(service or "") is None:
        run.fail(where, _no_rules(service, run.push_options))
    # The body's own path: a record's place in the output moves when records are converted
    # a run at a time (the command line's pages); the problem's path names the record.
    body = run.target.naming(run.target.envelopes[0].records or "")
    for breach in breaches:
        at = f"{body}.{breach.path}"
        if breach.kind == "refused":
            remove(mapped, breach.path)
            found = source_field(breach.path, run.source_name, run.target_name)
            run.note(
                Kind.DROPPED,
                f"{where}.{found}" if found else where,
                None,
                f"{breach.message}: left out",
            )
            continue
        message = f"{at}: {breach.message}"
        kind = _default_kind(breach.path, run.target_name)
        if breach.kind == "required":
            message += (
                f"; the record has none, and no default gives one (defaults=, --default {kind}=ID)"
                if kind is not None
                else "; the record has none"
            )
        run.fail(where, message)


def _no_rules(service: str | None, options: PushOptions) -> str:
    """Say that push options do not apply: no platform known, or none of theirs."""
    known = ", ".join(options.services)
    if service is None:
        return (
            f"the push options hold rules per platform ({known}), and none is known here:"
            " give platform= (--platform), or a document that names its service"
        )
    return f"the push options hold no rules for the platform {service!r}, only for {known}"


def _default_kind(field: str, target: str) -> str | None:
    """Return the default kind (``account``) that fills ``field`` of a target record, or None."""
    for row in REFUND:
        cell = row.cell(target)
        if (
            isinstance(cell, str)
            and (cell == field or cell.startswith(field + "."))
            and row.ref in DEFAULT_KINDS
        ):
            return row.ref
    return None


def check_options(
    platform: object, push_options: object, target: Format
) -> tuple[str | None, PushOptions | None]:
    """Return ``platform`` as a Railz service name and ``push_options`` read, both checked.

    Raises:
        UsageError: for a platform refundmap does not know, or either given
            for a format they do not apply to.
    """
    named = check_platform(platform)
    if named is not None and not target.is_body:
        raise UsageError.of(
            "platform",
            f"platform applies to write bodies ({', '.join(WRITE_FORMATS)}), not {target.name}",
        )
    if push_options is None:
        return named, None
    if not target.push_options:
        takes = ", ".join(name for name, fmt in FORMATS.items() if fmt.push_options)
        raise UsageError.of(
            "push_options",
            f"push_options are Railz's rules for {takes} bodies, not {target.name}",
        )
    if isinstance(push_options, PushOptions):
        return named, push_options
    return named, PushOptions.load(push_options)  # type: ignore[arg-type]


def platform_report(loaded: Loaded, given: str | None, options: PushOptions | None) -> list[Entry]:
    """Return a warning for each place a write document breaks its platform's rules.

    ``given`` and ``options`` are the parameters, checked (:func:`check_options`).
    """
    fmt = loaded.format
    entries: list[Entry] = []
    for part in loaded.parts:
        service = platform_for(part.model, given, {})
        if options is not None and options.fields(service or "") is None:
            where = loaded.source_path(format_path(part.path))
            entries.append(Entry(Kind.WARNING, where, None, _no_rules(service, options)))
        if service is None:
            continue
        for path, record in fmt.records(part.model, part.shape, part.path):
            data = model_data(record)
            where = format_path(path)
            for breach in check_record(data, fmt.name, service, push_options=options):
                at = loaded.source_path(f"{where}.{breach.path}")
                entries.append(Entry(Kind.WARNING, at, None, breach.message))
    return entries
