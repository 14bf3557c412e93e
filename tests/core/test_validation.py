"""validate(): inputs, shapes, value rules, unknown keys, aliases, strictness."""

import json
from decimal import Decimal

import pytest

from refundmap import Entry, Kind, ValidationError, validate
from refundmap.validation import load


def seed(fixtures, name):
    return json.loads((fixtures / name).read_text())


def paths_of(document, fmt, *, strict=False):
    with pytest.raises(ValidationError) as exc:
        validate(document, fmt, strict=strict)
    return {p.path: p.message for p in exc.value.problems}


@pytest.mark.parametrize(
    ("name", "fmt", "shape"),
    [
        ("rutter/seed-list.json", "rutter", "list"),
        ("rutter/seed-fetch.json", "rutter", "fetch"),
        ("rutter-create/seed-create-request.json", "rutter-create", "request"),
        ("railz/seed-refund.json", "railz", "record"),
        ("railz/quickbooks-list.json", "railz", "list"),
    ],
)
def test_shape_is_detected(fixtures, name, fmt, shape):
    loaded = load((fixtures / name).read_bytes(), fmt)
    assert [part.shape.name for part in loaded.parts] == [shape]
    assert not loaded.is_array


def test_bare_rutter_record_and_bare_create_object(fixtures):
    record = seed(fixtures, "rutter/seed-list.json")["customer_refunds"][0]
    assert load(record, "rutter").parts[0].shape.name == "record"
    body = seed(fixtures, "rutter-create/seed-create-request.json")["customer_refund"]
    assert load(body, "rutter-create").parts[0].shape.name == "record"


def test_an_array_holds_records_of_any_shape_with_indexed_paths(fixtures):
    fetch = seed(fixtures, "rutter/seed-fetch.json")
    record = dict(fetch["customer_refund"], platform_id=5)
    loaded_paths = paths_of([fetch, record], "rutter")
    assert loaded_paths == {"$[1].platform_id": "expected a string, got 5"}
    loaded = load([fetch, fetch["customer_refund"]], "rutter")
    assert loaded.is_array
    assert [(p.path, p.shape.name) for p in loaded.parts] == [((0,), "fetch"), ((1,), "record")]


def test_text_bytes_and_decoded_data_give_the_same_result(fixtures):
    raw = (fixtures / "railz/seed-refund.json").read_bytes()
    expected = validate(raw, "railz")
    assert validate(raw.decode(), "railz") == expected
    assert validate(json.loads(raw), "railz") == expected


def test_decoded_floats_are_taken_as_their_shortest_repr():
    refund = {"id": "1", "date": "2024-01-01", "totalAmount": 0.1 + 0.2}
    model = load(refund, "railz").parts[0].model
    assert model.total_amount == Decimal("0.30000000000000004")
    assert load({"id": "1", "date": "2024-01-01", "totalAmount": 19.99}, "railz").parts[
        0
    ].model.total_amount == Decimal("19.99")


def test_every_problem_is_listed_not_only_the_first(fixtures):
    record = seed(fixtures, "railz/seed-refund.json")
    record["id"] = True
    record["lines"][0]["quantity"] = "3.5"
    record["lines"].append({"unitAmount": "x"})
    record["customerRef"] = {"name": "no id"}
    assert paths_of(record, "railz") == {
        "$.id": "expected a string, got true",
        "$.customerRef.id": "required key is missing (a string)",
        "$.lines[0].quantity": 'expected an integer, got "3.5"',
        "$.lines[1].unitAmount": 'expected a decimal amount, got "x"',
    }


def test_unknown_keys_are_warnings_with_their_paths(fixtures):
    record = seed(fixtures, "railz/quickbooks-list.json")
    record["data"][1]["lines"][0]["customField"] = {"a": 1}
    record["odd key"] = 1
    report = validate(record, "railz")
    unknown = sorted(
        (e.kind, e.source_path, e.target_path)
        for e in report
        if e.message.startswith("unknown key")
    )
    assert unknown == [
        (Kind.WARNING, "$.data[1].lines[0].customField", None),
        (Kind.WARNING, "$['odd key']", None),
    ]


def test_unknown_keys_are_errors_when_strict(fixtures):
    record = seed(fixtures, "railz/quickbooks-list.json")
    record["data"][1]["lines"][0]["customField"] = 1
    assert paths_of(record, "railz", strict=True) == {
        "$.data[1].lines[0].customField": "unknown key"
    }


def test_numeric_strings_are_accepted_unless_strict():
    record = {"id": "1", "date": "2024-01-01", "totalAmount": "12.88"}
    assert load(record, "railz").parts[0].model.total_amount == Decimal("12.88")
    assert list(paths_of(record, "railz", strict=True)) == ["$.totalAmount"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "expected a decimal amount, got true"),
        ("NaN", 'expected a decimal amount, got "NaN"'),
        ("Infinity", 'expected a decimal amount, got "Infinity"'),
        ("ten", 'expected a decimal amount, got "ten"'),
        (10**15, "expected a decimal amount smaller than 10^15 in magnitude, got 1000000000000000"),
        (
            -(10**16),
            "expected a decimal amount smaller than 10^15 in magnitude, got -10000000000000000",
        ),
    ],
)
def test_amount_rules_hold_for_decoded_data_and_text(value, message):
    record = {"id": "1", "date": "2024-01-01", "totalAmount": value}
    assert paths_of(record, "railz") == {"$.totalAmount": message}
    assert paths_of(json.dumps(record), "railz") == {"$.totalAmount": message}


