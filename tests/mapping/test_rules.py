"""The rules of the mapping contract (mapping/table.py), one test each, through convert()."""

import json
import uuid
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Context, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap import Kind, MappingError, convert, validate
from refundmap.mapping.rules import RUTTER_ID_NAMESPACE, rutter_uuid

import golden
from helpers import SYNCED, railz_refund, rutter_refund
from helpers import load_fixture as load


def entries(result, kind=None):
    return {(e.source_path, e.target_path) for e in result.report if kind is None or e.kind is kind}


# -- ids ----------------------------------------------------------------------


def test_railz_id_is_rutter_platform_id_both_ways():
    to_rutter = convert(railz_refund(), "railz", "rutter", synced_at=SYNCED).output
    assert to_rutter["platform_id"] == "R-1"
    back = convert(to_rutter, "rutter", "railz").output
    assert back["id"] == "R-1"


def test_rutter_id_is_uuid5_of_the_railz_id_and_stable():
    first = convert(railz_refund(), "railz", "rutter", synced_at=SYNCED)
    second = convert(railz_refund(), "railz", "rutter", synced_at=SYNCED)
    expected = str(uuid.uuid5(RUTTER_ID_NAMESPACE, "R-1"))
    assert first.output["id"] == second.output["id"] == expected
    assert ("$.id", "$.id") in entries(first, Kind.SYNTHESIZED)


def test_last_synced_at_is_the_conversion_time():
    result = convert(railz_refund(), "railz", "rutter", synced_at="2024-06-30T14:00:00+02:00")
    assert result.output["last_synced_at"] == "2024-06-30T14:00:00.000+02:00"
    assert ("$", "$.last_synced_at") in entries(result, Kind.SYNTHESIZED)


def test_last_synced_at_defaults_to_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)
    written = convert(railz_refund(), "railz", "rutter").output["last_synced_at"]
    assert written.endswith("Z")
    assert before <= datetime.fromisoformat(written) <= datetime.now(UTC)


def test_synced_at_must_be_a_timestamp():
    with pytest.raises(ValueError, match="synced_at must be a timestamp"):
        convert(railz_refund(), "railz", "rutter", synced_at="2024-06-30")


def test_rutter_bookkeeping_is_omitted_for_railz():
    result = convert(rutter_refund(), "rutter", "railz")
    omitted = {source for source, _ in entries(result, Kind.OMITTED)}
    assert {"$.id", "$.last_synced_at", "$.platform_url", "$.platform_data"} <= omitted


# -- references and fields -------------------------------------------------------


def test_references_carry_their_id_and_report_their_name():
    result = convert(railz_refund(customerRef={"id": "7", "name": "Amy"}), "railz", "rutter")
    assert result.output["customer_id"] == "7"
    assert result.output["account_id"] == "145"
    dropped = {source for source, _ in entries(result, Kind.DROPPED)}
    assert {"$.customerRef.name", "$.accountRef.name"} <= dropped


def test_rutter_ids_become_railz_references():
    output = convert(rutter_refund(), "rutter", "railz").output
    assert output["accountRef"] == {"id": "00000000-0000-0000-0000-000000000000"}
    line = output["lines"][0]
    assert line["taxRateRef"] == {"id": "00000000-0000-0000-0000-000000000000"}
    assert line["trackingCategoryRef"] == {"id": "00000000-0000-0000-0000-000000000000"}
    assert line["inventoryRef"] == {"id": "00000000-0000-0000-0000-000000000000"}


def test_fields_without_a_railz_place_are_dropped_and_reported():
    result = convert(rutter_refund(), "rutter", "railz")
    dropped = {source for source, _ in entries(result, Kind.DROPPED)}
    assert dropped == {"$.class_id", "$.department_id", "$.tax_rate_id", "$.created_at"}


def test_account_is_required_for_rutter():
    with pytest.raises(MappingError) as exc:
        convert(railz_refund(accountRef=None), "railz", "rutter")
    assert [(p.path, p.message) for p in exc.value.problems] == [
        ("$.accountRef.id", "Rutter requires account_id, and the refund has no accountRef")
    ]


def test_railz_fields_not_named_are_left_out_not_null():
    output = convert(
        rutter_refund(customer_id=None, document_number=None), "rutter", "railz"
    ).output
    assert "customerRef" not in output
    assert "memo" not in output
    assert None not in output.values()


def test_rutter_required_nullable_fields_are_written_as_null():
    output = convert(railz_refund(), "railz", "rutter").output
    for key in (
        "class_id",
        "customer_id",
        "department_id",
        "tax_rate_id",
        "discount_amount",
        "document_number",
        "tax_amount",
        "created_at",
        "updated_at",
        "platform_url",
    ):
        assert output[key] is None, key
    assert "platform_data" not in output


# -- amounts ---------------------------------------------------------------------


def test_sub_total_is_total_less_tax_where_both_are_known():
    result = convert(rutter_refund(), "rutter", "railz")
    assert result.output["subTotal"] == Decimal("100.00")
    assert ("$.total_amount", "$.subTotal") in entries(result, Kind.DERIVED)
    assert "subTotal" not in convert(rutter_refund(tax_amount=None), "rutter", "railz").output


# -- tax: a Rutter line total is the line before tax and discount (docs/mapping.md, Tax) ----


def _line_total(result, index=0):
    return result.output["line_items"][index]["total_amount"]


def _target_warnings(result):
    return [e for e in result.report if e.kind is Kind.WARNING and "its own check" in e.message]


def test_a_railz_line_total_is_its_sub_total_before_tax():
    line = {"quantity": 2, "unitAmount": 5, "subTotal": 10, "taxAmount": 1.3, "totalAmount": 11.3}
    refund = railz_refund(lines=[line], subTotal=10, taxAmount=1.3, totalAmount=11.3)
    result = convert(refund, "railz", "rutter")
    assert _line_total(result) == Decimal(10)
    assert ("$.lines[0].subTotal", "$.line_items[0].total_amount") in entries(result, Kind.DERIVED)
    assert ("$.lines[0].subTotal", None) not in entries(result, Kind.DROPPED)
    assert ("$.lines[0].taxAmount", None) in entries(result, Kind.DROPPED)
    assert not _target_warnings(result)  # 10 = 2 x 5; 11.3 = 10 + 1.3


def test_a_discounted_railz_line_adds_its_discount_back():
    line = {
        "quantity": 2,
        "unitAmount": 5,
        "discountAmount": 1,
        "subTotal": 9,
        "taxAmount": 0.9,
        "totalAmount": 9.9,
    }
    refund = railz_refund(lines=[line], subTotal=9, totalDiscount=1, taxAmount=0.9, totalAmount=9.9)
    result = convert(refund, "railz", "rutter")
    assert _line_total(result) == Decimal(10)
    assert result.output["discount_amount"] == Decimal(1)
    assert not _target_warnings(result)  # 10 - 1 + 0.9 = 9.9


def test_tax_inclusive_unit_amounts_keep_the_total():
    # Xero's default: quantity x unitAmount is the line's total, tax included.
    line = {"quantity": 1, "unitAmount": 11, "subTotal": 10, "taxAmount": 1, "totalAmount": 11}
    refund = railz_refund(lines=[line], subTotal=10, taxAmount=1, totalAmount=11)
    result = convert(refund, "railz", "rutter")
    assert _line_total(result) == Decimal(11)
    assert not _target_warnings(result)  # Rutter's rule for lines that include tax
    body = convert(refund, "railz", "rutter-create").output["customer_refund"]
    assert body["additional_fields"] == {"tax_inclusive": True}


def test_a_line_without_sub_total_is_its_total_less_tax():
    line = {"totalAmount": 11.3, "taxAmount": 1.3}
    result = convert(railz_refund(lines=[line], totalAmount=11.3, taxAmount=1.3), "railz", "rutter")
    assert _line_total(result) == Decimal(10)
    assert ("$.lines[0].totalAmount", "$.line_items[0].total_amount") in entries(
        result, Kind.DERIVED
    )


