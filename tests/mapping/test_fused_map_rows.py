"""The fast mapping's rows: runs of dropped values, ids copied, finished references.

Each conversion here is made on both paths (the fast one and the detailed one)
and compared as a caller sees it, with the counts taken before the report is read.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import attrs
import pytest

import refundmap
from refundmap.codec.fields import fields
from refundmap.formats import FORMATS, get_format
from refundmap.mapping import fused, fused_map
from refundmap.mapping.bare import BareRecords
from refundmap.mapping.compiler import _INDEXED_HELD, _Compiler

SYNCED_AT = "2024-06-30T12:00:00.000Z"
FIXTURES = Path(__file__).parents[2] / "fixtures"

#: A Railz line with every value the mapping into Rutter drops.
LINE: dict[str, Any] = {
    "id": "1",
    "description": "USB-C dock",
    "unitAmount": 56.62,
    "quantity": 1,
    "discountAmount": 0,
    "discountPercentage": 0,
    "subTotal": 56.62,
    "taxAmount": 7.36,
    "totalAmount": 63.98,
    "accountRef": {"id": "495714-10", "name": "account 10"},
    "taxRateRef": {"id": "12620-4", "name": "tax 4", "effectiveTaxRate": 13},
    "inventoryRef": {"id": "295595-64", "name": "item 64"},
    "trackingCategoryRef": {"id": "7", "name": "Region", "option": "West", "optionId": "7-1"},
    "locationRef": {"id": "3", "name": "Warehouse"},
}
REFUND: dict[str, Any] = {
    "id": "20000",
    "customerRef": {"id": "705509-137", "name": "customer 137"},
    "accountRef": {"id": "878150-2", "name": "account 2"},
    "date": "2024-06-13T00:23:29.000Z",
    "currencyRef": {"id": "USD", "name": "US dollar", "symbol": "$"},
    "lines": [LINE],
    "subTotal": 56.62,
    "taxAmount": 7.36,
    "totalAmount": 63.98,
    "discountPercentage": 0,
    "memo": "Refund 0",
    "sourceModifiedDate": "2024-03-08T16:10:35.000Z",
    "locationRef": {"id": "3", "name": "Warehouse"},
    "allocatedOnDate": "2024-03-09T00:00:00.000Z",
}
#: The line's values dropped into Rutter, by their key paths in the line.
DROPPED = (
    ("id",),
    ("discountAmount",),
    ("discountPercentage",),
    ("taxAmount",),
    ("accountRef", "name"),
    ("taxRateRef", "name"),
    ("taxRateRef", "effectiveTaxRate"),
    ("inventoryRef", "name"),
    ("trackingCategoryRef", "name"),
    ("trackingCategoryRef", "option"),
    ("trackingCategoryRef", "optionId"),
    ("locationRef", "id"),
    ("locationRef", "name"),
)


def _outcome(document: Any, source: str, target: str) -> tuple[Any, ...]:
    conversion = refundmap.convert(json.dumps(document), source, target, synced_at=SYNCED_AT)
    counts = conversion.counts()  # before the report is read: counted from the rows
    return (
        conversion.to_json(),
        counts,
        conversion.report,
        conversion.untranslated,
        conversion.missing,
    )


def _both(document: Any, source: str = "railz", target: str = "rutter") -> tuple[Any, ...]:
    """Return the fast path's outcome, asserting it took the document and is the detailed one's."""
    taken = fused.TALLY.mapped
    fast = _outcome(document, source, target)
    assert fused.TALLY.mapped == taken + 1  # the fast mapping took it
    fused.ENABLED = False
    try:
        detailed = _outcome(document, source, target)
    finally:
        fused.ENABLED = True
    assert fast == detailed
    return fast


def _without(line: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """Return ``line`` without the values at ``paths``: a reference without its id, whole."""
    line = copy.deepcopy(line)
    for path in paths:
        head, *rest = path
        if rest == ["id"]:
            line.pop(head, None)
        elif rest and head in line:
            line[head].pop(rest[0], None)
        elif not rest:
            del line[head]
    return line


def _there(line: dict[str, Any], path: tuple[str, ...]) -> bool:
    head, *rest = path
    return head in line and (not rest or rest[0] in line[head])


def test_a_run_of_dropped_values_is_noted_as_one_row() -> None:
    """The line's dropped values are one row a line, made entries only when read."""
    code = fused_map.source("railz", "rutter")
    line = code[: code.index("\ndef ", 1)]
    assert line.count("add((_RUN,") == 1
    assert line.count("'dropped' if") == len(DROPPED)  # a kind's text: no tracked object
    assert "add(_row" not in line.split("add((_RUN,")[1].split("))")[0]


