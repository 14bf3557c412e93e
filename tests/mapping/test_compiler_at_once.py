"""A reference a table makes of its copied id alone is made in one display, not filled in."""

from __future__ import annotations

import copy
import re
import sys
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap import jsonio
from refundmap.formats import get_format
from refundmap.mapping import fused_map
from refundmap.mapping.compiler import _AT_ONCE, _compiled, _inlined_whole, _made_at_once
from refundmap.mapping.rules import WRITE, Unmappable

from helpers import ROOT

SYNCED_AT = "2024-06-30T12:00:00Z"

LINE_REFS = ("accountRef", "taxRateRef", "inventoryRef", "trackingCategoryRef")


def _codes(*, lookup: bool) -> list[str]:
    return [
        fused_map._compiled("rutter", "railz", lookup=lookup, counted=True)[1],
        _compiled("rutter", "railz", lookup=lookup)[1],
    ]


def _function(code: str, name: str) -> str:
    found = re.search(rf"def {name}\(.*\n((?:    .*\n)+)", code)
    assert found is not None
    return found[1]


def test_the_references_made_of_an_id_alone_are_one_display() -> None:
    for code in _codes(lookup=False):
        line, refund = _function(code, r"map_line_\d+"), _function(code, "map_refund")
        refund_refs = [("customerRef", refund), ("accountRef", refund)]
        for key, body in [*((k, line) for k in LINE_REFS), *refund_refs]:
            assert f"out[{key!r}] = {{'id': v}}" in body
            assert f"_t = out.get({key!r})" not in body
        # The refund's account too: the rule that may make its id makes none into Railz.
        assert "out['currencyRef'] = {'id': v}" in refund
    for code in _codes(lookup=True):  # a lookup may write a name: only the currency
        assert "out['currencyRef'] = {'id': v}" in code
        assert "out['customerRef'] = {'id': v}" not in code


def test_an_object_read_before_its_key_is_written_is_left_as_it_is() -> None:
    lines = [
        "    _t = out.get('accountRef')",
        "    if _t is None:",
        "        _t = out['accountRef'] = {}",
        "    n = len(_t)",
        "    _t['id'] = v",
        "    _t = out.get('accountRef')",
        "    if _t is None:",
        "        _t = out['accountRef'] = {}",
        "    add(_row_3)",
        "    _t['id'] = v.strip()",
    ]
    _made_at_once(lines, "accountRef")
    assert lines[:5] == [
        "    _t = out.get('accountRef')",
        "    if _t is None:",
        "        _t = out['accountRef'] = {}",
        "    n = len(_t)",
        "    _t['id'] = v",
    ]
    assert lines[5:] == ["    add(_row_3)", "    out['accountRef'] = {'id': v.strip()}"]


def _decimals() -> st.SearchStrategy[Decimal]:
    """Decimals of every exponent and sign, whole ones near the table's ints often."""
    near = st.builds(
        lambda whole, exponent, sign: (
            Decimal(sign * whole).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))
            if exponent >= 0
            else Decimal((0 if sign > 0 else 1, tuple(map(int, str(whole))), 0))
        ),
        st.integers(min_value=0, max_value=1100),
        st.integers(min_value=-3, max_value=30),
        st.sampled_from((1, -1)),
    )
    return st.one_of(
        near,
        st.decimals(allow_nan=False, allow_infinity=False),
        st.builds(Decimal, st.sampled_from(["5E+0", "5.000", "-0", "0E-7", "1E+3"])),
    )


@given(st.one_of(_decimals(), st.integers(min_value=-5, max_value=2000)))
def test_a_quantity_found_at_once_is_what_its_rule_writes(value: Decimal | int) -> None:
    """Into Railz, a quantity the table holds is written as the rule writes it, silently."""
    run = SimpleNamespace(target=get_format("railz"))
    found = _AT_ONCE["quantity"].get(value)
    try:
        made = WRITE["quantity"](value, None, run)
    except Unmappable:
        assert found is None
        return
    if found is not None:
        assert (type(found), found, None) == (type(made.value), made.value, made.kind)


def test_the_quantity_is_found_at_once_where_its_rule_is_compiled_in() -> None:
    for code in _codes(lookup=False):
        assert "_w = _once_quantity_" in code
    for code in (
        fused_map.source("railz", "rutter"),
        _compiled("railz", "rutter", lookup=False)[1],
    ):
        assert "_once_quantity" not in code  # a source of whole quantities: a plain copy