def test_a_line_with_sub_total_only_is_made_from_it():
    line = {"subTotal": 10, "taxAmount": 1.3}
    result = convert(railz_refund(lines=[line], totalAmount=11.3, taxAmount=1.3), "railz", "rutter")
    assert _line_total(result) == Decimal(10)
    assert ("$.lines[0].subTotal", "$.line_items[0].total_amount") in entries(result, Kind.DERIVED)


def test_an_untaxed_undiscounted_line_is_copied_unreported():
    result = convert(railz_refund(), "railz", "rutter")
    assert _line_total(result) == Decimal("12.5")
    assert not [e for e in result.report if e.target_path == "$.line_items[0].total_amount"]


def test_the_create_body_says_whether_lines_exclude_tax():
    line = {"quantity": 2, "unitAmount": 5, "subTotal": 10, "taxAmount": 1.3, "totalAmount": 11.3}
    refund = railz_refund(lines=[line], subTotal=10, taxAmount=1.3, totalAmount=11.3)
    result = convert(refund, "railz", "rutter-create")
    assert result.output["customer_refund"]["additional_fields"] == {"tax_inclusive": False}
    assert ("$.lines", "$.customer_refund.additional_fields.tax_inclusive") in entries(
        result, Kind.DERIVED
    )
    # Rutter takes the lines plus the tax: the total does not change.
    assert not [e for e in result.report if "total changes" in e.message]
    assert convert(refund, "railz", "rutter-create", lossless=False).output


def test_the_create_body_leaves_tax_inclusive_out_without_tax():
    body = convert(railz_refund(), "railz", "rutter-create").output["customer_refund"]
    assert "additional_fields" not in body


def test_a_rutter_refund_tells_its_lines_tax_treatment_to_the_create_body():
    refund = rutter_refund()
    lines = sum(Decimal(str(line["total_amount"])) for line in refund["line_items"])
    excluded = rutter_refund(discount_amount=0, tax_amount=1, total_amount=float(lines + 1))
    included = rutter_refund(discount_amount=0, tax_amount=1, total_amount=float(lines))
    for document, expected in ((excluded, False), (included, True)):
        body = convert(document, "rutter", "rutter-create").output["customer_refund"]
        assert body["additional_fields"] == {"tax_inclusive": expected}


def test_a_version_2_amount_net_of_discount_gets_it_back():
    refund = load("railz-v2/quickbooks-refund.json")
    result = convert(refund, "railz-v2", "rutter")
    assert _line_total(result) == Decimal(75)  # 3 x 25; the amount was 67.5 after 7.5 off
    assert not _target_warnings(result)


# -- currency codes ----------------------------------------------------------------------


@pytest.mark.parametrize("target", ["rutter", "rutter-create", "railz-v2"])
def test_a_platform_currency_id_becomes_the_code_its_name_names(target):
    # QuickBooks Desktop sends its own currency list id, named "US Dollar".
    ref = {"id": "8000006D-1217255359", "name": "US Dollar", "symbol": "8000006D-1217255359"}
    result = convert(railz_refund(currencyRef=ref), "railz", target)
    output = result.output.get("customer_refund", result.output)
    assert output.get("currency_code", output.get("currency")) == "USD"
    (entry,) = [e for e in result.report if e.source_path == "$.currencyRef.id"]
    assert entry.kind is Kind.DERIVED
    assert "USD is the one currency named 'US Dollar'" in entry.message


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ({"id": "8000006D-1217255359"}, "it has no name"),
        ({"id": "8000006D-1", "name": "Bolívar Soberano"}, "is no one currency's"),
        ({"id": "8000006D-1", "name": "Funny Money"}, "is no one currency's"),
    ],
)
def test_a_platform_currency_id_without_one_currency_is_dropped_never_copied(ref, why):
    result = convert(railz_refund(currencyRef=ref), "railz", "rutter")
    assert result.output.get("currency_code") is None
    entries = [e for e in result.report if e.source_path == "$.currencyRef.id"]
    # validate's warning on the source, and the conversion's dropped value.
    assert [e.kind for e in entries] == [Kind.WARNING, Kind.DROPPED]
    assert all(why in entry.message for entry in entries)
    with pytest.raises(MappingError):
        convert(railz_refund(currencyRef=ref), "railz", "rutter", lossless=True)


def test_a_currency_code_is_copied_and_a_lower_case_one_upper_cased():
    assert (
        convert(railz_refund(currencyRef={"id": "EUR"}), "railz", "rutter").output["currency_code"]
        == "EUR"
    )
    result = convert(railz_refund(currencyRef={"id": "eur"}), "railz", "rutter")
    assert result.output["currency_code"] == "EUR"
    assert ("$.currencyRef.id", "$.currency_code") in entries(result, Kind.DERIVED)


def test_an_unknown_rutter_currency_reaches_railz_with_a_warning():
    result = convert(rutter_refund(currency_code="XXY"), "rutter", "railz")
    assert result.output["currencyRef"]["id"] == "XXY"
    assert ("$.currency_code", None) in {
        (e.source_path, e.target_path) for e in result.report if e.kind is Kind.WARNING
    }


# -- target-side checks ----------------------------------------------------------------


def test_a_record_that_fails_the_targets_check_is_a_warning_at_its_target_path():
    # The seed's own figures do not add up (totalDiscount 322): the Rutter output cannot.
    seed = load("railz/seed-refund.json")
    result = convert(seed, "railz", "rutter")
    (warning,) = _target_warnings(result)
    assert (warning.source_path, warning.target_path) == ("$", "$.total_amount")
    assert warning.message.startswith("the rutter output fails its own check: total_amount 322")
    with pytest.raises(MappingError) as exc:
        convert(seed, "railz", "rutter", lossless=True)
    problems = exc.value.problems
    assert any(p.path == "$.total_amount" and "its own check" in p.message for p in problems)


def test_target_checks_do_not_repeat_an_untranslated_id():
    # A Railz id copied into Rutter fails Rutter's UUID check: said once, by the copy.
    result = convert(railz_refund(), "railz", "rutter")
    assert not _target_warnings(result)
    assert ("$.accountRef.id", "$.account_id") in entries(result, Kind.WARNING)


def test_target_checks_run_at_the_records_path_in_a_list():
    document = load("railz/quickbooks-list.json")
    document["data"].append(load("railz/seed-refund.json"))
    result = convert(document, "railz", "rutter")
    (warning,) = _target_warnings(result)
    last = len(document["data"]) - 1
    assert warning.target_path == f"$.customer_refunds[{last}].total_amount"
    assert warning.source_path == f"$.data[{last}]"


def test_line_without_any_total_is_a_mapping_error():
    with pytest.raises(MappingError) as exc:
        convert(railz_refund(lines=[{"description": "x"}, {"unitAmount": 1}]), "railz", "rutter")
    assert [p.path for p in exc.value.problems] == [
        "$.lines[0].totalAmount",
        "$.lines[1].totalAmount",
    ]


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ({"totalAmount": 5}, None),
        ({"totalAmount": 5, "quantity": 2}, {"id": None, "quantity": 2, "unit_amount": None}),
        (
            {"totalAmount": 5, "unitAmount": 2.5},
            {"id": None, "quantity": None, "unit_amount": Decimal("2.5")},
        ),
        (
            {"totalAmount": 5, "inventoryRef": {"id": "9"}},
            {"id": "9", "quantity": None, "unit_amount": None},
        ),
    ],
)
def test_a_line_gets_an_item_when_it_has_inventory_quantity_or_unit_amount(line, item):
    output = convert(railz_refund(lines=[line], totalAmount=5), "railz", "rutter").output
    assert output["line_items"][0]["item"] == item


def test_fractional_quantity_cannot_become_railz():
    refund = rutter_refund()
    refund["line_items"][0]["item"]["quantity"] = 1.5
    with pytest.raises(MappingError) as exc:
        convert(refund, "rutter", "railz")
    assert [(p.path, p.message) for p in exc.value.problems] == [
        ("$.line_items[0].item.quantity", "Railz quantities are integers, and 1.5 is not")
    ]


