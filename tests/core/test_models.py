"""Required, optional and nullable exactly as each vendor documents them."""

import json
from decimal import Decimal

import attrs
import pytest

from refundmap import ValidationError, convert, validate
from refundmap.codec import camel
from refundmap.models import railz, rutter

ACCOUNT = "8a2e4c6b-0d1f-4a3e-b7c9-5e8f1a2d3c4b"  # a Rutter id


def rutter_refund(fixtures, **changes):
    record = json.loads((fixtures / "rutter/seed-list.json").read_text())["customer_refunds"][0]
    record.update(changes)
    return record


def railz_refund(fixtures, **changes):
    record = json.loads((fixtures / "railz/seed-refund.json").read_text())
    record.update(changes)
    return record


def paths_of(document, fmt, *, strict=False):
    with pytest.raises(ValidationError) as exc:
        validate(document, fmt, strict=strict)
    return {p.path: p.message for p in exc.value.problems}


def test_models_are_frozen_and_slotted():
    for module in (rutter, railz):
        for name in module.__all__:
            cls = getattr(module, name)
            if attrs.has(cls):
                assert cls.__attrs_attrs__ is not None
                assert "__slots__" in cls.__dict__, name
                assert cls.__setattr__ is not object.__setattr__, name


@pytest.mark.parametrize(
    "key",
    [
        "id",
        "platform_id",
        "account_id",
        "class_id",
        "customer_id",
        "department_id",
        "tax_rate_id",
        "transaction_date",
        "total_amount",
        "discount_amount",
        "document_number",
        "tax_amount",
        "line_items",
        "created_at",
        "updated_at",
        "last_synced_at",
        "platform_url",
    ],
)
def test_rutter_documented_fields_must_be_present(fixtures, key):
    record = rutter_refund(fixtures)
    del record[key]
    assert list(paths_of(record, "rutter")) == [f"$.{key}"]


@pytest.mark.parametrize(
    "key",
    [
        "class_id",
        "customer_id",
        "department_id",
        "tax_rate_id",
        "transaction_date",
        "discount_amount",
        "document_number",
        "tax_amount",
        "created_at",
        "updated_at",
        "platform_url",
    ],
)
def test_rutter_nullable_fields_take_null(fixtures, key):
    report = validate(rutter_refund(fixtures, **{key: None}), "rutter")
    assert not [e for e in report if e.source_path == f"$.{key}"]  # taken, and nothing said


@pytest.mark.parametrize(
    "key", ["id", "platform_id", "account_id", "total_amount", "last_synced_at"]
)
def test_rutter_never_null_fields_refuse_null(fixtures, key):
    assert paths_of(rutter_refund(fixtures, **{key: None}), "rutter")[f"$.{key}"].endswith(
        "got null"
    )


@pytest.mark.parametrize("key", ["platform_data", "currency_code", "currency_rate"])
def test_rutter_optional_fields_may_be_left_out(fixtures, key):
    record = rutter_refund(fixtures, currency_code="EUR", currency_rate=1.08)
    del record[key]
    report = validate(record, "rutter")
    assert not [e for e in report if e.source_path == f"$.{key}"]  # not missed, nothing said


def test_rutter_line_item_fields(fixtures):
    record = rutter_refund(fixtures)
    line = record["line_items"][0]
    line["item"] = {"id": None, "quantity": None, "unit_amount": None}
    line["additional_fields"] = {"sales_taxable": True}
    validate(record, "rutter")
    line["additional_fields"] = {"sales_taxable": "yes"}
    del line["description"]
    assert paths_of(record, "rutter") == {
        "$.line_items[0].description": "required key is missing (a string)",
        "$.line_items[0].additional_fields.sales_taxable": 'expected true or false, got "yes"',
    }


def test_rutter_connection_uses_its_camel_case_key(fixtures):
    document = json.loads((fixtures / "rutter/seed-list.json").read_text())
    document["connection"]["org_id"] = document["connection"].pop("orgId")
    assert paths_of(document, "rutter", strict=True) == {"$.connection.org_id": "unknown key"}
    del document["connection"]["platform"]
    assert paths_of(document, "rutter") == {
        "$.connection.platform": "required key is missing (a string)"
    }


def test_create_body_needs_an_account_and_a_line():
    assert paths_of({"line_items": []}, "rutter-create") == {
        "$.account_id": "required key is missing (a string)",
        "$.line_items": "expected at least 1 element, got 0",
    }


def test_create_body_fields_are_optional_beyond_account_and_lines():
    report = validate({"account_id": "a", "line_items": [{"total_amount": 1}]}, "rutter-create")
    assert [e.source_path for e in report] == ["$.account_id"]  # 'a' is no UUID: nothing else


def test_create_currency_rate_is_a_numeric_string():
    body = {"account_id": ACCOUNT, "currency_rate": "1.1712", "line_items": [{"total_amount": 1}]}
    validate(body, "rutter-create", strict=True)
    body["currency_rate"] = 1.1712
    validate(body, "rutter-create")
    assert paths_of(body, "rutter-create", strict=True) == {
        "$.currency_rate": "expected a numeric string, got 1.1712"
    }


