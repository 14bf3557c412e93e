"""Money the total properties found wrong (issue 22), each pinned by the refund that showed it.

A Railz line's own figures can fit two readings within rounding: its unit
amounts include tax or not; its ``discountAmount`` 0 beside a percentage is a
discount or none. The refund's other figures then decide (refundmap.mapping.lines).
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from refundmap import Kind, convert, jsonio, validate
from refundmap.mapping.lines import (
    line_tax_reading,
    railz_lines_include_tax,
    tax_included,
    unread_percentage,
)
from refundmap.models.railz import RefundLine, RefundLineV2

D = Decimal
SYNCED = "2024-06-30T12:00:00.000Z"


def _refund(lines: list[dict[str, Any]], **header: Any) -> dict[str, Any]:
    return {
        "id": "1",
        "accountRef": {"id": "35"},
        "customerRef": {"id": "3"},
        "date": "2022-12-14T00:00:00.000Z",
        "currencyRef": {"id": "USD"},
        "lines": lines,
        **header,
    }


def _convert(refund: dict[str, Any], source: str, target: str) -> tuple[Any, list[str]]:
    """The output of a conversion, and its warnings but for untranslated ids."""
    result = convert(refund, source, target, synced_at=SYNCED)
    warnings = [
        e.message
        for e in result.report
        if e.kind is Kind.WARNING and "untranslated" not in e.message
    ]
    return jsonio.loads(result.to_json()), warnings


def _no_warnings(document: Any, fmt: str) -> None:
    assert not [e for e in validate(document, fmt) if e.kind is Kind.WARNING]


# -- a line whose figures fit both readings of tax ------------------------------------


#: quantity x unitAmount 0.11 is its totalAmount, and its subTotal 0.10 within rounding.
BOTH = {
    "unitAmount": D("0.11"),
    "quantity": 1,
    "subTotal": D("0.10"),
    "taxAmount": D("0.01"),
    "totalAmount": D("0.11"),
}
#: quantity x unitAmount is its totalAmount only: the unit amounts include tax.
INCLUDING = {
    "unitAmount": D("0.32"),
    "quantity": 1,
    "subTotal": D("0.30"),
    "taxAmount": D("0.02"),
    "totalAmount": D("0.32"),
}
#: quantity x unitAmount is its subTotal only: the unit amounts exclude tax.
EXCLUDING = {**INCLUDING, "unitAmount": D("0.30")}
#: Found by test_a_railz_refunds_total_survives_every_target (rutter-create): the
#: total went from 0.43 to 0.45, and tax_inclusive was left out.
INCLUSIVE = _refund(
    [BOTH, INCLUDING], subTotal=D("0.40"), taxAmount=D("0.03"), totalAmount=D("0.43")
)
EXCLUSIVE = _refund(
    [BOTH, EXCLUDING], subTotal=D("0.40"), taxAmount=D("0.03"), totalAmount=D("0.43")
)


def _line(figures: dict[str, Any]) -> RefundLine:
    return RefundLine(
        quantity=figures["quantity"],
        unit_amount=figures["unitAmount"],
        sub_total=figures["subTotal"],
        tax_amount=figures["taxAmount"],
        total_amount=figures["totalAmount"],
    )


def test_a_line_whose_figures_fit_both_readings_of_tax_says_neither() -> None:
    assert line_tax_reading(_line(BOTH)) is None
    assert line_tax_reading(_line(INCLUDING)) is True
    assert line_tax_reading(_line(EXCLUDING)) is False
    # Alone, it is read as Rutter reads lines by default: excluding tax.
    assert tax_included(_line(BOTH)) is False
    assert tax_included(_line(BOTH), otherwise=True) is True


def test_a_refunds_lines_include_tax_as_the_lines_that_say_do() -> None:
    def refund(*lines: dict[str, Any]) -> Any:
        return SimpleNamespace(lines=[_line(line) for line in lines])

    assert railz_lines_include_tax(refund(BOTH, INCLUDING)) is True
    assert railz_lines_include_tax(refund(BOTH, EXCLUDING)) is False
    assert railz_lines_include_tax(refund(BOTH, BOTH)) is False
    assert railz_lines_include_tax(refund(INCLUDING, EXCLUDING)) is None  # they disagree


def test_an_unclear_line_follows_lines_that_include_tax_into_a_create_body() -> None:
    _no_warnings(INCLUSIVE, "railz")
    body, warnings = _convert(INCLUSIVE, "railz", "rutter-create")
    assert not warnings
    refund = body["customer_refund"]
    assert refund["additional_fields"] == {"tax_inclusive": True}
    assert [line["total_amount"] for line in refund["line_items"]] == [D("0.11"), D("0.32")]
    assert [line["item"]["unit_amount"] for line in refund["line_items"]] == [D("0.11"), D("0.32")]


def test_an_unclear_line_follows_lines_that_include_tax_into_a_rutter_refund() -> None:
    refund, warnings = _convert(INCLUSIVE, "railz", "rutter")
    assert not warnings
    # Rutter's arithmetic for lines that include tax: the lines are the total.
    assert [line["total_amount"] for line in refund["line_items"]] == [D("0.11"), D("0.32")]
    result = convert(INCLUSIVE, "railz", "rutter", synced_at=SYNCED)
    (said,) = [e for e in result.report if e.target_path == "$.line_items[0].total_amount"]
    assert said.kind is Kind.DERIVED
    assert said.source_path == "$.lines[0].totalAmount"
    assert "fit both readings of tax, and the refund's lines include it" in said.message


def test_an_unclear_line_follows_lines_that_exclude_tax() -> None:
    _no_warnings(EXCLUSIVE, "railz")
    body, warnings = _convert(EXCLUSIVE, "railz", "rutter-create")
    assert not warnings
    refund = body["customer_refund"]
    assert refund["additional_fields"] == {"tax_inclusive": False}
    assert [line["total_amount"] for line in refund["line_items"]] == [D("0.10"), D("0.30")]


# -- a discountAmount 0 beside a percentage that fits both a discount and none -------------


#: 33 % of 0.02 is 0.0066, booked 0.01: subTotal 0.01 is 0.02 less it, and 0.02 within rounding.
ZERO_AND_PERCENTAGE = {
    "unitAmount": D("0.02"),
    "quantity": 1,
    "discountPercentage": D(33),
    "discountAmount": D(0),
    "subTotal": D("0.01"),
    "taxAmount": D("0.00"),
    "totalAmount": D("0.01"),
}
#: Found by test_a_railz_refunds_total_survives_version_2_into_rutter: the refund's
#: totalDiscount says the percentage applied, and the Rutter refund did not add up.
DISCOUNTED = _refund(
    [ZERO_AND_PERCENTAGE],
    subTotal=D("0.01"),
    taxAmount=D("0.00"),
    totalAmount=D("0.01"),
    totalDiscount=D("0.01"),
)
#: 12.5 % of 0.13 is 0.01625, booked 0.02: subTotal 0.11, and the tax 0.02 makes
#: totalAmount 0.13, quantity x unitAmount; version 2's amount is 0.13, tax included.
TAXED = _refund(
    [
        {
            "unitAmount": D("0.13"),
            "quantity": 1,
            "discountPercentage": D("12.5"),
            "discountAmount": D(0),
            "subTotal": D("0.11"),
            "taxAmount": D("0.02"),
            "totalAmount": D("0.13"),
        }
    ],
    subTotal=D("0.11"),
    taxAmount=D("0.02"),
    totalAmount=D("0.13"),
    totalDiscount=D("0.02"),
)


def test_a_zero_discount_beside_a_percentage_may_fit_both() -> None:
    line = RefundLineV2(
        quantity=1,
        unit_amount=D("0.02"),
        discount_percentage=D(33),
        discount_amount=D(0),
        amount=D("0.01"),
    )
    assert unread_percentage(line) == D("0.01")
    # A discount given, or read already, or none that fits: nothing unread.
    given = RefundLineV2(
        quantity=1, unit_amount=D("0.02"), discount_percentage=D(33), amount=D("0.01")
    )
    assert unread_percentage(given) == 0
    whole = RefundLineV2(
        quantity=1, unit_amount=D(2), discount_percentage=D(33), discount_amount=D(0), amount=D(2)
    )
    assert unread_percentage(whole) == 0


def test_the_refunds_total_discount_says_the_percentage_applied() -> None:
    _no_warnings(DISCOUNTED, "railz")
    v2 = jsonio.loads(convert(DISCOUNTED, "railz", "railz-v2").to_json())
    _no_warnings(v2, "railz-v2")
    for source, document in (("railz", DISCOUNTED), ("railz-v2", v2)):
        refund, warnings = _convert(document, source, "rutter")
        assert not warnings, source
        # Rutter: the line 0.02 (before its discount), less discount_amount 0.01, is 0.01.
        assert refund["line_items"][0]["total_amount"] == D("0.02"), source
        assert refund["discount_amount"] == D("0.01"), source
        result = convert(document, source, "rutter", synced_at=SYNCED)
        (said,) = [
            e
            for e in result.report
            if e.source_path == "$.lines[0].discountPercentage" and e.kind is Kind.DERIVED
        ]
        assert said.target_path == "$.line_items[0].total_amount"
        assert "totalDiscount 0.01 is the lines' discounts with it" in said.message


def test_without_a_total_discount_the_line_keeps_no_discount() -> None:
    plain = {k: v for k, v in DISCOUNTED.items() if k != "totalDiscount"}
    refund, warnings = _convert(plain, "railz", "rutter")
    assert not warnings
    assert refund["line_items"][0]["total_amount"] == D("0.01")
    assert refund["discount_amount"] is None


def test_a_percentage_read_by_the_refund_leaves_version_2_tax_to_come_off() -> None:
    # Read as no discount, the amount is quantity x unitAmount, tax included, and
    # the line total 0.13 was right: read as discounted, it must stay so.
    v2 = jsonio.loads(convert(TAXED, "railz", "railz-v2").to_json())
    _no_warnings(v2, "railz-v2")
    assert v2["lines"][0]["amount"] == D("0.13")  # tax included
    refund, warnings = _convert(v2, "railz-v2", "rutter")
    assert not warnings
    # 0.13 + the discount 0.02 - the tax 0.02: quantity x unitAmount, before both.
    assert refund["line_items"][0]["total_amount"] == D("0.13")


#: Found by test_a_railz_refunds_total_survives_version_2_into_rutter (3,000 examples):
#: in version 2, lines[1]'s amount 0.10 is 0.11 (no discount, tax included) within
#: rounding, and 0.11 less 15 % (0.02) plus its tax 0.01; lines[0] excludes tax.
FOLLOWS = _refund(
    [
        {
            "unitAmount": D("0.10"),
            "quantity": 2,
            "subTotal": D("0.20"),
            "taxAmount": D("0.02"),
            "totalAmount": D("0.22"),
        },
        {
            "unitAmount": D("0.11"),
            "quantity": 1,
            "discountAmount": D(0),
            "discountPercentage": D(15),
            "subTotal": D("0.09"),
            "taxAmount": D("0.01"),
            "totalAmount": D("0.10"),
        },
    ],
    subTotal=D("0.29"),
    taxAmount=D("0.03"),
    totalAmount=D("0.32"),
)


def test_a_version_2_line_that_fits_both_follows_the_lines_that_exclude_tax() -> None:
    _no_warnings(FOLLOWS, "railz")
    v2 = jsonio.loads(convert(FOLLOWS, "railz", "railz-v2").to_json())
    _no_warnings(v2, "railz-v2")
    refund, warnings = _convert(v2, "railz-v2", "rutter")
    assert not warnings
    # 0.20 + 0.11, less the discount 0.02, plus the tax 0.03: 0.32.
    assert [line["total_amount"] for line in refund["line_items"]] == [D("0.20"), D("0.11")]
    assert refund["discount_amount"] == D("0.02")
    result = convert(v2, "railz-v2", "rutter", synced_at=SYNCED)
    said = {
        e.target_path: e.message
        for e in result.report
        if e.source_path == "$.lines[1].discountPercentage" and e.kind is Kind.DERIVED
    }
    assert set(said) == {"$.line_items[1].total_amount", "$.discount_amount"}
    assert all("the refund's other lines exclude it" in m for m in said.values())


def test_with_a_total_discount_the_refund_decides_instead() -> None:
    # totalDiscount 0 says no line's percentage applied: the lines are left as they are.
    v2 = jsonio.loads(convert(FOLLOWS, "railz", "railz-v2").to_json())
    v2["totalDiscount"] = D(0)
    refund, _ = _convert(v2, "railz-v2", "rutter")
    assert refund["line_items"][1]["total_amount"] == D("0.10")


#: Found by the version 2 total property (10,000 examples): lines[0] and lines[2]
#: book 10 % of 0.01 and of 0.04 as 0.00, not 0.001 and 0.004; totalDiscount 0.01
#: is lines[1]'s 10 % of 0.05 (0.005, booked 0.01), whose subTotal fits both.
ROUNDED_AWAY = _refund(
    [
        {
            "unitAmount": D("0.01"),
            "quantity": 1,
            "discountPercentage": D(10),
            "subTotal": D("0.01"),
            "taxAmount": D("0.00"),
            "totalAmount": D("0.01"),
        },
        {
            "unitAmount": D("0.05"),
            "quantity": 1,
            "discountAmount": D(0),
            "discountPercentage": D(10),
            "subTotal": D("0.05"),
            "taxAmount": D("0.00"),
            "totalAmount": D("0.05"),
        },
        {
            "unitAmount": D("0.02"),
            "quantity": 2,
            "discountPercentage": D(10),
            "subTotal": D("0.04"),
            "taxAmount": D("0.00"),
            "totalAmount": D("0.04"),
        },
    ],
    subTotal=D("0.10"),
    taxAmount=D("0.00"),
    totalAmount=D("0.10"),
    totalDiscount=D("0.01"),
)


def test_the_lines_discounts_are_compared_as_booked_to_the_cent() -> None:
    for source, document in (
        ("railz", ROUNDED_AWAY),
        ("railz-v2", jsonio.loads(convert(ROUNDED_AWAY, "railz", "railz-v2").to_json())),
    ):
        _no_warnings(document, source)
        refund, warnings = _convert(document, source, "rutter")
        assert not warnings, source
        # 0.01 + 0.06 + 0.04, less discount_amount 0.01: 0.10.
        totals = [line["total_amount"] for line in refund["line_items"]]
        assert totals == [D("0.01"), D("0.06"), D("0.04")], source


# -- the source's own check --------------------------------------------------------------


#: Found by test_a_railz_refunds_total_survives_every_target (10,000 examples): the
#: check said "discountAmount 0 is not discountPercentage 33% of ... 0.04 = 0.0132",
#: though subTotal 0.03 is 0.04 less 0.0132 within rounding as well as 0.04.
FITS_BOTH = _refund(
    [
        {
            "unitAmount": D("0.04"),
            "quantity": 1,
            "discountAmount": D(0),
            "discountPercentage": D(33),
            "subTotal": D("0.03"),
            "taxAmount": D("0.00"),
            "totalAmount": D("0.03"),
        }
    ],
    subTotal=D("0.03"),
    taxAmount=D("0.00"),
    totalAmount=D("0.03"),
)


def test_a_zero_discount_whose_line_fits_the_percentage_too_is_no_finding() -> None:
    _no_warnings(FITS_BOTH, "railz")
    for target in ("rutter-create", "rutter"):
        _, warnings = _convert(FITS_BOTH, "railz", target)
        assert not warnings, target


def test_a_zero_discount_whose_line_fits_only_none_still_disagrees() -> None:
    # 33 % of 0.10 is 0.033: subTotal 0.10 fits no discount only.
    line = {**FITS_BOTH["lines"][0], "unitAmount": D("0.10"), "subTotal": D("0.10")}
    refund = {**FITS_BOTH, "lines": [line], "subTotal": D("0.10"), "totalAmount": D("0.10")}
    line["totalAmount"] = D("0.10")
    (finding,) = [e for e in validate(refund, "railz") if e.kind is Kind.WARNING]
    assert finding.source_path == "$.lines[0].discountAmount"
    assert "is not discountPercentage 33% of quantity x unitAmount 0.10 = 0.033" in finding.message
