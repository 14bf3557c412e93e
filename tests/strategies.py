"""Hypothesis strategies: exact amounts, dates as vendors write them, JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

#: Amounts as vendors send them: up to 12 integer digits and 0 to 4 places.
amounts = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=4),
)

offsets = st.one_of(
    st.just(UTC),
    st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    ),
)

#: Timestamps with millisecond precision, naive or with an offset.
timestamps = st.builds(
    lambda moment, ms, zone: moment.replace(microsecond=ms * 1000, tzinfo=zone),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=0, max_value=999),
    st.none() | offsets,
)

#: Bare dates and timestamps.
dates = st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)), timestamps)

#: Any JSON value, numbers as exact decimals.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=20)
    | amounts
    | st.integers(min_value=-(10**20), max_value=10**20).map(Decimal),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
