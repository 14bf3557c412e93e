import copy
import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.dates import (
    DateError,
    Timestamp,
    _timestamp_text,
    format_date,
    keep_text,
    parse_date,
)
from refundmap.mapping import fused
from refundmap.mapping.fused import _moment as _fast_moment

from strategies import dates, fraction, timestamp_text


def test_bare_date_stays_a_bare_date():
    assert parse_date("2023-01-02") == date(2023, 1, 2)
    assert format_date(parse_date("2023-01-02")) == "2023-01-02"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2023-01-02T02:34:56.000Z", "2023-01-02T02:34:56.000Z"),
        ("2023-01-02T02:34:56Z", "2023-01-02T02:34:56.000Z"),
        ("2023-01-02T02:34:56+00:00", "2023-01-02T02:34:56.000Z"),
        ("2023-01-02T23:30:00-05:00", "2023-01-02T23:30:00.000-05:00"),
        ("2021-03-09T10:18:29.985+05:30", "2021-03-09T10:18:29.985+05:30"),
        ("2023-01-02T02:34:56", "2023-01-02T02:34:56.000"),
        ("2023-01-02T02:34:56.123456Z", "2023-01-02T02:34:56.123456Z"),
    ],
)
def test_timestamps_keep_offset_and_are_written_with_milliseconds(text, written):
    assert format_date(parse_date(text)) == written


def test_a_timestamp_is_not_moved_to_another_day():
    parsed = parse_date("2023-01-02T23:30:00-05:00")
    assert isinstance(parsed, datetime)
    assert parsed.date() == date(2023, 1, 2)
    assert parsed.utcoffset() == timedelta(hours=-5)


def test_naive_timestamp_stays_naive():
    parsed = parse_date("2023-01-02T10:00:00")
    assert isinstance(parsed, datetime)
    assert parsed.tzinfo is None


@pytest.mark.parametrize(
    "text", ["2023-02-30", "2023-13-01", "2023-01-02T24:30:00Z", "2023-02-29T00:00:00Z"]
)
def test_impossible_dates_are_refused(text):
    with pytest.raises(DateError, match="not a possible date or time"):
        parse_date(text)


@pytest.mark.parametrize("value", ["02/01/2023", "2023-01", "20230102", "", 20230102, None])
def test_non_iso_dates_are_refused(value):
    with pytest.raises(DateError, match="expected an ISO 8601 date"):
        parse_date(value)


@given(dates)
def test_format_then_parse_gives_the_same_date(value):
    again = parse_date(format_date(value))
    assert again == value
    assert type(again) is type(value)
    if isinstance(value, datetime):
        assert isinstance(again, datetime)
        assert again.utcoffset() == value.utcoffset()


def test_offsets_are_kept_not_converted():
    value = datetime(2024, 5, 2, tzinfo=timezone(timedelta(hours=2)))
    assert format_date(value) == "2024-05-02T00:00:00.000+02:00"


# -- every fractional digit, leap seconds, the RFC 3339 space (issue 15) ----------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # .NET's 100 ns ticks (Dynamics 365 Business Central)
        ("2024-06-30T12:00:00.1234567Z", "2024-06-30T12:00:00.1234567Z"),
        ("2024-06-30T12:00:00.123456789+05:45", "2024-06-30T12:00:00.123456789+05:45"),
        ("2024-06-30T12:00:00.123000-12:00", "2024-06-30T12:00:00.123000-12:00"),
        ("2024-06-30T12:00:00.1200+14:00", "2024-06-30T12:00:00.1200+14:00"),
        ("2024-06-30T12:00:00.1234", "2024-06-30T12:00:00.1234"),
        ("2024-06-30T12:00:00.5Z", "2024-06-30T12:00:00.500Z"),
        ("2024-06-30T12:00:00,25Z", "2024-06-30T12:00:00.250Z"),
        # RFC 3339 allows a space for T; refundmap writes T
        ("2024-06-30 12:00:00Z", "2024-06-30T12:00:00.000Z"),
        ("2024-06-30 12:00:00.1234567+00:00", "2024-06-30T12:00:00.1234567Z"),
        # a leap second ends a UTC day
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:60.000Z"),
        ("2016-12-31T15:59:60.5-08:00", "2016-12-31T15:59:60.500-08:00"),
        ("2016-12-31T23:59:60", "2016-12-31T23:59:60.000"),
    ],
)
def test_a_timestamp_keeps_every_fractional_digit_it_came_with(text, written):
    value = parse_date(text)
    assert format_date(value) == written
    assert format_date(parse_date(written)) == written


