"""values.py and codec/: one table of value types, read by the codec and the compiler."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest

from refundmap import codec, convert, json_schema, load
from refundmap.codec import fields
from refundmap.codec.problems import expected
from refundmap.dates import Day, Moment
from refundmap.formats import FORMATS, get_format
from refundmap.mapping import engine, runtime
from refundmap.mapping.compiler import _compiled
from refundmap.models import railz, rutter
from refundmap.models._base import JSONObject
from refundmap.models.rutter import DecimalString
from refundmap.values import VALUES, value_of, words

from helpers import ROOT

FIXTURES = ROOT / "fixtures"


def test_every_value_type_of_every_model_is_in_the_table() -> None:
    seen: set[type] = set()
    stack = [fmt.record for fmt in FORMATS.values()]
    stack += [shape.model for fmt in FORMATS.values() for shape in fmt.envelopes]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for field in fields.fields(cls):
            base = fields.without_none(field.type)
            if fields.models_in(field.type):
                stack.extend(fields.models_in(field.type))
                continue
            if fields.is_literal(base):
                continue
            if fields.is_list(base):
                base = base.__args__[0]
            assert value_of(base) is not None, (cls.__name__, field.name, base)


@pytest.mark.parametrize(
    ("type_", "said"),
    [
        (str, "a string"),
        (Decimal, "a decimal amount"),
        (DecimalString, "a numeric string"),
        (Day, "a calendar date (YYYY-MM-DD)"),
        (Moment, "an ISO 8601 date or timestamp"),
        (Moment | None, "an ISO 8601 date or timestamp"),
        (JSONObject, "an object"),
    ],
)
def test_a_missing_key_says_what_the_table_says(type_: Any, said: str) -> None:
    assert expected(type_) == said
    assert words(fields.without_none(type_)) == said


def test_the_missing_key_message_of_a_document_uses_the_table() -> None:
    problems = get_format("railz").codec(strict=False).structure({}, railz.Refund)[1]
    assert any(p.message == "required key is missing (a string)" for p in problems)
    said = f"required key is missing ({VALUES[Moment].words})"
    assert any(p.path == "$.date" and p.message == said for p in problems)


@pytest.mark.parametrize(
    ("type_", "value", "text"),
    [
        (DecimalString, Decimal("1.50"), "1.50"),
        (Day, dt.date(2024, 3, 1), "2024-03-01"),
        (Moment, dt.datetime(2024, 3, 1, 12, 30, tzinfo=dt.UTC), "2024-03-01T12:30:00.000Z"),
        (DecimalString, "not a number", "not a number"),  # the wrong type: as it is
        (Moment, 7, 7),
    ],
)
def test_a_writer_writes_its_type_and_leaves_any_other_alone(
    type_: Any, value: Any, text: Any
) -> None:
    found = value_of(type_)
    assert found is not None
    assert found.write(value) == text


def test_the_codec_and_the_compiled_finisher_write_a_value_the_same() -> None:
    # The codec (unstructure) and the compiler's generated code both take the writer
    # from the table; the generated code names it, it does not look it up per value.
    source = _compiled("rutter", "railz-v2", lookup=False)[1]
    assert "format_date(v)" in source
    assert "VALUES" not in source
    assert "value_of" not in source
    moment = dt.datetime(2024, 3, 1, 12, 30, 0, 120000, tzinfo=dt.UTC)
    refund = attrs.evolve(_rutter_refund(), transaction_date=moment)
    written = get_format("rutter").codec(strict=False).unstructure(refund)
    assert written["transaction_date"] == VALUES[Moment].write(moment)
    converted = convert(written, "rutter", "railz-v2", synced_at="2024-03-02T00:00:00Z")
    assert converted.output["postedDate"] == written["transaction_date"]


def _rutter_refund() -> rutter.CustomerRefund:
    page = json.loads((FIXTURES / "expected/railz/quickbooks-list.rutter.json").read_text())
    return load(page["customer_refunds"][0], "rutter")


def test_old_import_paths_still_work() -> None:
    assert codec.Codec is codec.converter.Codec
    assert codec.without_none is fields.without_none
    assert engine.Run is runtime.Run
    assert engine.PAIRS is runtime.PAIRS


@pytest.mark.parametrize("strict", [False, True])
def test_each_value_type_has_a_schema_and_each_call_gives_a_fresh_one(strict: bool) -> None:  # noqa: FBT001
    for value in VALUES.values():
        first = value.schema(strict)
        assert first
        first["changed"] = True
        assert "changed" not in value.schema(strict)


def test_the_json_schema_of_a_value_is_the_table_s() -> None:
    schema = json_schema("rutter", strict=True)
    total = schema["$defs"]["CustomerRefund"]["properties"]["total_amount"]
    assert total == VALUES[Decimal].schema(True)  # noqa: FBT003
    lenient = json_schema("rutter")["$defs"]["CustomerRefund"]["properties"]["total_amount"]
    assert lenient == VALUES[Decimal].schema(False)  # noqa: FBT003
