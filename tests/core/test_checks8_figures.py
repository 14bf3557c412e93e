"""``figures.line_figures`` converts as before its rules' first tests were written into it.

A Railz refund into Rutter asks ``_tax_by_refund`` only where a line is held for its
refund, ``_discount_by_refund`` only where the refund has a ``totalDiscount`` and the
target does not compute totals, and a Rutter refund's rule is asked first. The old
form is kept here as the reference: every fixture and refunds drawn from
:mod:`refundmap.testing` converted into every format, in a child process with each
form compiled in, give the same outputs, reports and errors; each rule did work in
both.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refundmap.testing import refunds

from helpers import EVERY_CONVERSION, FIXTURES

_CHILD = r"""
import pickle
from refundmap.formats import FORMATS
from refundmap.mapping import figures, rules
from refundmap.mapping.lines import one_amount_lines


def old_line_figures(src, out, run, sp, tp):
    # figures.line_figures before: each rule called, which tested its own first case.
    if run.source.vendor == "railz" and run.target.vendor == "rutter":
        if run.source.line_figures:
            figures._tax_by_refund(src, out, run, sp, tp)
        discounts = figures._discount_by_refund(src, out, run, sp, tp)
        if one_amount_lines(run.source) and not run.target.is_body:
            figures._v2_lines_before_tax(src, out, run, sp, tp, discounts=discounts)
        return
    if run.source.vendor == "rutter":  # _rutter_line_figures' own first test, before
        figures._rutter_line_figures(src, out, run, sp, tp)


worked = {"held": 0, "discounted": 0, "v2": 0}
real_tax, real_discount = figures._tax_by_refund, figures._discount_by_refund
real_v2 = figures._v2_lines_before_tax


def tax_by_refund(src, out, run, sp, tp):
    worked["held"] += bool(run.unclear_lines)
    return real_tax(src, out, run, sp, tp)


def discount_by_refund(src, out, run, sp, tp):
    worked["discounted"] += bool(src.total_discount and not run.target.computes_totals)
    return real_discount(src, out, run, sp, tp)


def v2_lines_before_tax(*args, **kwargs):
    worked["v2"] += 1
    return real_v2(*args, **kwargs)


figures._tax_by_refund, figures._discount_by_refund = tax_by_refund, discount_by_refund
figures._v2_lines_before_tax = v2_lines_before_tax
if sys.argv[2] == "old":
    rules.APPLY["line_figures"] = old_line_figures  # before anything is compiled
outcomes = list(every_conversion({}, {"directory": REFS}))
with open(sys.argv[3], "rb") as drawn:
    for source, document in pickle.load(drawn):
        for target in sorted(FORMATS):
            if target == source or not supported(source, target):
                continue
            try:
                result = refundmap.convert(
                    document, source, target, synced_at="2024-06-30T12:00:00Z"
                )
                outcomes.append([result.to_json(), [list(e) for e in result.report]])
            except refundmap.RefundmapError as exc:
                outcomes.append(str(exc))
print(json.dumps({"outcomes": outcomes, "worked": worked}))
"""


def _drawn(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """Return ``count`` values of ``strategy``, the same at each run."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(value: Any) -> None:
        drawn.append(value)

    draw()
    return drawn


def _converted(form: str, drawn: Path) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", EVERY_CONVERSION + _CHILD, str(FIXTURES), form, str(drawn)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_line_figures_convert_as_before(tmp_path: Path) -> None:
    strategies = {
        "railz": st.one_of(
            refunds("railz"),
            refunds("railz", tax_inclusive=True),
            refunds("railz", rounded_units=True),
        ),
        "railz-v2": refunds("railz-v2"),
        "rutter": refunds("rutter") | refunds("rutter", tax_inclusive=True),
    }
    documents = [
        (source, document)
        for source, strategy in strategies.items()
        for document in _drawn(strategy, 60)
    ]
    drawn = tmp_path / "drawn.pickle"
    drawn.write_bytes(pickle.dumps(documents))
    new, old = _converted("new", drawn), _converted("old", drawn)
    assert new["worked"] == old["worked"]
    assert all(new["worked"].values()), new["worked"]  # each rule had work to do
    assert len(new["outcomes"]) == len(old["outcomes"]) > 400
    for made, before in zip(new["outcomes"], old["outcomes"], strict=True):
        assert made == before
