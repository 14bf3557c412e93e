"""The date rules: parse with python-dateutil, keep day, offset and precision.

A bare date (``2023-01-02``) stays a :class:`datetime.date`. A timestamp is a
:class:`datetime.datetime`, aware when the text had an offset and naive when it
had none; nothing is moved to another day or zone. A timestamp whose digits a
``datetime`` cannot give back (more than six fractional digits, trailing zeros
beyond the milliseconds, a leap second, the end of a day written ``24:00``) is
a :class:`Timestamp`, which keeps them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, NewType, TypeAlias

from refundmap.report import ValueRuleError, describe

__all__ = [
    "DateError",
    "Day",
    "Moment",
    "Timestamp",
    "format_date",
    "keep_text",
    "parse_date",
    "parse_day",
]

#: A calendar date only, no time (Railz's push bodies: ``format: date``).
Day = NewType("Day", date)

#: What a field that takes a calendar date or a timestamp holds: a
#: :class:`datetime.datetime` (a :class:`Timestamp`, keeping its fraction) for a
#: timestamp, a :class:`datetime.date` for a bare date. Check which with
#: ``isinstance(value, datetime)``.
Moment: TypeAlias = datetime | date

_CALENDAR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The form vendors send nearly always: the standard library parses it 80 times
# faster than dateutil, to the same value. Anything else goes to dateutil.
_CANONICAL = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3})?(?:Z|[+-][0-9]{2}:[0-5][0-9])?"
)
# RFC 3339 date-time, with the space RFC 3339 allows for T, any number of
# fractional digits, and second 60 (a leap second): (date, time, seconds,
# fraction, offset). An offset's minutes go to 59 (fromisoformat takes +01:99).
_RFC3339 = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}):([0-9]{2})"
    r"(?:[.,]([0-9]+))?([Zz]|[+-][0-9]{2}:[0-5][0-9])?"
)
_LONG_FRACTION = re.compile(r"[.,][0-9]{7}")
# The end of a day, as ISO 8601 allows it: hour 24, nothing after it but zeros
# (date, the zeros of the fraction, offset).
# Extended (24:00:00) or basic (240000), as the other times are read.
# With a space for T, as RFC 3339 allows, only the whole 24:00:00 (as for other hours).
_END_OF_DAY = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt]24(?::00(?::00(?:[.,](0+))?)?|00(?:00(?:[.,](0+))?)?)?| 24:00:00(?:[.,](0+))?)"
    r"([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


class DateError(ValueRuleError):
    """A value is not an acceptable date; the message says what was found."""


class Timestamp(datetime):
    """A timestamp that keeps the digits a ``datetime`` cannot hold.

    ``fraction`` is the fractional seconds exactly as written (``"1234567"``,
    100 ns ticks as .NET platforms write them; ``"120"``); the ``datetime``
    value holds its first six digits. ``leap`` is true for a leap second
    (``23:59:60Z``), held as ``23:59:59.999999``; ``end_of_day`` for the end
    of a day written ``24:00:00`` (``2024-12-31T24:00:00Z``), held likewise as
    the last microsecond of that day, so that its calendar day is the day it
    ends. :func:`format_date` writes them back as written. A changed timestamp
    (``replace``, arithmetic) is a plain ``datetime``: the digits it was
    written with no longer describe it.
    """

    __slots__ = ("_end", "_fraction", "_leap")
    _fraction: str
    _leap: bool
    _end: bool

    @classmethod
    def keeping(
        cls, value: datetime, fraction: str, *, leap: bool = False, end_of_day: bool = False
    ) -> Timestamp:
        """Return ``value`` with the fractional digits it was written with."""
        made = cls(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, value.tzinfo, fold=value.fold,
        )  # fmt: skip
        made._fraction = fraction
        made._leap = leap
        made._end = end_of_day
        return made

    @property
    def fraction(self) -> str:
        """The fractional seconds as written (empty when there were none)."""
        return getattr(self, "_fraction", "")

    @property
    def leap(self) -> bool:
        """Whether it was written as second 60, a leap second."""
        return getattr(self, "_leap", False)

    @property
    def end_of_day(self) -> bool:
        """Whether it was written as hour 24, the end of its day."""
        return getattr(self, "_end", False)

    def as_datetime(self) -> datetime:
        """Return the plain ``datetime`` value (to the microsecond)."""
        return datetime(
            self.year, self.month, self.day, self.hour, self.minute, self.second,
            self.microsecond, self.tzinfo, fold=self.fold,
        )  # fmt: skip

    def replace(self, *args: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        """Return a plain ``datetime`` with the fields changed."""
        return self.as_datetime().replace(*args, **kwargs)

    def __reduce_ex__(self, _protocol: Any) -> tuple[Any, ...]:
        # datetime's own __reduce_ex__ would rebuild it without the digits.
        return _timestamp, (self.as_datetime(), self.fraction, self.leap, self.end_of_day)

    def __repr__(self) -> str:
        return f"Timestamp({format_date(self)!r})"


def _timestamp(
    value: datetime,
    fraction: str,
    leap: bool,  # noqa: FBT001 - pickling
    end_of_day: bool = False,  # noqa: FBT001, FBT002
) -> Timestamp:
    return Timestamp.keeping(value, fraction, leap=leap, end_of_day=end_of_day)


def _end_of_day(text: str) -> Timestamp | None:
    """Parse ``YYYY-MM-DDT24[:00[:00[.0]]][offset]`` (or basic), a day's end; else None."""
    found = _END_OF_DAY.fullmatch(text)
    if found is None:
        return None
    day, extended, basic, spaced, offset = found.groups()
    zeros = extended or basic or spaced
    if offset in ("Z", "z"):
        zone = "+00:00"
    elif offset:
        digits = offset[1:].replace(":", "")
        zone = f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    else:
        zone = ""
    try:
        value = datetime.fromisoformat(f"{day}T23:59:59.999999{zone}")
    except ValueError as exc:
        raise DateError(f"not a possible date or time: {describe(text)} ({exc})") from None
    return Timestamp.keeping(value, zeros or "", end_of_day=True)


