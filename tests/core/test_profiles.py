"""Platform profiles: the table, each platform's rows, push options, validate's warnings."""

import copy
import json

import pytest

from refundmap import Kind, MappingError, UsageError, convert, convert_each, validate
from refundmap.mapping.doc import render_platforms
from refundmap.mapping.platforms import PLATFORMS, REFUSED, ROWS, TAKES
from refundmap.profiles import PushOptions, check_record

from helpers import ROOT
from helpers import load_fixture as load

FIXTURES = ROOT / "fixtures"
PUSH_OPTIONS = FIXTURES / "push-options" / "refunds.json"
CONNECTION = "CON-1"
WRITES = ("rutter-create", "railz-v2-push", "railz-push")
PUSH = {
    "rutter-create": {},
    "railz-v2-push": {"connection_uuid": CONNECTION},
    "railz-push": {"business_name": "Northwind", "service_name": "quickbooks"},
}


def record_of(output, fmt):
    body = output[0] if type(output) is list else output
    return body["customer_refund"] if fmt == "rutter-create" else body["data"]


def present(record, field):
    head, sep, rest = field.partition("[].")
    holders = (record.get(head) or []) if sep else [record]
    found = []
    for holder in holders:
        value = holder
        for key in (rest if sep else field).split("."):
            value = value.get(key) if type(value) is dict else None
        found.append(value is not None)
    return any(found)


def test_platforms_doc_is_generated_from_the_table():
    assert (ROOT / "docs/platforms.md").read_text() == render_platforms(), (
        "run: python -m refundmap.mapping.doc platforms > docs/platforms.md"
    )


def test_every_row_names_its_source_and_every_refusal_its_reason():
    assert len(ROWS) >= 15
    for row in ROWS:
        assert row.format in WRITES
        assert row.source
        if any(row.rule(p) is REFUSED for p in PLATFORMS):
            assert row.why, row


# -- each profiled platform, each write format: the output holds to the profile ---------

SOURCES = {
    # A Rutter read object with every create field, its platform left for platform=.
    "rutter": ("rutter/seed-fetch.json", "rutter"),
    "railz-v2": ("railz-v2/quickbooks-refund.json", "railz-v2"),
}


def full_rutter():
    document = load("rutter/seed-fetch.json")
    del document["connection"]
    refund = document["customer_refund"]
    refund["currency_code"] = "GBP"
    refund["currency_rate"] = "1.25"
    refund["line_items"][0]["additional_fields"] = {"sales_taxable": True}
    return document


@pytest.mark.parametrize("fmt", WRITES)
@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.railz)
def test_a_conversion_for_each_platform_holds_to_its_profile(platform, fmt):
    document = full_rutter()
    generic = convert(document, "rutter", fmt, **PUSH[fmt])
    converted = convert(document, "rutter", fmt, platform=platform.rutter, **PUSH[fmt])
    before, after = record_of(generic.output, fmt), record_of(converted.output, fmt)
    assert not [
        b for b in check_record(after, fmt, platform.railz, source="rutter") if b.kind == "refused"
    ]
    dropped = [e.message for e in converted.report if e.kind is Kind.DROPPED]
    for row in ROWS:
        if row.format != fmt or not present(before, row.field):
            continue
        if row.rule(platform) is REFUSED:
            assert not present(after, row.field), row.field
            assert any(platform.name in m and row.field in m for m in dropped), row.field
        elif row.rule(platform) is TAKES:
            assert present(after, row.field), row.field


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.railz)
def test_railz_records_into_a_create_body_for_each_platform(platform):
    document = load("railz-v2/quickbooks-refund.json")
    converted = convert(document, "railz-v2", "rutter-create", platform=platform.railz)
    record = converted.output["customer_refund"]
    assert ("document_number" in record) is (platform.railz == "xero")
    memo = [e for e in converted.report if e.source_path == "$.memo"]
    if platform.railz == "xero":
        assert memo == []
    else:
        assert memo[0].kind is Kind.DROPPED
        assert platform.name in memo[0].message


