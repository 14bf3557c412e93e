"""A line's function is given its refund's paths and its index: its own joined where used."""

from __future__ import annotations

import re
from typing import Any

import pytest

import refundmap
from refundmap.mapping import PAIRS, fused_map
from refundmap.mapping.compiler import _Indexed
from refundmap.report import Entry, Kind


@pytest.mark.parametrize(("source", "target"), sorted(PAIRS))
def test_a_line_joins_its_paths_only_where_it_uses_them(source: str, target: str) -> None:
    code = fused_map.source(source, target)
    lines = re.findall(r"def (map_line_\d+)\(src, sp, tp, _li, run\):\n((?:    .*\n)+)", code)
    if "def map_line_" not in code:
        return  # a pair without lines to map
    assert lines
    for name, body in lines:
        # Its body written in its refund's loop over the lines: no call a line.
        assert f"[{name}(x, sp, tp, i, run) for i, x in enumerate(seq)]" not in code
        assert "        for _li, _x in enumerate(seq):\n" in code
        # Each use of the line's paths joins them: the refund's, its list's suffix, its index.
        uses = re.findall(r"\b[st]p\b(?: \+ (_at_\d+)\[_li\])?", body)
        push = re.search(r"add\((_push_\d+)\[_li\]\)", body)
        assert push is not None
        named = fused_map._compiled(source, target, lookup=False, counted=True)[0].__globals__
        pushes = named[push[1]]
        joined = [at for at in uses if at]
        assert all(named[at] is pushes.at_s or named[at] is pushes.at_t for at in joined)
        assert len(uses) == len(joined)  # the push holds no path: the refund's are joined


def test_a_lines_rows_are_noted_at_its_index_when_read() -> None:
    """A line's push holds its lists' suffixes and its index: joined to its refund's when read."""
    pushes = fused_map._Pushes(_Indexed(".lines"), _Indexed(".line_items"))
    row = (Kind.DROPPED, ".id", None, "rutter has no field for it")
    assert pushes[2000] == (fused_map._PUSH, pushes.at_s, pushes.at_t, 2000)
    assert pushes[2] is pushes[2]  # made once: no container a line
    notes = [pushes[2000], row, fused_map._POP, row]
    assert fused_map._entries([("$.data[3]", "$.customer_refunds[3]", notes)]) == [
        Entry(Kind.DROPPED, "$.data[3].lines[2000].id", None, "rutter has no field for it"),
        Entry(Kind.DROPPED, "$.data[3].id", None, "rutter has no field for it"),
    ]


def test_a_late_lines_finisher_joins_its_path_only_where_it_uses_it() -> None:
    """Railz's late line finisher is given its refund's path and index: as if given its own."""
    mapper, code = fused_map._compiled("rutter", "railz", lookup=False, counted=True)
    assert "for _li, r in enumerate(_ls):" in code  # its body inlined in the refund's loop
    assert "_ls[_li] = finish_RefundLine(r, run, (sp + _at_" in code
    namespace = mapper.__globals__
    at, by_index = namespace["finish_RefundLine_made_at"], namespace["finish_RefundLine_made"]
    keys = re.search(r"def map_line_\d+\(.*\n    out = (?:_blank_\d+\(\)  # )?\{(.*)\}", code)
    assert keys is not None
    made = dict.fromkeys(re.findall(r"'(\w+)': None", keys[1]))
    cases = [
        # A reference's id missing (a line the table made has none such: remade by a rule).
        {**made, "description": "x", "accountRef": {"name": "no id"}, "taxAmount": 1},
        {**made, "taxAmount": 1},  # a key the line was not made with: remade
    ]
    converter = refundmap.Converter("rutter", "railz", synced_at="2024-06-30T12:00:00Z")
    found = []
    for case in cases:
        runs = [fused_map.start_run(converter, None, fused_map._Counted) for _ in range(2)]
        given = at(dict(case), runs[0], "$.customer_refunds[1]", _Indexed(".line_items"), 2)
        alone = by_index(dict(case), runs[1], "$.customer_refunds[1].line_items[2]")
        assert given == alone
        assert runs[0].unmappable == runs[1].unmappable
        found.append([problem.path for problem in runs[0].unmappable])
    assert found == [["$.customer_refunds[1].line_items[2]"], []]


