"""A make rule that makes nothing for a pair, whatever the record, is not compiled in.

The compiler asks each make rule with a run that tells only its formats and a
record and dict it cannot read (``_Compiler._idle``): a rule that returns None
so makes nothing for that pair, and its call, its flag and its writes are left out.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import pytest

from refundmap.formats import get_format
from refundmap.mapping import fused_map
from refundmap.mapping.compiler import _UNREAD, _Compiler, _FormatsOnly, _Read
from refundmap.mapping.rules import MAKE, Made

from helpers import every_conversion


def _idle(source: str, target: str) -> set[str]:
    compiler = _Compiler(get_format(source), get_format(target), lookup=False)
    return {name for name in MAKE if compiler._idle(name)}


def test_the_rules_idle_for_rutter_into_railz() -> None:
    """Into Railz from Rutter: no required account, no line discounts, no line totals."""
    assert _idle("rutter", "railz") == {
        "required",
        "required_lines",
        "line_discounts",
        "line_total",
    }
    code = fused_map.source("rutter", "railz")
    assert "_make_" not in code  # only its subTotal's, written inline
    assert "out['accountRef'] = {'id': v}" in code  # no rule writes into it: made at once


@pytest.mark.parametrize(("source", "target"), [("railz", "rutter"), ("railz", "rutter-create")])
def test_a_rule_that_raises_or_reads_the_record_is_compiled_in(source: str, target: str) -> None:
    """Into Rutter the account is required (a rule that raises); a rule reading the record stays."""
    idle = _idle(source, target)
    assert "required" not in idle
    assert "tax_inclusive" not in idle  # it reads the record's lines
    assert "rutter_id" not in idle  # it reads the dict
    assert "synced_at" not in idle  # it reads the run's time
    # Into a Rutter response the lines' discounts are summed (the record read); into a body, not.
    assert ("line_discounts" in idle) == (target == "rutter-create")


def test_a_run_that_tells_only_its_formats_raises_for_the_rest() -> None:
    formats = _FormatsOnly(get_format("rutter"), get_format("railz"))
    assert formats.target.name == "railz"
    assert formats.target_name == "railz"
    for read in (
        lambda: formats.synced_at,
        lambda: formats.rows,
        lambda: _UNREAD.total_amount,
        lambda: _UNREAD["lines"],
        lambda: bool(_UNREAD),
        lambda: _UNREAD == 0,
    ):
        with pytest.raises(_Read):
            read()


def _careful(src: Any, _out: dict[str, Any], _run: Any) -> Made | None:
    try:
        total = src.total_amount
    except Exception:  # noqa: BLE001 - a rule that makes nothing where it cannot read
        return None
    return Made(total)


def _suppressing(src: Any, _out: dict[str, Any], _run: Any) -> Made | None:
    with suppress(Exception):
        return Made(src.total_amount)
    return None


@pytest.mark.parametrize("rule", [_careful, _suppressing])
def test_a_rule_that_catches_what_it_cannot_read_is_compiled_in(
    rule: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal of a reading is no Exception: a rule catching one still reads the record."""
    monkeypatch.setitem(MAKE, "careful", rule)
    compiler = _Compiler(get_format("railz"), get_format("rutter"), lookup=False)
    assert not compiler._idle("careful")


_EVERY_PAIR = r"""
from refundmap.mapping.compiler import _Compiler


if sys.argv[2] == "every rule":  # every make rule compiled in, as before
    _Compiler._idle = lambda self, make: False
options = ({}, {"directory": REFS}, {"defaults": DEFAULTS}, {"require_refs": True})
print(json.dumps(list(every_conversion(*options))))
"""


def test_no_pair_converts_otherwise_without_its_idle_rules() -> None:
    """Every fixture, every pair, with and without a directory, defaults or required ids."""
    outcomes = [every_conversion(_EVERY_PAIR, how) for how in ("idle left out", "every rule")]
    assert len(outcomes[0]) > 100
    assert outcomes[0] == outcomes[1]
