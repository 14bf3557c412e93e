"""JSON Schema 2020-12 of each format, generated from the attrs models and the codec's rules.

``refundmap.json_schema("railz")`` or ``refundmap schema railz``. The schema says
what :func:`refundmap.validate` accepts wherever JSON Schema can say it: vendor
keys, required and nullable keys, amounts as numbers smaller than 10^15 in
magnitude (or, when not strict, numeric strings of that bound and at most 20
decimal places), integers and integer strings, dates and timestamps as the
forms refundmap reads, string lengths, a create body's one line at least, the
enums, the documents refundmap recognises as not refunds; when strict, also
unknown keys, ids as strings only, Rutter's currency codes and reference UUIDs,
percentages from 0 to 100, and a create line's total where its item has no unit
amount. What it cannot say is left to :func:`refundmap.validate` (:data:`LOOSER`
lists it): a document that passes the schema may still fail there, never the
other way round.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, get_args, get_origin

import attrs

from refundmap.codec.fields import fields
from refundmap.currency import RUTTER_EXTRA, is_code
from refundmap.dates import Day, Moment
from refundmap.formats import NOT_REFUNDS, Format, FormatName, get_format
from refundmap.models._base import JSONObject
from refundmap.models.rutter import DecimalString

__all__ = ["LOOSER", "json_schema"]

#: The keys of a refund's lines, whose empty objects validate warns of (refuses when strict).
_LINE_KEYS = ("line_items", "lines")

#: Where the schema is looser than :func:`refundmap.validate`: the rules JSON
#: Schema cannot say, each in a line.
LOOSER = (
    "totals arithmetic: a line's or a refund's total against its parts (when strict)",
    "a key given twice in one object (decoded JSON holds one)",
    "an impossible calendar date (2023-02-30), and a leap second (second 60) at a time"
    " that is not 23:59:60 UTC",
    "a Railz id written as a number that is not plain digits (1.0, 1e2): JSON Schema's"
    " integer is a value, not a notation",
    "a JSON number's decimal places (at most 20): validators see binary floats",
    "a numeric string in exponent notation (1.5e3): its bounds, and for an integer that it"
    " is whole",
    "an alias given with its field (discountAmount and totalDiscount) with another value",
    "a number beyond 10^\u00b11000, or nesting too deep for the reader, anywhere",
    "a Railz currencyRef.id that is no currency code under a name that names no one"
    " currency (when strict)",
    "a document refundmap recognises as another format's (a Railz version 1 refund given"
    " as version 2, a Rutter fetch response given as a create body)",
)

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
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_PERCENTAGES = {
    "railz": {"Refund", "RefundLine", "TaxRateRef"},
    "railz-v2": {"RefundV2", "RefundLineV2", "TaxRateRef"},
    "railz-v2-push": {"PushRefundLineV2"},
}
#: Rutter's own ids, which strict validation requires to be UUIDs (refundmap.checks).
_RUTTER_REFS = {
    "CustomerRefund": {"account_id", "customer_id", "class_id", "department_id", "tax_rate_id"},
    "CreateRefund": {"account_id", "customer_id", "class_id", "department_id", "tax_rate_id"},
    "LineItem": {"account_id", "tax_rate_id"},
    "CreateLineItem": {"account_id", "tax_rate_id"},
    "Item": {"id"},
    "CreateItem": {"id"},
}


def _currency_codes() -> list[str]:
    from iso4217 import Currency  # noqa: PLC0415 - what refundmap.currency reads

    return sorted({c.code for c in Currency if is_code(c.code)} | set(RUTTER_EXTRA))


def json_schema(format: FormatName | Format, *, strict: bool = False) -> dict[str, Any]:  # noqa: A002 - the documented keyword
    """Return the JSON Schema (2020-12) of ``format``'s documents.

    Args:
        format: the format.
        strict: the schema of strict validation: no numeric strings, no
            unknown keys (``additionalProperties: false``), ids strings only.

    Raises:
        UsageError: for an unknown format.
    """
    fmt = get_format(format)
    builder = _Builder(fmt, strict=strict)
    roots = [builder.ref(fmt.record), *(builder.ref(shape.model) for shape in fmt.envelopes)]
    # What validate names as not a refund (an asynchronous create response).
    others = {"type": "object", "anyOf": [{"required": [marker]} for marker in NOT_REFUNDS]}
    document = {"anyOf": roots, "not": others}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://refundmap.invalid/schemas/{fmt.name}{'-strict' if strict else ''}.json",
        "title": f"refundmap {fmt.name}{' (strict)' if strict else ''}",
        "description": fmt.summary
        + "; a record, an envelope, or a JSON array of them. Generated by refundmap.",
        "anyOf": [*roots, {"type": "array", "items": document}],
        "not": others,
        "$defs": builder.defs,
    }


class _Builder:
    def __init__(self, fmt: Format, *, strict: bool) -> None:
        self.fmt = fmt
        self.strict = strict
        self.codec = fmt.codec(strict=strict)
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserved: a class that holds itself refers to itself
            self.defs[name] = self._object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def _object(self, cls: type) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in fields(cls):
            key = self.codec.key(field)
            schema = self._value(field.type, key)
            if "max_length" in field.metadata:
                schema = _narrow(schema, {"maxLength": field.metadata["max_length"]})
            if "min_items" in field.metadata:
                schema = _narrow(schema, {"minItems": field.metadata["min_items"]})
                if not self.strict:
                    # An empty line object is left out: at least one line must hold a field.
                    schema = _narrow(schema, {"contains": {"minProperties": 1}})
            if self.strict and key in _LINE_KEYS:
                schema = _narrow_items(schema, {"minProperties": 1})  # no empty line object
            if self.strict:
                schema = _narrow(schema, self._checked(cls.__name__, key))
            properties[key] = schema
            for alias in field.metadata.get("aliases", ()):
                properties[alias] = schema
            if field.default is attrs.NOTHING:
                required.append(key)
        result: dict[str, Any] = {"type": "object", "properties": properties}
        if cls.__doc__:
            result["description"] = cls.__doc__.strip().splitlines()[0]
        if required:
            result["required"] = required
        if self.strict:
            result["additionalProperties"] = False
            if cls.__name__ == "CreateLineItem":
                # A line's total is needed where its item has no unit amount.
                priced = {"not": {"type": "null"}}
                result["if"] = {
                    "required": ["item"],
                    "properties": {
                        "item": {
                            "type": "object",
                            "required": ["unit_amount"],
                            "properties": {"unit_amount": priced},
                        }
                    },
                }
                result["else"] = {
                    "required": ["total_amount"],
                    "properties": {"total_amount": priced},
                }
        return result

    def _checked(self, name: str, key: str) -> dict[str, Any]:
        """What strict validation's checks add to the value of ``key`` in class ``name``."""
        rutter = self.fmt.vendor == "rutter"
        if rutter and key in _RUTTER_REFS.get(name, ()):
            return {"pattern": _UUID}
        if rutter and key == "currency_code":
            return {"enum": _currency_codes()}
        if name in _PERCENTAGES.get(self.fmt.name, ()) and key in (
            "discountPercentage",
            "effectiveTaxRate",
        ):
            return {"minimum": 0, "maximum": 100}
        return {}

    def _value(self, type_: Any, key: str) -> dict[str, Any]:
        args = get_args(type_)
        if type(None) in args:
            rest = [a for a in args if a is not type(None)]
            inner = self._value(rest[0] if len(rest) == 1 else Moment, key)
            return {"anyOf": [inner, {"type": "null"}]}
        if type_ == Moment:
            return {"type": "string", "pattern": _MOMENT}
        if attrs.has(type_):
            return self.ref(type_)
        origin = get_origin(type_)
        if origin is list:
            return {"type": "array", "items": self._value(args[0], key)}
        if origin is Literal:
            return {"enum": list(args)}
        if type_ == JSONObject:
            return {"type": "object"}
        return self._scalar(type_, key)

    def _scalar(self, type_: Any, key: str) -> dict[str, Any]:
        strict = self.strict
        bounded = {"exclusiveMinimum": -_BOUND, "exclusiveMaximum": _BOUND}
        if type_ is str:
            if key == "id" and not strict and self.fmt.ids_may_be_numbers:
                return {"type": ["string", "integer"]}
            return {"type": "string"}
        if type_ is bool:
            return {"type": "boolean"}
        if type_ is int:
            if strict:
                return {"type": "integer", **bounded}
            text = {"type": "string", "pattern": _INTEGER_TEXT}
            return {"anyOf": [{"type": "integer", **bounded}, text]}
        if type_ is Decimal:
            if strict:
                return {"type": "number", **bounded}
            text = {"type": "string", "pattern": _NUMBER_TEXT}
            return {"anyOf": [{"type": "number", **bounded}, text]}
        if type_ is DecimalString:
            text = {"type": "string", "pattern": _NUMBER_TEXT}
            return text if strict else {"anyOf": [text, {"type": "number", **bounded}]}
        if type_ is Day:
            return {"type": "string", "format": "date", "pattern": _DAY}
        raise TypeError(f"no JSON Schema for {type_!r}")  # a model field of a new type


def _narrow_items(schema: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    """Return the array ``schema`` with ``rule`` added to each of its items' schema."""
    if "anyOf" in schema:
        return {**schema, "anyOf": [_narrow_items(branch, rule) for branch in schema["anyOf"]]}
    if schema.get("type") != "array":
        return schema
    return {**schema, "items": {"allOf": [schema["items"], rule]}}


def _narrow(schema: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    """Return ``schema`` with ``rule`` added to its value (not to its null, nor a reference)."""
    if not rule:
        return schema
    if "anyOf" in schema:
        return {**schema, "anyOf": [_narrow(branch, rule) for branch in schema["anyOf"]]}
    if schema.get("type") == "null":
        return schema
    return {**schema, **rule}
