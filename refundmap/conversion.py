"""Converting a document from one format to another: load, map, report."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import localcontext
from typing import Any

import attrs

from refundmap import jsonio
from refundmap.dates import DateError, format_date, parse_date
from refundmap.formats import Format, get_format
from refundmap.mapping import PAIRS, Run
from refundmap.money import EXACT
from refundmap.references import Lookup
from refundmap.report import Entry, MappingError, Problem
from refundmap.validation import Loaded, load

__all__ = ["Conversion", "conversion_time", "convert", "supported"]


@attrs.frozen
class Conversion:
    """The result of :func:`convert`.

    Attributes:
        output: the target document as JSON-ready data, amounts as ``Decimal``.
        report: what was not carried over one to one: ``dropped``, ``omitted``,
            ``derived``, ``synthesized`` and ``warning`` entries.
        records: how many refunds the document held.
        untranslated: how many reference ids were copied into the other
            vendor's id space untranslated (each is a ``warning`` entry).
    """

    output: Any
    report: tuple[Entry, ...]
    records: int = 0
    untranslated: int = 0

    def to_json(self, indent: int | None = None) -> str:
        """Return ``output`` as JSON text: exact decimals, keys in schema order."""
        return jsonio.dumps(self.output, indent=indent)


def supported(source: str, target: str) -> bool:
    """Return whether refundmap converts ``source`` documents to ``target``."""
    return source == target or (source, target) in PAIRS


def conversion_time(value: datetime | str | None = None) -> str:
    """Return ``value`` (default: now, in UTC, to the millisecond) as Rutter's ``last_synced_at``.

    Raises:
        ValueError: for text that is not a timestamp, or a bare date.
    """
    if value is None:
        now = datetime.now(UTC)
        return format_date(now.replace(microsecond=now.microsecond // 1000 * 1000))
    if isinstance(value, str):
        try:
            moment = parse_date(value)
        except DateError as exc:
            raise ValueError(f"synced_at: {exc}") from None
    elif isinstance(value, datetime):
        moment = value
    else:
        raise TypeError(
            f"synced_at must be a datetime or an ISO 8601 string, not {type(value).__name__}"
        )
    if not isinstance(moment, datetime):
        raise ValueError(f"synced_at must be a timestamp, not the date {moment.isoformat()}")  # noqa: TRY004 - a value error to the caller
    return format_date(moment)


def _check_text(name: str, value: object) -> None:
    """Check an optional text parameter as the command line does: None, or non-empty text."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")


def _left_out(loaded: Loaded) -> list[Problem]:
    """What a lossless conversion refuses in the input: values under unknown keys."""
    message = f"would be left out: an unknown key, not part of the {loaded.format.name} format"
    return [Problem(path, message) for path in loaded.unknown]


def _check_push_connection(business_name: str | None, service_name: str | None) -> None:
    if business_name is None or service_name is None:
        raise ValueError(
            "a railz-push body needs the business it is for: give business_name and"
            " service_name (--business-name, --service-name)"
        )
    if service_name not in ("xero", "quickbooks"):
        raise ValueError(f"railz-push takes service_name xero or quickbooks, not {service_name!r}")


def convert(  # noqa: PLR0913 - the documented keywords
    document: Any,
    source: str | Format,
    target: str | Format,
    *,
    strict: bool = False,
    lossless: bool = False,
    synced_at: datetime | str | None = None,
    connection_uuid: str | None = None,
    business_name: str | None = None,
    service_name: str | None = None,
    directory: Lookup | None = None,
    require_refs: bool = False,
) -> Conversion:
    """Convert ``document`` from the ``source`` format to the ``target`` format.

    Args:
        document: JSON text (``str`` or ``bytes``) or decoded JSON, as for
            :func:`refundmap.validate`. Its shape (a record, an envelope, an
            array) is kept; ``rutter-create`` output is always request bodies.
        source: the format of ``document``.
        target: the format to write.
        strict: validate the input strictly (see :func:`refundmap.validate`).
        lossless: fail where any value would be dropped or left out (an
            unknown key) or a total would change.
        synced_at: the conversion time written as Rutter's ``last_synced_at``
            (default: now, in UTC).
        connection_uuid: the Railz connection a ``railz-v2-push`` body is for;
            required to write one, except from push bodies that carry their own.
        business_name: the business a ``railz-push`` body is for; with
            ``service_name`` (``xero`` or ``quickbooks``), required likewise.
        service_name: the accounting service of a ``railz-push`` body.
        directory: translates reference ids between Rutter's id space and the
            platform's (a :class:`~refundmap.Directory`, or any
            :class:`~refundmap.Lookup`). Between the vendors each id becomes
            its counterpart and a Railz reference's name is filled in, both
            reported as ``derived``; an id the directory does not hold, or
            every id when there is no directory, is copied and reported as a
            ``warning``. Within one vendor ids stay as they are.
        require_refs: refuse (MappingError) a reference id that cannot be
            translated, instead of copying it.

    Returns:
        The converted document and the report.

    Raises:
        ValidationError: the input is not a valid ``source`` document.
        MappingError: the input is valid but ``target`` cannot hold it (or, when
            lossless, would lose a value); every problem is listed with its
            path in the source document.
        ValueError: for an unknown format, a pair that is not converted, a
            ``synced_at`` that is not a timestamp, or a missing push parameter.
    """
    for name, text in (
        ("connection_uuid", connection_uuid),
        ("business_name", business_name),
        ("service_name", service_name),
    ):
        _check_text(name, text)
    source, target = get_format(source), get_format(target)
    if not supported(source.name, target.name):
        pairs = ", ".join(f"{a}->{b}" for a, b in sorted(PAIRS))
        raise ValueError(
            f"cannot convert {source.name} to {target.name}; the pairs are {pairs},"
            " and each format to itself"
        )
    when = conversion_time(synced_at)
    loaded = load(document, source, strict=strict)
    if (
        target.name == "railz-v2-push"
        and connection_uuid is None
        and (source is not target or any(part.shape.name == "record" for part in loaded.parts))
    ):
        raise ValueError(
            "a railz-v2-push body needs the Railz connection it is for: give connection_uuid"
            " (--connection-uuid)"
        )
    if target.name == "railz-push" and (
        source is not target or any(part.shape.name == "record" for part in loaded.parts)
    ):
        _check_push_connection(business_name, service_name)
    params = {
        "connection_uuid": connection_uuid,
        "business_name": business_name,
        "service_name": service_name,
    }
    if directory is not None and not isinstance(directory, Lookup):
        raise TypeError(
            f"directory must be a refundmap.Directory or have to_platform and to_rutter"
            f" methods, not {type(directory).__name__}"
        )
    run = Run(
        source,
        target,
        synced_at=when,
        params=params,
        lookup=directory,
        require_refs=require_refs,
    )
    with localcontext(EXACT):  # derived amounts are exact, whatever context the caller set
        output = run.convert(loaded)
    if run.unmappable:
        raise MappingError(run.unmappable)
    if lossless and (losses := [*_left_out(loaded), *run.losses()]):
        raise MappingError(losses)
    records = sum(
        1 for part in loaded.parts for _ in source.records(part.model, part.shape, part.path)
    )
    return Conversion(output, (*loaded.report, *run.report), records, run.untranslated)
