"""Fuzzing in the suite: mutated vendor payloads and random bytes, and past crashes.

The same oracle as ``fuzz/fuzz_refundmap.py`` (``tests/oracle.py``): only refundmap's errors, and
output that is UTF-8 text and validates again as its target format.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap.jsonio import dumps

import strategies as s
from helpers import FIXTURES, ROOT
from oracle import FORMATS, PAIRS, oracle

SEEDS = {
    fmt: [json.loads(p.read_text()) for p in sorted((FIXTURES / fmt).glob("*.json"))]
    for fmt in FORMATS
}
REGRESSIONS = sorted((ROOT / "fuzz/regressions").iterdir())


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _containers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _containers(item, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A fixture of some format with a few of its values replaced, removed or added."""
    fmt = draw(st.sampled_from(FORMATS))
    document = json.loads(json.dumps(draw(st.sampled_from(SEEDS[fmt]))))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_containers(document)))
        if not path:
            continue
        *parent_path, last = path
        parent = document
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[last] = draw(s.json_values)
        elif action == "remove":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(s.json_values)
    return fmt, document


@given(mutated(), st.sampled_from(FORMATS), st.booleans(), st.booleans())
def test_mutated_vendor_payloads(case, target, strict, as_text):
    source, document = case
    if (source, target) not in PAIRS:
        target = source
    oracle(dumps(document) if as_text else document, source, target, strict=strict)


@given(st.binary(max_size=300), st.sampled_from(PAIRS), st.booleans())
def test_random_bytes(data, pair, strict):
    oracle(data, *pair, strict=strict)


@given(
    st.sampled_from(FORMATS).flatmap(lambda f: st.sampled_from(SEEDS[f]).map(lambda d: (f, d))),
    st.binary(min_size=1, max_size=8),
    st.integers(0, 10_000),
    st.sampled_from(PAIRS),
)
def test_byte_flips_in_vendor_payloads(case, junk, where, pair):
    fmt, document = case
    text = dumps(document).encode()
    at = where % len(text)
    oracle(
        text[:at] + junk + text[at + len(junk) :],
        fmt,
        pair[1] if pair[0] == fmt else fmt,
        strict=False,
    )


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_fuzz_regressions(path):
    data = path.read_bytes()
    for pair in PAIRS:
        for strict in (False, True):
            oracle(data, *pair, strict=strict)
