"""The checks' readers agree: a record as read (a model, or the fast reader's view) and as mapped.

:mod:`refundmap.checks` states each rule once, over plain values; the public
checks read a model, :func:`refundmap.checks.fast_check` a view or a mapped
dict (the target's JSON keys, as the fast mapping writes it). Every form must
give the same findings, at the same paths, in the same words and order, on
records whose figures are spoiled at random as well as ones that add up.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from refundmap import checks, jsonio
from refundmap.formats import get_format
from refundmap.mapping import fused
from refundmap.mapping.views import view, view_class
from refundmap.money import EXACT, quantity_slack, tolerance, unit_tolerance
from refundmap.validation import decode

import strategies as s

D = Decimal
UUID = "8a2e4c6b-0d1f-4a3e-b7c9-5e8f1a2d3c4b"
PATH = ("data", 3)

#: Values that make the rules speak: edges of a percentage's range, zeros with and
#: without places, amounts near the figures they stand for.
_AMOUNTS = [D(0), D("0.00"), D("0.01"), D("-3.25"), D("12.50"), D("33.333"), D("0.04"), D("0.03")]
_PERCENTAGES = [None, D(0), D("0.00"), D(10), D("12.5"), D(33), D(100), D("100.5"), D(-1)]
_CODES = [None, "USD", "JPY", "BHD", "XAU", "ETH", "usd", "ZZZ"]
_IDS = [None, "123", UUID, "x-1"]
_SPOILED = {
    "quantity",
    "unitAmount",
    "subTotal",
    "totalAmount",
    "discountAmount",
    "discountPercentage",
    "taxAmount",
    "effectiveTaxRate",
    "amount",
    "total_amount",
    "discount_amount",
    "tax_amount",
    "unit_amount",
    "currency_code",
    "currency",
    "account_id",
    "customer_id",
    "class_id",
    "department_id",
    "tax_rate_id",
}
_REQUIRED = {"totalAmount", "total_amount", "amount"}


def _replacement(draw: st.DrawFn, key: str, old: Any) -> Any:
    if key == "quantity":
        return draw(st.one_of(st.none(), st.integers(-3, 7)))
    if key in {"discountPercentage", "effectiveTaxRate"}:
        return draw(st.sampled_from(_PERCENTAGES))
    if key in {"currency_code", "currency"}:
        return draw(st.sampled_from(_CODES))
    if key.endswith("_id"):
        return draw(st.sampled_from(_IDS))
    near = [] if not isinstance(old, Decimal) else [old + D("0.01"), old - D("0.005"), -old]
    drawn = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False)
    return draw(st.one_of(st.none(), st.sampled_from(_AMOUNTS + near), drawn))


@st.composite
def spoiled(draw: st.DrawFn, records: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A record of ``records`` with some of its figures, codes and ids replaced."""
    record = draw(records)

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key in list(node):
                if key in _SPOILED and draw(st.integers(0, 4)) == 0:
                    value = _replacement(draw, key, node[key])
                    if value is not None or key not in _REQUIRED:
                        node[key] = value
                else:
                    walk(node[key])

    walk(record)
    if record.get("currencyRef") is not None and draw(st.booleans()):
        ref = [{"id": "1", "name": "CAN"}, {"id": "77", "name": "US Dollar"}, {"id": "9"}]
        record["currencyRef"] = draw(st.sampled_from(ref))
    return record


def _text(record: dict[str, Any]) -> str:
    """The record as JSON, its decimals as the numbers they are."""
    return jsonio.dumps(record)


