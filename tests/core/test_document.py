"""The typed public API: load, dump, models in convert, bodies (issue 13)."""

import json
from decimal import Decimal

import attrs
import pytest

import refundmap
from refundmap.models import railz, rutter

from helpers import FIXTURES

SYNCED = "2024-06-30T12:00:00Z"


def text(name):
    return (FIXTURES / name).read_text()


def test_load_gives_the_model_of_each_shape():
    page = refundmap.load(text("rutter/quickbooks-list.json"), "rutter")
    assert isinstance(page, rutter.ListResponse)
    assert isinstance(page.customer_refunds[0], rutter.CustomerRefund)
    fetch = refundmap.load(text("rutter/xero-fetch.json"), "rutter")
    assert isinstance(fetch, rutter.FetchResponse)
    record = refundmap.load(text("railz/seed-refund.json"), "Railz")
    assert isinstance(record, railz.Refund)
    assert record.total_amount == Decimal(322)
    many = refundmap.load([json.loads(text("railz/seed-refund.json"))] * 2, "railz")
    assert [type(m) for m in many] == [railz.Refund, railz.Refund]


def test_load_validates_as_validate_does():
    with pytest.raises(refundmap.ValidationError) as exc:
        refundmap.load('{"id": true}', "railz")
    assert "$.id" in [p.path for p in exc.value.problems]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("rutter/quickbooks-list.json", "rutter"), ("railz/seed-refund.json", "railz"),
     ("railz-v2/xero-list.json", "railz-v2"), ("rutter/xero-fetch.json", "rutter")],
)  # fmt: skip
def test_dump_of_load_is_the_normalized_document(name, fmt):
    normalized = refundmap.convert(text(name), fmt, fmt).to_json()
    assert refundmap.dump(refundmap.load(text(name), fmt)) == normalized


def test_a_model_built_in_code_that_breaks_a_rule_is_a_validation_error_with_its_path():
    refund = refundmap.load(text("railz/seed-refund.json"), "railz")
    bad = attrs.evolve(refund, total_amount="12,50")
    with pytest.raises(refundmap.ValidationError) as exc:
        refundmap.dump(bad)
    assert [p.path for p in exc.value.problems] == ["$.totalAmount"]
    with pytest.raises(refundmap.ValidationError) as exc:
        refundmap.convert(bad, "railz", "rutter")
    assert [p.path for p in exc.value.problems] == ["$.totalAmount"]
    dated = attrs.evolve(refund, date="yesterday")
    with pytest.raises(refundmap.ValidationError) as exc:
        refundmap.dump(dated)
    assert [p.path for p in exc.value.problems] == ["$.date"]
    nested = attrs.evolve(refund, lines=[{"quantity": "many"}])  # a dict, not a line
    with pytest.raises(refundmap.ValidationError) as exc:
        refundmap.dump(nested)
    assert [p.path for p in exc.value.problems] == ["$.lines[0].quantity"]


def test_a_numeric_string_given_for_an_amount_is_written_as_a_number():
    refund = refundmap.load(text("railz/seed-refund.json"), "railz")
    assert '"totalAmount":12.50' in refundmap.dump(attrs.evolve(refund, total_amount="12.50"))


def test_dump_refuses_what_is_not_a_document_model():
    with pytest.raises(refundmap.ParameterTypeError):
        refundmap.dump({"id": "1"})
    with pytest.raises(TypeError):
        refundmap.dump(rutter.Item(id=None, quantity=None, unit_amount=None))


def test_convert_and_convert_each_take_a_model():
    page = refundmap.load(text("railz/quickbooks-list.json"), "railz")
    from_model = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED)
    from_text = refundmap.convert(text("railz/quickbooks-list.json"), "railz", "rutter",
                                  synced_at=SYNCED)  # fmt: skip
    assert from_model.output == from_text.output
    outputs = [r.output for r in refundmap.convert_each(page, "railz", "rutter", synced_at=SYNCED)]
    assert outputs == from_text.output["customer_refunds"]


def test_bodies_are_one_json_text_a_record():
    page = text("railz/quickbooks-list.json")
    result = refundmap.convert(page, "railz", "rutter-create")
    bodies = result.bodies()
    assert len(bodies) == len(json.loads(page)["data"])
    assert all(list(json.loads(body)) == ["customer_refund"] for body in bodies)
    listed = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED)
    assert [json.loads(b) for b in listed.bodies()] == json.loads(listed.to_json())[
        "customer_refunds"
    ]
    one = refundmap.convert(text("railz/seed-refund.json"), "railz", "rutter")
    assert one.bodies() == [one.to_json()]
    assert json.loads(bodies[0], parse_float=Decimal) == result.output[0]


def test_a_record_results_json_is_ready_to_send_and_a_failed_one_says_why():
    page = json.loads(text("railz/quickbooks-list.json"))
    del page["data"][0]["accountRef"]
    bad, good, *_ = refundmap.convert_each(page, "railz", "rutter-create")
    assert json.loads(good.to_json()) == json.loads(refundmap.dump(refundmap.load(
        good.to_json(), "rutter-create")))  # fmt: skip
    with pytest.raises(ValueError, match=r"record 0 \(\$.data\[0\]\) did not convert"):
        bad.to_json()


def test_version():
    assert refundmap.__version__ != "0+unknown"
    assert refundmap.__version__.count(".") >= 2