def test_rutters_late_lines_finisher_joins_its_path_only_where_it_uses_it() -> None:
    """Rutter's line finishes its item in place, given no path: its own path joined where used."""
    mapper, code = fused_map._compiled("railz", "rutter", lookup=False, counted=True)
    assert "for _li, r in enumerate(_ls):" in code  # its body inlined in the refund's loop
    assert "_ls[_li] = finish_LineItem(r, run, (sp + _at_" in code
    assert "r['item'] = finish_Item(v, run, None)" in code  # the item's finisher, inlined
    namespace = mapper.__globals__
    at, by_index = namespace["finish_LineItem_made_at"], namespace["finish_LineItem_made"]
    keys = re.search(r"def map_line_\d+\(.*\n    out = (?:_blank_\d+\(\)  # )?\{(.*)\}", code)
    assert keys is not None
    made = dict.fromkeys(re.findall(r"'(\w+)': None", keys[1]))
    item = {"id": "i", "quantity": 2, "unit_amount": None}
    cases = [
        {**made, "description": "x", "item": dict(item)},  # total_amount missing
        {**made, "total_amount": 1, "item": {**item, "extra": 1}},  # an item remade
        {**made, "total_amount": 1, "type": "x"},  # a key the line was not made with: remade
    ]
    converter = refundmap.Converter("railz", "rutter", synced_at="2024-06-30T12:00:00Z")
    found = []
    for case in cases:
        runs = [fused_map.start_run(converter, None, fused_map._Counted) for _ in range(2)]
        given = at(dict(case), runs[0], "$.data[1]", _Indexed(".lines"), 2)
        alone = by_index(dict(case), runs[1], "$.data[1].lines[2]")
        assert given == alone
        assert runs[0].unmappable == runs[1].unmappable
        found.append([problem.path for problem in runs[0].unmappable])
    assert found == [["$.data[1].lines[2]"], [], []]


def test_the_lines_of_a_refund_are_pushed_each_and_popped_once() -> None:
    """Each line's push gives its paths; the one pop after them, its refund's again."""
    pushes = fused_map._Pushes(_Indexed(".lines"), _Indexed(".line_items"))
    row = (Kind.DROPPED, ".id", None, "rutter has no field for it")
    notes = [row, pushes[0], row, pushes[1], row, fused_map._POP, row]
    assert [e.source_path for e in fused_map._entries([("$", "$", notes)])] == [
        "$.id",
        "$.lines[0].id",
        "$.lines[1].id",
        "$.id",
    ]


@pytest.mark.parametrize(("source", "target"), sorted(PAIRS))
def test_a_refund_maps_its_lines_in_its_own_loop(source: str, target: str) -> None:
    """A line's locals are renamed apart from its refund's, which binds what it appends with."""
    code = fused_map.source(source, target)
    if "def map_line_" not in code:
        return
    refund = code[code.index("def map_refund(") :]
    loop = refund[
        refund.index("for _li, _x in enumerate(seq):") : refund.index(
            "out[", refund.index("_ml.append(")
        )
    ]
    assert "src" not in re.sub(r"'[^']*'|#.*", "", loop)  # each line read as _x
    assert re.search(r"\bv = ", loop) is None
    assert re.search(r"\bout\[", loop) is None
    for bound in set(re.findall(r"\b(_copy3?|_key|_names)\(", loop)):
        assert f"    {bound} = run." in refund or f"; {bound} = run." in refund


class _Said:
    """A run whose report is a list: what a line's mapping adds."""

    def __init__(self) -> None:
        self.report: list[Any] = []


#: f-strings of a line's locals: a conversion, a string key, a format spec, literal braces,
#: ``=``, a shared name; the refund's names hold other values where the line is written.
F_STRINGS = [
    "f'{v!r}'",
    "f'{m[\"v\"]}'",
    "f'{v:>{w}}'",
    "f'{{v}} {r}'",
    "f'{v=}'",
    "f'{v} and {r} [{_li}]'",
    "f'{y!r} {v}'",
    "f'{r!s:>{w}}{{'",
]


