"""The fast reader's amounts (refundmap.mapping.fused): a decoded document's non-finite decimals.

A document given decoded (``json.loads(text, parse_float=Decimal)``) may hold
what no JSON text decodes to: ``Decimal('Infinity')``, ``Decimal('NaN')``.
The fast reader leaves them to the detailed path, which refuses them with
their path, as it refuses them without the fast path.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import refundmap
from refundmap import cjson, jsonio
from refundmap.formats import get_format
from refundmap.mapping import fused
from refundmap.money import in_bounds

from helpers import FIXTURES

#: A NaN may carry a payload, which prints as digits at its end (NaN123).
NOT_FINITE = [
    "Infinity",
    "-Infinity",
    "NaN",
    "-NaN",
    "sNaN",
    "-sNaN",
    "NaN123",
    "-NaN7",
    "sNaN5",
    "-sNaN9",
]
RUTTER_PAGE = json.loads((FIXTURES / "rutter/seed-list.json").read_text(), parse_float=Decimal)
RAILZ_PAGE = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text(), parse_float=Decimal)


@pytest.mark.parametrize("text", NOT_FINITE)
def test_a_decimal_that_is_not_finite_is_left_to_the_detailed_path(text: str) -> None:
    namespace = dict(fused._Generator(get_format("railz")).names)
    body = "".join(f"    {line}\n" for line in fused._amount_lines())
    exec(f"def amount(v):\n{body}    return v\n", namespace)  # noqa: S102 - the reader's own lines
    assert not in_bounds(Decimal(text))
    with pytest.raises(fused.Fallback):
        namespace["amount"](Decimal(text))


def _outcome(document: Any, source: str, target: str) -> tuple[Any, ...]:
    try:
        result = refundmap.convert(document, source, target, synced_at="2024-06-30T12:00:00Z")
    except refundmap.ValidationError as exc:
        return ("error", [problem.to_dict() for problem in exc.problems])
    return ("converted", result.to_json())


def _rutter(key: str, value: Decimal) -> dict[str, Any]:
    page = copy.deepcopy(RUTTER_PAGE)
    record = page["customer_refunds"][0]
    holder = record["line_items"][0]["item"] if key in ("unit_amount", "quantity") else record
    holder[key] = value
    return page


def _railz(key: str, value: Decimal) -> dict[str, Any]:
    page = copy.deepcopy(RAILZ_PAGE)
    holder = (
        page["data"][0]
        if key in ("totalAmount", "subTotal", "currencyRate")
        else page["data"][0]["lines"][0]
    )
    holder[key] = value
    return page


CASES = [
    *(
        ("rutter", "railz", _rutter, key)
        for key in ("total_amount", "currency_rate", "unit_amount", "quantity")
    ),
    *(
        ("railz", "rutter", _railz, key)
        for key in ("totalAmount", "currencyRate", "unitAmount", "quantity")
    ),
]


@pytest.mark.parametrize("text", NOT_FINITE)
@pytest.mark.parametrize(("source", "target", "page", "key"), CASES)
def test_a_decoded_document_with_it_is_refused_with_its_path(
    source: str, target: str, page: Any, key: str, text: str
) -> None:
    document = page(key, Decimal(text))
    fused.ENABLED = False
    try:
        detailed = _outcome(copy.deepcopy(document), source, target)
    finally:
        fused.ENABLED = True
    fast = _outcome(document, source, target)
    assert fast == detailed
    status, problems = detailed
    assert status == "error"
    assert [problem["path"].rsplit(".", 1)[-1] for problem in problems] == [key]
    assert f"got {text}" in problems[0]["message"]


def test_no_json_text_decodes_to_it() -> None:
    # Why the quick reading met it only in decoded documents: JSON text has no Infinity.
    with pytest.raises(ValueError):  # noqa: PT011 - the decoder's own error
        cjson.read(b'{"total_amount": Infinity}')


@settings(deadline=None)
@given(
    st.from_regex(r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,25})?", fullmatch=True)
)
@example("1e999999999999999999")
@example("-1e-999999999999999999")
@example("1e99999999999999999999999999")
def test_the_decimals_of_json_text_are_finite(number: str) -> None:
    # Why a document decoded from text is read by the readers of finite decimals (fused.reader).
    text = f'{{"total_amount": {number}}}'.encode()
    decoders = (fused._decode, cjson.read, jsonio.loads_detailed)
    for decoder in decoders:
        try:
            value = decoder(text)["total_amount"]
        except (cjson.RefusedError, refundmap.ValidationError):
            continue
        assert type(value) is int or value.is_finite()
