"""A refund's lines are finished by their finisher's body inlined in a loop: as by calling it."""

from __future__ import annotations

import copy
import re
import textwrap
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.formats import get_format
from refundmap.mapping import fused_map
from refundmap.mapping.compiler import _compiled
from refundmap.mapping.fused_map import _inlined

SYNCED_AT = "2024-06-30T12:00:00Z"
PAIRS = {"rutter": ("railz", "finish_RefundLine"), "railz": ("rutter", "finish_LineItem")}


def _loop(source: str) -> tuple[dict[str, Any], Any, str]:
    """Return the pair's namespace, its refund's finishing loop compiled, and the loop's list."""
    target, _ = PAIRS[source]
    mapper, code = fused_map._compiled(source, target, lookup=False, counted=True)
    refund = code[code.index("def map_refund(") :]
    found = re.search(r"\n(    _ls = out\.get\('(\w+)'\)\n    if _ls:\n(?:        .*\n)+)", refund)
    assert found is not None
    body = "def loop(out, run, sp):\n" + found[1] + "    return out\n"
    namespace = dict(mapper.__globals__)
    exec(body, namespace)  # noqa: S102 - the generated code, as generated
    return namespace, namespace["loop"], found[2]


values = st.one_of(st.none(), st.integers(-2, 5), st.sampled_from([Decimal("1.5"), "x"]))


refs = st.sampled_from([None, {"id": "a"}, {"name": "n"}, {"id": "a", "name": "n"}])
items = st.one_of(
    st.none(), st.builds(lambda q: {"id": "i", "quantity": q, "unit_amount": None}, values)
)


