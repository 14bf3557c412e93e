"""refundmap.codec: structuring with every problem at its vendor-keyed path, and writing back."""

from decimal import Decimal
from typing import Literal

import pytest

from refundmap.codec import camel, snake, without_none
from refundmap.codec.fields import is_list, is_literal, is_optional
from refundmap.formats import get_format
from refundmap.models import railz, rutter
from refundmap.report import Problem

from helpers import rutter_refund


def codec(fmt, *, strict=False):
    return get_format(fmt).codec(strict=strict)


def test_every_problem_of_a_document_is_collected_at_its_path_in_the_vendors_keys():
    refund = {
        "id": "R-1",
        "date": "2024-01-02",
        "totalAmount": 12.5,
        "lines": [{"totalAmount": "x"}, {"quantity": 1.5, "taxRateRef": {"id": 5}}],
    }
    instance, problems, _ = codec("railz").structure(refund, railz.Refund, ("data", 3))
    assert instance is None
    assert problems == [
        Problem("$.data[3].lines[0].totalAmount", 'expected a decimal amount, got "x"'),
        Problem("$.data[3].lines[1].quantity", "expected an integer, got 1.5"),
        Problem("$.data[3].lines[1].taxRateRef.id", "expected a string, got 5"),
    ]


def test_unknown_keys_are_noted_with_their_object_or_refused_when_strict():
    line = {"totalAmount": Decimal(1), "odd": 2}
    refund = {
        "id": "R-1",
        "date": "2024-01-02",
        "totalAmount": Decimal("12.5"),
        "lines": [line],
        "customField": 1,
    }
    instance, problems, noted = codec("railz").structure(refund, railz.Refund)
    assert instance is not None
    assert problems == []
    assert noted == [(refund, ["customField"]), (line, ["odd"])]
    instance, problems, noted = codec("railz", strict=True).structure(refund, railz.Refund)
    assert instance is None
    assert noted == []
    assert problems == [
        Problem("$.lines[0].odd", "unknown key"),
        Problem("$.customField", "unknown key"),
    ]


def test_a_numeric_string_amount_is_read_unless_strict():
    refund = {"id": "R", "date": "2024-01-02", "totalAmount": "12.5"}
    instance, _, _ = codec("railz").structure(refund, railz.Refund)
    assert instance.total_amount == Decimal("12.5")
    _, problems, _ = codec("railz", strict=True).structure(refund, railz.Refund)
    assert [p.path for p in problems] == ["$.totalAmount"]
    assert "numeric strings are refused in strict mode" in problems[0].message


def test_an_alias_is_read_and_the_documented_key_written():
    refund = {"id": "R", "date": "2024-01-02", "totalAmount": 3, "discountAmount": 2}
    instance, _, noted = codec("railz").structure(refund, railz.Refund)
    assert instance.total_discount == 2
    assert noted == []  # an alias is no unknown key
    assert codec("railz").unstructure(instance) == {
        "id": "R",
        "date": "2024-01-02",
        "totalDiscount": 2,
        "totalAmount": 3,
    }


def test_writing_leaves_out_what_may_be_absent_and_writes_null_where_the_vendor_requires_the_key():
    record = rutter_refund(document_number=None, platform_data=None)
    instance, problems, _ = codec("rutter").structure(record, rutter.CustomerRefund)
    assert problems == []
    written = codec("rutter").unstructure(instance)
    assert written["document_number"] is None  # required, nullable: Rutter always sends it
    assert "platform_data" not in written  # optional: left out, never null
    assert list(written) == [
        k for k in codec("rutter").keys(rutter.CustomerRefund).values() if k in written
    ]


def test_a_document_nested_too_deeply_for_the_converter_is_one_problem():
    deep = {}
    for _ in range(100_000):
        deep = {"x": deep}
    _, problems, _ = codec("railz").structure(deep, railz.Refund, ("data", 0))
    assert problems[0].path.startswith("$.data[0]")


@pytest.mark.parametrize(
    ("name", "snaked", "cameled"),
    [
        ("tax_rate_ref", "tax_rate_ref", "taxRateRef"),
        ("id", "id", "id"),
        ("sub_total", "sub_total", "subTotal"),
    ],
)
def test_the_key_styles(name, snaked, cameled):
    assert (snake(name), camel(name)) == (snaked, cameled)


def test_field_types_are_read_the_same_way_everywhere():
    assert without_none(Decimal | None) is Decimal
    assert without_none(int) is int
    assert without_none(int | str | None) == int | str
    assert is_optional(int | None)
    assert is_optional(int | str | None)
    assert not is_optional(int)
    assert is_literal(Literal["a"])
    assert not is_literal(str)
    assert is_list(list[int])
    assert not is_list(list[int] | None)  # callers take the None off first: without_none
    assert not is_list(dict)