def test_without_a_platform_the_generic_rules_apply():
    document = full_rutter()
    converted = convert(document, "rutter", "rutter-create")
    record = converted.output["customer_refund"]
    assert record["document_number"] == "CUSTRFD-1"
    assert record["currency_rate"] == "1.25"
    assert not any("does not take" in e.message for e in converted.report)


# -- the platform the document names --------------------------------------------------


def test_a_quickbooks_memo_is_no_document_number():
    converted = convert(load("railz/quickbooks-list.json"), "railz", "rutter-create")
    entries = [e for e in converted.report if e.source_path == "$.data[0].memo"]
    assert [e.kind for e in entries] == [Kind.DROPPED]
    assert "QuickBooks Online" in entries[0].message
    assert "customer message" in entries[0].message
    assert "document_number" not in converted.output[0]["customer_refund"]


def test_a_xero_memo_is_the_document_number():
    converted = convert(load("railz/xero-list.json"), "railz", "rutter-create")
    memo = load("railz/xero-list.json")["data"][0]["memo"]
    assert converted.output[0]["customer_refund"]["document_number"] == memo


def test_quickbooks_desktop_takes_no_currency_in_a_create_body():
    converted = convert(load("railz/quickbooks-desktop-list.json"), "railz", "rutter-create")
    assert "currency_code" not in converted.output[0]["customer_refund"]
    entry = next(
        e
        for e in converted.report
        if e.source_path == "$.data[0].currencyRef.id" and e.kind is Kind.DROPPED
    )
    assert entry.message.startswith("QuickBooks Desktop does not take currency_code")


def test_netsuite_takes_no_line_account_in_a_create_body():
    converted = convert(load("railz/netsuite-list.json"), "railz", "rutter-create")
    line = converted.output[0]["customer_refund"]["line_items"][0]
    assert "account_id" not in line
    entry = next(
        e
        for e in converted.report
        if e.source_path == "$.data[0].lines[0].accountRef.id" and e.kind is Kind.DROPPED
    )
    assert "NetSuite" in entry.message


def test_a_quickbooks_document_number_is_no_memo_of_a_push_body():
    document = load("rutter/quickbooks-list.json")
    document["customer_refunds"][0]["document_number"] = "1042"
    converted = convert(document, "rutter", "railz-v2-push", connection_uuid=CONNECTION)
    assert "memo" not in converted.output[0]["data"]
    entry = next(
        e for e in converted.report if e.source_path == "$.customer_refunds[0].document_number"
    )
    assert entry.kind is Kind.DROPPED
    assert "customer message" in entry.message


def test_a_xero_document_number_is_the_memo_of_a_push_body():
    document = load("rutter/xero-fetch.json")
    converted = convert(document, "rutter", "railz-v2-push", connection_uuid=CONNECTION)
    number = document["customer_refund"]["document_number"]
    assert converted.output["data"]["memo"] == number


def test_a_railz_memo_stays_a_memo_on_every_platform():
    converted = convert(
        load("railz/quickbooks-list.json"), "railz", "railz-v2-push", connection_uuid=CONNECTION
    )
    assert (
        converted.output[0]["data"]["memo"] == load("railz/quickbooks-list.json")["data"][0]["memo"]
    )


def test_the_platform_given_must_be_the_one_the_document_names():
    with pytest.raises(UsageError, match="the document names 'xero'"):
        convert(load("railz/xero-list.json"), "railz", "rutter-create", platform="quickbooks")


def test_platform_names_are_checked_before_reading():
    with pytest.raises(UsageError, match="unknown platform 'quickbook'"):
        convert("not JSON", "railz", "rutter-create", platform="quickbook")
    with pytest.raises(UsageError, match="platform applies to write bodies"):
        convert("not JSON", "railz", "rutter", platform="xero")


