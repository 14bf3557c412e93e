"""The format registry: each format's models, shapes, key style and checks."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, Literal

import attrs

from refundmap import checks
from refundmap.codec import Codec, camel, snake
from refundmap.models import railz, rutter
from refundmap.report import ParameterTypeError, Path, UsageError

__all__ = [
    "CONVERSIONS",
    "FACTS",
    "FORMATS",
    "NOT_REFUNDS",
    "Facts",
    "Format",
    "FormatName",
    "Shape",
    "format_of",
    "get_format",
]

#: The name of a format, for type checkers: a typo is an error before it runs.
FormatName = Literal["rutter", "rutter-create", "railz", "railz-v2", "railz-v2-push", "railz-push"]


@attrs.frozen
class Shape:
    """One way a format's document can look.

    Attributes:
        name: ``record``, ``fetch``, ``request`` or ``list``.
        model: the attrs class of the whole document.
        marker: the key that tells this envelope apart; None for a bare record.
        records: the attribute holding the record (or list of records) of an
            envelope; None when the document is the record itself.
    """

    name: str
    model: type[Any]
    marker: str | None = None
    records: str | None = None
    many: bool = False


@attrs.frozen
class Format:
    """A vendor shape that refundmap reads and writes, named like pandoc's formats.

    Every fact that differs between formats is an attribute here, so that a new
    format is one entry of :data:`FORMATS` (and its rows in the mapping table).
    """

    name: FormatName
    summary: str
    #: Whose ids the format's references hold: Rutter's own, or the platform's (Railz).
    vendor: Literal["rutter", "railz"]
    naming: Callable[[str], str]
    record: type[Any]
    envelopes: tuple[Shape, ...]
    check: Callable[[Any, Path], list[checks.Finding]]
    #: For a format written as request bodies: wraps a record, given the
    #: conversion's parameters (a push body's connection id).
    request: Callable[[dict[str, Any], Mapping[str, Any]], dict[str, Any]] | None = None
    #: The conversion's parameters that a body of this format holds (``request`` reads them).
    body_parameters: tuple[str, ...] = ()
    #: Whether real data has sent the format's ids as JSON integers (read as their text).
    ids_may_be_numbers: bool = False
    #: Whether the format's line quantities are integers.
    whole_quantities: bool = False
    #: Whether the format keeps a refund's department on its lines (a tracking category entry).
    department_on_lines: bool = False
    #: Whether the format's refund has a department of its own (``department_id``).
    refund_department: bool = False
    #: Whether the format's dates are calendar days, without a time (Railz's push bodies).
    calendar_dates: bool = False
    #: The longest memo the format takes, in characters; None: no limit.
    memo_limit: int | None = None
    #: Whether the vendor computes each line's total, and the refund's from them
    #: (Rutter's create body): a line's total is what it is charged, net of its discount.
    computes_totals: bool = False
    #: The line figures of Railz version 1 lines the format has (``subTotal``,
    #: ``totalAmount``); empty for lines with one amount.
    line_figures: tuple[str, ...] = ()
    #: Whether the format's ``currencyRef.id`` may hold a platform's own currency
    #: id rather than an ISO 4217 code (Railz version 1).
    currency_ids: bool = False
    #: Whether Railz's ``pushOptions`` describe the format's records (``push_options=``).
    push_options: bool = False

    @property
    def facts(self) -> Facts:
        """The format's facts that are not constructor parameters (:data:`FACTS`)."""
        return FACTS.get(self.name, _NONE)

    @property
    def is_body(self) -> bool:
        """Whether the format is a request body (written through :attr:`request`)."""
        return self.request is not None

    @property
    def lines_key(self) -> str:
        """The key of a record's lines, in the format's own naming."""
        return "line_items" if self.vendor == "rutter" else "lines"

    @property
    def list_shape(self) -> Shape | None:
        """The format's list response, where it has one."""
        for shape in self.envelopes:
            if shape.many:
                return shape
        return None

    def codec(self, *, strict: bool) -> Codec:
        """Return the converter of the format's models in the given mode, built once."""
        return _codec(self.naming, strict=strict)

    def shape_of(self, document: dict[str, Any]) -> Shape:
        """Return the shape of one decoded JSON object of this format."""
        for shape in self.envelopes:
            if shape.marker in document:
                return shape
        return _record_shape(self.record)

    def records(self, model: Any, shape: Shape, path: Path = ()) -> Iterator[tuple[Path, Any]]:
        """Yield ``(path, record)`` for each record of a structured document."""
        if shape.records is None:
            yield path, model
            return
        key = self.naming(shape.records)
        held = getattr(model, shape.records)
        if shape.many:
            for index, record in enumerate(held):
                yield (*path, key, index), record
        else:
            yield (*path, key), held


