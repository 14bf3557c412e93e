"""A run's test of a value under a source object read into a local reads the local by its name."""

from __future__ import annotations

import re

from refundmap.mapping import fused_map


def test_a_held_heads_values_are_tested_by_its_name() -> None:
    code = fused_map.source("railz", "rutter")
    runs = re.findall(r"add\(\(_RUN, .*?\n\s*\)\)", code, re.DOTALL)
    assert len(runs) == 3  # the line's (called and inlined), the refund's
    tests = [line for run in runs for line in run.splitlines()[1:-1]]
    held = [line for line in tests if "_h_" in line]
    assert held
    assert not any(":=" in line for line in held)  # no store a value
    assert "'dropped' if _h_tax_rate_ref_l is not None and _h_tax_rate_ref_l.name is not None" in (
        "\n".join(held)
    )


def test_a_head_read_where_tested_is_stored_once() -> None:
    code = fused_map.source("rutter", "railz")
    test = "(v := src.additional_fields) is not None and v.shipping_amount is not None"
    assert test in code