def _plain_digits(fraction: str, microsecond: int) -> bool:
    """Whether :func:`format_date` writes ``fraction`` back from the microseconds alone."""
    size = len(fraction)
    return size <= 3 or (size == 6 and microsecond % 1000 != 0)


def _rfc3339(text: str) -> date | None:
    """Parse the RFC 3339 forms the standard library cannot; None for other text."""
    found = _RFC3339.fullmatch(text)
    if found is None:
        return None
    day, minutes, seconds, fraction, offset = found.groups()
    fraction = fraction or ""
    leap = seconds == "60"
    micro = (fraction + "000000")[:6]
    zone = "+00:00" if offset in ("Z", "z") else offset or ""
    try:
        value = datetime.fromisoformat(
            f"{day}T{minutes}:{'59' if leap else seconds}.{'999999' if leap else micro}{zone}"
        )
    except ValueError:
        if len(fraction) <= 6:
            return None  # an impossible date or time: dateutil says which
        cut = text[: found.start(4)] + fraction[:6] + text[found.end(4) :]
        try:
            parse_date(cut)
        except DateError as exc:
            raise DateError(str(exc).replace(describe(cut), describe(text))) from None
        # Hour 24 with only zeros after it is the end of its day (_end_of_day).
        raise DateError(
            f"not a possible date or time: {describe(text)} (hour 24 is the end of a day"
            " only with nothing after it but zeros: 24:00, 24:00:00, 24:00:00.000)"
        ) from None
    if leap:
        try:
            utc = value if value.tzinfo is None else value - (value.utcoffset() or timedelta(0))
        except OverflowError:  # in UTC before year 1 or after 9999, where no day is
            utc = None
        if utc is None or (utc.hour, utc.minute) != (23, 59):
            raise DateError(
                f"not a possible time: {describe(text)} (a leap second, second 60, ends a"
                f" UTC day, at 23:59:60Z{'' if utc else ', of the years 1 to 9999'})"
            )
    if leap or not _plain_digits(fraction, value.microsecond):
        return Timestamp.keeping(value, fraction, leap=leap)
    return value