def test_ids_must_be_strings(fixtures):
    record = seed(fixtures, "railz/seed-refund.json")
    record["accountRef"]["id"] = ["145"]
    assert paths_of(record, "railz") == {"$.accountRef.id": "expected a string, got an array"}


def test_impossible_date_is_an_error():
    record = {"id": "1", "date": "2023-02-30", "totalAmount": 1}
    assert paths_of(record, "railz") == {
        "$.date": 'not a possible date or time: "2023-02-30" (day is out of range for month)'
    }


def test_repeated_key_is_an_error_even_when_not_strict():
    text = '{"id": "1", "date": "2024-01-01", "totalAmount": 1, "totalAmount": 2}'
    assert list(paths_of(text, "railz")) == ["$.totalAmount"]


def test_discount_amount_is_read_as_total_discount():
    record = {"id": "1", "date": "2024-01-01", "totalAmount": 1, "discountAmount": 5}
    assert load(record, "railz", strict=True).parts[0].model.total_discount == 5


def test_discount_aliases_that_agree_are_one_value():
    record = {
        "id": "1",
        "date": "2024-01-01",
        "totalAmount": 1,
        "discountAmount": "5.0",
        "totalDiscount": 5,
    }
    assert load(record, "railz").parts[0].model.total_discount == 5


def test_discount_aliases_that_differ_are_an_error():
    record = {
        "id": "1",
        "date": "2024-01-01",
        "totalAmount": 1,
        "discountAmount": 4,
        "totalDiscount": 5,
    }
    assert paths_of(record, "railz") == {
        "$.discountAmount": "4 differs from totalDiscount 5; they are one field"
    }


def test_source_modified_data_is_read_as_source_modified_date():
    record = {
        "id": "1",
        "date": "2024-01-01",
        "totalAmount": 1,
        "sourceModifiedData": "2024-01-02T03:04:05Z",
    }
    model = load(record, "railz", strict=True).parts[0].model
    assert model.source_modified_date.isoformat() == "2024-01-02T03:04:05+00:00"


def test_a_document_of_the_other_vendor_is_named(fixtures):
    assert paths_of(seed(fixtures, "rutter/seed-list.json"), "railz") == {
        "$": "this is a rutter list document, not railz"
    }
    assert paths_of(seed(fixtures, "railz/seed-refund.json"), "rutter") == {
        "$": "this looks like a railz document, not rutter"
    }


@pytest.mark.parametrize("text", ['"refund"', "12", "null", "[[]]", "[1]"])
def test_top_level_must_be_objects(text):
    problems = paths_of(text, "railz")
    assert all("expected" in message for message in problems.values())


def test_unknown_format_is_a_value_error():
    with pytest.raises(ValueError, match="unknown format 'quickbooks'; the formats are"):
        validate({}, "quickbooks")


def test_report_entries_have_the_documented_fields(fixtures):
    (entry, *_) = validate((fixtures / "railz/seed-refund.json").read_bytes(), "railz")
    assert isinstance(entry, Entry)
    assert entry.to_dict().keys() == {"kind", "source_path", "target_path", "message"}


@pytest.mark.parametrize(
    ("document", "fmt", "message"),
    [
        (
            {"async_response": {"id": "x", "response_url": "https://x", "status": "pending"}},
            "rutter",
            "this is Rutter's asynchronous create response (async_response: id, response_url,"
            " status), not a refund: fetch the created refund from its response_url",
        ),
        (
            {"connectionUuid": "C", "businessName": "B", "serviceName": "xero",
             "pushCommunicationId": "p", "requestedOn": "2024-01-01", "status": "success",
             "data": {}},
            "railz-v2-push",
            "this is Railz's push response (pushCommunicationId, status), not a refund; it does"
            " not carry the new refund's id",
        ),
    ],
)  # fmt: skip
def test_documents_from_the_same_endpoints_that_are_not_refunds_are_named(document, fmt, message):
    # Issue 11: each gave a flood of missing keys.
    with pytest.raises(ValidationError) as exc:
        validate(document, fmt)
    assert [(p.path, p.message) for p in exc.value.problems] == [("$", message)]


def test_a_rutter_fetch_response_given_as_a_create_body_is_named(fixtures):
    # Issue 11: it was called a railz-push document.
    with pytest.raises(ValidationError) as exc:
        validate((fixtures / "rutter/seed-fetch.json").read_text(), "rutter-create")
    assert str(exc.value.problems[0]) == (
        "$: this is a rutter fetch document, not rutter-create: convert it to rutter-create"
    )


@pytest.mark.parametrize(
    ("fixture", "fmt", "message"),
    [
        ("railz/seed-refund.json", "railz-v2", "this looks like a railz refund (date, not"),
        ("railz/quickbooks-list.json", "railz-v2", "this looks like a railz refund (date, not"),
        ("railz-v2/quickbooks-refund.json", "railz", "this looks like a railz-v2 refund"),
    ],
)  # fmt: skip
def test_railz_version_1_and_2_mix_ups_are_named(fixtures, fixture, fmt, message):
    with pytest.raises(ValidationError) as exc:
        validate((fixtures / fixture).read_text(), fmt)
    (problem,) = exc.value.problems
    assert problem.message.startswith(message)
