"""An object a line's table makes whole, finished after the rules as made (fused_map).

Railz's line into Rutter makes its ``item`` by one display and writes only its keys: no
rule given the line or its refund names it (:data:`~refundmap.mapping.rules.MAKE_KEYS`,
:data:`~refundmap.mapping.rules.APPLY_LINE_KEYS`), and lines a rule makes hold none
(:data:`~refundmap.mapping.rules.MAKE_NO_LINES`). Its finishing after the rules asks
neither whether it is a dict nor whether it has more keys, and stores it nowhere again;
its ``unit_amount``, a source ``Decimal`` copied as it is, is not asked whether it is an
``int``. The rules are held here to what they declare, over every fixture and pair.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import refundmap
from refundmap import jsonio
from refundmap.mapping import fused, fused_map, rules
from refundmap.mapping.rules import MAKE, MAKE_KEYS, MAKE_NO_LINES

from helpers import every_conversion

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SYNCED_AT = "2024-06-30T12:00:00.000Z"
LATE = "        for _li, r in enumerate(_ls):\n"


def _late(code: str) -> str:
    refund = code[code.index("def map_refund(") :]
    late = refund[refund.index(LATE) :]
    return late[: late.index("\n    r = out\n")]


def test_railz_lines_items_are_finished_as_made() -> None:
    for source in ("railz", "railz-v2"):
        late = _late(fused_map.source(source, "rutter"))
        assert "            v = r['item']\n            if v is not None:\n" in late
        assert "_source_data" not in late
        assert "finish_Item" not in late
        assert "r['item'] = v" not in late
        assert "v['quantity'] = _decimal(_w) or Decimal(_w)" in late  # a Railz quantity: an int
        assert "v['unit_amount']" not in late  # a Decimal, as read
    code = fused_map.source("railz", "rutter")
    assert "r['item'] = finish_Item(v, run, None)" in code  # its finishers as ever


def _compiled(monkeypatch: pytest.MonkeyPatch, name: str, value: Any) -> str:
    monkeypatch.setattr(fused_map, name, value)
    return fused_map._compiled.__wrapped__("railz", "rutter", lookup=False, counted=True)[1]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAKE_KEYS", {k: v for k, v in MAKE_KEYS.items() if k != "line_total"}),  # undeclared
        ("MAKE_KEYS", {**MAKE_KEYS, "line_total": frozenset({"item"})}),  # names the item
        ("MAKE_KEYS", {**MAKE_KEYS, "rutter_id": frozenset({"line_items"})}),  # reads the lines
        ("MAKE_NO_LINES", frozenset()),  # lines a rule makes
        ("APPLY_LINE_KEYS", {**rules.APPLY_LINE_KEYS, "line_figures": frozenset({"item"})}),
    ],
)
def test_a_rule_that_may_name_it_leaves_its_finishing_as_ever(
    monkeypatch: pytest.MonkeyPatch, name: str, value: Any
) -> None:
    assert "if len(v) != 3:" not in _late(fused_map.source("railz", "rutter"))
    late = _late(_compiled(monkeypatch, name, value))
    assert "                if len(v) != 3:\n" in late
    assert "if type(_w) is int: v['unit_amount']" in late


def test_another_form_of_the_block_is_left_as_it_is() -> None:
    late = ["v = r['item']", "if v is not None:", "    v = _source_data(v)"]
    assert fused_map._as_made(late, "item", 3, set()) == late
    block = [
        "v = r['item']",
        "if v is not None:",
        "    if type(v) is not dict: v = _source_data(v)",
        "    if len(v) != 3:",
        "        r['item'] = finish_Item(v, run, None)",
        "    else:",
        "        _w = v['unit_amount']",
        "        if type(_w) is int: v['unit_amount'] = _decimal(_w) or Decimal(_w)",
        "        r['item'] = v",
    ]
    assert fused_map._as_made(block, "item", 2, set()) == block  # made with other keys
    assert fused_map._as_made(block, "item", 3, {"unit_amount"}) == []  # nothing left to do
    assert fused_map._as_made(block, "item", 3, set()) == [*block[:2], *(x[4:] for x in block[6:8])]


_DECLARED = r"""
from refundmap.mapping import rules

seen = {name: set() for name in rules.MAKE}
lines = {name: [] for name in rules.MAKE_NO_LINES}


