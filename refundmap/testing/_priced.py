"""Refunds whose figures add up as platforms compute them (issue 22), for :mod:`refundmap.testing`.

Priced lines (quantity x unit amount, discounts by amount or percentage, tax
included or not), rounded to the cent as platforms round them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from hypothesis import strategies as st

from refundmap.testing._payloads import _built, rutter_ids

_CENT = Decimal("0.01")
#: Tax rates as platforms apply them, in percent.
_RATES = [Decimal(0), Decimal(5), Decimal(8), Decimal("8.875"), Decimal(20)]
#: Discount percentages as sent, some leaving fractions of a cent.
_PERCENTAGES = [Decimal(5), Decimal(10), Decimal("10.5"), Decimal("12.5"), Decimal(15), Decimal(33)]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@_built
@st.composite
def _priced_line(
    draw: st.DrawFn, *, rounded: bool = False
) -> tuple[int, Decimal, Decimal, Decimal | None, Decimal | None]:
    """Return (quantity, unit amount, line amount, discountAmount, discountPercentage).

    The line amount is before tax, and net of the discount: quantity x unit amount
    less it, rounded to the cent; or, without a discount, an exact amount whose
    unit amount is rounded to the cent (4.89 x 5 against 24.46).
    """
    quantity = draw(st.integers(min_value=1, max_value=200))
    unit = Decimal(draw(st.integers(min_value=1, max_value=50_000))) * _CENT
    gross = quantity * unit
    ways = ["none", "rounded", "amount", "percentage", "zero and percentage", "rounded percentage"]
    match draw(st.sampled_from(["rounded", "rounded percentage"] if rounded else ways)):
        case "rounded percentage":
            # The exact line 515.01 (5.15 x 100 rounded), less 10 % of 5.15 x 100: 51.50.
            exact = (
                gross
                + Decimal(draw(st.integers(min_value=-quantity // 2, max_value=quantity // 2)))
                * _CENT
            )
            unit = _cents(exact / quantity)
            percentage = draw(st.sampled_from(_PERCENTAGES))
            discount = _cents(quantity * unit * percentage / 100)
            return quantity, unit, exact - discount, None, percentage
        case "rounded":
            amount = (
                gross
                + Decimal(draw(st.integers(min_value=-quantity // 2, max_value=quantity // 2)))
                * _CENT
            )
            unit = _cents(amount / quantity)
            return quantity, unit, amount, None, None
        case "amount":
            discount = Decimal(draw(st.integers(min_value=1, max_value=int(gross / _CENT)))) * _CENT
            return quantity, unit, gross - discount, discount, None
        case "percentage" | "zero and percentage" as how:
            percentage = draw(st.sampled_from(_PERCENTAGES))
            amount = _cents(gross - gross * percentage / 100)
            return quantity, unit, amount, Decimal(0) if how != "percentage" else None, percentage
        case _:
            return quantity, unit, gross, None, None


@_built
@st.composite
def railz_priced_refunds(
    draw: st.DrawFn, *, rounded: bool = False, inclusive: bool | None = None
) -> dict[str, Any]:
    """A Railz version 1 refund whose figures add up.

    Lines with discounts by amount or percentage, unit amounts rounded to the
    cent, lines that include tax or exclude it.
    """
    rate = draw(st.sampled_from(_RATES[1:] if inclusive else _RATES))
    inclusive = (draw(st.booleans()) if inclusive is None else inclusive) and rate > 0
    lines, discounts = [], Decimal(0)
    for quantity, unit, amount, discount, percentage in draw(
        st.lists(_priced_line(rounded=rounded), min_size=1, max_size=4)
    ):
        if inclusive:
            total = amount  # the unit amounts include tax
            tax = _cents(total * rate / (100 + rate))
            sub_total = total - tax
        else:
            sub_total = amount
            tax = _cents(sub_total * rate / 100)
            total = sub_total + tax
        line: dict[str, Any] = {"unitAmount": unit, "quantity": quantity}
        if discount is not None:
            line["discountAmount"] = discount
        if percentage is not None:
            line["discountPercentage"] = percentage
        discounts += discount or (_cents(quantity * unit * percentage / 100) if percentage else 0)
        line.update(subTotal=sub_total, taxAmount=tax, totalAmount=total)
        lines.append(line)
    if inclusive and draw(st.booleans()):
        # Only totalAmount on the lines, and the tax in the header (issue 22's t1.json).
        for line in lines:
            del line["subTotal"], line["taxAmount"]
    total = sum((line["totalAmount"] for line in lines), Decimal(0))
    tax = sum((line.get("taxAmount", Decimal(0)) for line in lines), Decimal(0))
    if inclusive and "taxAmount" not in lines[0]:
        tax = _cents(total * rate / (100 + rate))
    sub_total = total - tax
    refund: dict[str, Any] = {
        "id": draw(st.integers(min_value=1, max_value=9999).map(str)),
        "accountRef": {"id": "35"},
        "customerRef": {"id": "3"},
        "date": "2022-12-14T00:00:00.000Z",
        "currencyRef": {"id": "USD"},
        "lines": lines,
        "subTotal": sub_total,
        "taxAmount": tax,
        "totalAmount": sub_total + tax,
    }
    if discounts and draw(st.booleans()):  # line discounts without totalDiscount too
        refund["totalDiscount"] = discounts
    return refund


@_built
@st.composite
def rutter_priced_refunds(
    draw: st.DrawFn, *, rounded: bool = False, inclusive: bool | None = None
) -> dict[str, Any]:
    """A Rutter refund whose figures add up.

    Line totals quantity x unit amount (rounded unit amounts too), a
    refund-level discount or none, tax included in the lines or not.
    """
    items = []
    for quantity, unit, amount, discount, percentage in draw(
        st.lists(_priced_line(rounded=rounded), min_size=1, max_size=4)
    ):
        # A Rutter line has no discount of its own: its total is quantity x unit amount.
        total = quantity * unit if discount is not None or percentage is not None else amount
        items.append(
            {
                "account_id": None,
                "class_id": None,
                "tax_rate_id": None,
                "total_amount": total,
                "description": None,
                "item": {"id": None, "quantity": quantity, "unit_amount": unit},
            }
        )
    lines = sum((cast("Decimal", item["total_amount"]) for item in items), Decimal(0))
    discount = Decimal(draw(st.integers(min_value=0, max_value=int(lines / 2 / _CENT)))) * _CENT
    discount = draw(st.sampled_from([Decimal(0), discount]))
    inclusive = draw(st.booleans()) if inclusive is None else inclusive
    rate = draw(st.sampled_from(_RATES[1:] if inclusive else _RATES))
    tax = _cents((lines - discount) * rate / 100)
    return {
        "id": draw(rutter_ids),
        "platform_id": "186",
        "account_id": draw(rutter_ids),
        "class_id": None,
        "customer_id": draw(rutter_ids),
        "department_id": None,
        "tax_rate_id": None,
        "transaction_date": "2022-12-16",
        "total_amount": lines - discount + (0 if inclusive else tax),
        "currency_code": "USD",
        "discount_amount": discount or None,
        "document_number": None,
        "tax_amount": tax or None,
        "line_items": items,
        "created_at": None,
        "updated_at": None,
        "last_synced_at": "2022-12-17T08:00:00.000Z",
        "platform_url": None,
    }


# -- request bodies of the push formats, written by refundmap from read refunds -----------
