"""Hypothesis strategies of valid refunds of every format, for users' property tests.

Install with the ``testing`` extra (``pip install "refundmap[testing]"``, which
pulls hypothesis). Every strategy draws JSON-ready data (dicts and lists, amounts
as :class:`~decimal.Decimal`) that :func:`refundmap.validate` accepts with no
warning, unless a quirk knob asks for what real data does::

    from hypothesis import given
    from refundmap.testing import documents, pairs, refunds

    @given(refunds("railz-v2"))
    def test_my_importer_takes_any_refund(refund): ...

    @given(documents("rutter", shape="list", unknown_keys=True))
    def test_my_code_ignores_new_keys(page): ...

    @given(pairs())
    def test_my_sync_matches_both_sides(pair):
        my_sync(pair.rutter, pair.railz, pair.directory)

Totals add up as each vendor computes them; reference ids are Rutter's UUIDs in
Rutter formats and the platform's ids in Railz formats.

The quirk knobs (each refused, with the formats that have it, for a format
that does not):

- ``numeric_ids``: the refund's id and its references' ids as JSON integers
  (``railz``, ``railz-v2``; each is reported as a warning);
- ``rounded_units``: unit amounts rounded to the cent, line totals exact
  (``4.89 x 5`` against ``24.46``; ``rutter``, ``railz``);
- ``empty_lines``: an empty line object ``{}`` at the end of the lines, as
  QuickBooks Desktop sends (reported as a warning);
- ``currency_ids``: ``"quickbooks-desktop"`` (a currency list id such as
  ``8000006D-1217255359``, with the currency's name) or ``"netsuite"``
  (``{"id": "1", "name": "CAN"}``) in place of the ISO code (``railz``);
- ``tax_inclusive``: lines whose amounts include tax (``rutter``, ``railz``;
  ``rutter-create``: ``additional_fields.tax_inclusive`` true);
- ``numeric_strings``: every amount as a JSON string (``"12.50"``), which
  validation takes, and refuses when strict;
- ``unknown_keys``: a key the format does not have, in the refund (reported
  as a warning).

The pytest plugin (:mod:`refundmap.pytest_plugin`, active once refundmap is
installed) adds :func:`assert_valid` and :func:`assert_converts`, also importable
from here.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from refundmap.asserts import assert_converts, assert_valid
from refundmap.conversion import convert
from refundmap.formats import FORMATS, FormatName, get_format
from refundmap.references import Directory
from refundmap.report import UsageError
from refundmap.testing import _payloads as p
from refundmap.testing import _priced
from refundmap.testing._payloads import (
    amounts,
    currencies,
    date_text,
    json_values,
    money,
    reference_ids,
    rutter_ids,
    timestamp_text,
)

__all__ = [
    "QUIRKS",
    "SYNCED_AT",
    "Pair",
    "amounts",
    "assert_converts",
    "assert_valid",
    "currencies",
    "date_text",
    "directories",
    "documents",
    "json_values",
    "money",
    "pairs",
    "reference_ids",
    "refunds",
    "rutter_ids",
    "shapes",
    "timestamp_text",
]

#: Each quirk knob, and the formats that have the quirk.
QUIRKS: dict[str, frozenset[str]] = {
    "numeric_ids": frozenset({"railz", "railz-v2"}),
    "rounded_units": frozenset({"rutter", "railz"}),
    "empty_lines": frozenset(FORMATS),
    "currency_ids": frozenset({"railz"}),
    "tax_inclusive": frozenset({"rutter", "rutter-create", "railz"}),
    "numeric_strings": frozenset(FORMATS),
    "unknown_keys": frozenset(FORMATS),
}

#: The currency ids that are no ISO codes, by platform: ISO code -> the currencyRef sent.
_CURRENCY_IDS: dict[str, dict[str, dict[str, str]]] = {
    "quickbooks-desktop": {
        "USD": {"id": "8000006D-1217255359", "name": "US Dollar", "symbol": "8000006D-1217255359"},
        "CAD": {
            "id": "80000071-1217255359",
            "name": "Canadian Dollar",
            "symbol": "80000071-1217255359",
        },
    },
    "netsuite": {"CAD": {"id": "1", "name": "CAN"}},
}

#: The key an ``unknown_keys`` refund carries.
UNKNOWN_KEY = {"rutter": "x_refundmap_unknown", "railz": "xRefundmapUnknown"}


def directories(document: Any, format: FormatName) -> st.SearchStrategy[Directory]:  # noqa: A002
    """Return a strategy of :class:`~refundmap.Directory` of every reference id of ``document``.

    Each id gets a counterpart of the other id space (a platform id for a Rutter
    id, a UUID for a platform id), distinct within its kind, and maybe a name.
    """
    return p.directories(document, get_format(format).name)


def shapes(format: FormatName) -> tuple[str, ...]:  # noqa: A002 - the documented keyword
    """Return the shapes a document of ``format`` can have: ``record``, its envelopes, ``array``."""
    fmt = get_format(format)
    return ("record", *(shape.name for shape in fmt.envelopes), "array")


def _check_quirks(fmt: str, quirks: dict[str, Any]) -> None:
    for name, value in quirks.items():
        if name not in QUIRKS:
            raise UsageError.of(name, f"unknown quirk {name!r}; the quirks are {', '.join(QUIRKS)}")
        if value and fmt not in QUIRKS[name]:
            having = ", ".join(f for f in FORMATS if f in QUIRKS[name])
            raise UsageError.of(name, f"{name}: {fmt} documents do not have it; {having} do")
    if quirks.get("currency_ids") not in (None, False, *_CURRENCY_IDS):
        raise UsageError.of(
            "currency_ids",
            f"currency_ids must be one of {', '.join(_CURRENCY_IDS)}, not"
            f" {quirks['currency_ids']!r}",
        )


def _base(fmt: str, quirks: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The bare records of ``fmt`` before the quirks that rewrite a record."""
    rounded, inclusive = bool(quirks.get("rounded_units")), bool(quirks.get("tax_inclusive"))
    platform = quirks.get("currency_ids")
    codes = p.currencies if platform is None else st.sampled_from(sorted(_CURRENCY_IDS[platform]))
    strategies: dict[str, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
        "rutter": lambda: (
            _priced.rutter_priced_refunds(rounded=rounded, inclusive=inclusive or None)
            if rounded or inclusive
            else p.rutter_refunds()
        ),
        "rutter-create": lambda: p.rutter_create_bodies().map(_bare_create),
        "railz": lambda: (
            _priced.railz_priced_refunds(rounded=rounded, inclusive=inclusive or None)
            if rounded or inclusive
            else p.railz_refunds(codes=codes)
        ),
        "railz-v2": p.railz_v2_refunds,
        "railz-push": lambda: p.railz_push_bodies("railz-push").map(lambda b: b["data"]),
        "railz-v2-push": lambda: p.railz_push_bodies("railz-v2-push").map(lambda b: b["data"]),
    }
    return strategies[fmt]()