def test_integral_quantity_becomes_a_railz_integer():
    refund = rutter_refund()
    refund["line_items"][0]["item"]["quantity"] = Decimal("2.0")
    assert convert(refund, "rutter", "railz").output["lines"][0]["quantity"] == 2


def test_amounts_stay_exact_through_a_round_trip():
    refund = railz_refund(
        totalAmount="1234567890123.4567",
        currencyRate="1.000000001",
        lines=[{"totalAmount": "1234567890123.4567"}],
    )
    there = convert(refund, "railz", "rutter", synced_at=SYNCED)
    back = convert(there.output, "rutter", "railz")
    assert back.to_json() == (
        '{"id":"R-1","accountRef":{"id":"145"},"date":"2024-01-02","currencyRate":1.000000001,'
        '"lines":[{"subTotal":1234567890123.4567,"totalAmount":1234567890123.4567}],'
        '"totalAmount":1234567890123.4567}'
    )  # a line without tax or discount: its subTotal is its totalAmount


def test_to_json_writes_plain_numbers_in_schema_order():
    result = convert(railz_refund(totalAmount=1e2, lines=[{"totalAmount": 100}]), "railz", "railz")
    assert result.to_json() == (
        '{"id":"R-1","accountRef":{"id":"145","name":"Bank"},"date":"2024-01-02",'
        '"lines":[{"totalAmount":100}],"totalAmount":100.0}'
    )


# -- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2023-01-02", "2023-01-02"),
        ("2023-01-02T23:30:00-05:00", "2023-01-02T23:30:00.000-05:00"),
        ("2023-01-02T10:00:00", "2023-01-02T10:00:00.000"),
        ("2023-01-02T10:00:00+00:00", "2023-01-02T10:00:00.000Z"),
    ],
)
def test_dates_keep_day_offset_and_precision(written, expected):
    rutter = convert(railz_refund(date=written), "railz", "rutter").output
    assert rutter["transaction_date"] == expected
    assert convert(rutter, "rutter", "railz").output["date"] == expected


# -- the create body ---------------------------------------------------------------


def test_create_output_is_always_a_request_body():
    bare = load("rutter-create/seed-create-request.json")["customer_refund"]
    assert list(convert(bare, "rutter-create", "rutter-create").output) == ["customer_refund"]
    body = convert(rutter_refund(), "rutter", "rutter-create").output
    assert list(body) == ["customer_refund"]
    assert "response_mode" not in body


def test_create_request_keeps_its_response_mode():
    request = load("rutter-create/xero-create-request.json")
    assert (
        convert(request, "rutter-create", "rutter-create").output["response_mode"] == "prefer_sync"
    )


def test_create_total_that_matches_the_lines_is_derived():
    refund = railz_refund(accountRef={"id": "145"})
    result = convert(refund, "railz", "rutter-create")
    assert ("$.totalAmount", None) in entries(result, Kind.DERIVED)
    convert(refund, "railz", "rutter-create", lossless=True)


def test_create_total_that_differs_from_the_lines_is_reported_and_fails_lossless():
    refund = railz_refund(totalAmount=20, accountRef={"id": "145"})
    result = convert(refund, "railz", "rutter-create")
    (warning,) = [e for e in result.report if e.source_path == "$.totalAmount"]
    assert warning.kind is Kind.WARNING
    assert warning.message.startswith("the total changes from 20 to 12.5")
    with pytest.raises(MappingError) as exc:
        convert(refund, "railz", "rutter-create", lossless=True)
    assert [p.path for p in exc.value.problems] == ["$.totalAmount"]


def test_a_create_line_without_any_total_is_a_mapping_error():
    # Found by tests/properties/test_fuzz.py: the body's total was summed over a line that
    # could not be mapped, and raised KeyError.
    refund = railz_refund(lines=[{"description": "x"}], accountRef={"id": "145"})
    with pytest.raises(MappingError) as exc:
        convert(refund, "railz", "rutter-create")
    assert [p.path for p in exc.value.problems] == ["$.lines[0].totalAmount"]


def test_create_needs_a_line():
    with pytest.raises(MappingError, match="needs at least one line item"):
        convert(railz_refund(lines=[]), "railz", "rutter-create")


def test_create_currency_rate_is_written_as_a_string():
    output = convert(railz_refund(currencyRate=1.1712), "railz", "rutter-create").output
    assert output["customer_refund"]["currency_rate"] == "1.1712"


# -- lossless ----------------------------------------------------------------------


def test_lossless_lists_every_dropped_path():
    with pytest.raises(MappingError) as exc:
        convert(rutter_refund(), "rutter", "railz", lossless=True)
    # The seed's total does not add up (a source warning): its one line's figures,
    # by Railz's definitions, do not sum to the subTotal either.
    assert sorted(p.path for p in exc.value.problems) == [
        "$.class_id",
        "$.created_at",
        "$.department_id",
        "$.subTotal",
        "$.tax_rate_id",
    ]


def test_omitted_derived_and_synthesized_never_fail_lossless():
    result = convert(railz_refund(accountRef={"id": "1"}), "railz", "rutter", lossless=True)
    kinds = {e.kind for e in result.report}
    assert Kind.SYNTHESIZED in kinds
    assert Kind.DROPPED not in kinds


# -- shapes and envelopes -------------------------------------------------------------


def test_list_envelope_becomes_list_envelope():
    output = convert(load("rutter/seed-list.json"), "rutter", "railz").output
    assert list(output) == ["pagination", "count", "meta", "data"]
    assert output["pagination"] == {"offset": 0, "limit": 1, "count": 1}
    assert output["meta"] == {"serviceName": "oracleNetsuite"}
    back = convert(output, "railz", "rutter", synced_at=SYNCED).output
    assert list(back) == ["customer_refunds", "next_cursor", "connection"]
    assert back["connection"] == {"platform": "NETSUITE"}
    assert back["next_cursor"] is None


def test_envelope_metadata_is_omitted_once_at_its_own_path():
    result = convert(load("rutter/seed-list.json"), "rutter", "railz")
    omitted = [
        source
        for source, _ in entries(result, Kind.OMITTED)
        if not source.startswith("$.customer_refunds")
    ]
    assert sorted(omitted) == ["$.connection.id", "$.connection.orgId", "$.next_cursor"]
    assert ("$.connection.platform", "$.meta.serviceName") in entries(result, Kind.DERIVED)


def test_fetch_envelope_becomes_a_bare_railz_refund():
    result = convert(load("rutter/seed-fetch.json"), "rutter", "railz")
    assert result.output["id"] == "12345678"
    assert ("$.customer_refund.platform_id", None) not in entries(result)
    assert ("$.connection.platform", None) in entries(result, Kind.OMITTED)


def test_arrays_stay_arrays_with_indexed_paths():
    result = convert([railz_refund(), railz_refund(id="R-2", accountRef=None)], "railz", "railz")
    assert [r["id"] for r in result.output] == ["R-1", "R-2"]
    with pytest.raises(MappingError) as exc:
        convert([railz_refund(), railz_refund(id="R-2", accountRef=None)], "railz", "rutter")
    assert [p.path for p in exc.value.problems] == ["$[1].accountRef.id"]


def test_list_to_create_gives_one_body_per_record():
    output = convert(load("railz/quickbooks-list.json"), "railz", "rutter-create").output
    assert [list(body) for body in output] == [["customer_refund"], ["customer_refund"]]


# -- self conversion ------------------------------------------------------------------


def test_a_format_to_itself_normalizes():
    refund = railz_refund(
        totalAmount="12.50", discountAmount=0, sourceModifiedData="2024-01-03T00:00:00Z"
    )
    output = convert(refund, "railz", "railz").output
    assert output["totalAmount"] == Decimal("12.50")
    assert output["totalDiscount"] == 0
    assert output["sourceModifiedDate"] == "2024-01-03T00:00:00.000Z"
    assert "discountAmount" not in output
    assert convert(output, "railz", "railz").output == output