def _lines(keys: list[str], added_keys: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    each = {k: refs if k.endswith("Ref") else items if k == "item" else values for k in keys}
    made = st.fixed_dictionaries(each)
    added = st.dictionaries(st.sampled_from(added_keys), values)
    line = st.builds(lambda made, added: {**made, **added}, made, added)
    return st.lists(line, min_size=1, max_size=3)


def _made_keys(source: str) -> list[str]:
    target, _ = PAIRS[source]
    code = fused_map._compiled(source, target, lookup=False, counted=True)[1]
    display = re.search(r"def map_line_\d+\(.*\n    out = (?:_blank_\d+\(\)  # )?\{(.*)\}", code)
    assert display is not None
    return re.findall(r"'(\w+)': None", display[1])


@pytest.mark.parametrize("source", sorted(PAIRS))
def test_the_loop_finishes_each_line_as_its_finisher_does(source: str) -> None:
    namespace, loop, key = _loop(source)
    loop_code = fused_map.source(source, PAIRS[source][0]).split("_ls = out.get(")[1]
    _, finish = PAIRS[source]
    at = namespace[f"{finish}_made_at"]
    converter = refundmap.Converter(source, PAIRS[source][0], synced_at=SYNCED_AT)

    # Keys the loop does not test are finished where the line is mapped (test_fused_map_finished:
    # only a rule's keys are tested after it, and a line remade only where it added one).
    made = _made_keys(source)
    tested = set(re.findall(r"r\['(\w+)'\]", loop_code.split("    r = out")[0]))
    remade_by_len = "if len(r) != " in loop_code
    added_keys = ["taxAmount", "discountAmount"] + (["type", "id"] if remade_by_len else [])

    @given(_lines(made, added_keys))
    def check(lines: list[dict[str, Any]]) -> None:
        runs = [fused_map.start_run(converter, None, fused_map._Counted) for _ in range(3)]
        index = namespace[re.findall(r"\(sp \+ (_at_\d+)\[_li\]\)", loop_code)[0]]
        called = [at(copy.deepcopy(line), runs[0], "$.x", index, i) for i, line in enumerate(lines)]
        given = copy.deepcopy(lines)
        for i, line in enumerate(given):  # as mapped: the keys not tested finished already
            alone = {k: v for k, v in line.items() if k in made}
            finished = at(copy.deepcopy(alone), runs[2], "$.x", index, i)
            for k in made:
                if k not in tested:
                    if k in finished:
                        line[k] = finished[k]
                    else:
                        del line[k]
        looped = loop({key: given}, runs[1], "$.x")[key]
        assert looped == called
        assert [list(line) for line in looped] == [list(line) for line in called]
        assert runs[0].unmappable == runs[1].unmappable

    check()


def test_a_body_with_another_return_or_a_refunds_name_is_not_inlined() -> None:
    body = [
        "    if len(r) != 2:",
        "        return finish_X(r, run, (sp + _at[_li]))",
        "    return r",
    ]
    # A line remade is put in its place; one finished in place stays there (no new list).
    assert _inlined(body, "_at_3") == [
        "if len(r) != 2:",
        "    _ls[_li] = finish_X(r, run, (sp + _at_3[_li]))",
        "    continue",
    ]
    assert _inlined([*body[:2], "    return None", "    return r"], "_at_3") is None
    assert _inlined(["    out = r", "    return r"], "_at_3") is None
    assert _inlined(body[:2], "_at_3") is None  # no line kept at the end


@pytest.mark.parametrize(
    "rebinding",
    ["r = dict(r, made=1)", "r, _ = {**r, 'made': 1}, 0", "for r in [{**r, 'made': 1}]: pass"],
)
def test_a_body_that_makes_its_line_anew_is_not_finished_in_place(rebinding: str) -> None:
    """A finisher whose ``r`` is another line by its end returns that one: not left in the list."""
    body = ["    r['seen'] = True", f"    {rebinding}", "    return r"]
    namespace: dict[str, Any] = {}
    exec("def finish(r, run, sp, _at, _li):\n" + "\n".join(body) + "\n", namespace)  # noqa: S102
    called = [namespace["finish"]({"n": i}, None, "$", None, i) for i in range(2)]
    inlined = _inlined(body, "_at_3")
    if inlined is None:
        return  # each line finished by a call, as ever
    loop = ["def loop(_ls):", "    for _li, r in enumerate(_ls):"]
    exec("\n".join([*loop, *(f"        {line}" for line in inlined), "    return _ls"]), namespace)  # noqa: S102
    assert namespace["loop"]([{"n": i} for i in range(2)]) == called


def test_the_refunds_function_finishes_its_lines_in_a_loop() -> None:
    for source, (target, finish) in PAIRS.items():
        code = textwrap.dedent(fused_map.source(source, target))
        assert "for _li, r in enumerate(_ls):" in code
        assert f"[{finish}_made_at(" not in code


def test_the_refunds_finisher_is_written_in_its_function() -> None:
    """No call a record: the made finisher's body ends the refund's function, after r = out."""
    for source, (target, _) in PAIRS.items():
        code = fused_map.source(source, target)
        refund = code[code.index("def map_refund(") :]
        assert "    r = out\n" in refund  # its keys' tests after (some where mapped: see
        # test_fused_map_finished.py)
        assert not re.search(r"return finish_\w+_made\(out, run, sp\)", refund)
        detailed = _compiled(source, target, lookup=False)[1]
        assert re.search(r"return finish_\w+_made\(out, run, sp\)", detailed)  # as ever there


def test_a_function_ending_otherwise_is_left_as_it_is() -> None:
    compiler = fused_map._FusedCompiler(
        get_format("railz"), get_format("rutter"), lookup=False, require_refs=False, counted=True
    )
    compiler.functions.append(["def finish_X_made(r, run, sp):", "    out = r", "    return r"])
    lines = ["def map_refund(src, sp, tp, run):", "    return finish_X_made(out, run, sp)"]
    compiler._finished_here(lines)  # the finisher names the refund's out: called
    assert lines[-1] == "    return finish_X_made(out, run, sp)"
    lines = ["def map_refund(src, sp, tp, run):", "    return out"]
    compiler._finished_here(lines)
    assert lines[-1] == "    return out"
