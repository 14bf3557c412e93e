"""A ``synced_at`` text read once (refundmap.options.conversion_time): written as then."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap import UsageError, options
from refundmap.dates import format_date, parse_date

OFFSETS = st.sampled_from([timedelta(hours=2), timedelta(hours=-5, minutes=-30)])
MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.none() | st.just(UTC) | st.builds(timezone, OFFSETS),
)


@given(
    MOMENTS,
    st.sampled_from(["T", "t"]),
    st.sampled_from(["seconds", "milliseconds", "microseconds"]),
    st.booleans(),
)
def test_a_text_is_written_as_read_each_time(moment, separator, timespec, zulu):
    text = moment.isoformat(separator, timespec)
    if zulu:
        text = text.replace("+00:00", "Z")
    expected = format_date(parse_date(text))
    assert options.conversion_time(text) == expected
    assert options.conversion_time(text) == expected  # held


def test_a_held_text_is_the_first_writing():
    options._TIMES.clear()
    first = options.conversion_time("2024-06-30T12:00:00+02:00")
    assert list(options._TIMES.items()) == [("2024-06-30T12:00:00+02:00", first)]
    assert options.conversion_time("2024-06-30T12:00:00+02:00") is first


def test_texts_are_held_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(options, "_TIMES_HELD", 3)
    options._TIMES.clear()
    texts = [f"2024-06-{day:02}T12:00:00Z" for day in range(1, 8)]
    for text in texts:
        assert options.conversion_time(text) == f"{text[:-1]}.000Z"
        assert len(options._TIMES) <= 3
        assert text in options._TIMES


@pytest.mark.parametrize("text", ["2024-06-30", "yesterday", "2024-02-30T00:00:00Z"])
def test_a_refused_text_is_refused_each_time(text):
    for _ in range(2):
        with pytest.raises(UsageError, match="synced_at"):
            options.conversion_time(text)
    assert text not in options._TIMES


def test_a_str_subclass_and_a_datetime_are_read_each_time():
    class Text(str):
        __slots__ = ()

    options._TIMES.clear()
    assert options.conversion_time(Text("2024-06-30T12:00:00Z")) == "2024-06-30T12:00:00.000Z"
    moment = datetime(2024, 6, 30, 12, tzinfo=UTC)
    assert options.conversion_time(moment) == "2024-06-30T12:00:00.000Z"
    assert options._TIMES == {}
