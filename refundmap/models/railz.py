"""Railz refunds: the version 1 data model (``GET /refunds``) and version 2 reads.

Railz marks only ``id``, ``totalAmount`` and ``date`` (``postedDate`` in version
2) as required on a refund; every other field may be left out or sent as null.
Keys are the camelCase of the attribute names; field order follows the data
model table (version 1) and the OpenAPI document (version 2).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

from refundmap.dates import Day, Moment
from refundmap.models._base import JSONObject

__all__ = [
    "Address",
    "CurrencyRef",
    "IdRef",
    "Link",
    "ListResponse",
    "ListResponseV2",
    "Meta",
    "MetaV2",
    "Pagination",
    "PushConnection",
    "PushRefund",
    "PushRefundData",
    "PushRefundDataV2",
    "PushRefundLine",
    "PushRefundLineV2",
    "PushRefundV2",
    "PushTrackingCategoryRef",
    "Ref",
    "Refund",
    "RefundLine",
    "RefundLineV2",
    "RefundV2",
    "TaxRateRef",
    "TrackingCategoryRef",
    "TrackingCategoryRefV2",
]


@attrs.frozen(kw_only=True)
class Ref:
    """A reference ``{id, name}`` (customer, account, inventory item)."""

    id: str
    name: str | None = None


@attrs.frozen(kw_only=True)
class TaxRateRef(Ref):
    """A tax rate reference; ``effectiveTaxRate`` is a percentage."""

    effective_tax_rate: Decimal | None = None


@attrs.frozen(kw_only=True)
class CurrencyRef(Ref):
    """A currency reference; ``id`` is the ISO 4217 code."""

    symbol: str | None = None


@attrs.frozen(kw_only=True)
class TrackingCategoryRef(Ref):
    """A tracking category reference with the chosen option."""

    option: str | None = None
    option_id: str | None = None


@attrs.frozen(kw_only=True)
class Address:
    """A postal address."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None


@attrs.frozen(kw_only=True)
class RefundLine:
    """A line of a refund."""

    id: str | None = None
    description: str | None = None
    unit_amount: Decimal | None = None
    quantity: int | None = None
    discount_amount: Decimal | None = None
    discount_percentage: Decimal | None = None
    sub_total: Decimal | None = None
    tax_amount: Decimal | None = None
    total_amount: Decimal | None = None
    account_ref: Ref | None = None
    tax_rate_ref: TaxRateRef | None = None
    inventory_ref: Ref | None = None
    tracking_category_ref: TrackingCategoryRef | None = None
    # Seen in real NetSuite data (a Railz sandbox, 2023); not in the data model.
    location_ref: Ref | None = None


@attrs.frozen(kw_only=True)
class Refund:
    """A refund to a customer."""

    id: str
    customer_ref: Ref | None = None
    account_ref: Ref | None = None
    date: Moment
    currency_ref: CurrencyRef | None = None
    currency_rate: Decimal | None = None
    lines: list[RefundLine] | None = None
    sub_total: Decimal | None = None
    tax_amount: Decimal | None = None
    # The data model table spells it discountAmount; the example and the
    # OpenAPI document spell it totalDiscount.
    total_discount: Decimal | None = attrs.field(
        default=None, metadata={"aliases": ("discountAmount",)}
    )
    discount_percentage: Decimal | None = None
    total_amount: Decimal
    memo: str | None = None
    shipping_address: Address | None = None
    # The data model table misspells it sourceModifiedData.
    source_modified_date: Moment | None = attrs.field(
        default=None, metadata={"aliases": ("sourceModifiedData",)}
    )
    # Seen in real data (a Railz sandbox, 2023: NetSuite's location, and a date the
    # refund was allocated on); not in the data model.
    location_ref: Ref | None = None
    allocated_on_date: Moment | None = None


@attrs.frozen(kw_only=True)
class Pagination:
    """Where a page sits in the whole result."""

    offset: int
    limit: int
    count: int


@attrs.frozen(kw_only=True)
class Meta:
    """The report metadata of a list response.

    Railz documents every field as required; only ``serviceName`` is, here, so
    that a list converted from Rutter (which knows no business name or report)
    is still a valid document.
    """

    report_id: list[str] | None = None
    service_name: str
    business_name: str | None = None
    created_at: Moment | None = None
    updated_at: Moment | None = None
    start_date: Moment | None = None
    end_date: Moment | None = None


@attrs.frozen(kw_only=True)
class ListResponse:
    """``GET /refunds``: a page of refunds with its metadata."""

    pagination: Pagination
    count: int
    meta: Meta
    data: list[Refund]


# -- version 2 (GET /v2/accounting/refunds) -------------------------------------------------


@attrs.frozen(kw_only=True)
class TrackingCategoryRefV2(Ref):
    """A tracking category of a version 2 line, with what kind of category it is."""

    type: Literal["class", "department", "location", "unknown"]


