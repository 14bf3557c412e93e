"""An object a table makes whole (every key, null, in order) is finished in place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.codec.fields import fields, without_none
from refundmap.formats import get_format
from refundmap.mapping import PAIRS, fused_map
from refundmap.mapping.compiler import _compiled, _Compiler

SYNCED_AT = "2024-06-30T12:00:00Z"
ITEM = ("id", "quantity", "unit_amount")


def _namespaces() -> list[dict[str, Any]]:
    """Return the generated namespaces of Railz into Rutter: the fast mapping's, the detailed's."""
    mapper, _ = fused_map._compiled("railz", "rutter", lookup=False, counted=True)
    compiled, _ = _compiled("railz", "rutter", lookup=False)
    return [mapper.__globals__, compiled.refund.__globals__]


def _classes(fmt: str) -> set[type]:
    """Return the record class of ``fmt`` and every class within it."""
    found: set[type] = set()
    todo = [get_format(fmt).record]
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found.add(cls)
        for field in fields(cls):
            base = without_none(field.type)
            inner = [base, *getattr(base, "__args__", ())]
            todo.extend(t for t in inner if attrs.has(t))
    return found


def test_only_rutters_item_is_made_whole() -> None:
    """Of the targets' objects, Rutter's line item alone has every key null when absent."""
    whole = {}
    for source, target in sorted(PAIRS):
        compiler = _Compiler(get_format(source), get_format(target), lookup=False)
        for cls in _classes(target):
            if (keys := compiler._whole(cls)) is not None:
                whole[cls.__name__] = keys
    assert whole == {"Item": ITEM}


def test_the_line_makes_its_item_whole_and_finishes_it_in_place() -> None:
    for namespace in _namespaces():
        made = {"id": "i", "quantity": Decimal(2), "unit_amount": None}
        finished = namespace["finish_Item_made"](made, None, None)
        assert finished is made
        assert list(finished) == list(ITEM)


values = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
    st.text(max_size=3),
)


@given(
    present=st.fixed_dictionaries({}, optional=dict.fromkeys(ITEM, values)),
    extra=st.booleans(),
)
def test_finished_in_place_as_remade(present: dict[str, Any], *, extra: bool) -> None:
    """The item made whole, finished in place, is the item made of its written keys, remade.

    Before, the line wrote only the item's keys it had (in the model's order)
    and its finisher remade it; a dict with a key a rule added is remade still.
    """
    before = {k: v for k, v in present.items() if v is not None}
    made = {k: present.get(k) for k in ITEM}
    if extra:
        before["extra"] = made["extra"] = 1
    for namespace in _namespaces():
        remade = namespace["finish_Item"](dict(before), None, None)
        in_place = namespace["finish_Item_made"](dict(made), None, None)
        assert in_place == remade
        assert list(in_place) == list(remade)
        assert [type(v) for v in in_place.values()] == [type(v) for v in remade.values()]


def _railz(line: dict[str, Any]) -> bytes:
    record = {
        "id": "r1",
        "date": "2024-01-02",
        "totalAmount": 10,
        "accountRef": {"id": "a"},
        "currencyRef": {"id": "USD"},
        "lines": [{"totalAmount": 10, **line}],
    }
    return refundmap.jsonio.dumps(record).encode()


@given(
    line=st.fixed_dictionaries(
        {},
        optional={
            "inventoryRef": st.just({"id": "item-1"}),
            "quantity": st.sampled_from([1, 2, 7]),
            "unitAmount": st.sampled_from([10, 5, "3.25"]),
        },
    )
)
def test_a_lines_item_is_written_as_before(line: dict[str, Any]) -> None:
    """Every key of a Rutter item is written, null where the Railz line has no value for it."""
    line = {k: Decimal(v) if type(v) is str else v for k, v in line.items()}
    text = refundmap.convert(_railz(line), "railz", "rutter", synced_at=SYNCED_AT).to_json()
    refund = refundmap.jsonio.loads(text)
    item = refund["line_items"][0].get("item")
    if not line:
        assert item is None
        return
    assert list(item) == list(ITEM)
    assert item["id"] == line.get("inventoryRef", {}).get("id")
    assert item["quantity"] == line.get("quantity")
    assert item["unit_amount"] == line.get("unitAmount")
