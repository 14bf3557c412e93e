"""A conversion's options, checked before any document is read: formats, time, scope, defaults.

:class:`refundmap.Converter` checks its parameters with these; each refusal is a
:class:`~refundmap.UsageError` (a :class:`~refundmap.ParameterTypeError` for a
value of the wrong type) whose problem's path names the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from refundmap.dates import DateError, format_date, parse_date
from refundmap.formats import Format
from refundmap.mapping import DEFAULT_KINDS, PAIRS
from refundmap.report import ParameterTypeError, UsageError

__all__ = [
    "check_defaults",
    "check_push_parameters",
    "check_scope",
    "check_text",
    "conversion_time",
    "supported",
]


def supported(source: str, target: str) -> bool:
    """Return whether refundmap converts ``source`` documents to ``target``."""
    return source == target or (source, target) in PAIRS


#: Each ``synced_at`` text read, as :func:`conversion_time` wrote it (the same text each time).
_TIMES: dict[str, str] = {}
#: How many texts :data:`_TIMES` holds before it is emptied.
_TIMES_HELD = 64


def conversion_time(value: datetime | str | None = None) -> str:
    """Return ``value`` (default: now, in UTC, to the millisecond) as Rutter's ``last_synced_at``.

    A text read before is written as then, without reading it again.

    Raises:
        ValueError: for text that is not a timestamp, or a bare date.
    """
    if value is None:
        now = datetime.now(UTC)
        return format_date(now.replace(microsecond=now.microsecond // 1000 * 1000))
    if type(value) is str:
        held = _TIMES.get(value)
        if held is None:
            if len(_TIMES) >= _TIMES_HELD:
                _TIMES.clear()
            held = _TIMES[value] = _written_time(value)
        return held
    return _written_time(value)


def _written_time(value: object) -> str:
    """Return :func:`conversion_time` of ``value``, not None, read (see there)."""
    if isinstance(value, str):
        try:
            moment = parse_date(value)
        except DateError as exc:
            raise UsageError.of("synced_at", f"synced_at: {exc}") from None
    elif isinstance(value, datetime):
        moment = value
    else:
        raise ParameterTypeError.of(
            "synced_at",
            f"synced_at must be a datetime or an ISO 8601 string, not {type(value).__name__}",
        )
    if not isinstance(moment, datetime):
        raise UsageError.of(
            "synced_at", f"synced_at must be a timestamp, not the date {moment.isoformat()}"
        )
    return format_date(moment)


def check_text(name: str, value: object) -> None:
    """Check an optional text parameter as the command line does: None, or non-empty text."""
    if value is None:
        return
    if not isinstance(value, str):
        raise ParameterTypeError.of(name, f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise UsageError.of(name, f"{name} must not be empty")


def check_push_parameters(target: Format, params: dict[str, str | None]) -> None:
    """Refuse a push target without the parameters its bodies need (UsageError)."""
    missing = [name for name in target.body_parameters if params[name] is None]
    if missing:
        raise UsageError.of(
            missing[0],
            f"a {target.name} body needs {target.facts.body_subject}: give"
            f" {' and '.join(target.body_parameters)}",
        )


def check_scope(
    source: Format,
    connection_uuid: str | None,
    business_name: str | None,
    service_name: str | None,
) -> None:
    """Check the scope of the Rutter ids made from Railz ids: whole, and one the source has."""
    if connection_uuid is not None and not source.facts.names_connection:
        raise UsageError.of(
            "connection_uuid",
            f"{source.name} (version {source.facts.version}) documents name no connection:"
            " the Rutter ids of their refunds are scoped by the business; give business_name"
            " and service_name",
        )
    if (business_name is None) != (service_name is None):
        missing = "business_name" if business_name is None else "service_name"
        raise UsageError.of(
            missing,
            "the Rutter ids of Railz refunds are scoped by a business and its service: give"
            " both business_name and service_name, or neither",
        )


def check_defaults(defaults: object, source: Format, target: Format) -> dict[str, str]:
    """Return ``defaults`` checked: known kinds, non-empty ids, and a pair that maps records."""
    if defaults is None:
        return {}
    if not isinstance(defaults, Mapping):
        raise ParameterTypeError.of(
            "defaults",
            f"defaults must be a dict of kind to id, not {type(defaults).__name__}",
        )
    kinds = ", ".join(DEFAULT_KINDS)
    checked: dict[str, str] = {}
    for kind, value in defaults.items():
        if kind not in DEFAULT_KINDS:
            raise UsageError.of(
                "defaults",
                f"defaults: unknown kind {kind!r}; a default is for a refund's {kinds}",
            )
        if not isinstance(value, str):
            raise ParameterTypeError.of(
                "defaults", f"defaults: the {kind} id must be a string, not {type(value).__name__}"
            )
        if not value.strip():
            raise UsageError.of("defaults", f"defaults: the {kind} id must not be empty")
        checked[kind] = value
    if checked and source is target:
        raise UsageError.of(
            "defaults",
            f"defaults fill records mapped into another format; {source.name} to itself is"
            " copied as it is",
        )
    return checked