def _bare_create(body: dict[str, Any]) -> dict[str, Any]:
    """A create body's record, without the read-only line ``type`` (an unknown key there)."""
    record: dict[str, Any] = body.get("customer_refund", body)
    for line in record["line_items"]:
        line.pop("type", None)
    return record


def _amounts_as_text(value: Any) -> Any:
    if type(value) is Decimal:
        return format(value, "f")
    if type(value) is dict:
        return {key: _amounts_as_text(item) for key, item in value.items()}
    if type(value) is list:
        return [_amounts_as_text(item) for item in value]
    return value


def _numeric_ids(draw: st.DrawFn, record: dict[str, Any]) -> None:
    numbers = st.integers(min_value=1, max_value=10**9)
    record["id"] = draw(numbers)
    for holder in (record, *(line for line in record.get("lines") or [] if line)):
        for value in holder.values():
            if type(value) is dict and type(value.get("id")) is str and draw(st.booleans()):
                value["id"] = draw(numbers)


@st.composite
def _refund(draw: st.DrawFn, fmt: str, quirks: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(draw(_base(fmt, quirks)))
    vendor = get_format(fmt).vendor
    lines = "line_items" if vendor == "rutter" else "lines"
    if quirks.get("tax_inclusive") and fmt == "rutter-create":
        record["additional_fields"] = {"tax_inclusive": True}
    if (platform := quirks.get("currency_ids")) is not None:
        held = _CURRENCY_IDS[str(platform)]
        code = str((record.get("currencyRef") or {}).get("id"))
        assume(code in held)  # drawn from them, but for a priced refund's (USD)
        record["currencyRef"] = dict(held[code])
    if quirks.get("numeric_ids"):
        _numeric_ids(draw, record)
    if quirks.get("empty_lines"):
        record[lines] = [*(record.get(lines) or []), {}]
    if quirks.get("numeric_strings"):
        record = _amounts_as_text(record)
    if quirks.get("unknown_keys"):
        record[UNKNOWN_KEY[vendor]] = draw(json_values)
    return record


def refunds(format: FormatName, **quirks: Any) -> st.SearchStrategy[dict[str, Any]]:  # noqa: A002
    """Return a strategy of bare refunds (records) of ``format``, with the quirks asked for.

    Raises:
        UsageError: for an unknown format, quirk, or a quirk the format does not have.
    """
    fmt = get_format(format).name
    _check_quirks(fmt, quirks)
    return _refund(fmt, quirks)


def _wrap(
    fmt: str, shape: str, records: st.SearchStrategy[dict[str, Any]]
) -> st.SearchStrategy[Any]:
    """Documents of ``shape`` holding records drawn from ``records``."""
    registered = get_format(fmt)
    envelope = next((s for s in registered.envelopes if s.name == shape), None)
    if shape == "record":
        return records
    if envelope is None:
        raise UsageError.of(
            "shape",
            f"{fmt} documents have no shape {shape!r}; the shapes are {', '.join(shapes(fmt))}",  # type: ignore[arg-type]
        )
    if registered.request is not None:
        request = registered.request
        return records.map(lambda record: request(record, p.PUSH_PARAMETERS))
    if fmt == "rutter":
        if shape == "fetch":
            return st.builds(
                lambda r, c: {"customer_refund": r, "connection": c}, records, p.connections()
            )
        return st.builds(
            lambda rs, cursor, c: {"customer_refunds": rs, "next_cursor": cursor, "connection": c},
            st.lists(records, max_size=3),
            p.maybe(p.texts),
            p.connections(),
        )
    meta: dict[str, Any] = (
        {"serviceName": "xero", "connectionUuid": "CON-1"}
        if fmt == "railz-v2"
        else {"serviceName": "quickbooks", "businessName": "Büro Ünlü"}
    )
    counted = fmt == "railz"  # version 1 pages say their count at the top too
    return st.lists(records, max_size=3).map(
        lambda rs: {
            "pagination": {"offset": 0, "limit": 100, "count": len(rs)},
            **({"count": len(rs)} if counted else {}),
            "meta": meta,
            "data": rs,
        }
    )


def documents(
    format: FormatName,  # noqa: A002 - the documented keyword
    *,
    shape: str | None = None,
    **quirks: Any,
) -> st.SearchStrategy[Any]:
    """Return a strategy of documents of ``format``: of ``shape``, or of any.

    Args:
        format: a format name.
        shape: ``record``, an envelope of the format (``fetch`` or ``list``
            for ``rutter``, ``list`` for ``railz`` and ``railz-v2``,
            ``request`` for the body formats), or ``array`` (a JSON array of
            documents of the other shapes); None: any of them.
        **quirks: the quirk knobs, as for :func:`refunds`.

    Raises:
        UsageError: for an unknown format, shape or quirk, or a quirk the format does not have.
    """
    fmt = get_format(format).name
    _check_quirks(fmt, quirks)
    known = shapes(fmt)
    if shape is not None and shape not in known:
        raise UsageError.of(
            "shape", f"{fmt} documents have no shape {shape!r}; the shapes are {', '.join(known)}"
        )
    records = _refund(fmt, quirks)
    single = st.one_of([_wrap(fmt, name, records) for name in known if name != "array"])
    if shape == "array":
        return st.lists(single, max_size=3)
    if shape is not None:
        return _wrap(fmt, shape, records)
    return single | st.lists(single, max_size=3)


@attrs.frozen
class Pair:
    """A Rutter document, the Railz document it corresponds to, and the ids that link them.

    Attributes:
        rutter: a ``rutter`` document (a refund, or a list response).
        railz: the same refunds as a document of ``railz_format``.
        railz_format: ``railz`` or ``railz-v2``.
        directory: every reference id of both documents, Rutter's and the platform's.
    """

    rutter: Any
    railz: Any
    railz_format: Literal["railz", "railz-v2"]
    directory: Directory


#: The conversion time the Rutter side of a pair is written with.
SYNCED_AT = datetime(2024, 6, 30, 12, tzinfo=UTC)


@st.composite
def _pair(draw: st.DrawFn, railz_format: Literal["railz", "railz-v2"], shape: str) -> Pair:
    if railz_format == "railz":
        record = p.railz_refunds(with_account=True, plain=True)
    else:
        record = p.railz_v2_refunds(carried=True)
    document = draw(_wrap(railz_format, shape, record))
    directory = draw(directories(document, railz_format))
    params: dict[str, Any] = (
        {"connection_uuid": "CON-1"}
        if railz_format == "railz-v2"
        else {"business_name": "Büro Ünlü", "service_name": "quickbooks"}
    )
    done = convert(
        document, railz_format, "rutter", directory=directory, synced_at=SYNCED_AT, **params
    )
    return Pair(done.output, document, railz_format, directory)


def pairs(
    railz_format: Literal["railz", "railz-v2"] | None = None, *, shape: str | None = None
) -> st.SearchStrategy[Pair]:
    """Return a strategy of consistent :class:`Pair`s.

    Each converts into the other with its directory and no warning: every
    reference id has its counterpart, and the refunds carry only what both
    vendors hold.

    Args:
        railz_format: ``railz`` or ``railz-v2``; None: either.
        shape: ``record`` or ``list`` (a Rutter list response against a Railz
            page); None: either.
    """
    formats: list[Literal["railz", "railz-v2"]] = (
        ["railz", "railz-v2"] if railz_format is None else [railz_format]
    )
    for name in formats:
        if name not in ("railz", "railz-v2"):
            message = f"railz_format must be railz or railz-v2, not {name!r}"
            raise UsageError.of("railz_format", message)
    if shape not in (None, "record", "list"):
        raise UsageError.of("shape", f"shape must be record or list, not {shape!r}")
    chosen = ["record", "list"] if shape is None else [shape]
    return st.one_of([_pair(name, kind) for name in formats for kind in chosen])
