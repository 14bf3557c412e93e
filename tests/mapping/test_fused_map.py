"""The fast mapping's code as printed (refundmap.mapping.fused_map.source)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

import refundmap
from refundmap.mapping import fused_map

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("source", "target", "document"),
    [
        ("railz", "rutter", "railz/quickbooks-list.json"),
        ("rutter", "railz", "rutter/seed-list.json"),
    ],
)
def test_the_printed_mapping_is_the_one_a_conversion_runs(
    source: str, target: str, document: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``source()`` prints the code ``convert`` runs (docs/performance.md), not another variant."""
    ran: list[str] = []
    compiled = fused_map._compiled

    def seen(*args: Any, **kwargs: Any) -> tuple[Any, str]:
        made = compiled(*args, **kwargs)
        ran.append(made[1])
        return made

    monkeypatch.setattr(fused_map, "_compiled", seen)
    refundmap.convert((FIXTURES / document).read_bytes(), source, target)
    assert ran  # the fast mapping ran
    assert set(ran) == {fused_map.source(source, target)}


@pytest.mark.parametrize(("source", "target"), [("rutter", "railz"), ("railz", "rutter")])
def test_a_dict_made_null_is_a_copy_of_its_display_that_no_conversion_changes(
    source: str, target: str
) -> None:
    """A record's or a line's dict made null (``_blanks``) copies its display, which stays null."""
    mapper, code = fused_map._compiled(source, target, lookup=False, counted=True)
    made = re.findall(r" = (_blank_\d+)\(\)  # (\{.*\})\n", code)
    assert {name for name, _ in made} >= {"_blank_0", "_blank_1"}  # a line's and a record's
    assert not re.search(r"^ +\w+ = \{'\w+': None(, '\w+': None){3,}\}$", code, re.MULTILINE)
    document = FIXTURES / (
        "rutter/seed-list.json" if source == "rutter" else "railz/quickbooks-list.json"
    )
    refundmap.convert(document.read_bytes(), source, target)  # runs this very code (see above)
    for name, display in made:
        copy = mapper.__globals__[name]()
        assert list(copy.items()) == list(ast.literal_eval(display).items())  # keys in order, null