def test_unknown_keys_are_warned_and_left_out():
    result = convert(railz_refund(customField=1), "railz", "railz")
    assert "customField" not in result.output
    assert ("$.customField", None) in entries(result, Kind.WARNING)


# -- Railz version 2 ---------------------------------------------------------------------


def v2_refund(*lines, **changes):
    refund = {
        "id": "V-1",
        "accountRef": {"id": "145"},
        "postedDate": "2024-05-02",
        "totalAmount": 10,
        "lines": list(lines) or [{"amount": 10}],
    }
    refund.update(changes)
    return refund


def tracking(*entries):
    return [{"id": i, "type": t} for t, i in entries]


def test_a_v2_class_entry_is_the_line_class_and_back():
    line = {"amount": 10, "trackingCategoryRefs": tracking(("class", "C1"))}
    rutter = convert(v2_refund(line), "railz-v2", "rutter", synced_at=SYNCED).output
    assert rutter["line_items"][0]["class_id"] == "C1"
    back = convert(rutter, "rutter", "railz-v2").output
    assert back["lines"][0]["trackingCategoryRefs"] == tracking(("class", "C1"))


def test_two_class_entries_on_one_line_are_a_mapping_error():
    line = {"amount": 10, "trackingCategoryRefs": tracking(("class", "C1"), ("class", "C2"))}
    with pytest.raises(MappingError) as exc:
        convert(v2_refund(line), "railz-v2", "rutter")
    assert [(p.path, p.message) for p in exc.value.problems] == [
        ("$.lines[0].trackingCategoryRefs", "more than one entry of type class; rutter holds one")
    ]


def test_the_refund_department_is_an_entry_on_every_v2_line():
    refund = rutter_refund(department_id="D1")
    refund["line_items"].append(dict(refund["line_items"][0], class_id=None))
    result = convert(refund, "rutter", "railz-v2")
    assert [line["trackingCategoryRefs"][-1] for line in result.output["lines"]] == [
        {"id": "D1", "type": "department"}
    ] * 2
    derived = [e for e in result.report if e.kind is Kind.DERIVED]
    assert [e.target_path for e in derived if e.source_path == "$.department_id"] == [
        "$.lines[0].trackingCategoryRefs[1]",
        "$.lines[1].trackingCategoryRefs[0]",
    ]
    # Without a directory, the department's Rutter id is copied, and that is said once.
    (untranslated,) = [
        e
        for e in result.report
        if e.source_path == "$.department_id" and "copied untranslated" in e.message
    ]
    assert untranslated.target_path == "$.lines[0].trackingCategoryRefs[1].id"


@pytest.mark.parametrize("target", ["railz-v2", "railz-v2-push"])
def test_a_department_without_a_line_to_hold_it_is_dropped_naming_the_target(target):
    refund = rutter_refund(department_id="D1", line_items=[])
    params = {"connection_uuid": "CON-1"} if target == "railz-v2-push" else {}
    result = convert(refund, "rutter", target, **params)
    (dropped,) = [
        e for e in result.report if e.kind is Kind.DROPPED and e.source_path == "$.department_id"
    ]
    assert dropped.message == f"{target} keeps a department on lines only, and there is no line"


def test_a_department_every_v2_line_shares_is_the_refund_department():
    lines = [{"amount": 5, "trackingCategoryRefs": tracking(("department", "D1"))}] * 2
    result = convert(v2_refund(*lines), "railz-v2", "rutter", synced_at=SYNCED)
    assert result.output["department_id"] == "D1"
    assert not [e for e in result.report if e.kind is Kind.DROPPED]


def test_departments_that_differ_between_v2_lines_are_dropped():
    lines = [
        {"amount": 5, "trackingCategoryRefs": tracking(("department", "D1"))},
        {"amount": 5, "trackingCategoryRefs": tracking(("department", "D2"))},
        {"amount": 0},
    ]
    result = convert(v2_refund(*lines), "railz-v2", "rutter", synced_at=SYNCED)
    assert result.output["department_id"] is None
    assert sorted(e.source_path for e in result.report if e.kind is Kind.DROPPED) == [
        "$.lines[0].trackingCategoryRefs[0]",
        "$.lines[1].trackingCategoryRefs[0]",
    ]


@pytest.mark.parametrize("kind", ["location", "unknown"])
def test_other_v2_tracking_entries_are_dropped_at_their_index(kind):
    line = {"amount": 10, "trackingCategoryRefs": tracking(("class", "C1"), (kind, "X"))}
    result = convert(v2_refund(line), "railz-v2", "rutter", synced_at=SYNCED)
    assert ("$.lines[0].trackingCategoryRefs[1]", None) in entries(result, Kind.DROPPED)


def test_v2_links_are_dropped_but_an_empty_list_is_nothing():
    lines = [{"amount": 5, "links": [{"id": "INV-1"}]}, {"amount": 5, "links": []}]
    result = convert(v2_refund(*lines), "railz-v2", "rutter", synced_at=SYNCED)
    assert [e.source_path for e in result.report if "links" in e.source_path] == [
        "$.lines[0].links"
    ]


def test_v2_pass_through_is_rutter_platform_data():
    result = convert(
        v2_refund(passThrough={"Status": "PAID"}), "railz-v2", "rutter", synced_at=SYNCED
    )
    assert result.output["platform_data"] == {"Status": "PAID"}
    back = convert(result.output, "rutter", "railz-v2").output
    assert back["passThrough"] == {"Status": "PAID"}


def test_v2_quantities_are_integers_too():
    refund = rutter_refund()
    refund["line_items"][0]["item"]["quantity"] = 1.5
    with pytest.raises(MappingError, match="Railz quantities are integers"):
        convert(refund, "rutter", "railz-v2")


# -- Railz version 2 push ----------------------------------------------------------------


def test_a_push_body_needs_a_connection_id():
    with pytest.raises(ValueError, match="needs the Railz connection"):
        convert(rutter_refund(), "rutter", "railz-v2-push")
    body = convert(rutter_refund(), "rutter", "railz-v2-push", connection_uuid="CON-7").output
    assert list(body) == ["connectionUuid", "data"]
    assert body["connectionUuid"] == "CON-7"


def test_a_push_body_keeps_its_own_connection_unless_one_is_given():
    body = {"connectionUuid": "CON-A", "data": {"accountRef": {"id": "1"}, "totalAmount": 1}}
    assert convert(body, "railz-v2-push", "railz-v2-push").output["connectionUuid"] == "CON-A"
    given = convert(body, "railz-v2-push", "railz-v2-push", connection_uuid="CON-B").output
    assert given["connectionUuid"] == "CON-B"


def test_a_timestamp_becomes_the_calendar_day_in_its_own_offset():
    refund = rutter_refund(transaction_date="2023-01-02T23:30:00-05:00")
    result = convert(refund, "rutter", "railz-v2-push", connection_uuid="C")
    assert result.output["data"]["postedDate"] == "2023-01-02"
    (entry,) = [e for e in result.report if e.target_path == "$.data.postedDate"]
    assert entry.kind is Kind.DERIVED
    assert entry.message == "the calendar day of 2023-01-02T23:30:00.000-05:00, in its own offset"


def test_a_memo_longer_than_4000_characters_is_a_mapping_error_never_a_cut():
    refund = rutter_refund(document_number="x" * 4001)
    with pytest.raises(MappingError) as exc:
        convert(refund, "rutter", "railz-v2-push", connection_uuid="C")
    assert [p.path for p in exc.value.problems] == ["$.document_number"]
    convert(
        rutter_refund(document_number="x" * 4000), "rutter", "railz-v2-push", connection_uuid="C"
    )


def test_push_quantities_may_be_fractional():
    refund = rutter_refund()
    refund["line_items"][0]["item"]["quantity"] = 1.5
    refund["line_items"][0]["total_amount"] = 185.175
    body = convert(refund, "rutter", "railz-v2-push", connection_uuid="C").output
    assert body["data"]["lines"][0]["quantity"] == Decimal("1.5")


