"""Totals arithmetic and percentage ranges: warnings, errors when strict."""

import json

import pytest

from refundmap import Kind, ValidationError, validate

ACCOUNT = "8a2e4c6b-0d1f-4a3e-b7c9-5e8f1a2d3c4b"  # a Rutter id


def rutter_record(**changes):
    record = {
        "id": "r1",
        "platform_id": "p1",
        "account_id": ACCOUNT,
        "class_id": None,
        "customer_id": None,
        "department_id": None,
        "tax_rate_id": None,
        "transaction_date": "2024-01-01",
        "total_amount": 113.40,
        "discount_amount": 10,
        "document_number": None,
        "tax_amount": 8.40,
        "line_items": [
            {
                "account_id": None,
                "class_id": None,
                "tax_rate_id": None,
                "total_amount": 75,
                "description": None,
                "item": {"id": None, "quantity": 3, "unit_amount": 25},
            },
            {
                "account_id": None,
                "class_id": None,
                "tax_rate_id": None,
                "total_amount": 40,
                "description": None,
                "item": None,
            },
        ],
        "created_at": None,
        "updated_at": None,
        "last_synced_at": "2024-01-01T00:00:00Z",
        "platform_url": None,
    }
    record.update(changes)
    return record


def warnings(document, fmt):
    return {e.source_path: e.message for e in validate(document, fmt) if e.kind is Kind.WARNING}


def test_consistent_rutter_refund_has_no_warning():
    assert warnings(rutter_record(), "rutter") == {}


def test_rutter_total_may_exclude_tax_from_lines_that_include_it():
    assert warnings(rutter_record(total_amount=105), "rutter") == {}


def test_rutter_total_that_does_not_add_up_is_a_warning_at_the_total():
    found = warnings(rutter_record(total_amount=120), "rutter")
    assert list(found) == ["$.total_amount"]
    assert found["$.total_amount"] == (
        "total_amount 120 does not add up: line_items sum to 115, less discount_amount"
        " 10, plus tax_amount 8.4 is 113.4 (105 where the lines include tax)"
    )


def test_rutter_line_total_against_quantity_times_unit_amount():
    record = rutter_record()
    record["line_items"][0]["item"]["unit_amount"] = 24
    assert list(warnings(record, "rutter")) == ["$.line_items[0].total_amount"]


def test_tolerance_is_half_the_minor_unit_of_the_currency():
    record = rutter_record(total_amount=113.404)
    assert warnings(record, "rutter") == {}
    record = rutter_record(total_amount=113.406)
    assert list(warnings(record, "rutter")) == ["$.total_amount"]
    jpy = rutter_record(currency_code="JPY", total_amount=113.8)
    assert warnings(jpy, "rutter") == {}
    kwd = rutter_record(currency_code="KWD", total_amount=113.4006)
    assert list(warnings(kwd, "rutter")) == ["$.total_amount"]


@pytest.mark.parametrize("code", ["USD", "JPY", "SLE", "XAU", "ETH", "BTC", "HRK", "VEF", "XFU"])
def test_rutter_currency_codes_iso_4217_and_rutters_own(code):
    assert warnings(rutter_record(currency_code=code), "rutter") == {}


@pytest.mark.parametrize("code", ["usd", "XXY", "US Dollar", "8000006D-1217255359"])
def test_an_unknown_rutter_currency_code_is_a_warning_an_error_when_strict(code):
    found = warnings(rutter_record(currency_code=code), "rutter")
    assert found == {
        "$.currency_code": f"currency_code {code!r} is not an ISO 4217 code, nor one Rutter"
        " adds (ETH, BTC, withdrawn codes)"
    }
    with pytest.raises(ValidationError) as exc:
        validate(rutter_record(currency_code=code), "rutter", strict=True)
    assert [p.path for p in exc.value.problems] == ["$.currency_code"]
    body = {"account_id": ACCOUNT, "currency_code": code, "line_items": [{"total_amount": 1}]}
    assert list(warnings(body, "rutter-create")) == ["$.currency_code"]


