"""The value types of the models, in one table: what each is in words, how it is written.

The codec's hooks, the compiler's generated writers and the codec's errors read
this table, so that a value type is described and written the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from refundmap.dates import Day, Moment, format_date
from refundmap.models._base import JSONObject
from refundmap.models.rutter import DecimalString
from refundmap.money import format_amount

__all__ = ["VALUES", "Value", "value_of", "words"]


@attrs.frozen
class Value:
    """A value type of the models.

    Attributes:
        words: what a value of it is, for a message ("a numeric string").
        writer: writes a Python value of it as JSON (a date as its ISO text);
            None when the value is JSON as it is.
        written: the Python type the writer takes; anything else is left as it
            is (a model built in code may hold the wrong type, for validation to name).
    """

    words: str
    writer: Callable[[Any], Any] | None = None
    written: type | None = None

    def write(self, value: Any) -> Any:
        """Return ``value`` as JSON: written where it is of the type the writer takes."""
        if self.writer is not None and isinstance(value, self.written or object):
            return self.writer(value)
        return value


_MOMENT = Value("an ISO 8601 date or timestamp", format_date, date)

#: Every value type of the models (a field's type less its None), by type.
VALUES: dict[Any, Value] = {
    str: Value("a string"),
    Decimal: Value("a decimal amount"),
    DecimalString: Value("a numeric string", format_amount, Decimal),
    Day: Value("a calendar date (YYYY-MM-DD)", format_date, date),
    int: Value("an integer"),
    bool: Value("true or false"),
    date: _MOMENT,
    Moment: _MOMENT,
    JSONObject: Value("an object"),
}


def value_of(type_: Any) -> Value | None:
    """Return the value type ``type_`` is (compared with ``==``: a union built anew is one)."""
    return next((value for known, value in VALUES.items() if known == type_), None)


def words(type_: Any) -> str | None:
    """Return what a value of ``type_`` is, in words; None for a type not in the table."""
    value = value_of(type_)
    return None if value is None else value.words