#: The shape of a bare record, by its model: one, not one a document.
_RECORD_SHAPES: dict[type[Any], Shape] = {}


def _record_shape(record: type[Any]) -> Shape:
    """Return the shape of a bare record of ``record``."""
    shape = _RECORD_SHAPES.get(record)
    if shape is None:
        shape = _RECORD_SHAPES[record] = Shape("record", record)
    return shape


@attrs.frozen
class Facts:
    """More facts of a format, held in :data:`FACTS` by its name.

    They are kept apart from :class:`Format`'s own attributes so that its
    constructor keeps its published signature; the format's property
    :attr:`Format.facts` reads them.
    """

    #: What the format's body parameters name, in the message that asks for them.
    body_subject: str = ""
    #: The accounting services a body's ``service_name`` may name; empty: any.
    body_services: tuple[str, ...] = ()
    #: Whether a record converted into the format from Railz gets a Rutter id made
    #: from its Railz id, scoped by its connection or business.
    makes_rutter_ids: bool = False
    #: The vendor's data model version, where it has two (Railz's 1 and 2).
    version: int | None = None
    #: Whether the format's documents name the Railz connection of their records
    #: (a list's ``meta.connectionUuid``), which scopes the Rutter ids made from them.
    names_connection: bool = False
    #: The same vendor's other version, which a record of this format may be taken
    #: for; then ``date_key`` and ``own_keys`` tell the two apart.
    other_version: FormatName | None = None
    #: The key of a record's date, which differs between the versions.
    date_key: str | None = None
    #: Keys that only this version's records have.
    own_keys: frozenset[str] = frozenset()
    #: The models whose ``discountPercentage`` and ``effectiveTaxRate`` strict
    #: validation holds to 0 to 100 (:mod:`refundmap.checks`).
    percentages: frozenset[type[Any]] = frozenset()


_NONE = Facts()

RUTTER = Format(
    name="rutter",
    vendor="rutter",
    summary="Rutter customer refund read objects, fetch and list responses",
    naming=snake,
    record=rutter.CustomerRefund,
    envelopes=(
        Shape("list", rutter.ListResponse, "customer_refunds", "customer_refunds", many=True),
        Shape("fetch", rutter.FetchResponse, "customer_refund", "customer_refund"),
    ),
    check=checks.check_rutter,
    refund_department=True,
)

RUTTER_CREATE = Format(
    name="rutter-create",
    vendor="rutter",
    summary="the body of Rutter's POST /accounting/customer_refunds",
    naming=snake,
    record=rutter.CreateRefund,
    envelopes=(Shape("request", rutter.CreateRequest, "customer_refund", "customer_refund"),),
    check=checks.check_rutter_create,
    request=lambda record, _: {"customer_refund": record},
    refund_department=True,
    computes_totals=True,
)


def _check_railz(refund: railz.Refund, path: Path = ()) -> list[checks.Finding]:
    return [*checks.check_railz(refund, path), *checks.check_railz_currency(refund, path)]


RAILZ = Format(
    name="railz",
    vendor="railz",
    summary="Railz refunds, version 1 data model, and the GET /refunds response",
    naming=camel,
    record=railz.Refund,
    envelopes=(Shape("list", railz.ListResponse, "data", "data", many=True),),
    check=_check_railz,
    ids_may_be_numbers=True,
    whole_quantities=True,
    line_figures=("subTotal", "totalAmount"),
    currency_ids=True,
)

RAILZ_V2 = Format(
    name="railz-v2",
    vendor="railz",
    summary="Railz version 2 read refunds, and the GET /v2/accounting/refunds response",
    naming=camel,
    record=railz.RefundV2,
    envelopes=(Shape("list", railz.ListResponseV2, "data", "data", many=True),),
    check=checks.check_railz_v2,
    ids_may_be_numbers=True,
    whole_quantities=True,
    department_on_lines=True,
)

RAILZ_V2_PUSH = Format(
    name="railz-v2-push",
    vendor="railz",
    summary="the body of Railz's POST /v2/accounting/refunds",
    naming=camel,
    record=railz.PushRefundDataV2,
    envelopes=(Shape("request", railz.PushRefundV2, "connectionUuid", "data"),),
    check=checks.check_railz_v2_push,
    request=lambda record, params: {"connectionUuid": params["connection_uuid"], "data": record},
    body_parameters=("connection_uuid",),
    department_on_lines=True,
    calendar_dates=True,
    memo_limit=4000,
    push_options=True,
)