def test_failed_check_is_an_error_when_strict():
    with pytest.raises(ValidationError) as exc:
        validate(rutter_record(total_amount=120), "rutter", strict=True)
    assert [p.path for p in exc.value.problems] == ["$.total_amount"]


def test_create_lines_are_checked():
    body = {
        "account_id": ACCOUNT,
        "line_items": [{"total_amount": 10, "item": {"quantity": 3, "unit_amount": 3}}],
    }
    assert list(warnings(body, "rutter-create")) == ["$.line_items[0].total_amount"]


def test_a_create_line_total_is_needed_only_without_a_unit_amount():
    # Rutter 2024-08-31: it computes the total from item.quantity (default 1) x unit_amount.
    priced = {"account_id": ACCOUNT, "line_items": [{"item": {"unit_amount": 3}}]}
    assert warnings(priced, "rutter-create") == {}
    defaulted = {
        "account_id": ACCOUNT,
        "line_items": [{"total_amount": 4, "item": {"unit_amount": 3}}],
    }
    assert warnings(defaulted, "rutter-create") == {
        "$.line_items[0].total_amount": "total_amount 4 is not item.quantity 1 (by default)"
        " x item.unit_amount 3 = 3"
    }
    bare = {"account_id": ACCOUNT, "line_items": [{"description": "x"}]}
    assert warnings(bare, "rutter-create") == {
        "$.line_items[0].total_amount": "total_amount is needed where item.unit_amount is absent"
    }
    with pytest.raises(ValidationError):
        validate(bare, "rutter-create", strict=True)


def railz_record(**changes):
    record = {
        "id": "1",
        "date": "2024-01-01",
        "totalAmount": 116.10,
        "subTotal": 107.50,
        "taxAmount": 8.60,
        "lines": [
            {
                "unitAmount": 25,
                "quantity": 3,
                "discountAmount": 7.5,
                "discountPercentage": 10,
                "subTotal": 67.5,
                "taxAmount": 5.4,
                "totalAmount": 72.9,
            },
            {
                "unitAmount": 40,
                "quantity": 1,
                "subTotal": 40,
                "taxAmount": 3.2,
                "totalAmount": 43.2,
            },
        ],
    }
    record.update(changes)
    return record


def test_consistent_railz_refund_has_no_warning():
    assert warnings(railz_record(), "railz") == {}


def test_railz_header_total_is_subtotal_plus_tax():
    assert list(warnings(railz_record(totalAmount=117), "railz")) == ["$.totalAmount"]


def test_railz_header_subtotal_is_the_sum_of_line_subtotals():
    record = railz_record(subTotal=100, totalAmount=108.6)
    assert list(warnings(record, "railz")) == ["$.subTotal"]


def test_railz_line_subtotal_and_total():
    record = railz_record()
    record["lines"][1]["subTotal"] = 41
    record["lines"][1]["totalAmount"] = 44.2
    record["subTotal"] = 108.5
    record["totalAmount"] = 117.1
    assert list(warnings(record, "railz")) == ["$.lines[1].subTotal"]
    record["lines"][1]["totalAmount"] = 50
    assert sorted(warnings(record, "railz")) == ["$.lines[1].subTotal", "$.lines[1].totalAmount"]


def test_railz_tax_inclusive_unit_amounts_are_accepted():
    record = {
        "id": "1",
        "date": "2024-01-01",
        "totalAmount": 121,
        "subTotal": 100.83,
        "taxAmount": 20.17,
        "lines": [
            {
                "unitAmount": 60.5,
                "quantity": 2,
                "subTotal": 100.83,
                "taxAmount": 20.17,
                "totalAmount": 121,
            }
        ],
    }
    assert warnings(record, "railz") == {}


