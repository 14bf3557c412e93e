"""A run of dropped or omitted values is noted with its kinds' texts: no object tracked.

Its entries hold the kinds themselves, and its kinds are counted as the kinds.
"""

from __future__ import annotations

import gc
from collections import Counter

import refundmap
from refundmap.mapping import fused_map
from refundmap.report import Kind

SYNCED_AT = "2024-06-30T12:00:00Z"
RECORD = {
    "id": "1",
    "accountRef": {"id": "A", "name": "account A"},
    "customerRef": {"id": "C", "name": "customer C"},
    "currencyRef": {"id": "USD", "name": "US Dollar", "symbol": "$"},
    "date": "2024-06-13",
    "subTotal": 100,
    "totalAmount": 100,
    "lines": [
        {"id": "1", "totalAmount": 100, "taxAmount": 0, "accountRef": {"id": "A", "name": "a"}}
    ],
}


def _converted() -> refundmap.Conversion:
    text = refundmap.jsonio.dumps(RECORD)
    return refundmap.convert(text, "railz", "rutter", synced_at=SYNCED_AT)


def _runs(conversion: refundmap.Conversion) -> list[tuple[object, ...]]:
    rows = conversion._rows
    assert isinstance(rows, fused_map.FusedRows)
    notes = [note for _, _, noted in rows._records for note in noted]
    return [note for note in notes if note[0] is fused_map._RUN]


def test_a_runs_row_holds_no_tracked_object() -> None:
    _converted()  # the pair's code compiled, its constant rows collected once and for all
    gc.collect()
    gc.collect()
    conversion = _converted()
    runs = _runs(conversion)
    assert len(runs) == 2  # the line's, the refund's
    for run in runs:
        assert "dropped" in run[2:]
        assert not any(isinstance(item, Kind) for item in run)
    gc.collect()
    assert not any(gc.is_tracked(run) for run in runs)  # its first pass stopped tracking it


def test_its_entries_hold_the_kinds_and_are_counted_as_them() -> None:
    conversion = _converted()
    counts = conversion._rows.counts()
    assert all(type(kind) is Kind for kind in counts)
    report = conversion.report
    dropped = [entry for entry in report if entry.kind == "dropped"]
    assert dropped
    assert all(type(entry.kind) is Kind and entry.kind is Kind.DROPPED for entry in dropped)
    assert counts == dict(Counter(entry.kind for entry in report))