def _gone(left: int) -> list[tuple[tuple[str, ...], ...]]:
    """Every way of leaving ``left`` of the line's dropped values (the first ``left``, if many)."""
    if left in (1, len(DROPPED) - 1):
        return [*combinations(DROPPED, len(DROPPED) - left)]
    return [DROPPED[left:]]


@pytest.mark.parametrize("left", [0, 1, 2, 6, 12, 13])
def test_the_values_of_a_run_that_are_there_are_reported_as_rows_would(left: int) -> None:
    """Each value there is an entry, in the table's order; counted exactly before it is read."""
    for gone in _gone(left):
        line = _without(LINE, gone)
        document = {**REFUND, "lines": [line, LINE]}
        _, counts, report, *_ = _both(document)
        dropped = [
            entry.source_path
            for entry in report
            if entry.kind == "dropped" and entry.source_path.startswith("$.lines[0].")
        ]
        there = [f"$.lines[0].{'.'.join(path)}" for path in DROPPED if _there(line, path)]
        assert [path for path in dropped if path != "$.lines[0].subTotal"] == there
        assert counts == dict(Counter(entry.kind for entry in report))


def test_counts_are_made_without_making_entries() -> None:
    """``counts()`` reads the rows as noted: the report is made only when read."""
    conversion = refundmap.convert(json.dumps(REFUND), "railz", "rutter", synced_at=SYNCED_AT)
    counts = conversion.counts()
    assert conversion._rows._report is None  # not made yet
    assert counts == dict(Counter(entry.kind for entry in conversion.report))
    assert counts["dropped"] == 13 + 9  # the line's (its subTotal is used), the refund's


def test_an_empty_object_in_a_run_is_not_reported() -> None:
    """A run's test is _row's: an empty list or object carries no value (Rutter's platform_data)."""
    page = json.loads((FIXTURES / "rutter" / "seed-list.json").read_text())
    document = page["customer_refunds"][0]
    for platform_data in ({}, {"k": 1}):
        _, _, report, *_ = _both({**document, "platform_data": platform_data}, "rutter", "railz")
        paths = [entry.source_path for entry in report if entry.kind == "omitted"]
        assert ("$.platform_data" in paths) is bool(platform_data)


def test_ids_copied_are_counted_and_named_as_first_met() -> None:
    """Each copy counted; an id's name is the first the source gives (unnamed copies too)."""
    unnamed = {**LINE, "accountRef": {"id": "878150-2"}}
    renamed = {**LINE, "accountRef": {"id": "878150-2", "name": "other name"}}
    document = {**REFUND, "lines": [unnamed, renamed, LINE]}
    *_, untranslated, missing = _both(document)
    rows = {(row.kind, row.id): row for row in missing}
    assert rows["account", "878150-2"].count == 3  # the refund's and two lines'
    assert rows["account", "878150-2"].name == "account 2"  # the refund's, met first
    assert untranslated == sum(row.count for row in missing)


def test_json_lines_records_name_their_ids_as_alone() -> None:
    """Converted one after another, each record's copied ids and names are its own."""
    converter = refundmap.Converter("railz", "rutter", synced_at=SYNCED_AT)
    first = {**REFUND, "lines": [{**LINE, "accountRef": {"id": "878150-2"}}]}
    second = {**REFUND, "accountRef": {"id": "878150-2", "name": ""}}
    texts = [json.dumps(first), json.dumps(second), json.dumps(REFUND)]
    together = list(converter.convert_lines(texts))
    alone = [converter.convert(text) for text in texts]
    assert [c.missing for c in together] == [c.missing for c in alone]
    assert [c.untranslated for c in together] == [c.untranslated for c in alone]


def _alone_cases() -> list[tuple[str, type, str]]:
    cases = []
    for name in sorted(FORMATS):
        target = get_format(name)
        compiler = _Compiler(target, target, lookup=False)
        seen: set[type] = set()
        stack = [target.record]
        while stack:
            cls = stack.pop()
            if cls in seen:
                continue
            seen.add(cls)
            for field in fields(cls):
                stack += [t for t in _classes(field.type) if t not in seen]
            if (key := compiler._finished_alone(cls)) is not None:
                cases.append((name, cls, key))
    return cases