@pytest.mark.parametrize(
    "path",
    ["discountPercentage", "lines.0.discountPercentage", "lines.0.taxRateRef.effectiveTaxRate"],
)
@pytest.mark.parametrize("value", [-1, 100.5, 322])
def test_railz_percentages_lie_within_0_and_100(path, value):
    record = railz_record()
    record["lines"][0]["taxRateRef"] = {"id": "t"}
    target = record
    *parents, last = path.split(".")
    for step in parents:
        target = target[int(step)] if step.isdigit() else target[step]
    target[last] = value
    found = warnings(record, "railz")
    json_path = "$." + path.replace(".0.", "[0].")
    assert json_path in found
    assert "not a percentage from 0 to 100" in found[json_path]


def test_railz_seed_quirks_are_reported(fixtures):
    found = warnings((fixtures / "railz/seed-refund.json").read_bytes(), "railz")
    assert found == {
        "$.discountPercentage": "discountPercentage 322 is not a percentage from 0 to 100",
        "$.lines[0].discountAmount": (
            "discountAmount 0 is not discountPercentage 10.5% of quantity x unitAmount"
            " 301.5 = 31.6575"
        ),
    }


def test_rutter_seed_total_is_reported(fixtures):
    document = json.loads((fixtures / "rutter/seed-list.json").read_text())
    assert warnings(document, "rutter") == {
        "$.customer_refunds[0].total_amount": (
            "total_amount 123.45 does not add up: line_items sum to 123.45, less"
            " discount_amount 20, plus tax_amount 23.45 is 126.90 (103.45 where the"
            " lines include tax)"
        )
    }


def test_railz_v2_header_total_and_percentages():
    refund = {
        "id": "1",
        "postedDate": "2024-01-01",
        "totalAmount": 12,
        "subTotal": 10,
        "taxAmount": 1,
        "discountPercentage": 150,
        "lines": [{"amount": 10, "discountPercentage": -5}],
    }
    assert sorted(warnings(refund, "railz-v2")) == [
        "$.discountPercentage",
        "$.lines[0].discountPercentage",
        "$.totalAmount",
    ]
    refund.update(totalAmount=11, discountPercentage=15)
    refund["lines"][0]["discountPercentage"] = 5
    assert warnings(refund, "railz-v2") == {}


# Real platforms round unit amounts to the minor unit and keep line totals exact.
ROUNDED = [("4.89", 5, "24.46"), ("5.15", 100, "515.01"), ("6.87", 200, "1373.37"),
           ("12.26", 10, "122.62")]  # fmt: skip


def rounded_rutter(unit, quantity, total, currency="USD"):
    line = {"total_amount": total, "item": {"id": None, "quantity": quantity, "unit_amount": unit}}
    return rutter_record(
        currency_code=currency,
        discount_amount=None,
        tax_amount=None,
        total_amount=total,
        line_items=[{**rutter_record()["line_items"][0], **line}],
    )


def rounded_railz(unit, quantity, total, currency="USD"):
    line = {"unitAmount": unit, "quantity": quantity, "subTotal": total, "totalAmount": total}
    return railz_record(
        currencyRef={"id": currency},
        totalAmount=total,
        subTotal=total,
        taxAmount=0,
        lines=[line],
    )


@pytest.mark.parametrize(("unit", "quantity", "total"), ROUNDED)
def test_unit_amounts_rounded_to_the_minor_unit_are_accepted(unit, quantity, total):
    assert warnings(rounded_rutter(float(unit), quantity, float(total)), "rutter") == {}
    assert warnings(rounded_railz(float(unit), quantity, float(total)), "railz") == {}
    create = {
        "customer_refund": {
            "account_id": ACCOUNT,
            "transaction_date": "2024-01-01",
            "line_items": [
                {
                    "total_amount": total,
                    "item": {"id": ACCOUNT, "quantity": quantity, "unit_amount": unit},
                }
            ],
        }
    }
    assert warnings(create, "rutter-create") == {}


