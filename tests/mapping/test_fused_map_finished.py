"""A refund's keys finished where they are mapped, not after its rules (fused_map).

The fast compiler writes each key of the refund that is written at one place alone
finished there: null, left out (or reported missing) in an ``else:``; a value written as
the model writes it. That holds only where every rule given the refund's dict reads and
writes the keys it declares (:data:`~refundmap.mapping.rules.APPLY_REFUND_KEYS`, and of
its lines :data:`~refundmap.mapping.rules.APPLY_LINE_KEYS`), which are left to the
finisher after the rules; a line is remade only where it holds a key a rule adds. The
differential tests (tests/conversion/test_fast.py) hold the output, report and errors to
the detailed path's.
"""

from __future__ import annotations

import re

from refundmap.mapping import fused_map
from refundmap.mapping.fused_map import _finished_where_mapped, _split_block
from refundmap.mapping.rules import APPLY, APPLY_LINE_KEYS, APPLY_REFUND_KEYS

from helpers import every_conversion


def _refund(source: str, target: str) -> str:
    code = fused_map.source(source, target)
    return code[code.index("def map_refund(") :]


def test_rutter_into_railz_finishes_the_refunds_keys_where_mapped() -> None:
    """No len test, no second read: each key but the lines and the made subTotal at its write."""
    refund = _refund("rutter", "railz")
    finisher = refund[refund.index("    r = out\n") :]
    assert "if len(r)" not in finisher
    assert [line for line in finisher.splitlines() if line.startswith("    v = r[")] == [
        "    v = r['lines']",
        "    v = r['subTotal']",
    ]
    assert "        out['memo'] = v\n    else:\n        del out['memo']\n" in refund
    assert (
        "        out['date'] = _kt[1] if (_kt := _kept(_id(v))) is not None and _kt[0] is v"
        " else (_day(v) or (format_date(v) if type(v) is not str else v))\n    else:\n"
        "        del out['date']\n        run.missing(sp, 'railz requires date, and there is no"
        " value for it')\n"
    ) in refund


def test_rutter_into_railz_finishes_its_lines_keys_where_mapped() -> None:
    """After the rules, a line is tested only for what line_figures writes, remade if it added."""
    refund = _refund("rutter", "railz")
    late = refund[refund.index("        for _li, r in enumerate(_ls):\n") :].splitlines()[1:]
    late = late[: late.index("    r = out")]
    assert late[0] == "            if 'discountAmount' in r or 'taxAmount' in r:"
    tested = re.findall(
        r"^            (?:if r|v = r)\['(\w+)'\]", "\n".join(late[3:]), re.MULTILINE
    )
    assert tested == ["quantity", "subTotal", "totalAmount"]  # its quantity is written twice
    assert "                out_l['description'] = v_l\n            else:\n" in refund
    assert "            else:\n                del out_l['inventoryRef']\n" in refund


def test_railz_into_rutter_finishes_the_keys_its_make_rules_do_not_read_where_mapped() -> None:
    """Its make rules are given the dict, and read only MAKE_KEYS' keys: those finished after."""
    refund = _refund("railz", "rutter")
    assert "    m = _make_" in refund
    finisher = refund[refund.index("    r = out\n") :]
    assert "if len(r)" not in finisher
    assert "    if r['platform_id'] is None:\n" in finisher  # rutter_id reads it
    assert "    if r['id'] is None:\n" in finisher  # a make rule's value
    assert "r['transaction_date']" not in finisher
    assert "r['total_amount']" not in finisher[finisher.index("    r = out\n    ") :]
    assert (
        "        out['total_amount'] = v\n    else:\n        del out['total_amount']\n"
        "        run.missing(sp, 'rutter requires total_amount, and there is no value for it')\n"
    ) in refund


_MADE = [
    "def map_refund(src, sp, tp, run):",
    "    out = {'memo': None, 'lines': None}",
    "    v = src.memo",
    "    if v is not None:",
    "        out['memo'] = v",
    "    v = src.lines",
    "    if v:",
    "        out['lines'] = v",
    "    _apply_9(src, out, run, sp, tp)",
    "    r = out",
    "    if len(r) != 2:",
    "        return finish_X(r, run, sp)",
    "    if r['memo'] is None:",
    "        del r['memo']",
    "    v = r['lines']",
    "    if v is None:",
    "        del r['lines']",
    "    else:",
    "        if type(v) is int: r['lines'] = f(v)",
    "    return r",
]


def test_only_keys_no_rule_reads_are_finished_where_mapped() -> None:
    lines = list(_MADE)
    _finished_where_mapped(lines, {"_apply_9": frozenset({"lines"})})
    assert lines[3:7] == [
        "    if v is not None:",
        "        out['memo'] = v",
        "    else:",
        "        del out['memo']",
    ]
    assert lines[-7:] == [
        "    r = out",
        "    v = r['lines']",
        "    if v is None:",
        "        del r['lines']",
        "    else:",
        "        if type(v) is int: r['lines'] = f(v)",
        "    return r",
    ]
    lines = list(_MADE)
    _finished_where_mapped(lines, {"_apply_9": frozenset()})
    assert "        out['lines'] = f(v) if type(v) is int else v" in lines
    assert lines[-2:] == ["    r = out", "    return r"]