def test_a_platform_drop_fails_a_lossless_conversion():
    with pytest.raises(MappingError, match="would be dropped: QuickBooks Online"):
        convert(load("railz/quickbooks-list.json"), "railz", "rutter-create", lossless=True)


def test_convert_each_takes_the_platform():
    document = load("railz-v2/quickbooks-refund.json")
    (result,) = convert_each(document, "railz-v2", "rutter-create", platform="QUICKBOOKS")
    assert "document_number" not in result.output["customer_refund"]
    assert any(e.kind is Kind.DROPPED and e.source_path == "$.memo" for e in result.report)


# -- required values -------------------------------------------------------------------


NO_REFS = {"account_id": None, "class_id": None, "tax_rate_id": None}


def xero_rutter(line):
    document = load("rutter/xero-fetch.json")
    document["customer_refund"]["line_items"] = [line]
    return document


def test_xero_requires_a_line_account_where_there_is_no_item():
    document = xero_rutter(NO_REFS | {"description": "x", "total_amount": 10, "item": None})
    with pytest.raises(MappingError) as caught:
        convert(document, "rutter", "railz-v2-push", connection_uuid=CONNECTION)
    (problem,) = caught.value.problems
    assert problem.path == "$.customer_refund"
    assert problem.message.startswith("data.lines[0].accountRef.id: Xero requires")


def test_xero_takes_a_line_with_an_item_and_no_account():
    item = {"id": "1f3b5d7f", "quantity": 1, "unit_amount": 10}
    document = xero_rutter(NO_REFS | {"description": "x", "total_amount": 10, "item": item})
    converted = convert(document, "rutter", "railz-v2-push", connection_uuid=CONNECTION)
    assert "accountRef" not in converted.output["data"]["lines"][0]


# -- push options ----------------------------------------------------------------------


def test_push_options_are_read_per_service():
    options = PushOptions.load(PUSH_OPTIONS)
    assert set(options.services) == {"quickbooks", "xero"}
    assert options.fields("quickbooks")["customerRef"].required is True
    assert options.fields("xero")["currency"].enum_values == ("GBP", "EUR", "USD", "NZD", "AUD")
    assert options.fields("netsuite") is None


def test_push_options_require_what_they_mark_required():
    document = load("railz/quickbooks-list.json")  # its second refund has no customer
    with pytest.raises(MappingError) as caught:
        convert(
            document,
            "railz",
            "railz-v2-push",
            connection_uuid=CONNECTION,
            push_options=PUSH_OPTIONS,
        )
    (problem,) = caught.value.problems
    assert problem.path == "$.data[1]"
    assert problem.message.startswith(
        "data.customerRef: Railz's pushOptions for quickbooks mark customerRef required"
    )
    assert "--default customer=ID" in problem.message


def test_a_default_supplies_what_push_options_require():
    converted = convert(
        load("railz/quickbooks-list.json"),
        "railz",
        "railz-v2-push",
        connection_uuid=CONNECTION,
        push_options=str(PUSH_OPTIONS),
        defaults={"customer": "58"},
    )
    assert converted.output[1]["data"]["customerRef"] == {"id": "58"}


def test_push_options_take_only_their_enum_values():
    options = json.loads(PUSH_OPTIONS.read_text())
    options["data"]["xero"]["currency"]["enumValues"] = ["NZD"]
    with pytest.raises(MappingError, match=r"take currency among NZD, not \"EUR\""):
        convert(
            load("rutter/xero-fetch.json"),
            "rutter",
            "railz-v2-push",
            connection_uuid=CONNECTION,
            push_options=options,
        )


def test_push_options_without_the_platform_are_a_mapping_error():
    with pytest.raises(MappingError, match="no rules for the platform 'oracleNetsuite'"):
        convert(
            load("railz/netsuite-list.json"),
            "railz",
            "railz-v2-push",
            connection_uuid=CONNECTION,
            push_options=PUSH_OPTIONS,
        )


