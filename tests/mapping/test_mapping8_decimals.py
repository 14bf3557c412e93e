"""A source ``Decimal`` the fast mapping copies as it is: a ``Decimal`` in the output, no ``int``.

The fast mapping writes a key given a source value the model declares a
``Decimal`` as it is, without the finisher's ``if type(v) is int:`` (see
``fused_map._FusedCompiler._copy``). Its premise: the fast reader's views and
the records the codec structures hold a ``Decimal`` there, whatever the
document held (an integer in JSON text, a Python ``int`` already decoded, a
numeric string). Here every output of the fast path holds a value of the same
type as the detailed path's (which keeps the test) at every place: an ``int``
that reached such a key would be written as the same text, but is a different
value there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import refundmap
from refundmap import jsonio
from refundmap.conversion import supported
from refundmap.formats import FORMATS
from refundmap.mapping import fused, fused_map

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SYNCED_AT = "2024-06-30T12:00:00.000Z"
SOURCES = ("rutter", "railz", "railz-v2")


def _whole(value: Any) -> Any:
    """Return decoded JSON with every integral decimal an ``int``."""
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if type(value) is Decimal and value == value.to_integral_value():
        return int(value)
    return value


def _stringed(value: Any) -> Any:
    """Return decoded JSON with its first record's first amount a numeric string (codec)."""
    text = jsonio.dumps(value)
    stringed = re.sub(r'("(?:total_amount|totalAmount)": ?)(-?[\d.]+)', r'\1"\2"', text, count=1)
    assert stringed != text
    return jsonio.loads(stringed)


def _forms(path: Path) -> Iterator[tuple[str, Any]]:
    decoded = _whole(jsonio.loads(path.read_bytes()))
    yield "text", jsonio.dumps(decoded)
    yield "bytes", jsonio.dumps(decoded).encode()
    yield "decoded", decoded
    yield "through the codec", jsonio.dumps(_stringed(decoded))


def _typed(value: Any) -> Any:
    """Return ``value`` with each leaf paired with its type."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _cases() -> Iterator[tuple[Path, str, str]]:
    for source in SOURCES:
        for path in sorted((FIXTURES / source).glob("*.json")):
            for target in FORMATS:
                if supported(source, target) and FORMATS[target].vendor != FORMATS[source].vendor:
                    yield path, source, target


def _output(document: Any, source: str, target: str) -> Any:
    try:
        conversion = refundmap.convert(document, source, target, synced_at=SYNCED_AT)
    except refundmap.RefundmapError as exc:
        return type(exc).__name__
    return _typed(conversion.output)


@pytest.mark.parametrize(
    ("path", "source", "target"), list(_cases()), ids=lambda v: v.name if isinstance(v, Path) else v
)
def test_the_fast_outputs_values_are_of_the_detailed_outputs_types(
    path: Path, source: str, target: str
) -> None:
    for form, document in _forms(path):
        fused.ENABLED = False
        try:
            detailed = _output(document, source, target)
        finally:
            fused.ENABLED = True
        fast = _output(document, source, target)
        assert fast == detailed, form


def test_each_form_of_a_page_is_mapped_fast_from_views_and_from_the_codecs_records() -> None:
    """The cases above reach the fast mapping with views, and with records the codec made."""
    seen: set[tuple[str, str]] = set()
    mapped = fused_map._map_records
    now = [""]

    def spy(part: Any, *args: Any) -> Any:
        records = getattr(part.model, part.shape.records or "", None) or [part.model]
        seen.update((now[0], type(record).__module__) for record in records)
        return mapped(part, *args)

    pages = (("rutter", "railz", "seed-list"), ("railz", "rutter", "seed-refund"))
    for source, target, name in pages:
        for form, document in _forms(FIXTURES / source / f"{name}.json"):
            now[0] = form
            fused_map._map_records = spy
            try:
                refundmap.convert(document, source, target, synced_at=SYNCED_AT)
            finally:
                fused_map._map_records = mapped
    views, models = "refundmap.mapping.fused", "refundmap.models.railz"
    assert {(form, views) for form in ("text", "bytes", "decoded")} <= seen
    assert ("through the codec", "refundmap.models.rutter") in seen
    assert ("through the codec", models) in seen


def test_such_a_key_is_written_as_it_is() -> None:
    code = fused_map.source("rutter", "railz")
    refund = code[code.index("def map_refund(") :]
    read = "    v = src.total_amount\n    if v is not None:\n        out['totalAmount'] = v\n"
    assert read in refund
    assert "out_l['unitAmount'] = v_l\n" in refund
    detailed = fused_map._compiled("rutter", "railz", lookup=False)[1]
    assert "if type(v) is int: r['totalAmount'] = _decimal(v) or Decimal(v)" in detailed