def test_a_timestamp_with_more_digits_is_still_a_datetime_and_pickles():
    value = parse_date("2024-06-30T12:00:00.1234567Z")
    assert isinstance(value, Timestamp)
    assert isinstance(value, datetime)
    assert (value.microsecond, value.fraction, value.leap) == (123456, "1234567", False)
    assert value == datetime(2024, 6, 30, 12, 0, 0, 123456, tzinfo=UTC)
    for copied in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):  # noqa: S301
        assert format_date(copied) == "2024-06-30T12:00:00.1234567Z"
    # A changed timestamp is a plain datetime: its old digits no longer describe it.
    changed = value.replace(hour=13)
    assert type(changed) is datetime
    assert format_date(changed) == "2024-06-30T13:00:00.123456Z"
    assert format_date(value + timedelta(hours=1)) == "2024-06-30T13:00:00.123456Z"


def test_a_leap_second_is_held_as_the_last_microsecond_of_the_day():
    value = parse_date("2016-12-31T23:59:60Z")
    assert value.leap
    assert value == datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert value.date() == date(2016, 12, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-06-30T12:00:60Z", "a leap second, second 60, ends a UTC day"),
        ("2016-12-31T23:59:60+01:00", "a leap second, second 60, ends a UTC day"),
        # In UTC before year 1 or after 9999: refused as such, not an OverflowError.
        ("0001-01-01T00:00:60+14:00", "ends a UTC day, at 23:59:60Z, of the years 1 to 9999"),
        ("0001-01-01T13:59:60+14:00", "ends a UTC day, at 23:59:60Z, of the years 1 to 9999"),
        ("9999-12-31T23:59:60-05:30", "ends a UTC day, at 23:59:60Z, of the years 1 to 9999"),
        ("2024-02-30T12:00:00.1234567Z", "not a possible date or time"),
        ("2024-06-30T12:00:61Z", "not a possible date or time"),
        ("2024-06-30T120000.1234567Z", "more than six fractional digits"),
        ("2024-06-30 12:00", "expected an ISO 8601 date"),
        ("2024-06-30  12:00:00Z", "expected an ISO 8601 date"),
        ("2024-06-30_12:00:00Z", "expected an ISO 8601 date"),
    ],
)
def test_what_is_not_a_timestamp_is_still_refused(text, message):
    with pytest.raises(DateError, match=message):
        parse_date(text)


@given(timestamp_text())
def test_every_timestamp_text_keeps_its_fraction(text):
    written = format_date(parse_date(text))
    assert fraction(written) == fraction(text).ljust(3, "0")
    assert format_date(parse_date(written)) == written


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # fromisoformat took an offset's minutes past 59 (+01:99 was +02:39).
        ("2024-01-02T10:00:00+01:99", "Invalid minutes in time zone offset"),
        ("2024-01-02 10:00:00.5+01:60", "expected an ISO 8601 date"),
        # A ValueError, not a DateError, escaped for hour 24 with seven digits.
        ("2024-01-02T24:00:00.0000001", "hour 24 is the end of a day only with nothing after"),
        # The RFC 3339 form with a space said the form was wrong, not the day.
        ("2023-11-31 10:00:00", "day is out of range for month"),
    ],
)
def test_impossible_timestamps_say_why(text, message):
    # Issue 23 item 20: what the JSON Schema refuses, validate refuses, and says why.
    with pytest.raises(DateError, match=message) as exc:
        parse_date(text)
    assert f'"{text}"' in str(exc.value)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2024-01-02T24:00:00.000000", "2024-01-02T24:00:00.000000"),
        ("2024-01-02T24:00:00.0000000Z", "2024-01-02T24:00:00.0000000Z"),
        ("2024-01-02T24:00", "2024-01-02T24:00:00.000"),
        ("2024-01-02T2400+0530", "2024-01-02T24:00:00.000+05:30"),
        ("2024-01-02T24Z", "2024-01-02T24:00:00.000Z"),
        ("2024-01-02 24:00:00Z", "2024-01-02T24:00:00.000Z"),
    ],
)
def test_hour_24_with_only_zeros_after_it_is_the_end_of_its_day_not_the_next(text, written):
    parsed = parse_date(text)
    assert isinstance(parsed, Timestamp)
    assert parsed.end_of_day
    assert parsed.date() == datetime(2024, 1, 2).date()
    assert format_date(parsed) == written


