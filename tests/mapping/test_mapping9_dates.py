"""A date the fast mapping writes: its held text by lookups, as ``format_date`` writes it.

``fused_map._dates`` writes a calendar day written before, or a timestamp read from
the text it is written as, by the lookups ``format_date`` makes, without calling it.
Here each form against ``format_date``, and whole pages of dates and timestamps no
conversion has read before (as in real data) against the detailed path.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

import refundmap
from refundmap import dates
from refundmap.dates import format_date, keep_text, parse_date
from refundmap.mapping import fused, fused_map

from helpers import load_fixture, railz_refund, rutter_refund


def _written(namespace: dict[str, Any]) -> tuple[Any, Any]:
    """Return the two forms ``_dates`` writes, as functions of ``v``."""
    code = (
        "def value(v):\n    return format_date(v) if type(v) is not str else v\n"
        "def store(v, r):\n    if type(v) is not str: r['k'] = format_date(v)\n    return r\n"
    )
    code = fused_map._dates(code, namespace)
    assert "format_date(v) if type(v) is not str else v" in code  # what is not held
    assert (
        code.count("_kt[1] if (_kt := _kept(_id(v))) is not None and _kt[0] is v else (_day(v) or")
        == 2
    )
    exec(code, namespace)  # noqa: S102 - the generator's own form
    return namespace["value"], namespace["store"]


def _values() -> list[Any]:
    kept = datetime(2024, 11, 8, 7, 22, 14, tzinfo=UTC)
    keep_text(kept, "2024-11-08T07:22:14.000Z")
    held = date(2024, 12, 1)
    format_date(held)
    return [
        held,
        date(2023, 2, 3),  # a day not held yet
        kept,
        datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),  # not kept
        datetime(2024, 1, 2, 3, 4, 5),  # naive
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5))),
        parse_date("2024-06-30T23:59:60Z"),  # a leap second: a Timestamp
        parse_date("2024-06-30T12:00:00.1234567Z"),
        "2024-06-30",  # a text: as it is
    ]


@pytest.mark.parametrize("index", range(9))
def test_each_form_writes_what_format_date_writes(index: int) -> None:
    value, store = _written({"format_date": format_date})
    v = _values()[index]
    expected = v if type(v) is str else format_date(v)
    assert value(v) == expected
    assert store(v, {}) == ({} if type(v) is str else {"k": expected})
    assert value(v) == expected  # held now where format_date holds it


def test_the_lookups_are_format_dates_own() -> None:
    """Bound to the dicts format_date reads (cleared when full, never bound anew)."""
    namespace: dict[str, Any] = {}
    fused_map._dates("", namespace)
    assert namespace["_day"].__self__ is dates._DAYS
    assert namespace["_kept"].__self__ is dates._KEPT


def test_a_pairs_dates_are_written_so() -> None:
    code = fused_map.source("rutter", "railz")
    refund = code[code.index("def map_refund(") :]
    assert "        out['date'] = _kt[1] if (_kt := _kept(_id(v)))" in refund
    assert "format_date(v) if type(v) is not str else v" in refund  # a date not held


#: Timestamps of each form as read: the written form (its text kept by the reader),
#: without milliseconds, with microseconds, an offset, seven digits (a Timestamp), a
#: leap second, a day's end, a bare day; {n} makes each record's own.
_STAMPS = [
    "2031-03-04T05:06:{n:02}.089Z",
    "2031-03-04T05:06:{n:02}Z",
    "2031-03-04T05:06:{n:02}.123456Z",
    "2031-03-04T05:06:{n:02}.120+02:00",
    "2031-03-04T05:06:{n:02}.1234567Z",
    "2016-12-31T23:59:60.{n:03}Z",
    "2031-03-04T24:00:00.000Z",
    "2031-03-{n:02}",
]


def _forget() -> None:
    """Clear every date held: the reader's, and format_date's days and kept texts."""
    fused._DATES.clear()
    dates._KEPT.clear()
    dates._DAYS.clear()


def _both(page: str, source: str, target: str) -> None:
    seen = []
    for enabled in (False, True):
        _forget()
        fused.ENABLED = enabled
        try:
            mapped = fused.TALLY.mapped
            result = refundmap.convert(page, source, target, synced_at="2024-06-30T12:00:00Z")
            seen.append((result.to_json(), result.report))
        finally:
            fused.ENABLED = True
    assert fused.TALLY.mapped > mapped  # the fast path mapped it
    assert seen[0] == seen[1]


@pytest.mark.parametrize("stamp", _STAMPS)
def test_rutter_dates_not_read_before_are_written_as_the_detailed_path_writes_them(
    stamp: str,
) -> None:
    refunds = [
        rutter_refund(
            transaction_date=stamp.format(n=n + 1),
            created_at=stamp.format(n=n + 1),
            updated_at=stamp.format(n=n + 1),
        )
        for n in range(20)
    ]
    page = {**load_fixture("rutter/seed-list.json"), "customer_refunds": refunds}
    _both(json.dumps(page), "rutter", "railz")
    _both(json.dumps(page), "rutter", "railz-v2")


@pytest.mark.parametrize("stamp", _STAMPS)
def test_railz_dates_not_read_before_are_written_as_the_detailed_path_writes_them(
    stamp: str,
) -> None:
    refunds = [
        railz_refund(date=stamp.format(n=n + 1), sourceModifiedDate=stamp.format(n=n + 1))
        for n in range(20)
    ]
    page = {**load_fixture("railz/xero-list.json"), "data": refunds, "count": len(refunds)}
    page["pagination"] = {**page["pagination"], "count": len(refunds)}
    _both(json.dumps(page), "railz", "rutter")
