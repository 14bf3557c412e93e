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
  of the line totals (the Rutter create body's total);
- ``FOLDED``: the format has no field of its own, and the value is part of
  another field's (a Railz line's ``subTotal`` in Rutter's line total); it is
  not reported on its own.

``make`` names the rule that produces the value when converting *into* a
format whose cell is a key and the source has no value (a derived ``subTotal``,
a synthesized ``id``); ``write`` names the rule a value passes on its way in.
``apply`` names a rule that does all the work for a field that does not sit at
one place in one of the formats (the refund's department is an entry on every
Railz version 2 line); the cells of such a row only document it.
``ref`` names the kind of object (``account``, ``customer``, ...) a row's
value refers to: between Rutter and Railz its id is *translated* from one id
space to the other (:mod:`refundmap.references`), and a Railz reference's
``name`` beside the id (``accountRef.name``) is filled from the directory.
The rules live in :mod:`refundmap.mapping.rules`; the engine in
:mod:`refundmap.mapping.runtime` applies the table to any pair of formats.
"""

from __future__ import annotations

from enum import Enum

import attrs

__all__ = [
    "DEFAULT_KINDS",
    "DROPPED",
    "ENVELOPE",
    "FOLDED",
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
    FOLDED = "part of another field"


DROPPED = Marker.DROPPED
OMITTED = Marker.OMITTED
LINES_TOTAL = Marker.LINES_TOTAL
FOLDED = Marker.FOLDED

#: A key path in one format, or what that format does without one.
Cell = str | Marker


@attrs.frozen
class Row:
    """One field across the formats."""

    rutter: Cell
    rutter_create: Cell
    railz: Cell
    railz_v2: Cell
    railz_v2_push: Cell
    railz_push: Cell
    note: str = ""
    make: str | None = None
    write: str | None = None
    apply: str | None = None
    ref: str | None = None
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
    "railz-v2-push": "railz_v2_push",
    "railz-push": "railz_push",
}

# fmt: off
LINE: tuple[Row, ...] = (
    #   rutter                              rutter-create                       railz                            railz-v2                             railz-v2-push                      railz-push
    Row("description",                      "description",                      "description",                   "description",                       "description",                     DROPPED),
    Row("total_amount",                     "total_amount",                     "totalAmount",                   "amount",                            "amount",                          "totalAmount",
        make="line_total", write="line_amount", note="into Rutter: the line before tax and discount: subTotal + its discount, or totalAmount + its discount where unit amounts include tax; version 2: amount + its discount where amount is net of it; into a create body: the line net of its discount (derived; see Tax)"),
    Row("account_id",                       "account_id",                       "accountRef.id",                 "accountRef.id",                     "accountRef.id",                   DROPPED,
        ref="account"),
    Row("tax_rate_id",                      "tax_rate_id",                      "taxRateRef.id",                 "taxRateRef.id",                     "taxRateRef.id",                   "taxRef",
        ref="tax_rate"),
    Row("class_id",                         "class_id",                         "trackingCategoryRef.id",        "trackingCategoryRefs[class].id",    "trackingCategoryRefs[class].id",  DROPPED,
        ref="class", note="version 2: the line's one entry of type class"),
    Row("item.id",                          "item.id",                          "inventoryRef.id",               "inventoryRef.id",                   "inventoryRef.id",                 "inventoryRef",
        ref="item"),
    Row("item.quantity",                    "item.quantity",                    "quantity",                      "quantity",                          "quantity",                        DROPPED,
        write="quantity", note="Railz quantities are integers: a fractional one is a mapping error"),
    Row("item.unit_amount",                 "item.unit_amount",                 "unitAmount",                    "unitAmount",                        "unitAmount",                      DROPPED,
        write="unit_amount", note="into a create body: the line total / quantity where quantity x unit amount is not the line total and that is exact, else left out (derived; see Tax)"),
    Row("additional_fields.sales_taxable",  "additional_fields.sales_taxable",  DROPPED,                         DROPPED,                             DROPPED,                           DROPPED),
    Row("type",                             DROPPED,                            DROPPED,                         DROPPED,                             DROPPED,                           DROPPED,
        note="shipping (a shipping charge line, still a line) or null"),
    Row(DROPPED,                            DROPPED,                            "id",                            DROPPED,                             DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "discountAmount",                "discountAmount",                    DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "discountPercentage",            "discountPercentage",                "discountPercentage",              DROPPED),
    Row(FOLDED,                             FOLDED,                             "subTotal",                      DROPPED,                             DROPPED,                           DROPPED,
        note="into Rutter: part of total_amount; from Rutter: see the refund's lines[].subTotal"),
    Row(DROPPED,                            DROPPED,                            "taxAmount",                     "taxAmount",                         DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "accountRef.name",               "accountRef.name",                   DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "taxRateRef.name",               "taxRateRef.name",                   DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "taxRateRef.effectiveTaxRate",   "taxRateRef.effectiveTaxRate",       DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "inventoryRef.name",             "inventoryRef.name",                 DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "trackingCategoryRef.name",      "trackingCategoryRefs[class].name",  DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "trackingCategoryRef.option",    DROPPED,                             DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "trackingCategoryRef.optionId",  DROPPED,                             DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            "locationRef.id",                DROPPED,                             DROPPED,                           DROPPED,
        note="seen in real NetSuite data, not in Railz's data model"),
    Row(DROPPED,                            DROPPED,                            "locationRef.name",              DROPPED,                             DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            DROPPED,                         "trackingCategoryRefs[location]",    DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            DROPPED,                         "trackingCategoryRefs[unknown]",     DROPPED,                           DROPPED),
    Row(DROPPED,                            DROPPED,                            DROPPED,                         "links",                             "links",                           DROPPED),
)

REFUND: tuple[Row, ...] = (
    #   rutter               rutter-create                       railz                  railz-v2                                        railz-v2-push                                   railz-push
    Row("id",                OMITTED,                            OMITTED,               OMITTED,                                        OMITTED,                                        OMITTED,
        make="rutter_id", note="UUID version 5 of the Railz id (synthesized)"),
    Row("platform_id",       OMITTED,                            "id",                  "id",                                           OMITTED,                                        OMITTED,
        note="the platform's own id is Railz's id"),
    Row("account_id",        "account_id",                       "accountRef.id",       "accountRef.id",                                "accountRef.id",                                "accountRef",
        make="required", ref="account", note="required by Rutter: a Railz refund without accountRef takes the default account (defaults=, --default; synthesized), else is a mapping error"),
    Row("class_id",          "class_id",                         DROPPED,               DROPPED,                                        DROPPED,                                        DROPPED,
        ref="class"),
    Row("customer_id",       "customer_id",                      "customerRef.id",      "customerRef.id",                               "customerRef.id",                               "customerRef",
        ref="customer", note="a refund without one takes the default customer, where one is given (synthesized)"),
    Row("department_id",     "department_id",                    DROPPED,               "lines[].trackingCategoryRefs[department].id",  "lines[].trackingCategoryRefs[department].id",  DROPPED,
        apply="department", ref="department", note="version 2: an entry on every line; back, the department every line shares"),
    Row("tax_rate_id",       "tax_rate_id",                      DROPPED,               DROPPED,                                        DROPPED,                                        DROPPED,
        ref="tax_rate"),
    Row("transaction_date",  "transaction_date",                 "date",                "postedDate",                                   "postedDate",                                   "date",
        write="day", note="into a push body: the calendar day, in its own offset (derived)"),
    Row("total_amount",      LINES_TOTAL,                        "totalAmount",         "totalAmount",                                  "totalAmount",                                  "totalAmount"),
    Row("currency_code",     "currency_code",                    "currencyRef.id",      "currency",                                     "currency",                                     "currency",
        write="currency", note="from railz: a currencyRef.id that is no code (a platform list id) gives the code of the one currency its name names (derived), else none (dropped)"),
    Row("currency_rate",     "currency_rate",                    "currencyRate",        "currencyRate",                                 "currencyRate",                                 "currencyRate"),
    Row("discount_amount",   FOLDED,                             "totalDiscount",       "totalDiscount",                                DROPPED,                                        DROPPED,
        make="line_discounts", note="into Rutter without totalDiscount: the sum of the lines' discounts (derived); into a create body: the lines' discounts, in their net totals; a discount beyond them is dropped, and the total changes (see Tax)"),
    Row("document_number",   "document_number",                  "memo",                "memo",                                         "memo",                                         "memo",
        write="memo", note="a push body takes at most 4,000 characters: longer is a mapping error"),
    Row("tax_amount",        DROPPED,                            "taxAmount",           "taxAmount",                                    DROPPED,                                        DROPPED),
    Row("line_items",        "line_items",                       "lines",               "lines",                                        "lines",                                        "lines",
        make="required_lines", lines=LINE),
    Row("line_items[].total_amount",  "line_items[].total_amount", "lines[].subTotal",  "lines[].amount",                               "lines[].amount",                               "lines[].totalAmount",
        apply="line_figures", note="from Rutter: subTotal where the refund's lines exclude tax, totalAmount where they include it, both without tax; a refund's discount and tax are its one line's, and over several lines a figure that needs a share of them is not written (derived; see Tax)"),
    Row(DROPPED,             DROPPED,                            "subTotal",            "subTotal",                                     DROPPED,                                        DROPPED,
        make="sub_total", note="total_amount - tax_amount, where both are known (derived)"),
    Row("created_at",        OMITTED,                            DROPPED,               DROPPED,                                        OMITTED,                                        OMITTED),
    Row("updated_at",        OMITTED,                            "sourceModifiedDate",  "sourceModifiedDate",                           OMITTED,                                        OMITTED),
    Row("last_synced_at",    OMITTED,                            OMITTED,               OMITTED,                                        OMITTED,                                        OMITTED,
        make="synced_at", note="the conversion time (synthesized)"),
    Row("platform_url",      OMITTED,                            OMITTED,               OMITTED,                                        OMITTED,                                        OMITTED),
    Row("platform_data",     OMITTED,                            OMITTED,               "passThrough",                                  OMITTED,                                        OMITTED,
        note="the platform's own fields, kept as they are"),
    Row(DROPPED,             "additional_fields.tax_inclusive",  DROPPED,               DROPPED,                                        DROPPED,                                        DROPPED,
        make="tax_inclusive", note="whether the lines include tax, where the source says (derived; see Tax)"),
    Row("additional_fields.shipping_amount",  DROPPED,           DROPPED,               DROPPED,                                        DROPPED,                                        DROPPED,
        note="no Railz field, nor in the create body"),
    Row(DROPPED,             DROPPED,                            "accountRef.name",     "accountRef.name",                              DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "customerRef.name",    "customerRef.name",                             DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "currencyRef.name",    DROPPED,                                        DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "currencyRef.symbol",  DROPPED,                                        DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "discountPercentage",  "discountPercentage",                           DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "shippingAddress",     DROPPED,                                        DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "locationRef.id",      DROPPED,                                        DROPPED,                                        DROPPED,
        note="seen in real NetSuite data, not in Railz's data model"),
    Row(DROPPED,             DROPPED,                            "locationRef.name",    DROPPED,                                        DROPPED,                                        DROPPED),
    Row(DROPPED,             DROPPED,                            "allocatedOnDate",     DROPPED,                                        DROPPED,                                        DROPPED,
        note="seen in real data, not in Railz's data model"),
)

#: The list envelopes' metadata (the records themselves map by REFUND).
ENVELOPE: tuple[Row, ...] = (
    #   rutter                  rutter-create  railz                 railz-v2                railz-v2-push  railz-push
    Row("next_cursor",          OMITTED,       OMITTED,              OMITTED,                OMITTED,       OMITTED),
    Row("connection.id",        OMITTED,       OMITTED,              OMITTED,                OMITTED,       OMITTED),
    Row("connection.orgId",     OMITTED,       OMITTED,              OMITTED,                OMITTED,       OMITTED),
    Row("connection.platform",  OMITTED,       "meta.serviceName",   "meta.serviceName",     OMITTED,       OMITTED,
        write="platform", note="QUICKBOOKS is quickbooks, XERO is xero, ..."),
    Row(OMITTED,                OMITTED,       "pagination",         "pagination",           OMITTED,       OMITTED,
        make="pagination", note="offset 0, limit and count the number of records (synthesized)"),
    Row(OMITTED,                OMITTED,       "count",              OMITTED,                OMITTED,       OMITTED,
        make="count", note="the number of records (derived)"),
    Row(OMITTED,                OMITTED,       OMITTED,              "meta.connectionUuid",  OMITTED,       OMITTED),
    Row(OMITTED,                OMITTED,       "meta.reportId",      "meta.reportId",        OMITTED,       OMITTED),
    Row(OMITTED,                OMITTED,       "meta.businessName",  "meta.businessName",    OMITTED,       OMITTED),
    Row(OMITTED,                OMITTED,       "meta.createdAt",     "meta.createdAt",       OMITTED,       OMITTED),
    Row(OMITTED,                OMITTED,       "meta.updatedAt",     "meta.updatedAt",       OMITTED,       OMITTED),
    Row(OMITTED,                OMITTED,       "meta.startDate",     "meta.startDate",       OMITTED,       OMITTED),
    Row(OMITTED,                OMITTED,       "meta.endDate",       "meta.endDate",         OMITTED,       OMITTED),
)
# fmt: on

#: The references a conversion can default where a refund has none (``defaults=``,
#: ``--default``): the refund's own, which every format holds.
DEFAULT_KINDS: tuple[str, ...] = tuple(
    row.ref
    for row in REFUND
    if row.ref is not None
    and row.apply is None
    and all(isinstance(row.cell(name), str) for name in FORMAT_COLUMNS)
)