def _forms(
    name: str, record: dict[str, Any], *, refs: bool, drawn: bool = True
) -> dict[str, list[Any]]:
    """Return the findings of each form of ``name``'s check on ``record``, by form."""
    fmt = get_format(name)
    text = _text(record)
    data = decode(text)  # the detailed reader's decoding: a mapped record's values, decimals
    model, problems, _ = fmt.codec(strict=False).structure(data, fmt.record, ())
    if drawn:
        assume(model is not None and not problems)
    assert model is not None, problems
    check: Any = fmt.check
    found = {
        "model": check(model, PATH, refs=refs) if name == "rutter" else check(model, PATH),
        "views of the mapped dict, as the engine checks": (
            check(view(data, view_class(fmt)), PATH, refs=refs)
            if name == "rutter"
            else check(view(data, view_class(fmt)), PATH)
        ),
    }
    with localcontext(EXACT):
        read = checks.fast_check(name, mapped=False, refs=refs)
        mapped = checks.fast_check(name, mapped=True, refs=refs)
        assert read is not None
        assert mapped is not None
        found["fast, model"] = read(model, PATH) or []
        found["fast, mapped dict"] = mapped(data, PATH) or []
        try:
            seen = fused.reader(fmt, fmt.record)(fused._decode(text), [0])
        except fused.Fallback:
            pass  # a record the fast reader leaves to the codec: read as the model
        else:
            found["fast, the fast reader's view"] = read(seen, PATH) or []
    return found


def _agree(found: dict[str, list[Any]]) -> list[Any]:
    expected = found["model"]
    for form, findings in found.items():
        assert findings == expected, f"{form} differs from the model's check"
    return expected


@given(spoiled(s.rutter_refunds()), st.booleans())
def test_rutter_forms_agree(record: dict[str, Any], refs: bool) -> None:  # noqa: FBT001
    _agree(_forms("rutter", record, refs=refs))


@given(spoiled(s.rutter_priced_refunds()))
def test_rutter_priced_forms_agree(record: dict[str, Any]) -> None:
    _agree(_forms("rutter", record, refs=True))


@given(spoiled(s.railz_refunds()))
def test_railz_forms_agree(record: dict[str, Any]) -> None:
    _agree(_forms("railz", record, refs=True))


@given(spoiled(s.railz_priced_refunds()))
def test_railz_priced_forms_agree(record: dict[str, Any]) -> None:
    _agree(_forms("railz", record, refs=True))


@given(spoiled(s.railz_v2_refunds()))
def test_railz_v2_forms_agree(record: dict[str, Any]) -> None:
    _agree(_forms("railz-v2", record, refs=True))


def _rutter_line(**changes: Any) -> dict[str, Any]:
    line = {
        "account_id": None,
        "class_id": None,
        "tax_rate_id": None,
        "total_amount": D(75),
        "description": None,
        "item": {"id": None, "quantity": D(3), "unit_amount": D(25)},
    }
    return {**line, **changes}


def _rutter(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "r1",
        "platform_id": "p1",
        "account_id": UUID,
        "class_id": None,
        "customer_id": None,
        "department_id": None,
        "tax_rate_id": None,
        "document_number": None,
        "created_at": None,
        "updated_at": None,
        "platform_url": None,
        "transaction_date": "2024-01-01",
        "currency_code": "USD",
        "total_amount": D("113.40"),
        "discount_amount": D(10),
        "tax_amount": D("8.40"),
        "line_items": [_rutter_line(), _rutter_line(total_amount=D(40), item=None)],
        "last_synced_at": "2024-01-01T00:00:00Z",
    }
    return {**record, **changes}


def _railz_line(**changes: Any) -> dict[str, Any]:
    line = {
        "quantity": 3,
        "unitAmount": D(25),
        "discountAmount": D(0),
        "subTotal": D(75),
        "taxAmount": D("9.75"),
        "totalAmount": D("84.75"),
        "taxRateRef": {"id": "t1", "effectiveTaxRate": D(13)},
    }
    return {**line, **changes}


def _railz(*lines: dict[str, Any], **changes: Any) -> dict[str, Any]:
    lines = lines or (_railz_line(),)
    record = {
        "id": "1",
        "date": "2024-01-01",
        "currencyRef": {"id": "USD", "name": "US Dollar"},
        "lines": list(lines),
        "subTotal": sum((line["subTotal"] for line in lines), D(0)),
        "taxAmount": D("9.75") * len(lines),
        "totalAmount": D("84.75") * len(lines),
    }
    return {**record, **changes}


def _v2(**changes: Any) -> dict[str, Any]:
    line = {"amount": D(75), "discountPercentage": D(5), "taxRateRef": {"id": "t"}}
    record = {
        "id": "1",
        "postedDate": "2024-01-01",
        "currency": "USD",
        "lines": [line],
        "subTotal": D(75),
        "taxAmount": D(5),
        "totalAmount": D(80),
    }
    return {**record, **changes}


