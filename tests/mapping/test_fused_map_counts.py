"""The fast mapping's ids copied untranslated: noted as items a copy, counted when read.

A page's conversion holds its copies as noted (its ``untranslated`` is their
number) and counts them by kind and id only when ``missing`` or
``missing_counts()`` is read, in the order met, as the detailed path counts them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import refundmap
from refundmap.mapping import fused, fused_map

SYNCED_AT = "2024-06-30T12:00:00.000Z"
FIXTURES = Path(__file__).parents[2] / "fixtures"


def _page() -> dict[str, Any]:
    return json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text())


def _detailed(document: Any) -> refundmap.Conversion:
    fused.ENABLED = False
    try:
        return refundmap.convert(document, "railz", "rutter", synced_at=SYNCED_AT)
    finally:
        fused.ENABLED = True


def test_a_pages_copies_are_counted_only_when_read() -> None:
    """Converting counts no id; reading the counts counts them, as the detailed path does."""
    page = _page()
    taken = fused.TALLY.mapped
    conversion = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED_AT)
    assert fused.TALLY.mapped == taken + 1  # the fast mapping took it
    counted = conversion._missing._counted
    assert isinstance(counted, fused_map._CountedWhenRead)
    flat = counted._flat
    assert flat
    assert len(flat) == 3 * conversion.untranslated  # kind, id, name: a Railz id's
    detailed = _detailed(page)
    assert conversion.untranslated == detailed.untranslated
    assert conversion.missing_counts() == detailed.missing_counts()
    assert list(conversion.missing_counts()) == list(detailed.missing_counts())  # order met
    assert counted._flat is None
    assert conversion.missing == detailed.missing


def test_counted_when_read_is_a_mapping_of_the_ids_met() -> None:
    """Each (kind, id) met, its times, first met first; an id not met is no key."""
    run = fused_map.start_run(refundmap.Converter("railz", "rutter"), None, fused_map._Counted)
    for kind, value in [("account", "A"), ("item", "I"), ("account", "A"), ("class", "C")]:
        run.copied(kind, value)  # as the engine's code notes one (run.translate)
    assert run.copied_flat == [
        *("account", "A", None),
        *("item", "I", None),
        *("account", "A", None),
        *("class", "C", None),
    ]
    assert run.copies() == 4
    counted = run.counted_when_read()
    assert ("account", "B") not in counted
    with pytest.raises(KeyError):
        counted["account", "B"]
    assert ("account", "A") in counted
    assert dict(counted) == {("account", "A"): 2, ("item", "I"): 1, ("class", "C"): 1}
    assert list(counted) == [("account", "A"), ("item", "I"), ("class", "C")]
    assert len(counted) == 3


def test_a_fold_counts_as_reading_all_at_once() -> None:
    """Copies counted in parts (a big page's, fold) are counted as all at once, in order met."""
    run = fused_map.start_run(refundmap.Converter("railz", "rutter"), None, fused_map._Counted)
    run.copied("account", "A")
    run.copied("item", "I")
    run.fold()
    assert run.copied_flat == []
    run.copied("class", "C")
    run.copied("account", "A")
    assert run.copies() == 4
    assert dict(run.counted_when_read()) == {
        ("account", "A"): 2,
        ("item", "I"): 1,
        ("class", "C"): 1,
    }
    assert list(run.counted_when_read()) == [("account", "A"), ("item", "I"), ("class", "C")]


def test_the_page_code_notes_a_copy_as_its_items() -> None:
    """A page's code notes kind, id (and name), a call for all (extend) or one each (append)."""
    into_rutter = fused_map.source("railz", "rutter")
    assert "_copy3 = run.copied_flat.extend" in into_rutter  # a Railz id has its name beside
    assert "_copy3(('account', v, _nm))" in into_rutter
    assert "_names" not in into_rutter  # named when read
    into_railz = fused_map.source("rutter", "railz")
    assert "_copy('account'); _copy(v)" in into_railz  # Rutter ids have no name beside them
    assert "copied_keys" not in into_rutter + into_railz


@pytest.mark.parametrize("held", [1 << 20, 4])
def test_a_pages_copied_ids_are_named_when_read_as_the_detailed_path_names_them(
    held: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id's name is the first its page gives (none given is no name), counted in parts too."""
    monkeypatch.setattr(fused_map, "_FLAT_HELD", held)
    page = _page()
    first = page["data"][0]
    page["data"] = [
        {**first, "id": "n1", "accountRef": {"id": "ACC-9"}},
        {**first, "id": "n2", "accountRef": {"id": "ACC-9", "name": "first"}},
        {**first, "id": "n3", "accountRef": {"id": "ACC-9", "name": "second"}},
    ]
    page["count"] = 3
    taken = fused.TALLY.mapped
    conversion = refundmap.convert(page, "railz", "rutter", synced_at=SYNCED_AT)
    assert fused.TALLY.mapped == taken + 1  # the fast mapping took it
    detailed = _detailed(page)
    assert conversion.missing_names()["account", "ACC-9"] == "first"
    assert conversion.missing_names() == detailed.missing_names()
    assert list(conversion.missing_names()) == list(detailed.missing_names())
    assert conversion.missing == detailed.missing