@pytest.mark.parametrize("key", ["id", "totalAmount", "date"])
def test_railz_required_fields(fixtures, key):
    record = railz_refund(fixtures)
    del record[key]
    assert list(paths_of(record, "railz")) == [f"$.{key}"]


def test_railz_optional_fields_may_be_absent_or_null():
    document = {"id": "1", "totalAmount": 0, "date": "2024-01-01", "memo": None, "lines": None}
    assert validate(document, "railz") == ()


def test_railz_reference_extra_fields_are_read(fixtures):
    record = railz_refund(fixtures)
    record["currencyRef"]["symbol"] = "$"
    record["lines"][0]["trackingCategoryRef"] = {
        "id": "4040",
        "name": "Region",
        "option": "East",
        "optionId": "40401",
    }
    validate(record, "railz", strict=False)
    record["lines"][0]["trackingCategoryRef"]["optionId"] = 40401
    assert paths_of(record, "railz") == {
        "$.lines[0].trackingCategoryRef.optionId": "expected a string, got 40401"
    }


def test_railz_keys_are_camel_case():
    assert camel("tax_rate_ref") == "taxRateRef"
    assert camel("line1") == "line1"
    assert camel("option_id") == "optionId"


def test_railz_list_envelope_parts_are_required(fixtures):
    document = json.loads((fixtures / "railz/quickbooks-list.json").read_text())
    del document["pagination"]["limit"]
    del document["meta"]["serviceName"]
    del document["meta"]["businessName"]  # optional here: see the model
    document["count"] = "two"
    assert paths_of(document, "railz") == {
        "$.pagination.limit": "required key is missing (an integer)",
        "$.count": 'expected an integer, got "two"',
        "$.meta.serviceName": "required key is missing (a string)",
    }


def test_railz_quantity_is_an_integer(fixtures):
    record = railz_refund(fixtures)
    record["lines"][0]["quantity"] = 3.0
    validate(record, "railz")
    record["lines"][0]["quantity"] = 2.5
    assert paths_of(record, "railz") == {"$.lines[0].quantity": "expected an integer, got 2.5"}


def test_models_hold_exact_decimals(fixtures):
    from refundmap.validation import load

    loaded = load((fixtures / "railz/seed-refund.json").read_bytes(), "railz")
    refund = loaded.parts[0].model
    assert refund.currency_rate == Decimal("1.13")
    assert refund.lines[0].unit_amount == Decimal("100.5")
    assert refund.lines[0].quantity == 3