def test_push_references_are_ids_and_the_department_is_on_every_line():
    body = convert(rutter_refund(), "rutter", "railz-v2-push", connection_uuid="C").output
    line = body["data"]["lines"][0]
    assert line["inventoryRef"] == {"id": "00000000-0000-0000-0000-000000000000"}
    assert [e["type"] for e in line["trackingCategoryRefs"]] == ["class", "department"]


# -- Railz version 1 push -------------------------------------------------------------------

PUSH = {"business_name": "Northwind", "service_name": "quickbooks"}


def test_a_v1_push_body_needs_its_business_and_service():
    with pytest.raises(ValueError, match="needs the business"):
        convert(rutter_refund(), "rutter", "railz-push")
    with pytest.raises(ValueError, match="xero or quickbooks, not 'netsuite'"):
        convert(rutter_refund(), "rutter", "railz-push", business_name="B", service_name="netsuite")
    body = convert(rutter_refund(), "rutter", "railz-push", **PUSH).output
    assert body["connection"] == {"businessName": "Northwind", "serviceName": "quickbooks"}


def test_v1_push_references_are_bare_ids_and_lines_have_three_fields():
    data = convert(rutter_refund(), "rutter", "railz-push", **PUSH).output["data"]
    assert data["accountRef"] == data["customerRef"] == "00000000-0000-0000-0000-000000000000"
    assert data["date"] == "2023-01-02"
    assert list(data["lines"][0]) == ["inventoryRef", "taxRef", "totalAmount"]


def test_v1_push_requires_a_customer_and_a_date():
    with pytest.raises(MappingError) as exc:
        convert(
            rutter_refund(customer_id=None, transaction_date=None), "rutter", "railz-push", **PUSH
        )
    assert [p.message for p in exc.value.problems] == [
        "railz-push requires customerRef, and there is no value for it"
    ]


def test_what_a_v1_push_line_cannot_hold_is_dropped():
    result = convert(rutter_refund(), "rutter", "railz-push", **PUSH)
    dropped = {e.source_path for e in result.report if e.kind is Kind.DROPPED}
    assert {
        "$.line_items[0].description",
        "$.line_items[0].item.quantity",
        "$.line_items[0].item.unit_amount",
        "$.line_items[0].account_id",
    } <= dropped


def test_derived_amounts_are_exact_whatever_the_callers_decimal_context():
    # Issue 17: with prec 10, subTotal 123456789.12 + 10.01 became 123456799.1.
    refund = railz_refund(
        totalAmount="123456789.12",
        accountRef={"id": "145"},
        lines=[{"subTotal": "123456789.12", "discountAmount": "10.01"}],
    )
    with localcontext(Context(prec=10, rounding=ROUND_DOWN)):
        result = convert(refund, "railz", "rutter", synced_at=SYNCED)
    assert result.output["line_items"][0]["total_amount"] == Decimal("123456799.13")


def test_a_sub_total_near_the_limit_is_exact_and_valid_again():
    refund = rutter_refund(total_amount="999999999999999.99999999999999999999", tax_amount="1e-20")
    result = convert(refund, "rutter", "railz")
    assert result.to_json().count("999999999999999.99999999999999999998") == 1
    validate(result.output, "railz")


def test_lossless_refuses_values_under_unknown_keys():
    # Issue 17: a memo on a Rutter refund, or a misspelled total_amont, passed --lossless.
    refund = rutter_refund(memo="returned in store", total_amont=5)
    assert convert(refund, "rutter", "rutter-create").output  # not lossless: warnings only
    with pytest.raises(MappingError) as exc:
        convert(refund, "rutter", "rutter-create", lossless=True)
    assert [(p.path, p.message) for p in exc.value.problems][:2] == [
        ("$.memo", "would be left out: an unknown key, not part of the rutter format"),
        ("$.total_amont", "would be left out: an unknown key, not part of the rutter format"),
    ]


RAILZ_SERVICES = [
    "quickbooks", "xero", "freshbooks", "quickbooksDesktop", "sageIntacct",
    "sageBusinessCloud", "oracleNetsuite", "dynamicsBusinessCentral", "wave", "zohoBooks",
]  # fmt: skip


@pytest.mark.parametrize("service", RAILZ_SERVICES)
def test_every_accounting_platform_of_both_vendors_maps_both_ways(service):
    page = {"pagination": {"offset": 0, "limit": 1, "count": 0}, "count": 0,
            "meta": {"serviceName": service}, "data": []}  # fmt: skip
    rutter = convert(page, "railz", "rutter", synced_at=SYNCED).output
    assert rutter["connection"]["platform"].isupper()
    back = convert(rutter, "rutter", "railz", synced_at=SYNCED).output
    assert back["meta"]["serviceName"] == service


def test_a_platform_without_a_counterpart_is_copied_and_reported_never_invented():
    # Issue 11: SHOPIFY became 'shopify', a service Railz does not have, without a word.
    page = {"customer_refunds": [], "next_cursor": None, "connection": {"platform": "SHOPIFY"}}
    result = convert(page, "rutter", "railz", synced_at=SYNCED)
    assert result.output["meta"]["serviceName"] == "SHOPIFY"
    (entry,) = [e for e in result.report if e.source_path == "$.connection.platform"]
    assert entry.kind is Kind.WARNING
    assert entry.message == "Railz has no counterpart of Rutter's platform 'SHOPIFY'; copied"


def _v1_page(business, *records):
    return {
        "pagination": {"offset": 0, "limit": 10, "count": len(records)},
        "count": len(records),
        "meta": {"serviceName": "quickbooks", **({"businessName": business} if business else {})},
        "data": list(records),
    }


def test_the_synthesized_rutter_id_is_scoped_by_the_railz_connection():
    # Issue 11: refund "1" of two businesses got one Rutter id.
    refund = railz_refund(accountRef={"id": "145"})

    def rutter_id(document, source="railz"):
        output = convert(document, source, "rutter", synced_at=SYNCED).output
        return output["customer_refunds"][0]["id"] if "customer_refunds" in output else output["id"]

    north, south = rutter_id(_v1_page("North", refund)), rutter_id(_v1_page("South", refund))
    assert north != south
    assert north == rutter_id(_v1_page("North", refund))  # deterministic
    assert north == str(
        uuid.uuid5(RUTTER_ID_NAMESPACE, "business quickbooks/North/" + refund["id"])
    )
    # Without a business, or a bare refund: the Railz id alone, as before.
    assert rutter_id(_v1_page(None, refund)) == rutter_id(refund)
    assert rutter_id(refund) == str(uuid.uuid5(RUTTER_ID_NAMESPACE, refund["id"]))
    record = {"id": "1", "postedDate": "2024-01-02", "totalAmount": 1, "accountRef": {"id": "a"}}
    v2 = {
        "pagination": {"offset": 0, "limit": 1, "count": 1},
        "meta": {"serviceName": "xero", "connectionUuid": "CON-9"},
        "data": [record],
    }
    assert rutter_id(v2, "railz-v2") == str(uuid.uuid5(RUTTER_ID_NAMESPACE, "connection CON-9/1"))


def test_a_shipping_line_is_a_line_and_the_shipping_amount_is_reported_dropped():
    refund = rutter_refund(additional_fields={"shipping_amount": 5})
    refund["line_items"][0]["type"] = "shipping"
    result = convert(refund, "rutter", "railz")
    assert len(result.output["lines"]) == len(refund["line_items"])
    dropped = {e.source_path for e in result.report if e.kind is Kind.DROPPED}
    assert {"$.line_items[0].type", "$.additional_fields.shipping_amount"} <= dropped
    assert convert(refund, "rutter", "rutter").output["additional_fields"] == {"shipping_amount": 5}


