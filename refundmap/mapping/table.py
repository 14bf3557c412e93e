"""The field mapping: one row a field, one column a format. Read it as the contract.

A cell is the field's key path in that format (``accountRef.id``), or a marker.
A key path may select from a list of typed entries by their ``type``:
``trackingCategoryRefs[class].id`` is the ``id`` of the line's one entry of type
``class`` (two is a mapping error), written back as an entry ``{id, type}``.
The markers:

- ``DROPPED``: the format has no field for this value; a non-null value
  converted into it is reported as ``dropped``;
- ``OMITTED``: vendor bookkeeping with no meaning in the other format; a
  non-null value is reported as ``omitted``;
- ``LINES_TOTAL``: the format has no field, and computes the value as the sum
  of the line totals (the Rutter create body's total).

``make`` names the rule that produces the value when converting *into* a
format whose cell is a key and the source has no value (a derived ``subTotal``,
a synthesized ``id``); ``write`` names the rule a value passes on its way in.
``apply`` names a rule that does all the work for a field that does not sit at
one place in one of the formats (the refund's department is an entry on every
Railz version 2 line); the cells of such a row only document it.
The rules live in :mod:`refundmap.mapping.rules`; the engine in
:mod:`refundmap.mapping.engine` applies the table to any pair of formats.
"""

from __future__ import annotations

from enum import Enum

import attrs

__all__ = [
    "DROPPED",
    "ENVELOPE",
    "FORMAT_COLUMNS",
    "LINE",
    "LINES_TOTAL",
    "OMITTED",
    "REFUND",
    "Cell",
    "Marker",
    "Row",
]


class Marker(Enum):
    """What a format does with a value it has no field for."""

    DROPPED = "dropped"
    OMITTED = "omitted"
    LINES_TOTAL = "sum of the line totals"


DROPPED = Marker.DROPPED
OMITTED = Marker.OMITTED
LINES_TOTAL = Marker.LINES_TOTAL

#: A key path in one format, or what that format does without one.
Cell = str | Marker


@attrs.frozen
class Row:
    """One field across the formats."""

    rutter: Cell
    rutter_create: Cell
    railz: Cell
    railz_v2: Cell
    note: str = ""
    make: str | None = None
    write: str | None = None
    apply: str | None = None
    lines: tuple[Row, ...] | None = None

    def cell(self, fmt: str) -> Cell:
        """Return this row's cell for the format named ``fmt``."""
        return getattr(self, FORMAT_COLUMNS[fmt])  # type: ignore[no-any-return]


#: Format name -> attribute of :class:`Row` holding its column.
FORMAT_COLUMNS = {
    "rutter": "rutter",
    "rutter-create": "rutter_create",
    "railz": "railz",
    "railz-v2": "railz_v2",
}

# fmt: off
LINE: tuple[Row, ...] = (
    #    rutter                            rutter-create                      railz                            railz-v2
    Row("description",                     "description",                     "description",                   "description"),
    Row("total_amount",                    "total_amount",                    "totalAmount",                   "amount",
        make="line_total", note="else subTotal + taxAmount (derived), else a mapping error"),
    Row("account_id",                      "account_id",                      "accountRef.id",                 "accountRef.id"),
    Row("tax_rate_id",                     "tax_rate_id",                     "taxRateRef.id",                 "taxRateRef.id"),
    Row("class_id",                        "class_id",                        "trackingCategoryRef.id",        "trackingCategoryRefs[class].id",
        note="version 2: the line's one entry of type class"),
    Row("item.id",                         "item.id",                         "inventoryRef.id",               "inventoryRef.id"),
    Row("item.quantity",                   "item.quantity",                   "quantity",                      "quantity",
        write="quantity", note="Railz quantities are integers: a fractional one is a mapping error"),
    Row("item.unit_amount",                "item.unit_amount",                "unitAmount",                    "unitAmount"),
    Row("additional_fields.sales_taxable", "additional_fields.sales_taxable", DROPPED,                         DROPPED),
    Row(DROPPED,                           DROPPED,                           "id",                            DROPPED),
    Row(DROPPED,                           DROPPED,                           "discountAmount",                "discountAmount"),
    Row(DROPPED,                           DROPPED,                           "discountPercentage",            "discountPercentage"),
    Row(DROPPED,                           DROPPED,                           "subTotal",                      DROPPED),
    Row(DROPPED,                           DROPPED,                           "taxAmount",                     "taxAmount"),
    Row(DROPPED,                           DROPPED,                           "accountRef.name",               "accountRef.name"),
    Row(DROPPED,                           DROPPED,                           "taxRateRef.name",               "taxRateRef.name"),
    Row(DROPPED,                           DROPPED,                           "taxRateRef.effectiveTaxRate",   "taxRateRef.effectiveTaxRate"),
    Row(DROPPED,                           DROPPED,                           "inventoryRef.name",             "inventoryRef.name"),
    Row(DROPPED,                           DROPPED,                           "trackingCategoryRef.name",      "trackingCategoryRefs[class].name"),
    Row(DROPPED,                           DROPPED,                           "trackingCategoryRef.option",    DROPPED),
    Row(DROPPED,                           DROPPED,                           "trackingCategoryRef.optionId",  DROPPED),
    Row(DROPPED,                           DROPPED,                           DROPPED,                         "trackingCategoryRefs[location]"),
    Row(DROPPED,                           DROPPED,                           DROPPED,                         "trackingCategoryRefs[unknown]"),
    Row(DROPPED,                           DROPPED,                           DROPPED,                         "links"),
)