#: One record a rule (and a few rules at once), with the paths its check finds.
CASES = [
    ("rutter", _rutter(), []),
    ("rutter", _rutter(currency_code="ZZZ"), [("currency_code",)]),
    ("rutter", _rutter(customer_id="123"), [("customer_id",)]),
    ("rutter", _rutter(total_amount=D(200)), [("total_amount",)]),
    ("rutter", _rutter(tax_amount=None, total_amount=D(100)), [("total_amount",)]),
    (
        "rutter",
        _rutter(
            line_items=[
                _rutter_line(
                    total_amount=D(70),
                    account_id="9",
                    item={"id": "i", "quantity": None, "unit_amount": D(1)},
                ),
                _rutter_line(total_amount=D(74)),
            ]
        ),
        [
            ("line_items", 0, "account_id"),
            ("line_items", 0, "item", "id"),
            ("line_items", 1, "total_amount"),
            ("total_amount",),
        ],
    ),
    ("railz", _railz(), []),
    ("railz", _railz(discountPercentage=D(101)), [("discountPercentage",)]),
    (
        "railz",
        _railz(
            _railz_line(discountPercentage=D(-1), taxRateRef={"id": "t", "effectiveTaxRate": 200})
        ),
        [
            ("lines", 0, "discountPercentage"),
            ("lines", 0, "taxRateRef", "effectiveTaxRate"),
        ],
    ),
    (
        "railz",
        _railz(_railz_line(subTotal=D(70)), subTotal=D(75)),
        [("lines", 0, "subTotal"), ("lines", 0, "totalAmount"), ("subTotal",)],
    ),
    (
        "railz",
        _railz(_railz_line(subTotal=D(70))),
        [("lines", 0, "subTotal"), ("lines", 0, "totalAmount"), ("totalAmount",)],
    ),
    (
        "railz",
        _railz(_railz_line(discountAmount=D(5), discountPercentage=D(10))),
        [("lines", 0, "subTotal"), ("lines", 0, "discountAmount")],
    ),
    ("railz", _railz(_railz_line(discountPercentage=D(10))), [("lines", 0, "discountAmount")]),
    (
        "railz",
        _railz(_railz_line(totalAmount=D(90)), totalAmount=D(90)),
        [("lines", 0, "totalAmount"), ("totalAmount",)],
    ),
    ("railz", _railz(currencyRef={"id": "1", "name": "CAN"}), [("currencyRef", "id")]),
    ("railz-v2", _v2(), []),
    (
        "railz-v2",
        _v2(totalAmount=D(90), discountPercentage=D(-5)),
        [("discountPercentage",), ("totalAmount",)],
    ),
    (
        "railz-v2",
        _v2(
            lines=[
                {
                    "amount": D(75),
                    "discountPercentage": D(500),
                    "taxRateRef": {"id": "t", "effectiveTaxRate": D(-1)},
                }
            ]
        ),
        [("lines", 0, "discountPercentage"), ("lines", 0, "taxRateRef", "effectiveTaxRate")],
    ),
]


@pytest.mark.parametrize(("name", "record", "paths"), CASES)
def test_each_rule_in_every_form(name: str, record: dict[str, Any], paths: list[Any]) -> None:
    found = _agree(_forms(name, record, refs=True, drawn=False))
    assert [at for at, _ in found] == [(*PATH, *path) for path in paths]


@pytest.mark.parametrize(("name", "record"), [(n, r) for n, r, paths in CASES if not paths])
def test_nothing_found_is_none(name: str, record: dict[str, Any]) -> None:
    """Where nothing is found, the fast forms make no list: None."""
    data = decode(_text(record))
    with localcontext(EXACT):
        assert checks.fast_check(name, mapped=True)(data, PATH) is None  # type: ignore[misc]


def test_fast_check_of_a_format_without_checks_is_none() -> None:
    assert checks.fast_check("railz-push", mapped=True) is None


@pytest.mark.parametrize("quantity", [D(0), D(3), D(-2), 5, D("2.5")])
def test_quantity_slack_is_the_unit_tolerance(quantity: Decimal | int) -> None:
    for currency in (None, "USD", "JPY", "BHD"):
        assert quantity_slack(tolerance(currency), quantity) == unit_tolerance(currency, quantity)
