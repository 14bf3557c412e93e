"""The value types of the models, in one table: words, JSON Schema, and how each is written.

The codec's hooks and errors, the compiler's generated writers and the JSON Schema
read this table, so that a value type is described and written the same way everywhere.
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


# What JSON Schema says of each value type: the rules of refundmap.money and
# refundmap.dates, as far as a pattern can say them (schema.LOOSER lists the rest).
_YEAR = r"([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_DATE = rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_HOUR = r"([01][0-9]|2[0-3])"
_MINUTE = r"[0-5][0-9]"
#: RFC 3339: ``T``, ``t`` or a space, seconds (60: a leap second), any fraction.
_RFC3339 = (
    rf"{_DATE}[Tt ]{_HOUR}:{_MINUTE}:([0-5][0-9]|60)([.,][0-9]+)?([Zz]|[+-]{_HOUR}:{_MINUTE})?"
)
#: ISO 8601 as dateutil reads it after ``T``: hours, minutes, seconds, basic or
#: extended, a fraction of up to six digits.
_ISO_TIME = rf"{_HOUR}(:?{_MINUTE}(:?{_MINUTE}([.,][0-9]{{1,6}})?)?)?"
_ISO8601 = rf"{_DATE}[Tt]{_ISO_TIME}([Zz]|[+-]{_HOUR}(:?{_MINUTE})?)?"
#: The end of a day, hour 24 with nothing after it but zeros, kept as written.
_END_OF_DAY = (
    rf"{_DATE}([Tt]24(:00(:00([.,]0+)?)?|00(00([.,]0+)?)?)?| 24:00:00([.,]0+)?)"
    rf"([Zz]|[+-]{_HOUR}(:?{_MINUTE})?)?"
)
_DAY = rf"^{_DATE}$"
#: A calendar date, or a timestamp in a form :func:`refundmap.dates.parse_date` reads.
_MOMENT = rf"^({_DATE}|{_RFC3339}|{_ISO8601}|{_END_OF_DAY})$"

#: A numeric string: plain, under 10^15 with at most 20 decimal places (a zero
#: with any), or in exponent notation (bounded by validate only).
_EXPONENT = r"(0|[1-9][0-9]*)(\.[0-9]+)?[eE][+-]?[0-9]+"
_NUMBER_TEXT = rf"^-?((0|[1-9][0-9]{{0,14}})(\.[0-9]{{1,20}})?|0\.0+|{_EXPONENT})$"
_INTEGER_TEXT = rf"^-?((0|[1-9][0-9]{{0,14}})(\.0{{1,20}})?|0\.0+|{_EXPONENT})$"
_BOUND = 10**15
_BOUNDED = {"exclusiveMinimum": -_BOUND, "exclusiveMaximum": _BOUND}


def _fixed(schema: dict[str, Any]) -> Callable[[bool], dict[str, Any]]:
    return lambda _strict: dict(schema)  # a copy: a schema built from it may be changed


def _integer(strict: bool) -> dict[str, Any]:  # noqa: FBT001 - the table's one signature
    if strict:
        return {"type": "integer", **_BOUNDED}
    return {
        "anyOf": [{"type": "integer", **_BOUNDED}, {"type": "string", "pattern": _INTEGER_TEXT}]
    }


def _amount(strict: bool) -> dict[str, Any]:  # noqa: FBT001 - the table's one signature
    if strict:
        return {"type": "number", **_BOUNDED}
    text = {"type": "string", "pattern": _NUMBER_TEXT}
    return {"anyOf": [{"type": "number", **_BOUNDED}, text]}


def _decimal_string(strict: bool) -> dict[str, Any]:  # noqa: FBT001 - the table's one signature
    text = {"type": "string", "pattern": _NUMBER_TEXT}
    return text if strict else {"anyOf": [text, {"type": "number", **_BOUNDED}]}


@attrs.frozen
class Value:
    """A value type of the models.

    Attributes:
        words: what a value of it is, for a message ("a numeric string").
        schema: its JSON Schema, given whether the schema is strict.
        writer: writes a Python value of it as JSON (a date as its ISO text);
            None when the value is JSON as it is.
        written: the Python type the writer takes; anything else is left as it
            is (a model built in code may hold the wrong type, for validation to name).
    """

    words: str
    schema: Callable[[bool], dict[str, Any]] = attrs.field(kw_only=True)
    writer: Callable[[Any], Any] | None = None
    written: type | None = None

    def write(self, value: Any) -> Any:
        """Return ``value`` as JSON: written where it is of the type the writer takes."""
        if self.writer is not None and isinstance(value, self.written or object):
            return self.writer(value)
        return value


_MOMENT_VALUE = Value(
    "an ISO 8601 date or timestamp",
    format_date,
    date,
    schema=_fixed({"type": "string", "pattern": _MOMENT}),
)

#: Every value type of the models (a field's type less its None), by type.
VALUES: dict[Any, Value] = {
    str: Value("a string", schema=_fixed({"type": "string"})),
    Decimal: Value("a decimal amount", schema=_amount),
    DecimalString: Value("a numeric string", format_amount, Decimal, schema=_decimal_string),
    Day: Value(
        "a calendar date (YYYY-MM-DD)",
        format_date,
        date,
        schema=_fixed({"type": "string", "format": "date", "pattern": _DAY}),
    ),
    int: Value("an integer", schema=_integer),
    bool: Value("true or false", schema=_fixed({"type": "boolean"})),
    date: _MOMENT_VALUE,
    Moment: _MOMENT_VALUE,
    JSONObject: Value("an object", schema=_fixed({"type": "object"})),
}


def value_of(type_: Any) -> Value | None:
    """Return the value type ``type_`` is (compared with ``==``: a union built anew is one)."""
    return next((value for known, value in VALUES.items() if known == type_), None)


def words(type_: Any) -> str | None:
    """Return what a value of ``type_`` is, in words; None for a type not in the table."""
    value = value_of(type_)
    return None if value is None else value.words