def test_unstructuring_before_any_structuring_gives_plain_data():
    # Found by a property test: the field types of models with postponed
    # annotations were read before they were resolved, in a fresh process.
    import subprocess
    import sys

    code = (
        "from refundmap.models import railz\n"
        "from refundmap.formats import get_format\n"
        "from refundmap.validation import codec_for\n"
        "line = railz.RefundLine(tax_rate_ref=railz.TaxRateRef(id='1'))\n"
        "print(codec_for(get_format('railz'), strict=False).unstructure(line))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "{'taxRateRef': {'id': '1'}}\n"


# -- Railz version 2 -------------------------------------------------------------------------


def railz_v2_refund(**changes):
    refund = {
        "id": "1",
        "postedDate": "2024-05-02",
        "totalAmount": 10,
        "currency": "EUR",
        "lines": [{"amount": 10, "trackingCategoryRefs": [{"id": "c", "type": "class"}]}],
        "passThrough": {"Status": "PAID", "Total": 10.00},
    }
    refund.update(changes)
    return refund


def test_railz_v2_requires_id_total_and_posted_date():
    assert paths_of({"lines": []}, "railz-v2") == {
        "$.id": "required key is missing (a string)",
        "$.totalAmount": "required key is missing (a decimal amount)",
        "$.postedDate": "required key is missing (an ISO 8601 date or timestamp)",
    }


def test_railz_v2_line_amount_is_required():
    assert paths_of(railz_v2_refund(lines=[{"description": "x"}]), "railz-v2") == {
        "$.lines[0].amount": "required key is missing (a decimal amount)"
    }


def test_railz_v2_tracking_categories_have_a_known_type():
    refund = railz_v2_refund(lines=[{"amount": 1, "trackingCategoryRefs": [{"id": "r"}]}])
    assert paths_of(refund, "railz-v2") == {
        "$.lines[0].trackingCategoryRefs[0].type": (
            'required key is missing (one of "class", "department", "location", "unknown")'
        )
    }
    refund["lines"][0]["trackingCategoryRefs"][0]["type"] = "region"
    assert paths_of(refund, "railz-v2") == {
        "$.lines[0].trackingCategoryRefs[0].type": (
            'expected one of "class", "department", "location", "unknown", got "region"'
        )
    }


def test_railz_v2_pass_through_is_kept_as_it_came():
    from refundmap import convert

    output = convert(railz_v2_refund(), "railz-v2", "railz-v2").output
    assert output["passThrough"] == {"Status": "PAID", "Total": Decimal("10.0")}
    assert output["lines"][0]["trackingCategoryRefs"] == [{"id": "c", "type": "class"}]


def test_railz_v1_fields_are_unknown_in_version_2():
    report = validate(railz_v2_refund(date="2024-05-02", currencyRef={"id": "EUR"}), "railz-v2")
    assert sorted(e.source_path for e in report) == ["$.currencyRef", "$.date"]


# -- Railz version 2 push ------------------------------------------------------------------


def push_body(**changes):
    data = {
        "accountRef": {"id": "200"},
        "postedDate": "2021-03-09",
        "totalAmount": 1,
        "lines": [{"amount": 1, "quantity": 2.5}],
    }
    data.update(changes)
    return {"connectionUuid": "CON-1", "data": data}


def test_push_v2_posted_date_is_a_calendar_date():
    validate(push_body(), "railz-v2-push")
    assert paths_of(push_body(postedDate="2021-03-09T10:00:00Z"), "railz-v2-push") == {
        "$.data.postedDate": (
            'expected a calendar date (YYYY-MM-DD), got the timestamp "2021-03-09T10:00:00Z"'
        )
    }


def test_push_v2_memo_is_at_most_4000_characters():
    validate(push_body(memo="x" * 4000), "railz-v2-push")
    assert paths_of(push_body(memo="x" * 4001), "railz-v2-push") == {
        "$.data.memo": "expected at most 4000 characters, got 4001"
    }


def test_push_v2_needs_an_account_and_a_connection():
    assert list(paths_of({"data": {"lines": []}, "connectionUuid": "C"}, "railz-v2-push")) == [
        "$.data.accountRef"
    ]
    assert list(paths_of({"connectionUuid": 5, "data": push_body()["data"]}, "railz-v2-push")) == [
        "$.connectionUuid"
    ]


def test_push_v2_quantity_may_be_fractional_and_refs_are_ids_only():
    from refundmap.validation import load

    model = load(push_body(), "railz-v2-push").parts[0].model
    assert model.data.lines[0].quantity == Decimal("2.5")
    body = push_body(customerRef={"id": "1", "name": "Amy"})
    assert [e.source_path for e in validate(body, "railz-v2-push")] == ["$.data.customerRef.name"]


def test_the_newest_rutter_fields_are_valid_when_strict_and_older_payloads_too(fixtures):
    # Issue 11: line type, the refund's additional_fields and an absent next_cursor.
    page = json.loads((fixtures / "rutter/quickbooks-list.json").read_text())
    validate(page, "rutter")  # older: none of them
    page.pop("next_cursor")
    refund = page["customer_refunds"][0]
    refund["additional_fields"] = {"shipping_amount": 5.0}
    refund["line_items"][0]["type"] = None
    refund["line_items"][1]["type"] = "shipping"
    assert not [e for e in validate(page, "rutter") if "unknown key" in e.message]
    refund["line_items"][1]["type"] = "freight"
    assert paths_of(page, "rutter") == {
        "$.customer_refunds[0].line_items[1].type": 'expected one of "shipping", got "freight"'
    }


@pytest.mark.parametrize(
    ("fmt", "fixture", "ids"),
    [
        ("railz", "railz/quickbooks-list.json", ["$.data[0].id", "$.data[0].accountRef.id",
                                                  "$.data[0].lines[0].inventoryRef.id"]),
        ("railz-v2", "railz-v2/xero-list.json", ["$.data[0].id", "$.data[0].customerRef.id",
                                                  "$.data[0].lines[0].trackingCategoryRefs[0].id"]),
    ],
)  # fmt: skip
def test_railz_ids_sent_as_integers_are_read_as_text_with_a_warning(fixtures, fmt, fixture, ids):
    # Issue 11: real Railz data has sent numeric ids (Airbyte widened id to string or integer).
    page = json.loads((fixtures / fixture).read_text())
    refund = page["data"][0]
    refund["id"] = 1047
    if fmt == "railz":
        refund["accountRef"]["id"] = 35
        refund["lines"][0]["inventoryRef"]["id"] = 11
    else:
        refund["customerRef"]["id"] = 58
        refund["lines"][0]["trackingCategoryRefs"][0]["id"] = 7
    warned = {e.source_path: e.message for e in validate(page, fmt) if "sent as" in e.message}
    assert sorted(warned) == sorted(ids)
    assert warned["$.data[0].id"] == 'an id sent as the number 1047; read as the text "1047"'
    with pytest.raises(ValidationError) as exc:
        validate(page, fmt, strict=True)
    assert sorted(p.path for p in exc.value.problems if "sent as a number" in p.message) == sorted(
        ids
    )
    assert convert(page, fmt, "rutter").output["customer_refunds"][0]["platform_id"] == "1047"


def test_other_numbers_where_ids_belong_are_still_refused(fixtures):
    page = json.loads((fixtures / "railz/quickbooks-list.json").read_text())
    page["data"][0]["id"] = 1.5
    assert paths_of(page, "railz") == {"$.data[0].id": "expected a string, got 1.5"}
    rutter = json.loads((fixtures / "rutter/seed-fetch.json").read_text())
    rutter["customer_refund"]["platform_id"] = 12
    assert paths_of(rutter, "rutter") == {
        "$.customer_refund.platform_id": "expected a string, got 12"
    }