class Seen:
    '''The dict a rule is given: each key it reads noted; read by get alone, else it fails.'''

    def __init__(self, held, keys):
        self.held, self.keys = held, keys

    def get(self, key, default=None):
        self.keys.add(key)
        return self.held.get(key, default)


def noted(name, rule):
    def given(src, out, run):
        made = rule(src, Seen(out, seen[name]), run)
        if name in lines:
            lines[name].append(None if made is None else repr(made.value))
        return made
    return given


for name, rule in list(rules.MAKE.items()):
    rules.MAKE[name] = noted(name, rule)
outcomes = every_conversion({}, {"directory": REFS}, {"defaults": DEFAULTS})
runs = sum(type(outcome) is list for outcome in outcomes)
print(json.dumps({"runs": runs, "seen": {k: sorted(v) for k, v in seen.items()}, "lines": lines}))
"""


def test_each_make_rule_reads_only_the_keys_it_declares_and_makes_no_line() -> None:
    """Every fixture, every pair: the keys each make rule read, by a dict that notes them."""
    found = every_conversion(_DECLARED)
    assert found["runs"] > 150
    assert set(found["seen"]) == set(MAKE) == set(MAKE_KEYS)
    for name, keys in found["seen"].items():
        assert set(keys) <= MAKE_KEYS[name], name
    assert found["seen"]["rutter_id"] == ["platform_id"]  # it was given the dict, and read it
    assert set(MAKE) >= MAKE_NO_LINES
    for name, values in found["lines"].items():
        assert values, name  # asked
        assert set(values) <= {None, "[]"}, name


def _railz(items: list[dict[str, Any]]) -> dict[str, Any]:
    record = json.loads((FIXTURES / "railz" / "seed-refund.json").read_text())
    line = record["lines"][0]
    record["lines"] = [{**copy.deepcopy(line), **item} for item in items]
    for one in record["lines"]:
        for key in [k for k, v in one.items() if v is None]:
            del one[key]
    return record


_ITEMS = [
    {},
    {"quantity": None},
    {"unitAmount": None},
    {"inventoryRef": None},
    {"quantity": None, "unitAmount": None, "inventoryRef": None},
    {"quantity": 4, "unitAmount": 0.125},
    {"quantity": 1500, "unitAmount": 7},
]


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


@pytest.mark.parametrize("form", ["text", "decoded"])
def test_items_of_every_shape_are_as_on_the_detailed_path(form: str) -> None:
    record = _railz(_ITEMS)
    document: Any = jsonio.dumps(jsonio.loads(json.dumps(record)))
    if form == "decoded":
        document = jsonio.loads(document)
    outcomes = []
    for enabled in (False, True):
        fused.ENABLED = enabled
        try:
            taken = fused.TALLY.mapped
            result = refundmap.convert(document, "railz", "rutter", synced_at=SYNCED_AT)
            outcomes.append((_typed(result.output), result.to_json(), result.report))
        finally:
            fused.ENABLED = True
    assert fused.TALLY.mapped == taken + 1  # the fast path took it
    detailed, fast = outcomes
    assert fast == detailed
    items = [line.get("item") for line in fast[0]["line_items"]]
    assert ("Decimal", Decimal(1500)) in [i.get("quantity") for i in items if type(i) is dict]


def test_lines_a_write_rules_value_gives_are_left_as_ever() -> None:
    """``out[key] = m.value`` after another rule's ``m`` than a make rule's: lines made so."""
    compiler = fused_map._FusedCompiler(
        fused_map.get_format("railz"),
        fused_map.get_format("rutter"),
        lookup=False,
        require_refs=False,
        counted=True,
    )
    pattern = r" +out\['line_items'\] = \[(map_line_\w+)\(x, sp, tp, i, run\) for i, x in .+"
    refund = [
        "    out = {'line_items': None}",
        "        out['line_items'] = [map_line_1(x, sp, tp, i, run) for i, x in enumerate(seq)]",
        "            m = _write_lines_2(v, src, run)",
        "            out['line_items'] = m.value",
    ]
    assert compiler._lines_ruled(refund, "line_items", pattern, {}) is None
    assert compiler._lines_ruled(refund[:2], "line_items", pattern, {}) == set()
