"""A conversion's ``missing`` ids made rows when first read (refundmap.missing.CopiedIds)."""

import pickle

import attrs
import pytest

import refundmap.missing
from refundmap import Conversion, MissingReference, convert
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
    assert result.missing == missing_of(result.missing_counts(), from_rutter=False)
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