def test_a_list_without_next_cursor_still_writes_it_as_null():
    page = {"customer_refunds": [rutter_refund()], "connection": {"platform": "XERO"}}
    assert convert(page, "rutter", "rutter").output["next_cursor"] is None


# -- money that survives (issue 22): create bodies, rounded unit amounts, percentages ------


def _records(document, fmt, target, **options):
    result = convert(document, fmt, target, **options)
    bodies = result.output if isinstance(result.output, list) else [result.output]
    return result, [body["customer_refund"] for body in bodies]


def _own_warnings(result):
    return [e for e in result.report if e.kind is Kind.WARNING and "untranslated" not in e.message]


def test_discounted_lines_go_into_a_create_body_net_and_keep_the_total():
    # The issue's repro: "the total changes from 116.1 to 123.6".
    refs = golden.directory("quickbooks")
    document = load("railz/quickbooks-list.json")
    result, (body, _) = _records(document, "railz", "rutter-create", directory=refs)
    assert not _own_warnings(result)
    line = body["line_items"][0]  # 3 x 25.0 less discountAmount 7.5
    assert line["total_amount"] == Decimal("67.5")
    assert line["item"]["unit_amount"] == Decimal("22.5")
    assert line["item"]["quantity"] == 3
    derived = entries(result, Kind.DERIVED)
    assert ("$.data[0].lines[0].subTotal", "$[0].customer_refund.line_items[0].total_amount") in (
        derived
    )
    assert (
        "$.data[0].lines[0].unitAmount",
        "$[0].customer_refund.line_items[0].item.unit_amount",
    ) in (derived)
    assert ("$.data[0].totalDiscount", "$[0].customer_refund.line_items") in derived
    convert(document, "railz", "rutter-create", directory=refs, lossless=False)


def test_tax_inclusive_discounted_lines_keep_the_total_in_a_create_body():
    # Xero: 3 x 25.00 including VAT, 7.50 off: the line is 67.50, not 75.00.
    result, (body,) = _records(load("railz/xero-tax-inclusive.json"), "railz", "rutter-create")
    assert not _own_warnings(result)
    assert body["additional_fields"] == {"tax_inclusive": True}
    assert [line["total_amount"] for line in body["line_items"]] == [Decimal("67.5"), 12]
    assert body["line_items"][0]["item"]["unit_amount"] == Decimal("22.5")


def test_a_unit_amount_that_no_exact_amount_replaces_is_left_out_of_a_create_body():
    # 3 x 33.33 less 10.00 is 89.99, and 89.99 / 3 is no exact amount.
    result, (body,) = _records(load("railz/quickbooks-discounts.json"), "railz", "rutter-create")
    assert not _own_warnings(result)
    line = body["line_items"][2]
    assert line["total_amount"] == Decimal("89.99")
    assert line["item"] == {"id": "15", "quantity": 3}
    (entry,) = [e for e in result.report if e.source_path == "$.data[0].lines[2].unitAmount"]
    assert entry.kind is Kind.DERIVED
    assert entry.message == (
        "quantity 3 x unit amount 33.33 is 99.99, not the line's total 89.99, and no exact"
        " unit amount gives it: left out, so that Rutter takes the line's total"
    )


def test_a_discount_by_percentage_only_is_the_lines_discount_in_the_mapping():
    document = load("railz/quickbooks-discounts.json")
    result = convert(document, "railz", "rutter")
    # 1 x 100 at 10 % (subTotal 90), 2 x 50 at 10 % with discountAmount 0: before it, 100.
    refund = result.output["customer_refunds"][0]
    assert [line["total_amount"] for line in refund["line_items"][:2]] == [100, 100]
    assert refund["discount_amount"] == 30
    assert not _own_warnings(result)
    _, (body,) = _records(document, "railz", "rutter-create")
    assert [line["total_amount"] for line in body["line_items"][:2]] == [90, 90]
    assert [line["item"]["unit_amount"] for line in body["line_items"][:2]] == [90, 45]


def test_a_version_2_line_discounted_by_percentage_gets_it_back():
    line = {"amount": 90, "quantity": 1, "unitAmount": 100, "discountPercentage": 10}
    refund = v2_refund(line)
    result = convert(refund, "railz-v2", "rutter")
    assert _line_total(result) == 100
    body = convert(refund, "railz-v2", "rutter-create").output["customer_refund"]
    assert body["line_items"][0]["total_amount"] == 90
    assert body["line_items"][0]["item"]["unit_amount"] == 90


@pytest.mark.parametrize("target", ["rutter", "rutter-create", "railz-v2", "railz-push"])
def test_rounded_unit_amounts_pass_on_the_source_and_the_converted_output(target):
    document = load("railz/quickbooks-rounded-units.json")
    assert not [e for e in validate(document, "railz") if e.kind is Kind.WARNING]
    result = convert(document, "railz", target, **(PUSH if target.endswith("-push") else {}))
    assert not _own_warnings(result)
    if target == "rutter-create":
        # Rutter multiplies back: 24.46 / 5 = 4.892, so 5 x 4.892 is 24.46 again.
        items = [line["item"] for line in result.output[0]["customer_refund"]["line_items"]]
        assert [i["unit_amount"] for i in items] == [
            Decimal("4.892"),
            Decimal("5.1501"),
            Decimal("6.86685"),
            Decimal("12.262"),
        ]
    rutter = load("rutter/quickbooks-rounded-fetch.json")
    assert not [e for e in validate(rutter, "rutter") if e.kind is Kind.WARNING]
    result = convert(rutter, "rutter", "railz")
    assert not _own_warnings(result)


def test_a_discount_the_create_body_cannot_hold_is_a_warning_that_names_the_difference():
    # Rutter's discount_amount is the refund's, and a create body has no field for it.
    result = convert(load("rutter/quickbooks-rounded-fetch.json"), "rutter", "rutter-create")
    (warning,) = _own_warnings(result)
    assert (warning.source_path, warning.target_path) == (
        "$.customer_refund.total_amount",
        "$.customer_refund.line_items",
    )
    assert warning.message.startswith("the total changes from 24.71 to 26.71, 2.00 more:")
    assert ("$.customer_refund.discount_amount", None) in entries(result, Kind.DROPPED)
    # A Railz discount beyond the lines' discounts: the same.
    document = load("railz/quickbooks-discounts.json")
    document["data"][0].update(totalDiscount=35, totalAmount=264.99, subTotal=264.99)
    result = convert(document, "railz", "rutter-create")
    assert ("$.data[0].totalDiscount", None) in entries(result, Kind.DROPPED)
    (warning,) = [e for e in _own_warnings(result) if "total changes" in e.message]
    assert warning.message.startswith("the total changes from 264.99 to 269.99, 5.00 more:")


def _rutter_lines(*totals, discount=None, tax=None, total):
    items = [
        {"account_id": None, "class_id": None, "tax_rate_id": None, "total_amount": amount,
         "description": None, "item": None}
        for amount in totals
    ]  # fmt: skip
    return rutter_refund(
        line_items=items, discount_amount=discount, tax_amount=tax, total_amount=total
    )


@pytest.mark.parametrize(
    ("refund", "figures"),
    [
        # The lines exclude tax: the total is the lines less the discount plus the tax.
        (_rutter_lines(10, 20, tax=3, total=33), [{"subTotal": 10}, {"subTotal": 20}]),
        # They include it: the total is the lines less the discount.
        (_rutter_lines(10, 20, tax=3, total=30), [{"totalAmount": 10}, {"totalAmount": 20}]),
        # No tax: both.
        (
            _rutter_lines(10, 20, total=30),
            [{"subTotal": 10, "totalAmount": 10}, {"subTotal": 20, "totalAmount": 20}],
        ),
        # One line: the refund's discount and tax are that line's.
        (
            _rutter_lines(10, discount=2, tax=0.8, total=8.8),
            [
                {
                    "discountAmount": 2,
                    "subTotal": 8,
                    "taxAmount": Decimal("0.8"),
                    "totalAmount": Decimal("8.8"),
                }
            ],
        ),
        (
            _rutter_lines(11, discount=2, tax=1, total=9),
            [{"discountAmount": 2, "subTotal": 8, "taxAmount": 1, "totalAmount": 9}],
        ),
    ],
)
def test_rutter_line_totals_become_railz_figures_by_railzs_definitions(refund, figures):
    result = convert(refund, "rutter", "railz")
    keys = ("discountAmount", "subTotal", "taxAmount", "totalAmount")
    lines = [{k: line[k] for k in keys if k in line} for line in result.output["lines"]]
    assert lines == figures
    assert not _target_warnings(result)
    push = convert(refund, "rutter", "railz-push", **PUSH).output["data"]
    # A push line with no figure has nothing else here: it is left out, and said.
    assert [line["totalAmount"] for line in push["lines"]] == [
        f["totalAmount"] for f in figures if "totalAmount" in f
    ]


