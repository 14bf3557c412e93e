"""Payloads generated from the vendors' published schemas, and what refundmap makes of them.

The schemas are test data in ``tests/schemas/``: Railz's public OpenAPI
document (its refund schemas, as published) and a JSON Schema of Rutter's
2024-08-31 customer refunds written from the vendor notes. :func:`strategy`
turns one format's schema into a hypothesis strategy (:func:`from_schema`, for
the keywords these schemas use; hypothesis-jsonschema does not run on current
hypothesis), after two changes that are not the vendor's shape but the JSON it
can send:

- OpenAPI to JSON Schema: ``#/components/schemas/X`` references, and
  ``format: integer`` numbers as integers; so are the read-only numbers the
  server fills, all of them counts (``pagination``'s offset, limit, count);
- numbers within what refundmap documents as an amount: smaller than 10^15
  in magnitude, in hundredths (a float such as ``5e-324`` is no amount).

``python tests/conformance.py [N]`` prints, per format, how many of N
generated payloads are accepted: valid, with no unknown-key warning, and
converted to every target with no error but refundmap's own.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import refundmap

SCHEMAS = Path(__file__).resolve().parent / "schemas"
RAILZ = SCHEMAS / "railz-refunds-openapi-subset.json"
RUTTER = SCHEMAS / "rutter-customer-refunds-2024-08-31.json"

#: Each format's root schemas: the vendor's names for its documents.
ROOTS = {
    "rutter": (RUTTER, ["ListResponse", "FetchResponse", "CustomerRefund"]),
    "rutter-create": (RUTTER, ["CreateRequest", "CreateRefund"]),
    "railz": (RAILZ, ["GetRefundResponseDto", "GetRefundDataV1"]),
    "railz-v2": (RAILZ, ["GetRefundResponseV2Dto", "GetRefundDataV2"]),
    "railz-push": (RAILZ, ["PushRefundDto"]),
    "railz-v2-push": (RAILZ, ["PushRefundV2Dto"]),
}

#: Real data beyond the published shape: Railz ids sent as JSON integers
#: (VENDORS.md; Airbyte's connector widened ``id`` to string or integer).
NUMERIC_IDS = {"railz (numeric ids)": "railz", "railz-v2 (numeric ids)": "railz-v2"}

#: The options a conversion into a push body needs.
OPTIONS = {
    "synced_at": "2024-06-30T12:00:00Z",
    "connection_uuid": "CON-396d5daa-26b2-4979-89b6-cafb2c298155",
    "business_name": "Railz",
    "service_name": "xero",
}

_AMOUNT = {"minimum": -(10**12), "maximum": 10**12, "multipleOf": 0.01}


def _adapt(node: Any, *, bounded: bool = True) -> Any:
    """Return an OpenAPI schema node as JSON Schema; ``bounded``: numbers as amounts."""
    if isinstance(node, list):
        return [_adapt(item, bounded=bounded) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _adapt(value, bounded=bounded) for key, value in node.items() if key != "example"}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        node["$ref"] = "#/$defs/" + ref.removeprefix("#/components/schemas/")
    if not bounded:
        return node
    types = node.get("type")
    if types == "number" and (node.get("format") == "integer" or node.get("readOnly")):
        node["type"] = "integer"
        node.update(minimum=0, maximum=10**6)
    elif types == "number" or (isinstance(types, list) and "number" in types):
        node.update(_AMOUNT)
    return node


@cache
def _definitions(path: Path, *, bounded: bool = True) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    schemas = document.get("schemas") or document["$defs"]
    return _adapt(schemas, bounded=bounded)  # type: ignore[no-any-return]


def _numeric_ids(node: Any) -> Any:
    """Return ``node`` with every ``id`` that is a string a string or an integer."""
    if isinstance(node, list):
        return [_numeric_ids(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _numeric_ids(value) for key, value in node.items()}
    ident = node.get("properties", {}).get("id")
    if ident == {"type": "string"}:
        node["properties"]["id"] = {"type": ["string", "integer"], "minimum": 0, "maximum": 10**9}
    return node


def schema(fmt: str, *, bounded: bool = True) -> dict[str, Any]:
    """Return the JSON Schema of ``fmt``'s documents (or of a :data:`NUMERIC_IDS` variant).

    ``bounded=False`` gives the vendor's schema as published, as JSON Schema.
    """
    path, roots = ROOTS[NUMERIC_IDS.get(fmt, fmt)]
    definitions = copy.deepcopy(_definitions(path, bounded=bounded))
    if fmt in NUMERIC_IDS:
        definitions = _numeric_ids(definitions)
    return {"$defs": definitions, "anyOf": [{"$ref": f"#/$defs/{root}"} for root in roots]}


@cache
def strategy(fmt: str) -> st.SearchStrategy[Any]:
    """Return a strategy of ``fmt`` documents as the vendor's schema allows them."""
    whole = schema(fmt)
    return from_schema(whole, whole["$defs"])


_OFFSETS = st.sampled_from(["Z", "+00:00", "-05:00", "+05:30", "+14:00", "-12:00"])


@st.composite
def _timestamp(draw: st.DrawFn) -> str:
    """An RFC 3339 timestamp: any fraction of up to 9 digits, any of a few offsets."""
    moment = draw(
        st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
    )
    digits = draw(st.integers(0, 9))
    fraction = "." + draw(st.text("0123456789", min_size=digits, max_size=digits)) if digits else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + draw(_OFFSETS)


_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date-time": _timestamp(),
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat),
    "uuid": st.uuids().map(str),
}


