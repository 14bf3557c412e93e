"""The date rules: parse with python-dateutil, keep day, offset and precision.

A bare date (``2023-01-02``) stays a :class:`datetime.date`. A timestamp is a
:class:`datetime.datetime`, aware when the text had an offset and naive when it
had none; nothing is moved to another day or zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NewType

from dateutil.parser import isoparse

from refundmap.report import ValueRuleError, describe

__all__ = ["DateError", "DateValue", "Day", "format_date", "parse_date", "parse_day"]

#: A date as the vendors send it: a bare calendar date or a timestamp.
DateValue = date | datetime
#: A calendar date only, no time (Railz's push bodies: ``format: date``).
Day = NewType("Day", date)

_CALENDAR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The form vendors send nearly always: the standard library parses it 80 times
# faster than dateutil, to the same value. Anything else goes to dateutil.
_CANONICAL = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)


class DateError(ValueRuleError):
    """A value is not an acceptable date; the message says what was found."""


def parse_date(text: object) -> date:
    """Return ``text`` as a ``date`` (bare date) or ``datetime`` (timestamp).

    Raises:
        DateError: for anything but an ISO 8601 calendar date, optionally
            followed by ``T`` and a time, and for impossible dates.
    """
    if type(text) is str and _CANONICAL.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass  # an impossible date or time: dateutil says which
    if not isinstance(text, str):
        raise DateError(f"expected an ISO 8601 date string, got {describe(text)}")
    if not _CALENDAR_DATE.match(text) or (len(text) > 10 and text[10] not in "Tt"):
        raise DateError(
            "expected an ISO 8601 date (YYYY-MM-DD) or timestamp"
            f" (YYYY-MM-DDThh:mm:ss), got {describe(text)}"
        )
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
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

    A timestamp is written with milliseconds (microseconds when it has them, so
    none are lost), and with ``Z`` for UTC or its own ``+hh:mm`` offset.
    """
    if not isinstance(value, datetime):
        return value.isoformat()
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
