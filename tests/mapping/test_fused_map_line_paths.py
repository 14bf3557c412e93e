"""A line's function is given its refund's paths and its index: its own joined where used."""

from __future__ import annotations

import re

import pytest

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
        assert f"[{name}(x, sp, tp, i, run) for i, x in enumerate(seq)]" in code
        # Each use of the line's paths joins them: the refund's, its list's suffix, its index.
        uses = re.findall(r"\b[st]p\b(?: \+ (_at_\d+)\[_li\])?", body)
        push = re.search(r"add\(\(_PUSH, sp, tp, (_at_\d+), (_at_\d+), _li\)\)", body)
        assert push is not None
        joined = [at for at in uses if at]
        assert set(joined) <= {push[1], push[2]}
        assert len(uses) - len(joined) == 2  # the push's own: the refund's paths


def test_a_lines_rows_are_noted_at_its_index_when_read() -> None:
    """A line's push holds its refund's paths and its lists' suffixes: joined when read."""
    at_s, at_t = _Indexed(".lines"), _Indexed(".line_items")
    row = (Kind.DROPPED, ".id", None, "rutter has no field for it")
    notes = [
        (fused_map._PUSH, "$.data[3]", "$.customer_refunds[3]"),
        (fused_map._PUSH, "$.data[3]", "$.customer_refunds[3]", at_s, at_t, 2000),
        row,
        fused_map._POP,
        row,
        fused_map._POP,
    ]
    assert fused_map._entries([("$", "$", notes)]) == [
        Entry(Kind.DROPPED, "$.data[3].lines[2000].id", None, "rutter has no field for it"),
        Entry(Kind.DROPPED, "$.data[3].id", None, "rutter has no field for it"),
    ]
