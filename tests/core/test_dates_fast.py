"""format_date's held texts give what it wrote before (refundmap.dates).

A calendar day's text is held by the day (the same days recur in a page): the
same text as ``date.isoformat()`` for every day, the first time and after,
whatever object holds it; a subclass of ``date`` is not held.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from refundmap import dates
from refundmap.dates import format_date, parse_date


@given(st.dates())
def test_a_day_is_written_as_isoformat_gives_it_first_and_again(day: date) -> None:
    """Every day, held or not: isoformat's text, from the same object and from an equal one."""
    written = day.isoformat()
    assert format_date(day) == written
    assert format_date(day) == written
    assert format_date(date(day.year, day.month, day.day)) == written
    assert dates._DAYS[day] == written


def test_a_day_read_is_written_back_as_read() -> None:
    """A day the reader parsed is written back as its text, again and again."""
    for text in ("2024-01-02", "0001-01-01", "9999-12-31", "2024-02-29"):
        day = parse_date(text)
        assert type(day) is date
        assert [format_date(day) for _ in range(3)] == [text] * 3


def test_the_days_held_are_a_bounded_few() -> None:
    """Past the bound the held days are let go, and each is written right again."""
    start = date(2000, 1, 1).toordinal()
    for offset in range(dates._DAYS_HELD + 10):
        day = date.fromordinal(start + offset)
        assert format_date(day) == day.isoformat()
        assert len(dates._DAYS) <= dates._DAYS_HELD


def test_a_subclass_of_date_is_written_by_its_own_isoformat_and_not_held() -> None:
    """A date subclass's own isoformat is asked each time; it is not held under its day."""

    class Told(date):
        def isoformat(self) -> str:
            return "told"

    told = Told(2024, 3, 4)
    assert format_date(told) == "told"
    assert format_date(date(2024, 3, 4)) == "2024-03-04"
    assert format_date(told) == "told"


def test_a_timestamp_is_not_taken_for_its_day() -> None:
    """A datetime equal in no way to a day is written as a timestamp, a day met first or not."""
    format_date(date(2024, 3, 4))
    assert format_date(datetime(2024, 3, 4)) == "2024-03-04T00:00:00.000"
