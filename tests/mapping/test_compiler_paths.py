"""The compiled mapping's line paths: a list's suffix by index, made once (compiler._Indexed)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.mapping import compiler, fused
from refundmap.mapping.compiler import _INDEXED_HELD, _Indexed

SYNCED_AT = "2024-06-30T12:00:00.000Z"
FIXTURES = Path(__file__).parents[2] / "fixtures"


@given(st.integers(min_value=0, max_value=3 * _INDEXED_HELD), st.sampled_from([".lines", ".x"]))
def test_an_index_suffix_is_the_f_string_it_stands_for(index: int, key: str) -> None:
    """Held or not, made first or again, the suffix is the key and the index in brackets."""
    indexed = _Indexed(key)
    assert indexed[index] == f"{key}[{index}]"
    assert indexed[index] == f"{key}[{index}]"  # again: held, or made again
    assert (index in indexed) == (index < _INDEXED_HELD)  # a long list's tail is not held


def test_the_generated_code_joins_line_paths_from_held_suffixes() -> None:
    """Each line's source and target paths, and its finisher's, read a held suffix."""
    code = compiler.source("railz", "rutter")
    assert "f'{sp}.lines[{i}]'" not in code
    assert "sp + _at_" in code
    assert "tp + _at_" in code


def test_the_paths_of_many_lines_are_their_own() -> None:
    """Lines past the held suffixes are noted at their own index, on both paths alike."""
    page = json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text())
    record = page["data"][0]
    line = record["lines"][0]
    many = _INDEXED_HELD + 3
    record["lines"] = [line] * many
    page["data"] = [record]
    page["count"] = 1
    taken = fused.TALLY.mapped
    fast = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED_AT)
    assert fused.TALLY.mapped == taken + 1  # the fast mapping took it
    fused.ENABLED = False
    try:
        detailed = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED_AT)
    finally:
        fused.ENABLED = True
    assert fast.report == detailed.report
    assert fast.to_json() == detailed.to_json()
    last = f"$.data[0].lines[{many - 1}]."
    assert any(entry.source_path.startswith(last) for entry in fast.report)
    targets = {entry.target_path for entry in fast.report if entry.target_path}
    assert any(
        path.startswith(f"$.customer_refunds[0].line_items[{many - 1}].") for path in targets
    )