def _classes(type_: Any) -> list[type]:
    found = [type_] if attrs.has(type_) else []
    for arg in getattr(type_, "__args__", ()):
        found += _classes(arg)
    return found


@pytest.mark.parametrize(("target", "cls", "key"), _alone_cases(), ids=str)
def test_a_reference_made_with_its_id_alone_is_finished_as_it_is(
    target: str, cls: type, key: str
) -> None:
    """Where a finisher keeps such a dict, its finisher would give it back equal."""
    compiler = _Compiler(get_format(target), get_format(target), lookup=False)
    name = compiler.finisher(cls)
    namespace: dict[str, Any] = dict(compiler.names)
    exec(compiler.module(), namespace)  # noqa: S102 - the compiler's own code
    assert namespace[name]({key: "X-1"}, None, "$") == {key: "X-1"}


def test_the_references_are_kept_where_finished() -> None:
    """Railz's references made from Rutter ids alone are kept, not remade."""
    assert _alone_cases()  # the test above proves some
    code = fused_map.source("rutter", "railz")
    assert "v if len(v) == 1 and v.get('id') is not None else finish_Ref(v, run, sp)" in code


def test_json_lines_records_run_the_pages_code() -> None:
    """BareRecords runs the code a page runs: ids copied noted inline, no run.copied call each."""
    converter = refundmap.Converter("railz", "rutter", synced_at=SYNCED_AT)
    mapper = BareRecords(converter)._mapper
    filename = "<refundmap fast mapping railz -> rutter counting by key>"
    assert mapper.__code__.co_filename == filename
    code = fused_map._compiled("railz", "rutter", lookup=False, counted=True, by_key=True)[1]
    assert "_key(_k)" in code  # the command counts (kind, id) keys
    assert "run.copied(" not in code
    page = fused_map.source("railz", "rutter")  # a page's: three items a copy, counted when read
    assert "_copy3(('account', v, _nm))" in page
    assert "run.copied(" not in page
    # The same code, but for how a copy is noted.
    by_key = re.sub(
        r"( +)_copy3\(\(('\w+'), v(_l)?, _nm(_l)?\)\)",
        lambda found: (
            f"{found[1]}_k{found[3] or ''} = ({found[2]}, v{found[3] or ''})\n"
            f"{found[1]}_key(_k{found[3] or ''})\n"
            f"{found[1]}if _nm{found[3] or ''} is not None and _k{found[3] or ''} not in _names:"
            f" _names[_k{found[3] or ''}] = _nm{found[3] or ''}"
        ),
        page.replace(
            "_copy3 = run.copied_flat.extend",
            "_key = run.copied_keys.append; _names = run.copied_names",
        ),
    )
    assert by_key == code


def test_a_page_counts_its_copied_ids_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids counted a few records at a time are counted as at once: each id, first met first."""
    other = {**LINE, "accountRef": {"id": "1-new", "name": "new account"}}
    records = [{**REFUND, "id": str(n), "lines": [LINE, other][: 1 + n % 2]} for n in range(7)]
    page = json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text())
    page["data"] = records
    page["count"] = len(records)
    at_once = _both(page)
    monkeypatch.setattr(fused_map, "_FLAT_HELD", 4)
    held = _both(page)
    assert held == at_once
    missing = held[-1]
    assert [(row.kind, row.platform_id, row.count) for row in missing][:2] == [
        ("account", "878150-2", 7),
        ("customer", "705509-137", 7),
    ]


def test_a_pages_records_past_the_held_indexes_are_at_their_own() -> None:
    """A record's paths join its list's and its index's held suffix: past them, made alike."""
    count = _INDEXED_HELD + 6  # records past the held suffixes
    page = json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text())
    page["data"] = [{**REFUND, "id": str(n)} for n in range(count)]
    page["count"] = count
    _both(page)  # the fast path took it, and gave what the detailed one gives
    conversion = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED_AT)
    last = count - 1
    assert any(e.source_path.startswith(f"$.data[{last}].") for e in conversion.report)
    targets = [e.target_path or "" for e in conversion.report]
    assert any(path.startswith(f"$.customer_refunds[{last}].") for path in targets)
