"""The strategies behind :mod:`refundmap.testing`: values, vendor payloads, references."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from hypothesis import assume
from hypothesis import strategies as st

from refundmap.conversion import convert
from refundmap.money import minor_unit
from refundmap.references import Directory, RefKind
from refundmap.report import MappingError, format_path
from refundmap.validation import codec_for, load

#: The bounds of naive datetimes: a local time without offset is a case vendors send.
_NAIVE_MIN = datetime(1900, 1, 1)  # noqa: DTZ001
_NAIVE_MAX = datetime(2200, 1, 1)  # noqa: DTZ001

#: Amounts as vendors send them: up to 12 integer digits and 0 to 4 places.
amounts = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=4),
)

offsets = st.one_of(
    st.just(UTC),
    st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    ),
)

#: Timestamps with millisecond precision, naive or with an offset.
timestamps = st.builds(
    lambda moment, ms, zone: moment.replace(microsecond=ms * 1000, tzinfo=zone),
    st.datetimes(min_value=_NAIVE_MIN, max_value=_NAIVE_MAX),
    st.integers(min_value=0, max_value=999),
    st.none() | offsets,
)

#: Bare dates and timestamps.
dates = st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)), timestamps)

#: Any JSON value, numbers as exact decimals.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=20)
    | amounts
    | st.integers(min_value=-(10**20), max_value=10**20).map(Decimal),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


# -- vendor payloads -------------------------------------------------------------------

#: ISO 4217 codes with 0, 2 and 3 minor digits, and no currency at all.
currencies = st.sampled_from(["USD", "EUR", "GBP", "CAD", "JPY", "KRW", "KWD", "BHD", None])

#: Identifiers: any non-empty unicode text (no surrogates), as vendors may send.
identifiers = st.text(min_size=1, max_size=16)

#: Rutter's own ids of the objects a refund refers to: UUIDs, as Rutter mints them.
rutter_ids = st.uuids().map(str)

#: Free text with unicode, including the empty string.
texts = st.text(max_size=40)


#: Strategies are built once for each set of arguments and then reused: building
#: one (and Hypothesis validating it) cost more than drawing from it, as the
#: composites below build their parts at every draw.
_built = lru_cache(maxsize=4096)


def _places(currency: str | None) -> int:
    return minor_unit(currency)


@_built
def money(currency: str | None, *, low: int = 0, high: int = 10**7) -> st.SearchStrategy[Decimal]:
    """Amounts in ``currency``'s minor unit, from ``low`` to ``high``."""
    places = _places(currency)
    return st.integers(min_value=low * 10**places, max_value=high * 10**places).map(
        lambda units: Decimal(units).scaleb(-places)
    )


#: The offsets timestamps are written with: UTC both ways, the extremes, a
#: quarter-hour zone, and none (a local time).
OFFSETS = ("Z", "+00:00", "+05:45", "-12:00", "+14:00", "")


@st.composite
def timestamp_text(draw: st.DrawFn) -> str:
    """A timestamp as platforms write it.

    0 to 9 fractional digits (100 ns ticks from .NET platforms), any offset,
    ``T`` or the space RFC 3339 allows, and now and then a leap second.
    """
    moment = draw(st.datetimes(min_value=_NAIVE_MIN, max_value=_NAIVE_MAX))
    digits = draw(st.integers(min_value=0, max_value=9))
    fraction = draw(st.text("0123456789", min_size=digits, max_size=digits))
    offset = draw(st.sampled_from(OFFSETS))
    clock = moment.strftime("%H:%M:%S")
    if draw(st.integers(min_value=0, max_value=30)) == 0:
        clock, offset = "23:59:60", draw(st.sampled_from(["Z", "+00:00", ""]))
    separator = draw(st.sampled_from("TTTT "))
    return f"{moment:%Y-%m-%d}{separator}{clock}{'.' if digits else ''}{fraction}{offset}"