def test_a_refund_discount_over_several_lines_has_no_railz_line_figure():
    refund = _rutter_lines(10, 20, discount=3, tax=2.7, total=29.7)
    result = convert(refund, "rutter", "railz")
    assert all(
        "subTotal" not in line and "totalAmount" not in line for line in result.output["lines"]
    )
    dropped = {e.source_path: e.message for e in result.report if e.kind is Kind.DROPPED}
    assert dropped["$.line_items[1].total_amount"] == (
        "railz has no field for it: the refund's discount_amount 3 is not per line, and Railz's"
        " line figures are net of discounts"
    )
    assert not _target_warnings(result)


def test_a_line_no_field_of_which_reaches_the_target_is_left_out_and_said():
    # Two lines, a refund-level discount: no line's figure is known in Railz terms;
    # the first line carries nothing else, and an empty line object is no line.
    refund = _rutter_lines(10, 20, discount=3, tax=2.7, total=29.7)
    account = "8a2e4c6b-0d1f-4a3e-b7c9-5e8f1a2d3c4b"
    refund["line_items"][1]["account_id"] = account
    result = convert(refund, "rutter", "railz")
    assert result.output["lines"] == [{"accountRef": {"id": account}}]
    entries = {(e.kind, e.source_path): e.target_path for e in result.report}
    assert entries[Kind.DROPPED, "$.line_items[0]"] is None
    # The second line is the first of the target: its paths moved up.
    assert entries[Kind.WARNING, "$.line_items[1].account_id"] == "$.lines[0].accountRef.id"
    validate(result.output, "railz", strict=False)
    assert not [e for e in validate(result.output, "railz") if "empty line" in e.message]


def test_a_refund_tax_over_several_lines_has_no_railz_push_line_total_and_says_so():
    # A railz-push line has only totalAmount, which includes tax; the refund's tax
    # over several lines is no line's: the line total is reported, never lost silently.
    refund = _rutter_lines(10, 20, tax=2.7, total=32.7)
    result = convert(refund, "rutter", "railz-push", business_name="B", service_name="xero")
    assert all("totalAmount" not in line for line in result.output["data"]["lines"])
    # A push line without an amount is not one the platform can book: a warning.
    warned = {e.source_path: e.message for e in result.report if e.kind is Kind.WARNING}
    assert warned["$.line_items[0].total_amount"] == (
        "the railz-push line gets no totalAmount, and a push line without an amount is not"
        " one the platform can book: the refund's tax_amount 2.7 is not per line, and a"
        " railz-push line's only figure, totalAmount, includes tax; no share of it is invented"
    )


@pytest.mark.parametrize(
    "fixture", ["quickbooks-rounded-units", "quickbooks-list", "xero-list", "xero-tax-inclusive"]
)
def test_railz_to_rutter_to_railz_gives_back_the_line_figures_rutter_carries(fixture):
    document = load(f"railz/{fixture}.json")
    there = convert(document, "railz", "rutter", synced_at=SYNCED).output
    back = convert(there, "rutter", "railz").output
    keys = ("quantity", "unitAmount", "subTotal", "totalAmount", "discountAmount", "taxAmount")
    for before, after in zip(document["data"], back["data"], strict=True):
        lines = before["lines"]
        for old, new in zip(lines, after["lines"], strict=True):
            for key in keys:
                if key not in new:
                    continue
                assert Decimal(str(new[key])) == Decimal(str(old[key])), (fixture, key)
            # What Rutter carries: quantity and unit amount always; with no discount
            # on the refund, the line's subTotal (it excludes tax) or its totalAmount
            # (it includes it), and both without tax.
            assert "quantity" in new
            if not before.get("totalDiscount") and not before.get("taxAmount"):
                assert {"subTotal", "totalAmount"} <= set(new)
            elif len(lines) == 1 or not before.get("totalDiscount"):
                assert {"subTotal", "totalAmount"} & set(new)


def test_a_railz_discount_of_rounded_line_percentages_is_the_lines_in_a_create_body():
    # 10.5 % of 0.99 is 0.10395 a line; the refund's discount is the lines' in cents.
    line = {"unitAmount": 0.99, "quantity": 1, "discountPercentage": 10.5, "subTotal": 0.89,
            "taxAmount": 0, "totalAmount": 0.89}  # fmt: skip
    refund = railz_refund(
        lines=[line, line, line], subTotal=2.67, taxAmount=0, totalDiscount=0.30, totalAmount=2.67
    )
    result = convert(refund, "railz", "rutter-create")
    assert ("$.totalDiscount", "$.customer_refund.line_items") in entries(result, Kind.DERIVED)
    assert ("$.totalDiscount", None) not in entries(result, Kind.DROPPED)
    assert not _own_warnings(result)


@pytest.mark.parametrize(
    "line",
    [
        {"unitAmount": 4.37, "quantity": 7, "subTotal": 30.56, "totalAmount": 30.56},
        {"unitAmount": 4.99, "quantity": 7, "discountPercentage": 12.5, "subTotal": 30.56},
    ],
    ids=["rounded", "percentage"],
)
def test_a_unit_amount_is_derived_only_where_the_division_has_no_remainder(line):
    # 30.56 / 7 rounded up in 80 digits multiplies back to 30.56: not exact all the same.
    refund = railz_refund(lines=[line], subTotal=30.56, totalAmount=30.56)
    result, (body,) = _records(refund, "railz", "rutter-create")
    assert body["line_items"][0]["total_amount"] == Decimal("30.56")
    assert "unit_amount" not in body["line_items"][0]["item"]
    validate(result.output, "rutter-create")  # raises where invalid
    assert not _own_warnings(result)


def test_a_unit_amount_with_more_places_than_rutter_takes_is_left_out():
    # 1 / 2^24 is exact, with 24 decimal places: a Rutter amount takes 20.
    line = {"unitAmount": 0.01, "quantity": 2**24, "subTotal": 1}
    refund = railz_refund(lines=[line], subTotal=1, totalAmount=1)
    result, (body,) = _records(refund, "railz", "rutter-create")
    assert "unit_amount" not in body["line_items"][0]["item"]
    validate(result.output, "rutter-create")  # raises where invalid


def test_tax_inclusive_lines_with_only_a_total_are_said_so_from_the_header():
    # No line carries tax; the lines sum to totalAmount, and subTotal + taxAmount is it.
    lines = [
        {"quantity": 1, "unitAmount": 120, "totalAmount": 120, "taxRateRef": {"id": "OUTPUT2"}},
        {"quantity": 1, "unitAmount": 19.99, "totalAmount": 19.99, "taxRateRef": {"id": "OUTPUT2"}},
    ]
    refund = railz_refund(lines=lines, subTotal=116.66, taxAmount=23.33, totalAmount=139.99)
    result, (body,) = _records(refund, "railz", "rutter-create")
    assert body["additional_fields"] == {"tax_inclusive": True}
    assert not _own_warnings(result)
    # The lines sum to totalAmount less the tax: they exclude it.
    for line in lines:
        line["subTotal"] = line.pop("totalAmount")
    lines[1].update(subTotal=Decimal("-3.34"), unitAmount=Decimal("-3.34"))
    result, (body,) = _records(refund, "railz", "rutter-create")
    assert body["additional_fields"] == {"tax_inclusive": False}
    assert not _own_warnings(result)


