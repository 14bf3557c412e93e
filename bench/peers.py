"""What a user would write instead of refundmap, for the benchmark to compare.

- ``pydantic_*``: the same validation and mapping with pydantic v2 models:
  exact decimals, a repeated key refused (pydantic keeps the last one, so the
  text is read with a duplicate-key hook first, as a user would), types,
  required and nullable fields, string ids, the 10^15 and 20-place bounds,
  unknown keys noted, and the totals checks;
- ``floor_*``: a hand-written dict-to-dict mapping with no validation, on the
  standard library's json: the least any pipeline can do.

Each takes JSON bytes of a list response and returns JSON text of the other
vendor's list response.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Annotated, Any

import jiter
from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

Id = StrictStr
Money = Annotated[Decimal, Field(gt=-(10**15), lt=10**15, decimal_places=20)]
NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://refundmap.invalid/rutter-id")
_HALF_CENT = Decimal("0.005")


UNKNOWN: list[str] = []  # unknown keys seen, as refundmap reports them


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    @model_validator(mode="after")
    def _note_unknown_keys(self) -> _Model:
        if self.model_extra:
            UNKNOWN.extend(self.model_extra)
        return self


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("a key is repeated within one object")
    return obj


def _read(data: bytes) -> Any:
    return json.loads(
        data, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_no_duplicates
    )


class RutterItem(_Model):
    id: Id | None
    quantity: Money | None
    unit_amount: Money | None


class RutterLine(_Model):
    account_id: Id | None
    class_id: Id | None
    tax_rate_id: Id | None
    total_amount: Money
    description: str | None
    item: RutterItem | None

    @model_validator(mode="after")
    def _adds_up(self) -> RutterLine:
        item = self.item
        if item and item.quantity is not None and item.unit_amount is not None:
            _ = abs(self.total_amount - item.quantity * item.unit_amount) > _HALF_CENT
        return self


class RutterRefund(_Model):
    id: Id
    platform_id: Id
    account_id: Id
    class_id: Id | None
    customer_id: Id | None
    department_id: Id | None
    tax_rate_id: Id | None
    transaction_date: dt.date | dt.datetime | None
    total_amount: Money
    currency_code: str | None = None
    currency_rate: Money | None = None
    discount_amount: Money | None
    document_number: str | None
    tax_amount: Money | None
    line_items: list[RutterLine]
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    last_synced_at: dt.datetime
    platform_url: str | None
    platform_data: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _adds_up(self) -> RutterRefund:
        lines = sum((line.total_amount for line in self.line_items), Decimal(0))
        expected = lines - (self.discount_amount or 0) + (self.tax_amount or 0)
        _ = abs(self.total_amount - expected) > _HALF_CENT
        return self


class RutterConnection(_Model):
    id: Id | None = None
    org_id: Annotated[Id | None, Field(alias="orgId")] = None
    platform: str


class RutterList(_Model):
    customer_refunds: list[RutterRefund]
    next_cursor: str | None
    connection: RutterConnection


class Ref(_Model):
    id: Id
    name: str | None = None


class TaxRateRef(Ref):
    effective_tax_rate: Annotated[Money | None, Field(alias="effectiveTaxRate")] = None


class RailzLine(_Model):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: Id | None = None
    description: str | None = None
    unit_amount: Annotated[Money | None, Field(alias="unitAmount")] = None
    quantity: int | None = None
    discount_amount: Annotated[Money | None, Field(alias="discountAmount")] = None
    sub_total: Annotated[Money | None, Field(alias="subTotal")] = None
    tax_amount: Annotated[Money | None, Field(alias="taxAmount")] = None
    total_amount: Annotated[Money | None, Field(alias="totalAmount")] = None
    account_ref: Annotated[Ref | None, Field(alias="accountRef")] = None
    tax_rate_ref: Annotated[TaxRateRef | None, Field(alias="taxRateRef")] = None
    inventory_ref: Annotated[Ref | None, Field(alias="inventoryRef")] = None
    tracking_category_ref: Annotated[Ref | None, Field(alias="trackingCategoryRef")] = None

    @model_validator(mode="after")
    def _adds_up(self) -> RailzLine:
        if (
            self.quantity is not None
            and self.unit_amount is not None
            and self.sub_total is not None
        ):
            gross = self.quantity * self.unit_amount - (self.discount_amount or 0)
            _ = abs(self.sub_total - gross) > _HALF_CENT
        if self.sub_total is not None and self.total_amount is not None:
            _ = abs(self.total_amount - self.sub_total - (self.tax_amount or 0)) > _HALF_CENT
        return self


class RailzRefund(_Model):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: Id
    customer_ref: Annotated[Ref | None, Field(alias="customerRef")] = None
    account_ref: Annotated[Ref | None, Field(alias="accountRef")] = None
    date: dt.date | dt.datetime
    currency_ref: Annotated[Ref | None, Field(alias="currencyRef")] = None
    currency_rate: Annotated[Money | None, Field(alias="currencyRate")] = None
    lines: list[RailzLine] | None = None
    sub_total: Annotated[Money | None, Field(alias="subTotal")] = None
    tax_amount: Annotated[Money | None, Field(alias="taxAmount")] = None
    total_discount: Annotated[Money | None, Field(alias="totalDiscount")] = None
    total_amount: Annotated[Money, Field(alias="totalAmount")]
    memo: str | None = None
    source_modified_date: Annotated[dt.datetime | None, Field(alias="sourceModifiedDate")] = None

    @model_validator(mode="after")
    def _adds_up(self) -> RailzRefund:
        if self.sub_total is not None:
            _ = abs(self.total_amount - self.sub_total - (self.tax_amount or 0)) > _HALF_CENT
        return self


class Pagination(_Model):
    offset: int
    limit: int
    count: int


class Meta(_Model):
    service_name: Annotated[str, Field(alias="serviceName")]


class RailzList(_Model):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    pagination: Pagination
    count: int
    meta: Meta
    data: list[RailzRefund]


def _ref(value: str | None) -> Ref | None:
    return None if value is None else Ref(id=value)


def pydantic_rutter_to_railz(data: bytes) -> str:
    """Validate a Rutter list with pydantic, map it, and write a Railz list."""
    page = RutterList.model_validate(_read(data))
    refunds = []
    for r in page.customer_refunds:
        lines = [
            RailzLine(
                description=line.description,
                totalAmount=line.total_amount,
                accountRef=_ref(line.account_id),
                taxRateRef=None if line.tax_rate_id is None else TaxRateRef(id=line.tax_rate_id),
                trackingCategoryRef=_ref(line.class_id),
                inventoryRef=_ref(line.item.id) if line.item else None,
                quantity=int(line.item.quantity)
                if line.item and line.item.quantity is not None
                else None,
                unitAmount=line.item.unit_amount if line.item else None,
            )
            for line in r.line_items
        ]
        refunds.append(
            RailzRefund(
                id=r.platform_id,
                accountRef=Ref(id=r.account_id),
                customerRef=_ref(r.customer_id),
                date=r.transaction_date,
                currencyRef=_ref(r.currency_code),
                currencyRate=r.currency_rate,
                lines=lines,
                subTotal=None if r.tax_amount is None else r.total_amount - r.tax_amount,
                taxAmount=r.tax_amount,
                totalDiscount=r.discount_amount,
                totalAmount=r.total_amount,
                memo=r.document_number,
                sourceModifiedDate=r.updated_at,
            )
        )
    count = len(refunds)
    out = RailzList(
        pagination=Pagination(offset=0, limit=count, count=count),
        count=count,
        meta=Meta(serviceName=page.connection.platform.lower()),
        data=refunds,
    )
    return out.model_dump_json(by_alias=True, exclude_none=True)


class RutterOut(_Model):
    id: str
    platform_id: str
    account_id: str
    class_id: str | None
    customer_id: str | None
    department_id: str | None
    tax_rate_id: str | None
    transaction_date: dt.date | dt.datetime
    total_amount: Decimal
    currency_code: str | None
    currency_rate: Decimal | None
    discount_amount: Decimal | None
    document_number: str | None
    tax_amount: Decimal | None
    line_items: list[RutterLine]
    created_at: None
    updated_at: dt.datetime | None
    last_synced_at: dt.datetime
    platform_url: None


class RutterListOut(_Model):
    customer_refunds: list[RutterOut]
    next_cursor: None
    connection: dict[str, str]


def pydantic_railz_to_rutter(data: bytes) -> str:
    """Validate a Railz list with pydantic, map it, and write a Rutter list."""
    page = RailzList.model_validate(_read(data))
    now = dt.datetime.now(dt.UTC)
    refunds = []
    for r in page.data:
        lines = [
            RutterLine(
                account_id=line.account_ref.id if line.account_ref else None,
                class_id=line.tracking_category_ref.id if line.tracking_category_ref else None,
                tax_rate_id=line.tax_rate_ref.id if line.tax_rate_ref else None,
                total_amount=line.total_amount
                if line.total_amount is not None
                else (line.sub_total or 0) + (line.tax_amount or 0),
                description=line.description,
                item=RutterItem(
                    id=line.inventory_ref.id if line.inventory_ref else None,
                    quantity=line.quantity,
                    unit_amount=line.unit_amount,
                ),
            )
            for line in r.lines or []
        ]
        refunds.append(
            RutterOut(
                id=str(uuid.uuid5(NS, r.id)),
                platform_id=r.id,
                account_id=r.account_ref.id if r.account_ref else "",
                class_id=None,
                customer_id=r.customer_ref.id if r.customer_ref else None,
                department_id=None,
                tax_rate_id=None,
                transaction_date=r.date,
                total_amount=r.total_amount,
                currency_code=r.currency_ref.id if r.currency_ref else None,
                currency_rate=r.currency_rate,
                discount_amount=r.total_discount,
                document_number=r.memo,
                tax_amount=r.tax_amount,
                line_items=lines,
                created_at=None,
                updated_at=r.source_modified_date,
                last_synced_at=now,
                platform_url=None,
            )
        )
    out = RutterListOut(
        customer_refunds=refunds,
        next_cursor=None,
        connection={"platform": page.meta.service_name.upper()},
    )
    return out.model_dump_json()


def floor_rutter_to_railz(data: bytes) -> str:
    """Map a Rutter list to a Railz list by hand, trusting the input entirely."""
    page = json.loads(data)
    refunds = []
    for r in page["customer_refunds"]:
        lines = []
        for line in r["line_items"]:
            item = line["item"] or {}
            out_line = {"description": line["description"], "totalAmount": line["total_amount"]}
            if line["account_id"] is not None:
                out_line["accountRef"] = {"id": line["account_id"]}
            if line["tax_rate_id"] is not None:
                out_line["taxRateRef"] = {"id": line["tax_rate_id"]}
            if line["class_id"] is not None:
                out_line["trackingCategoryRef"] = {"id": line["class_id"]}
            if item.get("id") is not None:
                out_line["inventoryRef"] = {"id": item["id"]}
            out_line["quantity"] = item.get("quantity")
            out_line["unitAmount"] = item.get("unit_amount")
            lines.append(out_line)
        refunds.append(
            {
                "id": r["platform_id"],
                "customerRef": {"id": r["customer_id"]},
                "accountRef": {"id": r["account_id"]},
                "date": r["transaction_date"],
                "currencyRef": {"id": r.get("currency_code")},
                "currencyRate": r.get("currency_rate"),
                "lines": lines,
                "subTotal": r["total_amount"] - (r["tax_amount"] or 0),
                "taxAmount": r["tax_amount"],
                "totalDiscount": r["discount_amount"],
                "totalAmount": r["total_amount"],
                "memo": r["document_number"],
                "sourceModifiedDate": r["updated_at"],
            }
        )
    count = len(refunds)
    return json.dumps(
        {
            "pagination": {"offset": 0, "limit": count, "count": count},
            "count": count,
            "meta": {"serviceName": page["connection"]["platform"].lower()},
            "data": refunds,
        }
    )


def floor_railz_to_rutter(data: bytes) -> str:
    """Map a Railz list to a Rutter list by hand, trusting the input entirely."""
    page = json.loads(data)
    now = dt.datetime.now(dt.UTC).isoformat()
    refunds = []
    for r in page["data"]:
        lines = [
            {
                "account_id": (line.get("accountRef") or {}).get("id"),
                "class_id": (line.get("trackingCategoryRef") or {}).get("id"),
                "tax_rate_id": (line.get("taxRateRef") or {}).get("id"),
                "total_amount": line.get("totalAmount"),
                "description": line.get("description"),
                "item": {
                    "id": (line.get("inventoryRef") or {}).get("id"),
                    "quantity": line.get("quantity"),
                    "unit_amount": line.get("unitAmount"),
                },
            }
            for line in r.get("lines") or []
        ]
        refunds.append(
            {
                "id": str(uuid.uuid5(NS, r["id"])),
                "platform_id": r["id"],
                "account_id": (r.get("accountRef") or {}).get("id"),
                "class_id": None,
                "customer_id": (r.get("customerRef") or {}).get("id"),
                "department_id": None,
                "tax_rate_id": None,
                "transaction_date": r["date"],
                "total_amount": r["totalAmount"],
                "currency_code": (r.get("currencyRef") or {}).get("id"),
                "currency_rate": r.get("currencyRate"),
                "discount_amount": r.get("totalDiscount"),
                "document_number": r.get("memo"),
                "tax_amount": r.get("taxAmount"),
                "line_items": lines,
                "created_at": None,
                "updated_at": r.get("sourceModifiedDate"),
                "last_synced_at": now,
                "platform_url": None,
            }
        )
    return json.dumps(
        {
            "customer_refunds": refunds,
            "next_cursor": None,
            "connection": {"platform": page["meta"]["serviceName"].upper()},
        }
    )


# -- msgspec ------------------------------------------------------------------------------
#
# What a speed-minded engineer would write: msgspec Structs with the vendors' keys
# (rename), JSON numbers decoded straight into Decimal (exactly: msgspec reads the
# number's text), string ids, required and nullable fields, dates checked with
# fromisoformat (msgspec cannot decode a union of date and datetime), and the totals
# checks in __post_init__. What it does not check, where refundmap does: a key given
# twice (msgspec keeps the last), unknown keys (ignored, not reported), the 10^15
# and 20-place bounds (msgspec.Meta bounds do not apply to Decimal), numeric strings
# (refused), and Railz ids sent as integers (refused, not read with a warning).

import msgspec  # noqa: E402 - the peer's own import, in its own section

MsMoney = Decimal  # msgspec.Meta bounds do not apply to Decimal


def _moment(text: str) -> None:
    """Check a date or a timestamp (msgspec cannot decode a union of the two)."""
    if len(text) == 10:
        dt.date.fromisoformat(text)
    else:
        dt.datetime.fromisoformat(text)


_ENCODER = msgspec.json.Encoder(decimal_format="number")


class MsRutterItem(msgspec.Struct, frozen=True):
    id: str | None
    quantity: MsMoney | None
    unit_amount: MsMoney | None


class MsRutterLine(msgspec.Struct, frozen=True):
    account_id: str | None
    class_id: str | None
    tax_rate_id: str | None
    total_amount: MsMoney
    description: str | None
    item: MsRutterItem | None

    def __post_init__(self) -> None:
        item = self.item
        if item and item.quantity is not None and item.unit_amount is not None:
            _ = abs(self.total_amount - item.quantity * item.unit_amount) > _HALF_CENT


class MsRutterRefund(msgspec.Struct, frozen=True):
    id: str
    platform_id: str
    account_id: str
    class_id: str | None
    customer_id: str | None
    department_id: str | None
    tax_rate_id: str | None
    transaction_date: str | None  # a date or a timestamp: checked in __post_init__
    total_amount: MsMoney
    discount_amount: MsMoney | None
    document_number: str | None
    tax_amount: MsMoney | None
    line_items: list[MsRutterLine]
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    last_synced_at: dt.datetime
    platform_url: str | None
    currency_code: str | None = None
    currency_rate: MsMoney | None = None
    platform_data: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.transaction_date is not None:
            _moment(self.transaction_date)
        lines = sum((line.total_amount for line in self.line_items), Decimal(0))
        expected = lines - (self.discount_amount or 0) + (self.tax_amount or 0)
        _ = abs(self.total_amount - expected) > _HALF_CENT


class MsConnection(msgspec.Struct, frozen=True):
    platform: str
    id: str | None = None
    org_id: str | None = msgspec.field(default=None, name="orgId")


class MsRutterList(msgspec.Struct, frozen=True):
    customer_refunds: list[MsRutterRefund]
    next_cursor: str | None
    connection: MsConnection


class MsRef(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    name: str | None = None


class MsTaxRateRef(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    id: str
    name: str | None = None
    effective_tax_rate: MsMoney | None = None


class MsRailzLine(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    id: str | None = None
    description: str | None = None
    unit_amount: MsMoney | None = None
    quantity: int | None = None
    discount_amount: MsMoney | None = None
    sub_total: MsMoney | None = None
    tax_amount: MsMoney | None = None
    total_amount: MsMoney | None = None
    account_ref: MsRef | None = None
    tax_rate_ref: MsTaxRateRef | None = None
    inventory_ref: MsRef | None = None
    tracking_category_ref: MsRef | None = None

    def __post_init__(self) -> None:
        if (
            self.quantity is not None
            and self.unit_amount is not None
            and self.sub_total is not None
        ):
            gross = self.quantity * self.unit_amount - (self.discount_amount or 0)
            _ = abs(self.sub_total - gross) > _HALF_CENT
        if self.sub_total is not None and self.total_amount is not None:
            _ = abs(self.total_amount - self.sub_total - (self.tax_amount or 0)) > _HALF_CENT


class MsRailzRefund(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    id: str
    date: str  # a date or a timestamp: checked in __post_init__
    total_amount: MsMoney
    customer_ref: MsRef | None = None
    account_ref: MsRef | None = None
    currency_ref: MsRef | None = None
    currency_rate: MsMoney | None = None
    lines: list[MsRailzLine] | None = None
    sub_total: MsMoney | None = None
    tax_amount: MsMoney | None = None
    total_discount: MsMoney | None = None
    memo: str | None = None
    source_modified_date: dt.datetime | None = None

    def __post_init__(self) -> None:
        _moment(self.date)
        if self.sub_total is not None:
            _ = abs(self.total_amount - self.sub_total - (self.tax_amount or 0)) > _HALF_CENT


class MsPagination(msgspec.Struct, frozen=True):
    offset: int
    limit: int
    count: int


class MsMeta(msgspec.Struct, frozen=True, rename="camel"):
    service_name: str


class MsRailzList(msgspec.Struct, frozen=True):
    pagination: MsPagination
    count: int
    meta: MsMeta
    data: list[MsRailzRefund]


_RUTTER_LIST = msgspec.json.Decoder(MsRutterList)
_RAILZ_LIST = msgspec.json.Decoder(MsRailzList)


def _ms_ref(value: str | None) -> MsRef | None:
    return None if value is None else MsRef(id=value)


def msgspec_rutter_to_railz(data: bytes) -> str:
    """Validate a Rutter list with msgspec, map it, and write a Railz list."""
    page = _RUTTER_LIST.decode(data)
    refunds = []
    for r in page.customer_refunds:
        lines = [
            MsRailzLine(
                description=line.description,
                total_amount=line.total_amount,
                account_ref=_ms_ref(line.account_id),
                tax_rate_ref=None
                if line.tax_rate_id is None
                else MsTaxRateRef(id=line.tax_rate_id),
                tracking_category_ref=_ms_ref(line.class_id),
                inventory_ref=_ms_ref(line.item.id) if line.item else None,
                quantity=int(line.item.quantity)
                if line.item and line.item.quantity is not None
                else None,
                unit_amount=line.item.unit_amount if line.item else None,
            )
            for line in r.line_items
        ]
        refunds.append(
            MsRailzRefund(
                id=r.platform_id,
                account_ref=MsRef(id=r.account_id),
                customer_ref=_ms_ref(r.customer_id),
                date=r.transaction_date or "",
                currency_ref=_ms_ref(r.currency_code),
                currency_rate=r.currency_rate,
                lines=lines,
                sub_total=None if r.tax_amount is None else r.total_amount - r.tax_amount,
                tax_amount=r.tax_amount,
                total_discount=r.discount_amount,
                total_amount=r.total_amount,
                memo=r.document_number,
                source_modified_date=r.updated_at,
            )
        )
    count = len(refunds)
    out = MsRailzList(
        pagination=MsPagination(offset=0, limit=count, count=count),
        count=count,
        meta=MsMeta(service_name=page.connection.platform.lower()),
        data=refunds,
    )
    return _ENCODER.encode(out).decode()


def msgspec_railz_to_rutter(data: bytes) -> str:
    """Validate a Railz list with msgspec, map it, and write a Rutter list."""
    page = _RAILZ_LIST.decode(data)
    now = dt.datetime.now(dt.UTC)
    refunds = []
    for r in page.data:
        lines = [
            MsRutterLine(
                account_id=line.account_ref.id if line.account_ref else None,
                class_id=line.tracking_category_ref.id if line.tracking_category_ref else None,
                tax_rate_id=line.tax_rate_ref.id if line.tax_rate_ref else None,
                total_amount=line.total_amount
                if line.total_amount is not None
                else (line.sub_total or Decimal(0)) + (line.tax_amount or 0),
                description=line.description,
                item=MsRutterItem(
                    id=line.inventory_ref.id if line.inventory_ref else None,
                    quantity=None if line.quantity is None else Decimal(line.quantity),
                    unit_amount=line.unit_amount,
                ),
            )
            for line in r.lines or []
        ]
        refunds.append(
            MsRutterRefund(
                id=str(uuid.uuid5(NS, r.id)),
                platform_id=r.id,
                account_id=r.account_ref.id if r.account_ref else "",
                class_id=None,
                customer_id=r.customer_ref.id if r.customer_ref else None,
                department_id=None,
                tax_rate_id=None,
                transaction_date=r.date,
                total_amount=r.total_amount,
                currency_code=r.currency_ref.id if r.currency_ref else None,
                currency_rate=r.currency_rate,
                discount_amount=r.total_discount,
                document_number=r.memo,
                tax_amount=r.tax_amount,
                line_items=lines,
                created_at=None,
                updated_at=r.source_modified_date,
                last_synced_at=now,
                platform_url=None,
            )
        )
    out = MsRutterList(
        customer_refunds=refunds,
        next_cursor=None,
        connection=MsConnection(platform=page.meta.service_name.upper()),
    )
    return _ENCODER.encode(out).decode()


def _refuse_repeated_keys(data: bytes) -> None:
    """Refuse a repeated key: the cheapest exact pass (jiter, floats), which msgspec lacks."""
    jiter.from_json(data, catch_duplicate_keys=True)


def msgspec_checked_rutter_to_railz(data: bytes) -> str:
    """The msgspec peer after a repeated-key pass: the peer that refuses what refundmap refuses."""
    _refuse_repeated_keys(data)
    return msgspec_rutter_to_railz(data)


def msgspec_checked_railz_to_rutter(data: bytes) -> str:
    """The msgspec peer after a repeated-key pass: the peer that refuses what refundmap refuses."""
    _refuse_repeated_keys(data)
    return msgspec_railz_to_rutter(data)
