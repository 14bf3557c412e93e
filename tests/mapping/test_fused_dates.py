"""The fast reader's dates (refundmap.mapping.fused): any JSON value read as the codec reads it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refundmap import jsonio
from refundmap.dates import format_date, parse_date
from refundmap.formats import get_format
from refundmap.mapping import fused

from helpers import railz_refund, rutter_refund

#: Values a date key may be sent as: none of them a date the reader takes.
NOT_DATES = [{}, {"a": 1}, [], ["2024-06-13"], 0, 1, True, False, Decimal("1.5"), "tomorrow", ""]


def _read(fmt: str, record: dict[str, Any]) -> Any:
    """Return the view of ``record`` the generated reader makes of its JSON text, as decoded."""
    source = get_format(fmt)
    return fused.reader(source, source.record)(fused._decode(jsonio.dumps(record)), [0])


def _date(fmt: str) -> str:
    return "date" if fmt == "railz" else "transaction_date"


@pytest.mark.parametrize("value", NOT_DATES, ids=repr)
@pytest.mark.parametrize("fmt", ["railz", "rutter"])
def test_a_date_that_is_no_date_is_left_to_the_codec(fmt: str, value: Any) -> None:
    # An object or a list (unhashable) is refused as any other value that is no date.
    record = (railz_refund if fmt == "railz" else rutter_refund)(**{_date(fmt): value})
    _read(fmt, {**record, _date(fmt): "2024-06-13"})  # taken with a date
    with pytest.raises(fused.Fallback):
        _read(fmt, record)


@pytest.mark.parametrize("fmt", ["railz", "rutter"])
def test_a_date_read_again_is_the_date_read_first(fmt: str) -> None:
    make = railz_refund if fmt == "railz" else rutter_refund
    text = "2024-06-13T00:23:29.000Z" if fmt == "railz" else "2024-06-13"
    one, two = (getattr(_read(fmt, make(**{_date(fmt): text})), _date(fmt)) for _ in range(2))
    assert one is two  # the date held (fused._DATES), not read again
    assert one.isoformat()[:10] == "2024-06-13"


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner, max_size=2)
    ),
    max_leaves=4,
)
DATES = st.sampled_from(
    ["2024-06-13", "2024-06-13T00:23:29.000Z", "2024-06-13T00:23:29Z", "13/06/2024"]
)


@settings(deadline=None)
@given(st.sampled_from(["railz", "rutter"]), JSON | DATES)
def test_a_date_is_read_as_the_codec_reads_it_or_left_to_it(fmt: str, value: Any) -> None:
    make = railz_refund if fmt == "railz" else rutter_refund
    try:
        view = _read(fmt, make(**{_date(fmt): value}))
    except fused.Fallback:
        return
    if value is None:  # Rutter's transaction_date may be null
        assert fmt == "rutter"
        assert getattr(view, _date(fmt)) is None
        return
    assert type(value) is str
    assert getattr(view, _date(fmt)) == parse_date(value)


def _written(value: datetime) -> str:
    """Return ``value`` (UTC) as ``format_date`` writes it: ``YYYY-MM-DDThh:mm:ss.fffZ``."""
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


#: A field of the written form (its place in the text) and values it may not hold.
_FIELDS = [(5, ["00", "13", "1x"]), (8, ["00", "29", "30", "31", "32"]), (11, ["24", "25", "99"])]
_FIELDS += [(14, ["60", "61"]), (17, ["60", "61", "99"]), (20, ["1000", "00", "9999", "0000"])]


def _spoiled(text: str, how: tuple[int, int, str]) -> str:
    """Return the written ``text`` with one thing changed, as ``how`` says."""
    kind, at, char = how
    at %= len(text)
    if kind == 0:  # a character put in another's place
        return text[:at] + char + text[at + 1 :]
    if kind == 1:  # one put in
        return text[:at] + char + text[at:]
    if kind == 2:  # one left out
        return text[:at] + text[at + 1 :]
    if kind == 3:  # a field out of its range (a day of a short month too)
        start, values = _FIELDS[at % len(_FIELDS)]
        value = values[ord(char) % len(values)]
        return text[:start] + value + text[start + len(value) :]
    zone = ["+00:00", "-05:30", "+24:00", "z", "", "+0000", "Z "][ord(char) % 7]
    return text[:-1] + zone  # another zone


#: Texts near the written form: the form itself, or it with one thing changed.
NEAR_WRITTEN = st.builds(
    _spoiled,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(_written),
    st.tuples(
        st.integers(0, 5),  # 5: unchanged but for its zone
        st.sampled_from([4, 7, 10, 13, 16, 19, 23]) | st.integers(0, 24),  # a separator, often
        st.sampled_from(list("\u0663\uff1309tz, -:+.TZ")),  # digits not ASCII too
    ),
) | st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(_written)


@settings(deadline=None, max_examples=2000)
@given(NEAR_WRITTEN | DATES)
def test_a_timestamp_not_held_is_read_as_parse_date_reads_it(text: str) -> None:
    """The written form's quick reading (fused._WRITTEN, fromisoformat) is parse_date's."""
    fused._DATES.clear()  # not held: read
    try:
        expected = parse_date(text)
    except ValueError:
        with pytest.raises(fused.Fallback):
            fused._moment(text)
        return
    fused._DATES.clear()
    read = fused._moment(text)
    assert type(read) is type(expected)
    assert read == expected
    assert getattr(read, "tzinfo", None) == getattr(expected, "tzinfo", None)
    assert format_date(read) == format_date(expected)
    assert fused._DATES[text] is read  # held
    if fused._WRITTEN(text) is not None and type(read) is datetime:
        assert format_date(read) == text  # its text kept, and that text is format_date's


@pytest.mark.parametrize(
    "text",
    [
        "2024-06-13T00:23:29.000Z",  # the written form
        "2024-02-30T00:23:29.000Z",  # no such day
        "2023-02-29T00:00:00.000Z",
        "2024-04-31T12:00:00.000Z",
        "2024-13-01T12:00:00.000Z",
        "2024-06-13T24:00:00.000Z",  # a day's end, kept as written
        "2024-06-13T25:00:00.000Z",
        "2016-12-31T23:59:60.000Z",  # a leap second, kept as written
        "2024-06-13T12:59:60.000Z",  # second 60 not at a UTC day's end
        "2024-06-13T12:60:00.000Z",
        "2024-06-13t00:23:29.000z",
        "2024-06-13t00:23:29.000Z",
        "2024-06-13T00:23:29.000z",
        "2024-06-13_00:23:29.000Z",
        "2024-06-13T00.23:29.000Z",
        "2024-06-13T00:23-29.000Z",
        "2024/06-13T00:23:29.000Z",
        "2024-06/13T00:23:29.000Z",
        "2024-06-13T00:23:29,000Z",
        "2024-06-13T00:23:29.000+00:00",
        "2024-06-13 00:23:29.000Z",
        "2024-06-13T00:23:29.0000Z",
        "2024-06-13T0\u0663:23:29.000Z",  # an Arabic-Indic digit
        "2024-06-13T00:23:29.00\uff13Z",  # a full-width digit
        "0000-06-13T00:23:29.000Z",
    ],
)
def test_texts_near_the_written_form_are_read_as_parse_date_reads_them(text: str) -> None:
    test_a_timestamp_not_held_is_read_as_parse_date_reads_it.hypothesis.inner_test(text)