def test_without_tax_inclusive_the_changed_total_is_the_lines_plus_the_tax():
    # Rutter reads a create body without tax_inclusive as excluding tax.
    lines = [{"amount": 100}, {"amount": 50}]
    refund = v2_refund(*lines, totalDiscount=10, taxAmount=7, totalAmount=147)
    result, (body,) = _records(refund, "railz-v2", "rutter-create")
    assert "additional_fields" not in body
    (warning,) = [e for e in _own_warnings(result) if "total changes" in e.message]
    assert warning.message.startswith("the total changes from 147 to 157, 10 more:")
    assert warning.message.endswith("the sum of the line totals, 150, plus the tax 7")


def test_line_discounts_without_total_discount_are_rutters_discount_amount():
    # 100 x 1 at 10 % (subTotal 90) and 50: no totalDiscount in the header.
    lines = [
        {"unitAmount": 100, "quantity": 1, "discountPercentage": 10, "subTotal": 90},
        {"unitAmount": 50, "quantity": 1, "subTotal": 50},
    ]
    refund = railz_refund(lines=lines, subTotal=140, totalAmount=140)
    result = convert(refund, "railz", "rutter")
    assert [line["total_amount"] for line in result.output["line_items"]] == [100, 50]
    assert result.output["discount_amount"] == 10
    assert ("$.lines", "$.discount_amount") in entries(result, Kind.DERIVED)
    assert not _own_warnings(result)
    # Version 2: the same, where an amount is net of its discount.
    v2 = v2_refund(
        {"amount": 90, "quantity": 1, "unitAmount": 100, "discountAmount": 10},
        {"amount": 50, "quantity": 1, "unitAmount": 50},
        totalAmount=140,
    )
    result = convert(v2, "railz-v2", "rutter")
    assert result.output["discount_amount"] == 10
    assert not _own_warnings(result)
    # A totalDiscount is copied as it is.
    refund["totalDiscount"] = 10
    assert convert(refund, "railz", "rutter").output["discount_amount"] == 10
    assert ("$.lines", "$.discount_amount") not in entries(convert(refund, "railz", "rutter"))


def test_a_percentage_discount_on_a_rounded_unit_amount_is_added_back_to_the_line():
    # 5.15 x 100 is 515.00, the exact line 515.01: less 10 %, 51.50, subTotal 463.51.
    line = {"unitAmount": 5.15, "quantity": 100, "discountPercentage": 10, "subTotal": 463.51}
    refund = railz_refund(lines=[line], subTotal=463.51, totalDiscount=51.5, totalAmount=463.51)
    result = convert(refund, "railz", "rutter")
    assert _line_total(result) == Decimal("515.01")
    assert not _own_warnings(result)
    line = {"unitAmount": 5.15, "quantity": 100, "discountPercentage": 10, "amount": 463.51}
    refund = v2_refund(line, subTotal=463.51, totalDiscount=51.5, totalAmount=463.51)
    result = convert(refund, "railz-v2", "rutter")
    assert _line_total(result) == Decimal("515.01")
    assert not _own_warnings(result)


def test_version_2_amounts_that_include_tax_go_into_rutter_less_their_tax():
    # 4.89 x 5 is 24.45 (the exact line 24.46) + tax 1.96 = 26.42; 12.26 x 10 + 9.81.
    lines = [
        {"unitAmount": 4.89, "quantity": 5, "taxAmount": 1.96, "amount": 26.42},
        {"unitAmount": 12.26, "quantity": 10, "taxAmount": 9.81, "amount": 132.43},
    ]
    refund = v2_refund(*lines, subTotal=147.08, taxAmount=11.77, totalAmount=158.85)
    result = convert(refund, "railz-v2", "rutter")
    assert [_line_total(result, i) for i in (0, 1)] == [Decimal("24.46"), Decimal("122.62")]
    assert ("$.lines[0].amount", "$.line_items[0].total_amount") in entries(result, Kind.DERIVED)
    assert not _own_warnings(result)
    # Amounts that sum to the total less the tax exclude it: copied as they are.
    lines[0]["amount"], lines[1]["amount"] = 24.46, 122.62
    result = convert(refund, "railz-v2", "rutter")
    assert [_line_total(result, i) for i in (0, 1)] == [Decimal("24.46"), Decimal("122.62")]
    assert not _own_warnings(result)


def test_a_correct_version_1_refund_keeps_adding_up_through_version_2_into_rutter():
    # railz -> railz-v2 makes amount the line's totalAmount, tax included.
    line = {"unitAmount": 4.89, "quantity": 5, "subTotal": 24.46, "taxAmount": 1.96,
            "totalAmount": 26.42}  # fmt: skip
    refund = railz_refund(lines=[line], subTotal=24.46, taxAmount=1.96, totalAmount=26.42)
    v2 = convert(refund, "railz", "railz-v2").output
    result = convert(json.loads(json.dumps(v2, default=str)), "railz-v2", "rutter")
    assert _line_total(result) == Decimal("24.46")
    assert not _own_warnings(result)


def test_version_2_unit_amounts_that_include_tax_keep_the_amount():
    # Xero's default: 2 x 60.50 is the amount 121, tax 20.17 included.
    line = {"unitAmount": 60.5, "quantity": 2, "taxAmount": 20.17, "amount": 121}
    refund = v2_refund(line, subTotal=100.83, taxAmount=20.17, totalAmount=121)
    result = convert(refund, "railz-v2", "rutter")
    assert _line_total(result) == 121
    assert not _own_warnings(result)


def test_a_push_line_whose_total_no_figure_can_hold_is_a_warning_at_the_line():
    # A refund-level discount over two lines: no line's net figure is known.
    refund = _rutter_lines(24.46, 1373.37, discount=10, tax=7, total=1394.83)
    for item in refund["line_items"]:
        item["tax_rate_id"] = "TAX"  # so that each push line has a value
    result = convert(refund, "rutter", "railz-push", **PUSH)
    warnings = {(e.source_path, e.target_path) for e in _own_warnings(result)}
    assert warnings >= {
        (f"$.line_items[{i}].total_amount", f"$.data.lines[{i}].totalAmount") for i in (0, 1)
    }
    assert result.output["data"]["lines"] == [{"taxRef": "TAX"}, {"taxRef": "TAX"}]
    # Into a Railz refund (whose lines may have no figure) it stays a dropped value.
    result = convert(refund, "rutter", "railz")
    assert ("$.line_items[0].total_amount", None) in entries(result, Kind.DROPPED)


def test_a_percentage_discount_is_added_back_as_the_platform_books_it_to_the_cent():
    # 12.5 % of 7 x 4.99 = 34.93 is 4.36625, booked 4.37: subTotal 30.56 + 4.37 = 34.93.
    line = {"unitAmount": 4.99, "quantity": 7, "discountPercentage": 12.5, "subTotal": 30.56}
    refund = railz_refund(lines=[line], subTotal=30.56, totalDiscount=4.37, totalAmount=30.56)
    result = convert(refund, "railz", "rutter")
    assert _line_total(result) == Decimal("34.93")
    assert not _own_warnings(result)
    del refund["totalDiscount"]
    result = convert(refund, "railz", "rutter")
    assert result.output["discount_amount"] == Decimal("4.37")
    assert not _own_warnings(result)


@given(st.text())
def test_rutter_uuid_is_uuid5_in_the_rutter_namespace(name: str) -> None:
    """The synthesized id's text is ``str(uuid.uuid5(RUTTER_ID_NAMESPACE, name))``, exactly."""
    try:
        expected = str(uuid.uuid5(RUTTER_ID_NAMESPACE, name))
    except UnicodeEncodeError:  # a lone surrogate: neither takes it
        with pytest.raises(UnicodeEncodeError):
            rutter_uuid(name)
        return
    assert rutter_uuid(name) == expected