@pytest.mark.parametrize("text", ["2024-01-02 24:00", "2024-01-02 24", "2024-02-30T24:00"])
def test_hour_24_in_a_form_no_other_hour_has_or_on_no_day_is_refused(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_format_date_keeps_each_timestamps_own_text() -> None:
    """Equal timestamps written differently are each written as written, however often."""
    written = [
        "2024-03-01T12:00:00Z",
        "2024-03-01T12:00:00.000000Z",
        "2024-03-01T13:00:00+01:00",
        "2024-03-01T12:00:00.0000000Z",
    ]
    parsed = [parse_date(text) for text in written]
    assert len(set(parsed)) == 1  # one instant
    first = [format_date(value) for value in parsed]
    again = [format_date(value) for value in parsed]
    assert first == again
    assert first == [
        "2024-03-01T12:00:00.000Z",
        "2024-03-01T12:00:00.000000Z",
        "2024-03-01T13:00:00.000+01:00",
        "2024-03-01T12:00:00.0000000Z",
    ]


@given(
    st.datetimes(
        timezones=st.one_of(
            st.none(), st.just(UTC), st.just(timezone(timedelta(0))), st.timezones()
        )
    )
)
def test_format_date_writes_a_datetime_as_the_general_writer_does(value: datetime) -> None:
    """Plain datetimes (naive, UTC) are written from isoformat's text: the same text."""
    assert format_date(value) == _timestamp_text(value)


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_utc_timestamp_in_the_written_form_is_written_back_as_read(value: datetime) -> None:
    """The fast reader keeps the text of YYYY-MM-DDThh:mm:ss.fffZ: it is format_date's."""
    text = f"{value.year:04d}-{value:%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"
    parsed = parse_date(text)
    assert _fast_moment(text) is parsed or _fast_moment(text) == parsed
    assert format_date(_fast_moment(text)) == _timestamp_text(parsed) == text


def test_a_kept_text_is_the_values_own():
    """A value kept with its text, and an equal one that is not: each written as its own."""
    kept = parse_date("2024-03-01T12:00:00.000Z")
    keep_text(kept, "2024-03-01T12:00:00.000Z")
    other = kept.replace(tzinfo=timezone(timedelta(0)))  # the same instant, another object
    assert format_date(kept) == format_date(other) == "2024-03-01T12:00:00.000Z"
    naive = kept.replace(tzinfo=None)
    assert format_date(naive) == "2024-03-01T12:00:00.000"


def test_a_leap_second_outside_the_years_is_refused_in_words_on_both_paths():
    """A leap second whose UTC day is outside years 1-9999 is a date error, not an OverflowError.

    The codec said ``cannot be read: OverflowError('date value out of range')``.
    """
    text = '{"id": "1", "date": "0001-01-01T00:00:60+14:00", "totalAmount": 1}'
    said = []
    for fast in (True, False):
        fused.ENABLED = fast
        try:
            with pytest.raises(refundmap.ValidationError) as caught:
                refundmap.convert(text, "railz", "rutter")
        finally:
            fused.ENABLED = True
        said.append(str(caught.value))
    assert said[0] == said[1]
    assert "$.date: not a possible time" in said[0]
    assert "OverflowError" not in said[0]
