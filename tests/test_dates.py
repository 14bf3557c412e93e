from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given

from refundmap.dates import DateError, format_date, parse_date

from strategies import dates


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