RAILZ_PUSH = Format(
    name="railz-push",
    vendor="railz",
    summary="the body of Railz's version 1 POST /refunds",
    naming=camel,
    record=railz.PushRefundData,
    envelopes=(Shape("request", railz.PushRefund, "connection", "data"),),
    check=checks.check_railz_push,
    request=lambda record, params: {
        "connection": {
            "businessName": params["business_name"],
            "serviceName": params["service_name"],
        },
        "data": record,
    },
    body_parameters=("business_name", "service_name"),
    calendar_dates=True,
    memo_limit=4000,
    line_figures=("totalAmount",),
)

#: Every format by name, in the order ``refundmap formats`` lists them.
FORMATS: dict[str, Format] = {
    f.name: f for f in (RUTTER, RUTTER_CREATE, RAILZ, RAILZ_V2, RAILZ_V2_PUSH, RAILZ_PUSH)
}

#: The facts of each format beyond its attributes (:attr:`Format.facts`), by name.
FACTS: dict[str, Facts] = {
    "rutter": Facts(makes_rutter_ids=True),
    "railz": Facts(
        version=1,
        other_version="railz-v2",
        date_key="date",
        own_keys=frozenset({"currencyRef", "shippingAddress"}),
        percentages=frozenset({railz.Refund, railz.RefundLine, railz.TaxRateRef}),
    ),
    "railz-v2": Facts(
        version=2,
        names_connection=True,
        other_version="railz",
        date_key="postedDate",
        own_keys=frozenset({"currency", "passThrough"}),
        percentages=frozenset({railz.RefundV2, railz.RefundLineV2, railz.TaxRateRef}),
    ),
    "railz-v2-push": Facts(
        body_subject="the Railz connection it is for",
        version=2,
        names_connection=True,
        percentages=frozenset({railz.PushRefundLineV2}),
    ),
    "railz-push": Facts(
        body_subject="the business it is for", body_services=("xero", "quickbooks"), version=1
    ),
}

#: Every (source, target) pair refundmap converts, besides each format to itself.
CONVERSIONS: frozenset[tuple[FormatName, FormatName]] = frozenset(
    {
        ("rutter", "railz"),
        ("railz", "rutter"),
        ("railz", "rutter-create"),
        ("rutter", "rutter-create"),
        ("rutter", "railz-v2"),
        ("railz-v2", "rutter"),
        ("railz-v2", "rutter-create"),
        ("rutter", "railz-v2-push"),
        ("railz", "railz-v2-push"),
        ("railz-v2", "railz-v2-push"),
        ("rutter", "railz-push"),
        ("railz", "railz-push"),
        ("railz-v2", "railz-push"),
        ("railz", "railz-v2"),
        ("railz-v2", "railz"),
    }
)

#: Vendor responses that are not refunds, by the key that marks them: what to say of one.
NOT_REFUNDS = {
    "async_response": (
        "this is Rutter's asynchronous create response (async_response: id, response_url,"
        " status), not a refund: fetch the created refund from its response_url"
    ),
    "pushCommunicationId": (
        "this is Railz's push response (pushCommunicationId, status), not a refund; it does"
        " not carry the new refund's id"
    ),
}


@cache
def _codec(naming: Callable[[str], str], *, strict: bool) -> Codec:
    return Codec(naming, strict=strict)


def get_format(name: str | Format, parameter: str = "format") -> Format:
    """Return the format called ``name``, in any case (``Railz-V2`` is ``railz-v2``).

    Raises:
        UsageError: for a name that is not a format, with the nearest names
            and all the formats.
        ParameterTypeError: for anything but a name or a :class:`Format`.
    """
    if isinstance(name, Format):
        return name
    if not isinstance(name, str):
        raise ParameterTypeError.of(
            parameter, f"{parameter} must be a format name, not {type(name).__name__}"
        )
    found = FORMATS.get(name) or FORMATS.get(name.strip().lower())
    if found is not None:
        return found
    close = difflib.get_close_matches(name.lower(), FORMATS, n=2, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    known = ", ".join(FORMATS)
    raise UsageError.of(parameter, f"unknown format {name!r}{hint}; the formats are {known}")


def format_of(model: object) -> Format:
    """Return the format whose record, envelope or body ``model`` is (an attrs instance).

    Raises:
        ParameterTypeError: for anything that is not a document model of a format.
    """
    cls = type(model)
    for fmt in FORMATS.values():
        if cls is fmt.record or any(cls is shape.model for shape in fmt.envelopes):
            return fmt
    raise ParameterTypeError.of(
        "model",
        f"not a refundmap document model: {cls.__name__} (a record, envelope or body of a"
        " format, such as refundmap.models.rutter.CustomerRefund)",
    )
