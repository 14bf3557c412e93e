"""A reference a table makes of its copied id alone is made in one display, not filled in."""

from __future__ import annotations

import re

from refundmap.mapping import fused_map
from refundmap.mapping.compiler import _compiled, _made_at_once

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
        for key, body in [*((k, line) for k in LINE_REFS), ("customerRef", refund)]:
            assert f"out[{key!r}] = {{'id': v}}" in body
            assert f"_t = out.get({key!r})" not in body
        assert "out['currencyRef'] = {'id': v}" in refund
        # The refund's account may be made by a rule too: filled in, as before.
        assert "_t = out.get('accountRef')" in refund
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
