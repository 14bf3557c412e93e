"""Rutter's accounting customer refund (API version 2024-08-31 and earlier).

Required, optional and nullable as Rutter documents them: a field typed
``X | None`` without a default must be present and may be null; a field with a
default may be left out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NewType

import attrs

from refundmap.dates import Moment
from refundmap.models._base import JSONObject

__all__ = [
    "Connection",
    "CreateAdditionalFields",
    "CreateItem",
    "CreateLineItem",
    "CreateRefund",
    "CreateRequest",
    "CustomerObject",
    "CustomerRefund",
    "DecimalString",
    "FetchResponse",
    "Item",
    "LineAdditionalFields",
    "LineItem",
    "ListResponse",
    "NamedObject",
    "RefundAdditionalFields",
]

#: A decimal sent as a JSON string (the create body's ``currency_rate``).
DecimalString = NewType("DecimalString", Decimal)


@attrs.frozen(kw_only=True)
class Item:
    """The item a read line item refers to, with its quantity and unit price."""

    id: str | None
    quantity: Decimal | None
    unit_amount: Decimal | None


@attrs.frozen(kw_only=True)
class LineAdditionalFields:
    """Platform flags of a line item."""

    sales_taxable: bool | None = None


@attrs.frozen(kw_only=True)
class LineItem:
    """A line of a read customer refund."""

    account_id: str | None
    class_id: str | None
    tax_rate_id: str | None
    total_amount: Decimal
    description: str | None
    item: Item | None
    additional_fields: LineAdditionalFields | None = None
    #: ``shipping`` for a shipping charge line, null for a standard one; newer
    #: copies of 2024-08-31 always send it, older ones never.
    type: Literal["shipping"] | None = None


@attrs.frozen(kw_only=True)
class RefundAdditionalFields:
    """Platform fields of a read refund (2024-08-31, QuickBooks)."""

    shipping_amount: Decimal | None = None


@attrs.frozen(kw_only=True)
class CustomerRefund:
    """A customer refund as Rutter returns it (``customer_refund``)."""

    id: str
    platform_id: str
    account_id: str
    class_id: str | None
    customer_id: str | None
    department_id: str | None
    tax_rate_id: str | None
    transaction_date: Moment | None
    total_amount: Decimal
    # Versions 2023-03-14 and 2024-04-30 only, hence optional.
    currency_code: str | None = None
    currency_rate: Decimal | None = None
    discount_amount: Decimal | None
    document_number: str | None
    tax_amount: Decimal | None
    line_items: list[LineItem]
    created_at: Moment | None
    updated_at: Moment | None
    last_synced_at: Moment
    platform_url: str | None
    # Only with ``expand=platform_data``.
    platform_data: JSONObject | None = None
    # Newer copies of 2024-08-31 only.
    additional_fields: RefundAdditionalFields | None = None


@attrs.frozen(kw_only=True)
class Connection:
    """The connection a response came through.

    ``id`` and ``orgId`` may be left out: a connection converted from Railz
    knows only its platform.
    """

    id: str | None = None
    org_id: str | None = attrs.field(default=None, metadata={"key": "orgId"})
    platform: str


@attrs.frozen(kw_only=True)
class ListResponse:
    """``GET /accounting/customer_refunds``: a page of refunds."""

    customer_refunds: list[CustomerRefund]
    # May be left out (2024-08-31); written as null, which every version reads.
    next_cursor: str | None = attrs.field(default=None, metadata={"write_null": True})
    connection: Connection


@attrs.frozen(kw_only=True)
class FetchResponse:
    """``GET /accounting/customer_refunds/:id``: one refund.

    The create response has this shape too, without ``connection``.
    """

    customer_refund: CustomerRefund
    connection: Connection | None = None


@attrs.frozen(kw_only=True)
class CreateItem:
    """The item of a create line item; Rutter publishes no required fields."""

    id: str | None = None
    quantity: Decimal | None = None
    unit_amount: Decimal | None = None


@attrs.frozen(kw_only=True)
class CreateLineItem:
    """A line of a create body."""

    account_id: str | None = None
    class_id: str | None = None
    tax_rate_id: str | None = None
    description: str | None = None
    #: Needed only where ``item.unit_amount`` is absent (Rutter then takes
    #: ``item.quantity``, default 1, x ``item.unit_amount``).
    total_amount: Decimal | None = None
    item: CreateItem | None = None
    additional_fields: LineAdditionalFields | None = None


@attrs.frozen(kw_only=True)
class CreateAdditionalFields:
    """Platform flags of a create body."""

    tax_inclusive: bool | None = None


@attrs.frozen(kw_only=True)
class CreateRefund:
    """The ``customer_refund`` of ``POST /accounting/customer_refunds``.

    Rutter does not publish which fields are required; ``account_id`` and one
    line item are the least a refund can be created with.
    """

    account_id: str
    class_id: str | None = None
    customer_id: str | None = None
    department_id: str | None = None
    tax_rate_id: str | None = None
    transaction_date: Moment | None = None
    document_number: str | None = None
    currency_code: str | None = None
    currency_rate: DecimalString | None = None
    line_items: list[CreateLineItem] = attrs.field(metadata={"min_items": 1})
    additional_fields: CreateAdditionalFields | None = None


@attrs.frozen(kw_only=True)
class CreateRequest:
    """The whole request body: ``{"customer_refund": {...}}``.

    ``passthrough`` is merged by Rutter into the request it sends to the platform.
    """

    customer_refund: CreateRefund
    response_mode: Literal["async", "prefer_sync"] | None = None
    passthrough: JSONObject | None = None


# -- reference objects: what a refund's ids point at ------------------------------------


@attrs.frozen(kw_only=True)
class NamedObject:
    """What refundmap reads of a Rutter account, item, tax rate, class or department.

    Rutter's objects have many more fields; a reader of them needs only the
    two ids and the name. ``platform_id`` may be null or left out (older API
    versions): such an object cannot translate an id, and is skipped.
    """

    id: str
    platform_id: str | None = None
    name: str | None = None


@attrs.frozen(kw_only=True)
class CustomerObject:
    """What refundmap reads of a Rutter customer: its ids and its names.

    A customer has no ``name``: ``customer_name`` is the business, and
    ``contact_name`` the person.
    """

    id: str
    platform_id: str | None = None
    customer_name: str | None = None
    contact_name: str | None = None
