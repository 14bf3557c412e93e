"""The format registry: each per-format fact is one attribute, read where it is needed."""

from __future__ import annotations

from typing import get_args

import pytest

from refundmap import mapping
from refundmap.formats import CONVERSIONS, FORMATS, FormatName, get_format
from refundmap.mapping.table import FORMAT_COLUMNS
from refundmap.models import railz


def test_the_registry_names_every_format_the_type_names() -> None:
    assert list(FORMATS) == list(get_args(FormatName))
    assert all(FORMATS[name].name == name for name in FORMATS)


def test_pairs_are_the_registry_conversions_and_the_table_has_a_column_for_each() -> None:
    assert mapping.PAIRS is CONVERSIONS
    for source, target in CONVERSIONS:
        assert source in FORMATS
        assert target in FORMATS
        assert source != target
    assert set(FORMAT_COLUMNS) == set(FORMATS)


def test_a_format_s_codec_is_built_once_per_mode() -> None:
    railz = get_format("railz")
    assert railz.codec(strict=False) is railz.codec(strict=False)
    assert railz.codec(strict=True) is not railz.codec(strict=False)
    assert railz.codec(strict=True).strict


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_body_holds_exactly_its_body_parameters(name: str) -> None:
    fmt = FORMATS[name]
    assert fmt.is_body == (fmt.request is not None)
    if fmt.request is None:
        assert fmt.body_parameters == ()
        return
    params = {parameter: f"<{parameter}>" for parameter in fmt.body_parameters}
    body = fmt.request({"id": "1"}, params)
    for value in params.values():
        assert value in repr(body)
    # A parameter the format does not list is never read.
    assert fmt.request({"id": "1"}, {**params, "other": "<other>"}) == body


def test_list_shape_is_the_envelope_that_holds_many_records() -> None:
    shapes = {name: fmt.list_shape for name, fmt in FORMATS.items()}
    assert {name for name, shape in shapes.items() if shape is not None} == {
        "rutter",
        "railz",
        "railz-v2",
    }
    assert all(shape is None or shape.many for shape in shapes.values())
    assert get_format("rutter").list_shape.records == "customer_refunds"  # type: ignore[union-attr]


def test_lines_key_is_the_vendor_s_key_for_lines() -> None:
    for fmt in FORMATS.values():
        assert fmt.lines_key in fmt.codec(strict=False).keys(fmt.record).values()


def test_line_figures_are_keys_of_the_format_s_lines() -> None:
    lines = {"railz": railz.RefundLine, "railz-push": railz.PushRefundLine}
    assert {name for name, fmt in FORMATS.items() if fmt.line_figures} == set(lines)
    for name, line in lines.items():
        fmt = FORMATS[name]
        assert set(fmt.line_figures) <= set(fmt.codec(strict=False).keys(line).values())
