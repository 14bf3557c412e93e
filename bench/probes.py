"""What each pipeline of the benchmark checks, found by running it, not by saying so.

Each probe spoils one thing in a small valid list response (a key given twice,
an amount out of bounds, a date that is no date, ...) and runs every pipeline
on it: it *refuses* the document (raises), *warns* (refundmap: a warning in its
report; pydantic: the unknown keys it notes), or takes it *silently*.
``python bench/run.py`` prints the table; ``docs/performance.md`` shows it.

    python bench/probes.py          # the table, in Markdown
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import peers

import refundmap

#: How a probe spoils a decoded record of each source vendor (the first record of the page).
Spoil = Callable[[dict[str, Any]], None]


def _set(key: str, value: Any) -> Spoil:
    def spoil(record: dict[str, Any]) -> None:
        record[key] = value

    return spoil


def _delete(key: str) -> Spoil:
    def spoil(record: dict[str, Any]) -> None:
        del record[key]

    return spoil


def _line(key: str, change: Callable[[Any], Any], lines: str) -> Spoil:
    def spoil(record: dict[str, Any]) -> None:
        line = record[lines][0]
        line[key] = change(line[key])

    return spoil


def _ref_id(ref: str, value: Any) -> Spoil:
    def spoil(record: dict[str, Any]) -> None:
        record[ref] = {**record[ref], "id": value}

    return spoil


_PLUS_ONE = Decimal(1).__add__


def _raw(number: str) -> str:
    """A JSON number written as it is (the generator writes decimals as floats)."""
    return f"RAW:{number}"


def _dumps(document: dict[str, Any]) -> bytes:
    data = generate.dumps(document)
    while (at := data.find(b'"RAW:')) >= 0:
        end = data.index(b'"', at + 1)
        data = data[:at] + data[at + 5 : end] + data[end + 1 :]
    return data


#: (what is spoiled, how in a Rutter record, how in a Railz record); a key given twice is
#: written into the text (see _repeated).
PROBES: list[tuple[str, Spoil | None, Spoil | None]] = [
    ("a key given twice in one object", None, None),
    ("an unknown key", _set("colour", "red"), _set("colour", "red")),
    (
        "an amount of 10^15 or more",
        _set("currency_rate", _raw("1000000000000000")),
        _set("currencyRate", _raw("1000000000000000")),
    ),
    (
        "an amount with 21 decimal places",
        _set("currency_rate", _raw("1.000000000000000000001")),
        _set("currencyRate", _raw("1.000000000000000000001")),
    ),
    ("an amount sent as true", _set("currency_rate", value=True), _set("currencyRate", value=True)),
    ("an id sent as a JSON number", _set("platform_id", 10001), _ref_id("accountRef", 4711)),
    ("a date that is no date", _set("transaction_date", "2024-02-30"), _set("date", "2024-02-30")),
    ("a required key missing", _delete("id"), _delete("id")),
    (
        "a line total that does not add up",
        _line("total_amount", _PLUS_ONE, "line_items"),
        _line("totalAmount", _PLUS_ONE, "lines"),
    ),
    (
        "a currency code that is not ISO 4217",
        _set("currency_code", "XXY"),
        _ref_id("currencyRef", "XXY"),
    ),
]

#: The pipelines of each direction, by name, as bench/run.py times them.
PIPELINES: dict[str, dict[str, Callable[[bytes], str]]] = {
    "rutter": {
        "refundmap": lambda data: refundmap.convert(data, "rutter", "railz").to_json(),
        "pydantic": peers.pydantic_rutter_to_railz,
        "msgspec": peers.msgspec_rutter_to_railz,
        "msgspec+dup": peers.msgspec_checked_rutter_to_railz,
        "floor": peers.floor_rutter_to_railz,
    },
    "railz": {
        "refundmap": lambda data: refundmap.convert(data, "railz", "rutter").to_json(),
        "pydantic": peers.pydantic_railz_to_rutter,
        "msgspec": peers.msgspec_railz_to_rutter,
        "msgspec+dup": peers.msgspec_checked_railz_to_rutter,
        "floor": peers.floor_railz_to_rutter,
    },
}

REFUSED, WARNED, SILENT = "refused", "warned", "**taken silently**"


def _document(source: str) -> dict[str, Any]:
    return generate.rutter_list(2) if source == "rutter" else generate.railz_list(2)


def _records(document: dict[str, Any], source: str) -> list[dict[str, Any]]:
    return document["customer_refunds" if source == "rutter" else "data"]


def _repeated(data: bytes) -> bytes:
    """The text with the first record's first key given twice (the first value kept apart)."""
    spoiled = data.replace(b'"id"', b'"id": "0", "id"', 1)
    assert spoiled != data  # noqa: S101 - the probe spoils something
    return spoiled


def _said(name: str, pipeline: Callable[[bytes], str], data: bytes, source: str) -> int:
    """Return how many warnings ``pipeline`` gives ``data`` (raises where it refuses it)."""
    if name == "refundmap":
        target = "railz" if source == "rutter" else "rutter"
        report = refundmap.convert(data, source, target).report
        return sum(1 for entry in report if entry.kind is refundmap.Kind.WARNING)
    noted = len(peers.UNKNOWN)  # pydantic's unknown keys; the others say nothing
    pipeline(data)
    return len(peers.UNKNOWN) - noted


def outcome(name: str, pipeline: Callable[[bytes], str], data: bytes, source: str) -> str:
    """Return what ``pipeline`` does with the spoiled ``data``: refused, warned or silent."""
    try:
        said = _said(name, pipeline, data, source)
    except Exception:  # noqa: BLE001 - any refusal is a refusal
        return REFUSED
    baseline = _said(name, pipeline, _dumps(_document(source)), source)
    return WARNED if said > baseline else SILENT


def matrix() -> list[tuple[str, str, dict[str, str]]]:
    """Return each probe's outcome: (probe, source vendor, {pipeline: outcome})."""
    rows = []
    for probe, *spoils in PROBES:
        for source, spoil in zip(("rutter", "railz"), spoils, strict=True):
            document = copy.deepcopy(_document(source))
            if spoil is None:
                data = _repeated(_dumps(document))
            else:
                spoil(_records(document, source)[0])
                data = _dumps(document)
            found = {
                name: outcome(name, pipeline, data, source)
                for name, pipeline in PIPELINES[source].items()
            }
            rows.append((probe, source, found))
    return rows


def table() -> list[str]:
    """Return :func:`matrix` as the rows of a Markdown table."""
    names = list(PIPELINES["rutter"])
    rows = [
        "| the input has | from | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    rows += [
        f"| {probe} | {source} | " + " | ".join(found[name] for name in names) + " |"
        for probe, source, found in matrix()
    ]
    return rows


if __name__ == "__main__":
    print("\n".join(table()))