@pytest.mark.parametrize(
    ("quantity", "written"),
    [(5, "5"), ("5.000", "5"), ("5E+0", "5"), ("-0", "0"), ("1500.0", "1500"), ("2.5", None)],
)
def test_a_quantity_is_written_as_before(quantity: object, written: str | None) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    page = generate.rutter_list(2)
    page["customer_refunds"][1]["line_items"][0]["item"]["quantity"] = Decimal(str(quantity))
    text = jsonio.dumps(page)
    if written is None:
        with pytest.raises(refundmap.MappingError, match="Railz quantities are integers"):
            refundmap.convert(text, "rutter", "railz", synced_at=SYNCED_AT)
        return
    fast = refundmap.convert(text, "rutter", "railz", synced_at=SYNCED_AT).to_json()
    assert f'"quantity":{written},' in fast[fast.index('"id":"10001"') :]


@given(
    st.integers(min_value=-(10**20), max_value=10**20) | st.integers(min_value=-3, max_value=1100)
)
def test_an_int_written_as_a_decimal_is_the_decimal_made_of_it(number: int) -> None:
    """A Railz quantity into Rutter's item: a shared decimal below 1024, as Decimal(int) gives."""
    for mapper_globals in (
        fused_map._compiled("railz", "rutter", lookup=False, counted=True)[0].__globals__,
        _compiled("railz", "rutter", lookup=False)[0].refund.__globals__,
    ):
        item = {"id": "i", "quantity": number, "unit_amount": number}
        finished = mapper_globals["finish_Item"](item, None, "$")
        for key in ("quantity", "unit_amount"):
            made = finished[key]
            assert type(made) is Decimal
            assert made.as_tuple() == Decimal(number).as_tuple()
            assert str(made) == str(Decimal(number))


def test_a_small_int_is_written_as_a_decimal_made_once() -> None:
    for code in (
        fused_map.source("railz", "rutter"),
        _compiled("railz", "rutter", lookup=False)[1],
    ):
        assert "r['quantity'] = _decimal(v) or Decimal(v)" in code


item_values = st.one_of(st.none(), st.integers(-5, 2000), st.sampled_from([Decimal("2.5"), "x"]))


@given(
    item=st.one_of(
        st.none(),
        st.fixed_dictionaries(dict.fromkeys(("id", "quantity", "unit_amount"), item_values)),
    ),
    extra=st.booleans(),
    total=item_values,
)
def test_a_line_finishes_its_whole_item_as_the_items_finisher(
    item: dict[str, Any] | None, *, extra: bool, total: object
) -> None:
    """Rutter's line finishes the item it made whole with the item finisher's body, no call."""
    for namespace in (
        fused_map._compiled("railz", "rutter", lookup=False, counted=True)[0].__globals__,
        _compiled("railz", "rutter", lookup=False)[0].refund.__globals__,
    ):
        line = dict.fromkeys(("account_id", "class_id", "tax_rate_id", "description"))
        line.update(total_amount=total, item=None if item is None else dict(item))
        if extra and item is not None:
            line["item"]["extra"] = 1
        called = dict(line, item=None if line["item"] is None else dict(line["item"]))
        if called["item"] is not None:
            called["item"] = namespace["finish_Item_made"](called["item"], None, None)
        runs = [SimpleNamespace(missing=lambda *_: None) for _ in range(2)]
        inlined = namespace["finish_LineItem_made"](copy.deepcopy(line), runs[0], "$")
        if called["total_amount"] is None:
            del called["total_amount"]
        elif type(total) is int:
            called["total_amount"] = Decimal(total)
        assert inlined == called
        assert [type(v) for v in (inlined["item"] or {}).values()] == [
            type(v) for v in (called["item"] or {}).values()
        ]


def test_the_items_finisher_is_written_into_its_lines() -> None:
    for code in (
        fused_map.source("railz", "rutter"),
        _compiled("railz", "rutter", lookup=False)[1],
    ):
        line = code[code.index("def finish_LineItem_made(") :]
        line = line[: line.index("\ndef ")]
        assert "finish_Item_made(" not in line
        assert "_w = v['quantity']" in line
    assert (
        _inlined_whole(["    if len(r) != 3:", "        return finish_X(r, run, sp)"], "k") is None
    )
    assert _inlined_whole(["    if len(r) != 1:", "        return x", "    return r"], "k") is None