def fraction(text: str) -> str:
    """The fractional digits of a timestamp's text ("" when there are none)."""
    found = re.search(r"[.,]([0-9]+)", text[11:])
    return found.group(1) if found else ""


@_built
def date_text() -> st.SearchStrategy[str]:
    """Dates as vendors write them: bare dates, and timestamps as :func:`timestamp_text`."""
    return (
        st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat)
        | timestamp_text()
    )


@_built
def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``strategy`` or null."""
    return st.none() | strategy


@_built
@st.composite
def rutter_lines(draw: st.DrawFn, currency: str | None, *, whole: bool) -> dict[str, Any]:
    """A Rutter line item whose total is quantity x unit amount when it has both."""
    has_item = draw(st.booleans())
    if has_item:
        quantity = (
            Decimal(draw(st.integers(min_value=1, max_value=50)))
            if whole
            else draw(st.integers(1, 5000).map(lambda n: Decimal(n).scaleb(-2)))
        )
        unit = draw(money(currency, high=10**5))
        item: dict[str, Any] | None = {
            "id": draw(maybe(rutter_ids)),
            "quantity": quantity,
            "unit_amount": unit,
        }
        total = quantity * unit
    else:
        item = None
        total = draw(money(currency, high=10**5))
    line = {
        "account_id": draw(maybe(rutter_ids)),
        "class_id": draw(maybe(rutter_ids)),
        "tax_rate_id": draw(maybe(rutter_ids)),
        "total_amount": total,
        "description": draw(maybe(texts)),
        "item": item,
    }
    if draw(st.booleans()):
        line["additional_fields"] = {"sales_taxable": draw(maybe(st.booleans()))}
    if draw(st.booleans()):  # newer copies of 2024-08-31 send it on every line
        line["type"] = draw(st.sampled_from([None, "shipping"]))
    return line


@_built
@st.composite
def rutter_refunds(
    draw: st.DrawFn,
    *,
    whole: bool = False,
    dated: bool = False,
    min_lines: int = 0,
    max_lines: int = 20,
) -> dict[str, Any]:
    """A Rutter read refund whose totals add up (whole: integer quantities only)."""
    currency = draw(currencies)
    lines = draw(
        st.lists(rutter_lines(currency, whole=whole), min_size=min_lines, max_size=max_lines)
    )
    summed = sum((line["total_amount"] for line in lines), Decimal(0))
    discount = draw(maybe(money(currency, high=int(summed))))
    tax = draw(maybe(money(currency, high=10**5)))
    total = summed - (discount or 0) + (tax or 0) if lines else draw(money(currency))
    refund: dict[str, Any] = {
        "id": draw(identifiers),
        "platform_id": draw(identifiers),
        "account_id": draw(rutter_ids),
        "class_id": draw(maybe(rutter_ids)),
        "customer_id": draw(maybe(rutter_ids)),
        "department_id": draw(maybe(rutter_ids)),
        "tax_rate_id": draw(maybe(rutter_ids)),
        "transaction_date": draw(date_text() if dated else maybe(date_text())),
        "total_amount": total,
        "discount_amount": discount,
        "document_number": draw(maybe(texts)),
        "tax_amount": tax,
        "line_items": lines,
        "created_at": draw(maybe(date_text())),
        "updated_at": draw(maybe(date_text())),
        "last_synced_at": draw(date_text()),
        "platform_url": draw(maybe(texts)),
    }
    if currency is not None or draw(st.booleans()):
        refund["currency_code"] = currency
        refund["currency_rate"] = draw(maybe(money("KWD", low=0, high=1000)))
    if draw(st.booleans()):
        shipping = draw(maybe(money(currency, high=1000)))
        refund["additional_fields"] = {} if shipping is None else {"shipping_amount": shipping}
    if draw(st.booleans()):
        refund["platform_data"] = draw(
            st.dictionaries(st.text(max_size=8), json_values, max_size=4)
        )
    return refund


@_built
def connections() -> st.SearchStrategy[dict[str, Any]]:
    """A Rutter connection."""
    return st.fixed_dictionaries(
        {
            "id": identifiers,
            "orgId": identifiers,
            "platform": st.sampled_from(["QUICKBOOKS", "XERO", "NETSUITE", "FRESHBOOKS"]),
        }
    )


@_built
def rutter_documents(*, max_records: int = 3, **kwargs: Any) -> st.SearchStrategy[Any]:
    """A Rutter document of any shape: record, fetch, list, or an array of them.

    max_records: the most records of a list, and documents of an array.
    """
    record = rutter_refunds(**kwargs)
    fetch = st.builds(lambda r, c: {"customer_refund": r, "connection": c}, record, connections())
    page = st.builds(
        lambda rs, cursor, c: {
            "customer_refunds": rs,
            **({} if cursor == "absent" else {"next_cursor": cursor}),
            "connection": c,
        },
        st.lists(record, max_size=max_records),
        maybe(texts) | st.just("absent"),
        connections(),
    )
    single = record | fetch | page
    return single | st.lists(single, max_size=max_records)


@_built
@st.composite
def rutter_create_bodies(draw: st.DrawFn, *, max_lines: int = 20) -> dict[str, Any]:
    """A Rutter create object (bare, or as a request body) of 1 to ``max_lines`` lines."""
    currency = draw(currencies)
    lines = draw(st.lists(rutter_lines(currency, whole=False), min_size=1, max_size=max_lines))
    for line in lines:
        for key in ("account_id", "class_id", "tax_rate_id", "description"):
            if line[key] is None and draw(st.booleans()):
                del line[key]
    body: dict[str, Any] = {"account_id": draw(rutter_ids), "line_items": lines}
    optional = {
        "customer_id": maybe(rutter_ids),
        "class_id": maybe(rutter_ids),
        "department_id": maybe(rutter_ids),
        "tax_rate_id": maybe(rutter_ids),
        "transaction_date": maybe(date_text()),
        "document_number": maybe(texts),
        "currency_rate": maybe(money("KWD", high=1000).map(lambda d: format(d, "f"))),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            body[key] = draw(strategy)
    if currency is not None:
        body["currency_code"] = currency
    if draw(st.booleans()):
        body["additional_fields"] = {"tax_inclusive": draw(st.booleans())}
    if draw(st.booleans()):
        return body
    request: dict[str, Any] = {"customer_refund": body}
    if draw(st.booleans()):
        request["response_mode"] = draw(st.sampled_from(["async", "prefer_sync"]))
    return request


def _ref(draw: st.DrawFn, **extra: st.SearchStrategy[Any]) -> dict[str, Any] | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    ref: dict[str, Any] = {"id": draw(identifiers)}
    for key, strategy in {"name": texts, **extra}.items():
        if draw(st.booleans()):
            ref[key] = draw(maybe(strategy))
    return ref


def _put(draw: st.DrawFn, target: dict[str, Any], key: str, value: Any) -> None:
    """Set an optional Railz key, or leave it out, or (for null) send null."""
    if value is not None or draw(st.booleans()):
        target[key] = value


@_built
@st.composite
def railz_lines(draw: st.DrawFn, currency: str | None, *, plain: bool = False) -> dict[str, Any]:
    """A Railz line whose subtotal and total add up (plain: no line tax or discount)."""
    quantity = draw(st.integers(min_value=1, max_value=50))
    unit = draw(money(currency, high=10**5))
    gross = quantity * unit
    discount = Decimal(0) if plain else draw(money(currency, high=int(gross)))
    discount = min(discount, gross)
    tax = Decimal(0) if plain else draw(money(currency, high=10**4))
    line: dict[str, Any] = {}
    _put(draw, line, "id", draw(maybe(identifiers)))
    _put(draw, line, "description", draw(maybe(texts)))
    line["unitAmount"] = unit
    line["quantity"] = quantity
    if discount or draw(st.booleans()):
        line["discountAmount"] = discount
    line["subTotal"] = gross - discount
    line["taxAmount"] = tax
    line["totalAmount"] = gross - discount + tax
    _put(draw, line, "accountRef", _ref(draw))
    _put(draw, line, "taxRateRef", _ref(draw, effectiveTaxRate=money(None, high=100)))
    _put(draw, line, "inventoryRef", _ref(draw))
    _put(
        draw,
        line,
        "trackingCategoryRef",
        _ref(draw, option=texts, optionId=identifiers),
    )
    return line


@_built
@st.composite
def railz_refunds(
    draw: st.DrawFn,
    *,
    plain: bool = False,
    with_account: bool = False,
    max_lines: int = 20,
    codes: st.SearchStrategy[str | None] = currencies,
) -> dict[str, Any]:
    """A Railz refund whose totals add up.

    plain: no line tax, line discount or header discount, so that the refund also
    adds up in Rutter's rules. with_account: always an ``accountRef`` (Rutter needs one).
    codes: the currencies drawn from.
    """
    currency = draw(codes)
    lines = draw(st.lists(railz_lines(currency, plain=plain), max_size=max_lines))
    sub_total = sum((line["subTotal"] for line in lines), Decimal(0))
    tax = (
        draw(money(currency, high=10**4))
        if plain
        else sum((line["taxAmount"] for line in lines), Decimal(0))
    )
    refund: dict[str, Any] = {"id": draw(identifiers)}
    _put(draw, refund, "customerRef", _ref(draw))
    account = _ref(draw)
    if with_account and account is None:
        account = {"id": draw(identifiers)}
    _put(draw, refund, "accountRef", account)
    refund["date"] = draw(date_text())
    if currency is not None:
        refund["currencyRef"] = {"id": currency, **({"symbol": "¤"} if draw(st.booleans()) else {})}
    _put(draw, refund, "currencyRate", draw(maybe(money("KWD", high=1000))))
    if lines or draw(st.booleans()) is True:
        refund["lines"] = lines
    if lines:
        refund["subTotal"] = sub_total
        refund["taxAmount"] = tax
        refund["totalAmount"] = sub_total + tax
        discounts = sum((line.get("discountAmount", 0) for line in lines), Decimal(0))
        if discounts or (not plain and draw(st.booleans())):
            refund["totalDiscount"] = discounts
    else:
        refund["totalAmount"] = draw(money(currency))
    _put(draw, refund, "discountPercentage", None if plain else draw(maybe(money(None, high=100))))
    _put(draw, refund, "memo", draw(maybe(texts)))
    if draw(st.booleans()):
        refund["shippingAddress"] = {"line1": draw(texts), "city": draw(texts), "country": "CAN"}
    _put(draw, refund, "sourceModifiedDate", draw(maybe(date_text())))
    return refund


@_built
def railz_documents(*, max_records: int = 3, **kwargs: Any) -> st.SearchStrategy[Any]:
    """A Railz document of any shape: record, list response, or an array of them.

    max_records: the most records of a list, and documents of an array.
    """
    record = railz_refunds(**kwargs)
    page = st.builds(
        lambda rs, service: {
            "pagination": {"offset": 0, "limit": 100, "count": len(rs)},
            "count": len(rs),
            "meta": {"serviceName": service, "businessName": "Büro Ünlü"},
            "data": rs,
        },
        st.lists(record, max_size=max_records),
        st.sampled_from(["quickbooks", "xero", "oracleNetsuite"]),
    )
    single = record | page
    return single | st.lists(single, max_size=max_records)


@_built
@st.composite
def railz_v2_lines(
    draw: st.DrawFn, currency: str | None, department: str | None, *, carried: bool
) -> dict[str, Any]:
    """A Railz version 2 line; ``carried``: only what Rutter holds (no location entries)."""
    quantity = draw(st.integers(min_value=1, max_value=50))
    unit = draw(money(currency, high=10**5))
    line: dict[str, Any] = {}
    _put(draw, line, "description", draw(maybe(texts)))
    line["unitAmount"] = unit
    line["quantity"] = quantity
    if not carried:
        _put(draw, line, "discountAmount", draw(maybe(money(currency, high=100))))
        _put(draw, line, "taxAmount", draw(maybe(money(currency, high=100))))
    _put(draw, line, "taxRateRef", _ref(draw, effectiveTaxRate=money(None, high=100)))
    _put(draw, line, "inventoryRef", _ref(draw))
    line["amount"] = quantity * unit
    entries: list[dict[str, Any]] = []
    if draw(st.booleans()):
        entries.append({"id": draw(identifiers), "type": "class"})
    if department is not None:
        entries.append({"id": department, "type": "department"})
    if not carried and draw(st.booleans()):
        entries.append(
            {"id": draw(identifiers), "type": draw(st.sampled_from(["location", "unknown"]))}
        )
    if entries or draw(st.booleans()) is True:
        line["trackingCategoryRefs"] = entries
    _put(draw, line, "accountRef", _ref(draw))
    if not carried and draw(st.booleans()):
        line["links"] = [{"id": draw(identifiers)}]
    return line


@_built
@st.composite
def railz_v2_refunds(
    draw: st.DrawFn, *, carried: bool = False, max_lines: int = 10
) -> dict[str, Any]:
    """A Railz version 2 refund whose header total adds up.

    carried: what Rutter can hold, so that a round trip keeps it: an account, a
    department on every line or on none, no location or unknown entries.
    max_lines: the most lines it has.
    """
    currency = draw(currencies)
    department = draw(st.none() | identifiers)
    lines = draw(
        st.lists(
            railz_v2_lines(currency, department, carried=carried),
            min_size=1 if carried and department else 0,
            max_size=max_lines,
        )
    )
    sub_total = sum((line["amount"] for line in lines), Decimal(0))
    tax = draw(money(currency, high=10**4))
    refund: dict[str, Any] = {"id": draw(identifiers)}
    _put(draw, refund, "customerRef", _ref(draw))
    refund["accountRef"] = {"id": draw(identifiers)} if carried else _ref(draw)
    _put(draw, refund, "currencyRate", draw(maybe(money("KWD", high=1000))))
    if lines:
        refund["subTotal"] = sub_total
        refund["taxAmount"] = tax
    refund["totalAmount"] = sub_total + tax if lines else draw(money(currency))
    _put(draw, refund, "memo", draw(maybe(texts)))
    _put(draw, refund, "sourceModifiedDate", draw(maybe(date_text())))
    refund["postedDate"] = draw(date_text())
    if currency is not None:
        refund["currency"] = currency
    if lines or draw(st.booleans()) is True:
        refund["lines"] = lines
    if draw(st.booleans()):
        refund["passThrough"] = {"Status": draw(texts)}
    return refund


@_built
def railz_v2_documents(*, max_records: int = 3, **kwargs: Any) -> st.SearchStrategy[Any]:
    """A Railz version 2 document of any shape: record, list response, or an array.

    max_records: the most records of a list, and documents of an array.
    """
    record = railz_v2_refunds(**kwargs)
    page = st.builds(
        lambda rs: {
            "pagination": {"offset": 0, "limit": 100, "count": len(rs)},
            "meta": {"serviceName": "xero", "connectionUuid": "CON-1"},
            "data": rs,
        },
        st.lists(record, max_size=max_records),
    )
    single = record | page
    return single | st.lists(single, max_size=max_records)


# -- references ----------------------------------------------------------------------------

#: Where a record holds reference ids, and of which kind: the refund's, then each line's.
_REFS = {
    "rutter": (
        (
            ("account_id", "account"),
            ("customer_id", "customer"),
            ("class_id", "class"),
            ("department_id", "department"),
            ("tax_rate_id", "tax_rate"),
        ),
        "line_items",
        (
            ("account_id", "account"),
            ("class_id", "class"),
            ("tax_rate_id", "tax_rate"),
            ("item.id", "item"),
        ),
    ),
    "railz": (
        (("accountRef.id", "account"), ("customerRef.id", "customer")),
        "lines",
        (
            ("accountRef.id", "account"),
            ("taxRateRef.id", "tax_rate"),
            ("inventoryRef.id", "item"),
            ("trackingCategoryRef.id", "class"),
        ),
    ),
}


def _at(data: dict[str, Any], keypath: str) -> Any:
    for key in keypath.split("."):
        data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


def reference_ids(document: Any, fmt: str) -> list[tuple[str, str, str]]:
    """``(JSONPath, kind, id)`` of every reference id in a read document of ``fmt``."""
    loaded = load(document, fmt)
    codec = codec_for(loaded.format, strict=False)
    refund_refs, lines_key, line_refs = _REFS[loaded.format.vendor]
    found: list[tuple[str, str, str]] = []

    def add(data: dict[str, Any], path: tuple[Any, ...], refs: Any) -> None:
        for keypath, kind in refs:
            value = _at(data, keypath)
            if value is not None:
                found.append((format_path((*path, *keypath.split("."))), kind, value))

    for part in loaded.parts:
        for path, record in loaded.format.records(part.model, part.shape, part.path):
            data = codec.unstructure(record)
            add(data, path, refund_refs)
            for index, line in enumerate(data.get(lines_key) or []):
                at = (*path, lines_key, index)
                add(line, at, line_refs)
                for position, entry in enumerate(line.get("trackingCategoryRefs") or []):
                    if entry.get("type") in ("class", "department"):
                        where = format_path((*at, "trackingCategoryRefs", position, "id"))
                        found.append((where, entry["type"], entry["id"]))
    return found


@st.composite
def directories(draw: st.DrawFn, document: Any, fmt: str) -> Any:
    """A :class:`refundmap.Directory` holding every reference id of ``document``.

    Each id gets a counterpart of the other id space (a platform id for a
    Rutter id, a UUID for a platform id), distinct within its kind, and maybe a name.
    """
    rutter = fmt.startswith("rutter")
    directory = Directory()
    taken: set[tuple[str, str]] = set()
    for kind, value in sorted({(kind, value) for _, kind, value in reference_ids(document, fmt)}):
        other = draw(
            (identifiers if rutter else rutter_ids).filter(
                lambda x, k=kind: (k, x) not in taken  # type: ignore[arg-type]
            )
        )
        taken.add((kind, other))
        name = draw(maybe(st.text(min_size=1, max_size=20)))
        rutter_id, platform_id = (value, other) if rutter else (other, value)
        directory.add(cast("RefKind", kind), rutter_id, platform_id, name)
    return directory


#: The parameters a push body is written with.
PUSH_PARAMETERS = {"connection_uuid": "CON-1", "business_name": "Büro Ünlü", "service_name": "xero"}


@_built
@st.composite
def railz_push_bodies(draw: st.DrawFn, target: str) -> dict[str, Any]:
    """A ``railz-push`` or ``railz-v2-push`` body, as refundmap writes it from a read refund."""
    if target == "railz-v2-push":
        source, refund = "railz-v2", draw(railz_v2_refunds(carried=True))
    else:
        source, refund = "railz", draw(railz_refunds(with_account=True))
        refund.setdefault("customerRef", None)
        refund["customerRef"] = refund["customerRef"] or {"id": draw(identifiers)}
    try:
        body = convert(
            refund,
            source,  # type: ignore[arg-type]
            target,  # type: ignore[arg-type]
            connection_uuid=PUSH_PARAMETERS["connection_uuid"],
            business_name=PUSH_PARAMETERS["business_name"],
            service_name=PUSH_PARAMETERS["service_name"],
        ).output
    except MappingError:
        assume(False)  # noqa: FBT003  # a refund the push body cannot hold (a currency it has no field for)
    return body  # type: ignore[return-value]