@attrs.frozen(kw_only=True)
class Link:
    """A document a version 2 line is linked to."""

    id: str


@attrs.frozen(kw_only=True)
class RefundLineV2:
    """A line of a version 2 refund: ``amount`` replaces ``totalAmount`` and ``subTotal``."""

    description: str | None = None
    unit_amount: Decimal | None = None
    quantity: int | None = None
    discount_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    tax_rate_ref: TaxRateRef | None = None
    inventory_ref: Ref | None = None
    discount_percentage: Decimal | None = None
    amount: Decimal
    tracking_category_refs: list[TrackingCategoryRefV2] | None = None
    account_ref: Ref | None = None
    links: list[Link] | None = None


@attrs.frozen(kw_only=True)
class RefundV2:
    """A version 2 refund: ``postedDate`` and an ISO ``currency``; no shipping address."""

    id: str
    customer_ref: Ref | None = None
    account_ref: Ref | None = None
    currency_rate: Decimal | None = None
    total_discount: Decimal | None = None
    discount_percentage: Decimal | None = None
    sub_total: Decimal | None = None
    tax_amount: Decimal | None = None
    total_amount: Decimal
    memo: str | None = None
    source_modified_date: Moment | None = None
    posted_date: Moment
    currency: str | None = None
    lines: list[RefundLineV2] | None = None
    pass_through: JSONObject | None = None


@attrs.frozen(kw_only=True)
class MetaV2:
    """The report metadata of a version 2 list response.

    As for version 1, only ``serviceName`` is required here, though Railz marks
    every field required, so that a list converted from Rutter is a valid document.
    """

    connection_uuid: str | None = None
    business_name: str | None = None
    service_name: str
    report_id: list[str] | None = None
    created_at: Moment | None = None
    updated_at: Moment | None = None
    start_date: Moment | None = None
    end_date: Moment | None = None


@attrs.frozen(kw_only=True)
class ListResponseV2:
    """``GET /v2/accounting/refunds``: a page of refunds with its metadata."""

    pagination: Pagination
    meta: MetaV2
    data: list[RefundV2]


# -- version 2 push (POST /v2/accounting/refunds) ---------------------------------------------


@attrs.frozen(kw_only=True)
class IdRef:
    """A reference in a push body: the id alone."""

    id: str


@attrs.frozen(kw_only=True)
class PushTrackingCategoryRef:
    """A tracking category of a pushed line; Railz does not require its type."""

    id: str
    type: Literal["class", "department", "location", "unknown"] | None = None


@attrs.frozen(kw_only=True)
class PushRefundLineV2:
    """A line of a version 2 push body; ``quantity`` may be fractional."""

    description: str | None = None
    inventory_ref: IdRef | None = None
    tax_rate_ref: IdRef | None = None
    amount: Decimal
    unit_amount: Decimal | None = None
    quantity: Decimal | None = None
    discount_percentage: Decimal | None = None
    account_ref: IdRef | None = None
    tracking_category_refs: list[PushTrackingCategoryRef] | None = None
    links: list[Link] | None = None


@attrs.frozen(kw_only=True)
class PushRefundDataV2:
    """The refund of a version 2 push body: ``postedDate`` is a calendar date."""

    pass_through: JSONObject | None = None
    currency_rate: Decimal | None = None
    total_amount: Decimal | None = None
    memo: str | None = attrs.field(default=None, metadata={"max_length": 4000})
    posted_date: Day | None = None
    customer_ref: IdRef | None = None
    account_ref: IdRef
    currency: str | None = None
    lines: list[PushRefundLineV2] | None = None


@attrs.frozen(kw_only=True)
class PushRefundV2:
    """The whole body of ``POST /v2/accounting/refunds``."""

    connection_uuid: str
    data: PushRefundDataV2


# -- version 1 push (POST /refunds) ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class PushConnection:
    """The business a version 1 push body is for."""

    business_name: str
    service_name: Literal["xero", "quickbooks"]


@attrs.frozen(kw_only=True)
class PushRefundLine:
    """A line of a version 1 push body: references are bare id strings."""

    inventory_ref: str | None = None
    tax_ref: str | None = None
    total_amount: Decimal | None = None


@attrs.frozen(kw_only=True)
class PushRefundData:
    """The refund of a version 1 push body: ``date`` is a calendar date."""

    pass_through: JSONObject | None = None
    currency_rate: Decimal | None = None
    total_amount: Decimal
    memo: str | None = attrs.field(default=None, metadata={"max_length": 4000})
    customer_ref: str
    account_ref: str
    date: Day
    invoice_ref: str | None = None
    currency: str | None = None
    lines: list[PushRefundLine] | None = None


@attrs.frozen(kw_only=True)
class PushRefund:
    """The whole body of ``POST /refunds``."""

    connection: PushConnection
    data: PushRefundData