def parse_date(text: object) -> date:
    """Return ``text`` as a ``date`` (bare date) or ``datetime`` (timestamp).

    Raises:
        DateError: for anything but an ISO 8601 calendar date, optionally
            followed by ``T`` and a time, and for impossible dates.
    """
    if type(text) is str and text[11:13] == "24" and (end := _end_of_day(text)) is not None:
        return end  # kept as written, never moved to the next day
    if type(text) is str and _CANONICAL.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass  # an impossible date or time: dateutil says which
    if not isinstance(text, str):
        raise DateError(f"expected an ISO 8601 date string, got {describe(text)}")
    if not _CALENDAR_DATE.match(text) or (len(text) > 10 and text[10] not in "Tt "):
        raise DateError(
            "expected an ISO 8601 date (YYYY-MM-DD) or timestamp"
            f" (YYYY-MM-DDThh:mm:ss), got {describe(text)}"
        )
    if len(text) > 10 and (parsed_here := _rfc3339(text)) is not None:
        return parsed_here
    if _LONG_FRACTION.search(text):
        # dateutil would keep six of them: refused rather than cut.
        raise DateError(
            f"more than six fractional digits are kept only in the form"
            f" YYYY-MM-DDThh:mm:ss.fffffffff[offset]; got {describe(text)}"
        )
    if text[10:11] == " ":
        if _RFC3339.fullmatch(text):  # the form is right, the date or time is not: say which
            try:
                parse_date(f"{text[:10]}T{text[11:]}")
            except DateError as exc:
                with_t = describe(f"{text[:10]}T{text[11:]}")
                raise DateError(str(exc).replace(with_t, describe(text))) from None
        raise DateError(
            "expected an ISO 8601 date (YYYY-MM-DD) or timestamp"
            f" (YYYY-MM-DDThh:mm:ss), got {describe(text)}"
        )
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        # Only dates in rare forms reach dateutil: imported then (7 ms less at import).
        from dateutil.parser import isoparse  # noqa: PLC0415

        parsed = isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise DateError(f"not a possible date or time: {describe(text)} ({exc})") from None
    if parsed.tzinfo is not None:
        offset = parsed.utcoffset()
        if offset is None or abs(offset) >= timedelta(hours=24):
            raise DateError(f"not a possible UTC offset: {describe(text)}")
    return parsed


def parse_day(text: object) -> date:
    """Return ``text`` as a bare calendar date.

    Raises:
        DateError: for anything :func:`parse_date` refuses, and for a timestamp.
    """
    value = parse_date(text)
    if isinstance(value, datetime):
        raise DateError(
            f"expected a calendar date (YYYY-MM-DD), got the timestamp {describe(text)}"
        )
    return value


def format_date(value: date) -> str:
    """Return ``value`` as ISO 8601 text, the inverse of :func:`parse_date`.

    A timestamp is written with ``T``, with milliseconds (microseconds when it
    has them; a :class:`Timestamp` with the digits it was written with, at
    least three), and with ``Z`` for UTC or its own ``+hh:mm`` offset.
    """
    if type(value) is datetime:  # the common case, from isoformat's text (no timespec: faster)
        kept = _KEPT.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        offset = value.utcoffset()
        if offset is None or not offset:
            # YYYY-MM-DDTHH:MM:SS (19 characters), then .ffffff where there are microseconds.
            text, micro = value.isoformat(), value.microsecond
            clock = text[:19] + (
                ".000" if not micro else text[19 : 23 if micro % 1000 == 0 else 26]
            )
            return clock if offset is None else clock + "Z"
        return _timestamp_text(value)
    if type(value) is date:  # a calendar day: its text held, not formatted again
        held = _DAYS.get(value)
        if held is None:
            if len(_DAYS) >= _DAYS_HELD:
                _DAYS.clear()
            held = _DAYS[value] = value.isoformat()
        return held
    if not isinstance(value, datetime):
        return value.isoformat()
    return _timestamp_text(value)


#: The text of each calendar day written (the same days recur), a bounded few: equal
#: days have the same text, whatever object holds them.
_DAYS: dict[date, str] = {}
_DAYS_HELD = 4096


#: Timestamps read from their own written form, by identity, with that text (see keep_text).
_KEPT: dict[int, tuple[datetime, str]] = {}
_KEPT_HELD = 4096


def keep_text(value: datetime, text: str) -> None:
    """Note that ``text``, which ``value`` was read from, is what :func:`format_date` writes.

    For a reader that parses the same texts again and again and keeps what it
    parsed (refundmap.mapping.fused): writing the timestamp back is then a
    lookup. ``text`` must be ``format_date(value)``; a wrong one is written as given.
    """
    if len(_KEPT) >= _KEPT_HELD:
        _KEPT.clear()
    _KEPT[id(value)] = (value, text)  # the value held: its id is its own while kept


def _timestamp_text(value: datetime) -> str:
    """Return a timestamp's text (see :func:`format_date`)."""
    # By the digits, not the type: datetime arithmetic on a Timestamp makes one without them.
    digits: str | None = getattr(value, "_fraction", None)
    if digits is not None:
        fraction = digits.ljust(3, "0")
        second = 60 if getattr(value, "_leap", False) else value.second
        clock = f"{value.hour:02d}:{value.minute:02d}:{second:02d}"
        if getattr(value, "_end", False):
            clock = "24:00:00"
        text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{clock}.{fraction}"
    else:
        spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
        text = value.replace(tzinfo=None).isoformat(timespec=spec)
    offset = value.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes, seconds = divmod(int(abs(offset).total_seconds()), 60)
    suffix = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    if seconds:
        suffix += f":{seconds:02d}"
    return text + suffix