@pytest.mark.parametrize("words", F_STRINGS)
def test_a_lines_f_string_says_its_own_locals_in_its_refunds_loop(words: str) -> None:
    """A line's body written in its refund's loop says what the line's function says, or is a call.

    Its locals renamed in its f-strings' fields too, and only there: not a
    conversion's letter, a string key, a literal brace, the ``v=`` that writes
    the name; a format spec's field is the line's (not the refund's ``w``).
    """
    function = [
        "def map_line_9(src, sp, tp, _li, run):",
        "    out = {'a': None}",
        "    add = run.report.append",
        "    add(_push_9[_li])",
        "    v = src",
        "    r = v + 1",
        "    w = 6",
        "    m = {'v': v}",
        "    y = 'y'",
        f"    add({words})",
        "    out['a'] = v",
        "    add(_POP)",
        "    return out",
    ]
    body = fused_map._inlined_line(function)
    if body is None:
        return  # left a call: the line's own frame
    assert not any(line.startswith("_bind ") for line in body)
    refund = [
        "def map_refund(seq, sp, tp, run):",
        "    v = r = w = m = y = out = 'the refund'",
        "    add = run.report.append",
        "    _ml = []",
        "    for _li, _x in enumerate(seq):",
        *(f"        {line}" for line in body),
        "    return _ml, (v, r, w, m, y, out)",
    ]
    namespace: dict[str, Any] = {"_push_9": ["push 0", "push 1"], "_POP": "pop"}
    exec("\n".join([*function, *refund]) + "\n", namespace)  # noqa: S102 - the code proved
    alone, inlined = _Said(), _Said()
    made = [namespace["map_line_9"](x, "$", "$", i, alone) for i, x in enumerate((7, 8))]
    looped, kept = namespace["map_refund"]((7, 8), "$", "$", inlined)
    assert looped == made
    assert inlined.report == [note for note in alone.report if note != "pop"]
    assert kept == ("the refund",) * 6


#: Statements binding a line's locals otherwise than ``name = ...``.
BINDINGS = [
    ["a, b = v, r", "add(a + b)"],
    ["[c] = [v]", "add(c)"],
    ["for q in (v, r):", "    add(q)"],
    ["k: int = v", "add(k)"],
    ["q = 0", "q += v", "add(q)"],
    ["try:", "    add(1 // (v - v))", "except ZeroDivisionError as exc:", "    add(str(exc))"],
    ["e = [a for a in (v, r)]", "add(e)"],
]


@pytest.mark.parametrize("statements", BINDINGS, ids=lambda statements: statements[0])
def test_a_lines_locals_however_bound_are_its_own_in_its_refunds_loop(
    statements: list[str],
) -> None:
    """A line's local, however bound (unpacked, a loop's, annotated), is apart from the refund's."""
    function = [
        "def map_line_9(src, sp, tp, _li, run):",
        "    out = {'a': None}",
        "    add = run.report.append",
        "    add(_push_9[_li])",
        "    v = src",
        "    r = v + 1",
        *(f"    {statement}" for statement in statements),
        "    out['a'] = v",
        "    add(_POP)",
        "    return out",
    ]
    body = fused_map._inlined_line(function)
    assert body is not None
    names = ("a", "b", "c", "e", "k", "q", "exc", "out")
    refund = [
        "def map_refund(seq, sp, tp, run):",
        f"    {' = '.join(names)} = 'the refund'",
        "    add = run.report.append",
        "    _ml = []",
        "    for _li, _x in enumerate(seq):",
        *(f"        {line}" for line in body),
        f"    return _ml, ({', '.join(names)},)",
    ]
    namespace: dict[str, Any] = {"_push_9": ["push 0", "push 1"], "_POP": "pop"}
    exec("\n".join([*function, *refund]) + "\n", namespace)  # noqa: S102 - the code proved
    alone, inlined = _Said(), _Said()
    made = [namespace["map_line_9"](x, "$", "$", i, alone) for i, x in enumerate((7, 8))]
    looped, kept = namespace["map_refund"]((7, 8), "$", "$", inlined)
    assert looped == made
    assert inlined.report == [note for note in alone.report if note != "pop"]
    assert kept == ("the refund",) * len(names)
