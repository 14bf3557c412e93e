"""The fast mapping's code as printed (refundmap.mapping.fused_map.source)."""

from __future__ import annotations

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