def test_push_options_need_a_platform():
    document = load("rutter/xero-fetch.json")
    del document["connection"]
    with pytest.raises(MappingError, match="none is known here: give platform="):
        convert(
            document,
            "rutter",
            "railz-v2-push",
            connection_uuid=CONNECTION,
            push_options=PUSH_OPTIONS,
        )
    converted = convert(
        document,
        "rutter",
        "railz-v2-push",
        connection_uuid=CONNECTION,
        push_options=PUSH_OPTIONS,
        platform="xero",
    )
    assert converted.output["data"]["currency"] == "EUR"
    body = {"connectionUuid": CONNECTION, "data": converted.output["data"]}
    (entry,) = validate(body, "railz-v2-push", push_options=PUSH_OPTIONS)
    assert entry.source_path == "$"
    assert "none is known here" in entry.message


def test_bad_push_options_are_named_by_path(tmp_path):
    options = json.loads(PUSH_OPTIONS.read_text())
    options["data"]["xero"]["memo"]["required"] = "no"
    with pytest.raises(UsageError, match=r"\$\.data\.xero\.memo\.required: expected true or false"):
        PushOptions.load(options)
    missing = tmp_path / "nothing.json"
    with pytest.raises(UsageError, match="cannot read"):
        convert("{}", "railz", "railz-v2-push", connection_uuid="C", push_options=missing)
    with pytest.raises(UsageError, match="push_options are Railz's rules for railz-v2-push"):
        convert("{}", "railz", "rutter-create", push_options=PUSH_OPTIONS)


# -- validate --------------------------------------------------------------------------


def test_validate_warns_of_what_the_platform_does_not_take():
    body = load("rutter-create/xero-create-request.json")
    assert validate(body, "rutter-create") == ()
    entries = validate(body, "rutter-create", platform="QUICKBOOKS")
    paths = {e.source_path for e in entries}
    assert {
        "$.customer_refund.document_number",
        "$.customer_refund.currency_rate",
        "$.customer_refund.line_items[0].account_id",
    } <= paths
    assert all(e.kind is Kind.WARNING for e in entries)
    assert validate(body, "rutter-create", platform="xero") == ()


def test_validate_warns_of_what_the_platform_requires():
    body = {
        "connectionUuid": CONNECTION,
        "data": {
            "accountRef": {"id": "1"},
            "postedDate": "2024-01-02",
            "currency": "JPY",
            "lines": [{"amount": 10}],
        },
    }
    entries = validate(body, "railz-v2-push", platform="xero", push_options=PUSH_OPTIONS)
    messages = {e.source_path: e.message for e in entries}
    assert messages["$.data.lines[0].accountRef.id"].startswith("Xero requires")
    assert messages["$.data.customerRef"].endswith("mark customerRef required")
    assert 'not "JPY"' in messages["$.data.currency"]


def test_a_create_request_may_carry_a_passthrough():
    body = copy.deepcopy(load("rutter-create/xero-create-request.json"))
    body["passthrough"] = {"LineAmountTypes": "Inclusive"}
    assert validate(body, "rutter-create", strict=True) == ()


def test_a_railz_push_body_names_its_platform_by_its_service_name():
    document = load("rutter/seed-fetch.json")
    del document["connection"]
    params = {"business_name": "Northwind"}
    xero = convert(document, "rutter", "railz-push", service_name="xero", **params)
    assert xero.output["data"]["memo"] == "CUSTRFD-1"
    quickbooks = convert(document, "rutter", "railz-push", service_name="quickbooks", **params)
    assert "memo" not in quickbooks.output["data"]
    # Another body's service_name is no platform: a version 2 push body holds none.
    line = NO_REFS | {"description": "x", "total_amount": 10, "item": None}
    document["customer_refund"]["line_items"] = [line]
    converted = convert(
        document, "rutter", "railz-v2-push", connection_uuid=CONNECTION, service_name="xero"
    )
    assert "accountRef" not in converted.output["data"]["lines"][0]
