"""A conversion's ``missing`` ids made rows when first read (refundmap.missing.CopiedIds)."""

import json
import pickle

import attrs
import pytest

import refundmap.missing
from refundmap import Conversion, Directory, MissingReference, convert
from refundmap.mapping import fused
from refundmap.missing import CopiedIds, missing_of

from helpers import ROOT

PAGE = (ROOT / "fixtures/railz/quickbooks-list.json").read_bytes()


@pytest.fixture
def made(monkeypatch):
    """Count the MissingReference rows made from here on."""
    count = [0]

    class Counted(MissingReference):
        def __init__(self, *args, **kwargs):
            count[0] += 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(refundmap.missing, "MissingReference", Counted)
    return count


@pytest.mark.parametrize("fast", [True, False])
def test_no_row_is_made_until_missing_is_read(made, fast, monkeypatch):
    monkeypatch.setattr(fused, "ENABLED", fast)
    taken = fused.TALLY.mapped
    result = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    assert (fused.TALLY.mapped > taken) is fast
    counts = result.missing_counts()
    assert made[0] == 0
    assert sum(counts.values()) == result.untranslated > 0
    missing = result.missing
    assert made[0] == len(missing) == len(counts)
    assert result.missing is missing  # made once
    assert [((m.kind, m.id), m.count) for m in missing] == list(counts.items())
    assert all(m.rutter_id == "" and m.platform_id for m in missing)  # Railz's ids


def test_the_rows_are_those_of_missing_of_the_counts():
    result = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    named = result.missing_names()
    assert result.missing == missing_of(result.missing_counts(), from_rutter=False, names=named)
    rutter = convert(result.output, "rutter", "railz", synced_at="2024-01-02T03:04:05Z")
    assert rutter.missing == missing_of(rutter.missing_counts(), from_rutter=True)
    assert all(m.platform_id == "" and m.rutter_id for m in rutter.missing)


def test_a_lazy_conversion_equals_pickles_and_reads_as_one_given_its_rows():
    result = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    given = Conversion(
        result.output,
        tuple(result.report),
        result.records,
        result.untranslated,
        result.target,
        tuple(result.missing),
    )
    fresh = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    assert fresh == given
    assert hash(CopiedIds.of(given.missing)) == hash(fresh._missing)
    assert repr(fresh) == repr(given)
    assert f"missing={result.missing!r})" in repr(fresh)
    assert given.missing_counts() == fresh.missing_counts()
    unread = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    again = pickle.loads(pickle.dumps(unread))  # noqa: S301 - our own bytes
    assert again.missing == result.missing
    assert attrs.evolve(fresh, output=None).missing == result.missing


def test_rows_given_are_kept_as_given_and_counted_by_kind_and_id():
    rows = (
        MissingReference("account", "", "A-1", "Sales", count=2),
        MissingReference("item", "I-1", "", count=3),
    )
    result = Conversion({}, (), missing=list(rows))  # type: ignore[arg-type]
    assert result.missing == rows
    assert result.missing_counts() == {("account", "A-1"): 2, ("item", "I-1"): 3}
    assert Conversion({}, ()).missing == ()
    assert Conversion({}, ()).missing_counts() == {}


def _names_beside_ids(document) -> dict[str, str]:
    """Every reference id of a Railz document with the name beside it."""
    found: dict[str, str] = {}
    if isinstance(document, dict):
        if isinstance(document.get("id"), str) and isinstance(document.get("name"), str):
            found.setdefault(document["id"], document["name"])
        for value in document.values():
            found.update({k: v for k, v in _names_beside_ids(value).items() if k not in found})
    elif isinstance(document, list):
        for value in document:
            found.update({k: v for k, v in _names_beside_ids(value).items() if k not in found})
    return found


@pytest.mark.parametrize("fast", [True, False])
def test_each_missing_id_has_the_name_beside_it_in_a_railz_source(fast, monkeypatch):
    """The rows of a --refs file to complete say which account "35" is: "Checking"."""
    monkeypatch.setattr(fused, "ENABLED", fast)
    result = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    beside = _names_beside_ids(json.loads(PAGE))
    assert result.missing
    assert all(row.name == beside[row.platform_id] for row in result.missing), result.missing
    assert ("account", "35") in result.missing_names()
    assert result.missing_names() == {(r.kind, r.id): r.name for r in result.missing}


def test_an_id_the_directory_lacks_keeps_its_name(tmp_path):
    """With a directory, the ids it does not hold are copied, and named as the source names them."""
    csv = (ROOT / "fixtures/references/quickbooks.csv").read_text(encoding="utf-8")
    kept = [line for line in csv.splitlines() if ",35," not in line and ",58," not in line]
    partial = tmp_path / "partial.csv"
    partial.write_text("\n".join(kept) + "\n", encoding="utf-8")
    directory = Directory.from_files(partial)
    result = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z", directory=directory)
    assert {(r.kind, r.id, r.name) for r in result.missing} == {
        ("account", "35", "Checking"),
        ("customer", "58", "Amy's Bird Sanctuary"),
    }


def test_a_rutter_source_has_no_names_to_give():
    result = convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")
    back = convert(result.output, "rutter", "railz")
    assert back.missing
    assert all(row.name == "" for row in back.missing)
    assert back.missing_names() == {}