REFUND: tuple[Row, ...] = (
    #    rutter              rutter-create                    railz                    railz-v2
    Row("id",                OMITTED,                         OMITTED,                 OMITTED,
        make="rutter_id", note="UUID version 5 of the Railz id (synthesized)"),
    Row("platform_id",       OMITTED,                         "id",                    "id",
        note="the platform's own id is Railz's id"),
    Row("account_id",        "account_id",                    "accountRef.id",         "accountRef.id",
        make="required", note="required by Rutter: a Railz refund without accountRef is a mapping error"),
    Row("class_id",          "class_id",                      DROPPED,                 DROPPED),
    Row("customer_id",       "customer_id",                   "customerRef.id",        "customerRef.id"),
    Row("department_id",     "department_id",                 DROPPED,                 "lines[].trackingCategoryRefs[department].id",
        apply="department", note="version 2: an entry on every line; back, the department every line shares"),
    Row("tax_rate_id",       "tax_rate_id",                   DROPPED,                 DROPPED),
    Row("transaction_date",  "transaction_date",              "date",                  "postedDate"),
    Row("total_amount",      LINES_TOTAL,                     "totalAmount",           "totalAmount"),
    Row("currency_code",     "currency_code",                 "currencyRef.id",        "currency"),
    Row("currency_rate",     "currency_rate",                 "currencyRate",          "currencyRate"),
    Row("discount_amount",   DROPPED,                         "totalDiscount",         "totalDiscount"),
    Row("document_number",   "document_number",               "memo",                  "memo"),
    Row("tax_amount",        DROPPED,                         "taxAmount",             "taxAmount"),
    Row("line_items",        "line_items",                    "lines",                 "lines",
        make="required_lines", lines=LINE),
    Row(DROPPED,             DROPPED,                         "subTotal",              "subTotal",
        make="sub_total", note="total_amount - tax_amount, where both are known (derived)"),
    Row("created_at",        OMITTED,                         DROPPED,                 DROPPED),
    Row("updated_at",        OMITTED,                         "sourceModifiedDate",    "sourceModifiedDate"),
    Row("last_synced_at",    OMITTED,                         OMITTED,                 OMITTED,
        make="synced_at", note="the conversion time (synthesized)"),
    Row("platform_url",      OMITTED,                         OMITTED,                 OMITTED),
    Row("platform_data",     OMITTED,                         OMITTED,                 "passThrough",
        note="the platform's own fields, kept as they are"),
    Row(DROPPED,             "additional_fields.tax_inclusive", DROPPED,               DROPPED),
    Row(DROPPED,             DROPPED,                         "accountRef.name",       "accountRef.name"),
    Row(DROPPED,             DROPPED,                         "customerRef.name",      "customerRef.name"),
    Row(DROPPED,             DROPPED,                         "currencyRef.name",      DROPPED),
    Row(DROPPED,             DROPPED,                         "currencyRef.symbol",    DROPPED),
    Row(DROPPED,             DROPPED,                         "discountPercentage",    "discountPercentage"),
    Row(DROPPED,             DROPPED,                         "shippingAddress",       DROPPED),
)

#: The list envelopes' metadata (the records themselves map by REFUND).
ENVELOPE: tuple[Row, ...] = (
    #    rutter                rutter-create  railz                 railz-v2
    Row("next_cursor",         OMITTED,       OMITTED,              OMITTED),
    Row("connection.id",       OMITTED,       OMITTED,              OMITTED),
    Row("connection.orgId",    OMITTED,       OMITTED,              OMITTED),
    Row("connection.platform", OMITTED,       "meta.serviceName",   "meta.serviceName",
        write="platform", note="QUICKBOOKS is quickbooks, XERO is xero, ..."),
    Row(OMITTED,               OMITTED,       "pagination",         "pagination",
        make="pagination", note="offset 0, limit and count the number of records (synthesized)"),
    Row(OMITTED,               OMITTED,       "count",              DROPPED,
        make="count", note="the number of records (derived)"),
    Row(OMITTED,               OMITTED,       DROPPED,              "meta.connectionUuid"),
    Row(OMITTED,               OMITTED,       "meta.reportId",      "meta.reportId"),
    Row(OMITTED,               OMITTED,       "meta.businessName",  "meta.businessName"),
    Row(OMITTED,               OMITTED,       "meta.createdAt",     "meta.createdAt"),
    Row(OMITTED,               OMITTED,       "meta.updatedAt",     "meta.updatedAt"),
    Row(OMITTED,               OMITTED,       "meta.startDate",     "meta.startDate"),
    Row(OMITTED,               OMITTED,       "meta.endDate",       "meta.endDate"),
)
# fmt: on