def test_beyond_the_rounding_of_the_unit_amount_still_warns_with_the_figures():
    # 5 x 4.89 = 24.45; rounding allows 0.005 x (5 + 1) = 0.03: 24.48 is beyond it.
    found = warnings(rounded_rutter(4.89, 5, 24.49), "rutter")
    assert found == {
        "$.line_items[0].total_amount": (
            "total_amount 24.49 is not item.quantity 5 x item.unit_amount 4.89 = 24.45"
        )
    }
    found = warnings(rounded_railz(4.89, 5, 24.49), "railz")
    assert found == {
        "$.lines[0].subTotal": (
            "subTotal 24.49 is not quantity 5 x unitAmount 4.89 less discountAmount 0 = 24.45"
            " (nor is totalAmount, as it would be where unit amounts include tax)"
        )
    }
    assert warnings(rounded_rutter(4.89, 5, 24.48), "rutter") == {}


def test_the_rounding_allowed_follows_the_currencys_minor_unit():
    # JPY has no minor unit: half a yen x (3 + 1) = 2 yen.
    assert warnings(rounded_rutter(333, 3, 1000, "JPY"), "rutter") == {}
    assert list(warnings(rounded_rutter(333, 3, 1002, "JPY"), "rutter")) == [
        "$.line_items[0].total_amount"
    ]
    # BHD has three: 0.0005 x (3 + 1) = 0.002.
    assert warnings(rounded_railz(0.333, 3, 1.001, "BHD"), "railz") == {}
    assert list(warnings(rounded_railz(0.333, 3, 1.002, "BHD"), "railz")) == ["$.lines[0].subTotal"]


@pytest.mark.parametrize("stated", [{}, {"discountAmount": 0}, {"discountAmount": None}])
def test_a_railz_line_discounted_by_percentage_only_is_not_warned(stated):
    line = {"unitAmount": 100, "quantity": 1, "discountPercentage": 10, "subTotal": 90,
            "totalAmount": 90, **stated}  # fmt: skip
    record = railz_record(totalAmount=90, subTotal=90, taxAmount=0, lines=[line])
    assert warnings(record, "railz") == {}


def test_a_railz_percentage_the_figures_do_not_apply_is_warned():
    # discountAmount 0 and a subTotal of the whole line: the percentage disagrees.
    line = {"unitAmount": 100, "quantity": 1, "discountAmount": 0, "discountPercentage": 10,
            "subTotal": 100, "totalAmount": 100}  # fmt: skip
    record = railz_record(totalAmount=100, subTotal=100, taxAmount=0, lines=[line])
    assert warnings(record, "railz") == {
        "$.lines[0].discountAmount": (
            "discountAmount 0 is not discountPercentage 10% of quantity x unitAmount 100 = 10"
        )
    }
    # A subTotal that matches neither: the line's arithmetic by its percentage.
    line.update(discountAmount=None, subTotal=95, totalAmount=95)
    record = railz_record(totalAmount=95, subTotal=95, taxAmount=0, lines=[line])
    assert warnings(record, "railz") == {
        "$.lines[0].subTotal": (
            "subTotal 95 is not quantity 1 x unitAmount 100 less discountPercentage 10% = 90"
            " (nor is totalAmount, as it would be where unit amounts include tax)"
        )
    }


def test_a_percentage_whose_discount_rounds_to_nothing_is_not_warned():
    # 5 % of 0.01 is 0.0005: discountAmount 0 and a whole subTotal agree with it.
    line = {"unitAmount": 0.01, "quantity": 1, "discountAmount": 0, "discountPercentage": 5,
            "subTotal": 0.01, "totalAmount": 0.01}  # fmt: skip
    record = railz_record(totalAmount=0.01, subTotal=0.01, taxAmount=0, lines=[line])
    assert warnings(record, "railz") == {}