def from_schema(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:  # noqa: PLR0911 - one case a keyword
    """Return a strategy of the JSON values ``node`` allows.

    Handles what the vendors' schemas use: ``$ref``, ``anyOf``, ``allOf`` of one
    reference, ``enum``, ``type`` (one or several), object ``properties`` with
    ``required`` (other keys are never generated), array ``items`` and
    ``minItems``, string ``format``, ``pattern`` and ``maxLength``, number
    bounds and ``multipleOf``.
    """
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        extra = {key: value for key, value in node.items() if key != "$ref"}
        if extra:  # a reference narrowed in place (a branch's "required")
            return from_schema(_combine(defs[name], extra), defs)
        return st.deferred(lambda: from_schema(defs[name], defs))
    if "allOf" in node and len(node["allOf"]) == 1:
        rest = {key: value for key, value in node.items() if key != "allOf"}
        return from_schema(_combine(node["allOf"][0], rest), defs)
    if "anyOf" in node:
        rest = {key: value for key, value in node.items() if key != "anyOf"}
        return st.one_of([from_schema(_combine(rest, branch), defs) for branch in node["anyOf"]])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    types = node.get("type", "object")
    if isinstance(types, list):
        return st.one_of([from_schema({**node, "type": t}, defs) for t in types])
    if types == "null":
        return st.none()
    if types == "boolean":
        return st.booleans()
    if types == "integer":
        return st.integers(node.get("minimum"), node.get("maximum"))
    if types == "number":
        step = node.get("multipleOf", 0.01)
        low, high = (
            int(node.get("minimum", -(10**12)) / step),
            int(node.get("maximum", 10**12) / step),
        )
        return st.integers(low, high).map(lambda n: round(n * step, 2)) | st.integers(-1000, 1000)
    if types == "string":
        if "format" in node and node["format"] in _FORMATS:
            return _FORMATS[node["format"]]
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True)
        return st.text(max_size=min(node.get("maxLength", 40), 40))
    if types == "array":
        items = from_schema(node.get("items", {}), defs)
        return st.lists(items, min_size=node.get("minItems", 0), max_size=3)
    properties = node.get("properties", {})
    if not properties:
        return st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=3)
    required = set(node.get("required", ()))
    return st.fixed_dictionaries(
        {key: from_schema(value, defs) for key, value in properties.items() if key in required},
        optional={
            key: from_schema(value, defs)
            for key, value in properties.items()
            if key not in required
        },
    )


def _combine(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` narrowed by ``extra``: keywords added, ``required`` and properties merged."""
    if "$ref" in base and set(base) == {"$ref"}:
        return {**base, **extra}
    combined = {**base, **{k: v for k, v in extra.items() if k not in ("required", "properties")}}
    if "required" in base or "required" in extra:
        combined["required"] = [*base.get("required", ()), *extra.get("required", ())]
    if "properties" in extra:
        properties = dict(base.get("properties", {}))
        for key, narrower in extra["properties"].items():
            properties[key] = _combine(properties.get(key, {}), narrower)
        combined["properties"] = properties
    return combined


def targets(source: str) -> list[str]:
    """Return the formats ``source`` converts to, itself included."""
    return (
        [t for t in ROOTS if refundmap.supported(source, t)]
        if hasattr(refundmap, "supported")
        else [source]
    )


def problems(document: Any, fmt: str) -> list[str]:
    """Return why ``document`` is not accepted: empty when it is.

    Accepted: valid as ``fmt``, no unknown-key warning, and converted to every
    target with no error but a :class:`refundmap.MappingError` (a record the
    target cannot hold, with its reasons).
    """
    try:
        report = refundmap.validate(document, fmt)
    except refundmap.ValidationError as exc:
        return [f"invalid: {p.path}: {p.message}" for p in exc.problems]
    found = [f"unknown key: {e.source_path}" for e in report if "unknown key" in e.message]
    for target in targets(fmt):
        try:
            refundmap.convert(document, fmt, target, **OPTIONS)
        except refundmap.MappingError:
            continue  # refundmap's own: the target cannot hold the record, and says why
        except Exception as exc:  # noqa: BLE001 - anything else is a failure to count
            found.append(f"-> {target}: {type(exc).__name__}: {exc}")
    return found


def _figures(name: str, count: int) -> tuple[int, int, list[str]]:
    tally = {"accepted": 0, "generated": 0}
    reasons: dict[str, int] = {}

    @settings(
        max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy(name), st.just(NUMERIC_IDS.get(name, name)))
    def run(document: Any, fmt: str) -> None:
        found = problems(document, fmt)
        tally["generated"] += 1
        tally["accepted"] += not found
        for reason in found:
            reasons[reason[:100]] = reasons.get(reason[:100], 0) + 1

    run()
    common = sorted(reasons, key=reasons.__getitem__, reverse=True)[:4]
    return tally["accepted"], tally["generated"], common


def figures(count: int) -> dict[str, tuple[int, int, list[str]]]:
    """Return, per format, (accepted, generated, the commonest reasons) over ``count`` payloads."""
    return {fmt: _figures(fmt, count) for fmt in [*ROOTS, *NUMERIC_IDS]}


def main() -> None:
    """Print the figures: ``python tests/conformance.py [N]``."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for fmt, (accepted, generated, common) in figures(count).items():
        print(f"{fmt:24} {accepted:5} / {generated:<5} accepted")  # noqa: T201
        for reason in common:
            print(f"{'':26}{reason}")  # noqa: T201


if __name__ == "__main__":
    main()