def test_a_make_rule_reads_only_the_keys_it_declares() -> None:
    lines = list(_MADE)
    lines[8] = "    m = _make_3(src, out, run)"
    _finished_where_mapped(lines, {}, made_by={"_make_3": frozenset({"lines"})})
    assert lines[3:7] == [
        "    if v is not None:",
        "        out['memo'] = v",
        "    else:",
        "        del out['memo']",
    ]
    assert lines[-7:-5] == ["    r = out", "    v = r['lines']"]
    for undeclared in ({}, {"_make_3": None}, {"_make_4": frozenset()}):
        lines = list(_MADE)
        lines[8] = "    m = _make_3(src, out, run)"
        before = list(lines)
        _finished_where_mapped(lines, {}, made_by=undeclared)
        assert lines == before


def test_a_dict_given_to_an_undeclared_call_or_a_key_added_is_left_as_it_is() -> None:
    for changed in (
        {8: "    _apply_9(src, out, run, sp, tp)"},  # a rule that declares nothing
        {8: "    m = _make_3(src, out, run)"},
        {8: "    out['other'] = 1"},  # a key the dict was not made with
        {5: "    out['memo'] = v"},  # written twice
    ):
        lines = list(_MADE)
        for index, line in changed.items():
            lines[index] = line
        before = list(lines)
        _finished_where_mapped(lines, {} if 8 in changed else {"_apply_9": frozenset({"lines"})})
        if 5 in changed:  # memo left after, the lines still finished where mapped
            assert "    if r['memo'] is None:" in lines
            continue
        assert lines == before


_DECLARED = r"""
from refundmap.mapping import rules


seen = {name: set() for name in rules.APPLY}
seen_lines = {name: set() for name in rules.APPLY}


class Seen:
    '''The refund's dict as a rule is given it: each key it reads or writes noted.'''

    def __init__(self, held, keys, lines=None):
        self.held, self.keys, self.lines = held, keys, lines

    def get(self, key, default=None):
        self.keys.add(key)
        value = self.held.get(key, default)
        if self.lines is not None and key in ("lines", "line_items") and value:
            return [Seen(line, self.lines) for line in value]  # each line's keys noted too
        return value

    def __getitem__(self, key):
        self.keys.add(key)
        return self.held[key]

    def __setitem__(self, key, value):
        self.keys.add(key)
        self.held[key] = value

    def __len__(self):
        return len(self.held)

    def __contains__(self, key):
        self.keys.add(key)
        return key in self.held


def noted(name, rule):
    return lambda src, out, run, sp, tp: rule(
        src, Seen(out, seen[name], seen_lines[name]), run, sp, tp
    )


for name, rule in list(rules.APPLY.items()):
    rules.APPLY[name] = noted(name, rule)
outcomes = every_conversion({}, {"directory": REFS}, {"defaults": DEFAULTS})
runs = sum(type(outcome) is list for outcome in outcomes)
print(json.dumps({
    "runs": runs,
    "seen": {k: sorted(v) for k, v in seen.items()},
    "lines": {k: sorted(v) for k, v in seen_lines.items()},
}))
"""


def test_each_rule_reads_and_writes_only_the_refunds_keys_it_declares() -> None:
    """Every fixture, every pair: the keys each applied rule touched, by a dict that notes them."""
    found = every_conversion(_DECLARED)
    assert found["runs"] > 150  # none of the three ways refused outright
    assert set(found["seen"]) == set(APPLY) == set(APPLY_REFUND_KEYS)
    for name, keys in found["seen"].items():
        assert set(keys) <= APPLY_REFUND_KEYS[name], name
    for name, keys in found["lines"].items():
        assert set(keys) <= APPLY_LINE_KEYS[name], name
    assert found["seen"]["line_figures"]  # it was given the dict, and read it
    assert found["lines"]["line_figures"]  # and wrote into its lines
    assert found["lines"]["department"]


def test_a_null_written_as_null_has_no_lines_for_none() -> None:
    assert _split_block(
        ["    v = r['k']", "    if v is not None:", "        if type(v) is not str: r['k'] = f(v)"],
        "k",
    ) == (["        if type(v) is not str: out['k'] = f(v)"], [])
    assert _split_block(["    v = r['k']", "    if type(v) is int: r['k'] = g(v)"], "k") == (
        ["        if type(v) is int: out['k'] = g(v)"],
        [],
    )
    assert _split_block(
        ["    v = r['k']", "    if v is not None:", "        r['j'] = f(v)"], "k"
    ) == (
        None,
        None,
    )
    assert _split_block(["    v = r['k']", "    if type(v) is int: r['j'] = g(v)"], "k") == (
        None,
        None,
    )
