"""A conversion's report built when first read (refundmap.rows), and its counts by kind."""

import pickle
from collections import Counter

import attrs
from hypothesis import given
from hypothesis import strategies as st

from refundmap import Conversion, Entry, Kind, convert
from refundmap.rows import Rows, kinds_counted

from helpers import ROOT

PAGE = (ROOT / "fixtures/railz/quickbooks-list.json").read_bytes()


def converted() -> Conversion:
    return convert(PAGE, "railz", "rutter", synced_at="2024-01-02T03:04:05Z")


def test_counts_come_without_building_the_report():
    result = converted()
    counts = result.counts()
    assert result._rows._report is None  # nothing built yet
    expected = Counter(entry.kind for entry in result.report)
    assert counts == dict(expected)
    assert list(counts) == [kind for kind in Kind if kind in expected]
    assert counts[Kind.WARNING] > 0
    assert result.counts() == counts  # the same once built


def test_the_report_is_one_tuple_of_entries_built_once():
    result = converted()
    report = result.report
    assert type(report) is tuple
    assert all(type(entry) is Entry for entry in report)
    assert result.report is report


def test_a_lazy_conversion_equals_the_one_given_its_report():
    result = converted()
    given = Conversion(
        result.output,
        tuple(result.report),
        result.records,
        result.untranslated,
        result.target,
        result.missing,
    )
    fresh = converted()
    assert fresh == given
    assert repr(fresh) == repr(given)
    assert f"report={result.report!r}" in repr(fresh)


def test_a_report_given_as_a_list_is_read_at_once():
    entry = Entry(Kind.WARNING, "$.a", None, "a message")
    result = Conversion({}, [entry])  # type: ignore[arg-type]
    assert result.report == (entry,)
    assert result.counts() == {Kind.WARNING: 1}
    assert attrs.evolve(result, report=()).report == ()
    assert attrs.evolve(result, output=None).report == (entry,)


def test_a_conversion_pickles_with_its_report():
    result = converted()
    again = pickle.loads(pickle.dumps(result))  # noqa: S301 - our own bytes
    assert again == result
    assert again.report == result.report


def test_rows_join_their_parts_in_order():
    a, b, c = (Entry(Kind.DERIVED, f"$.{n}", None, n) for n in "abc")
    rows = Rows((a,), [b, c])
    assert rows.counts() == {Kind.DERIVED: 3}
    assert rows.entries() == (a, b, c)
    assert Rows((a, b)).entries() == (a, b)
    assert Rows().entries() == ()
    assert Rows().counts() == {}


def test_kinds_are_counted_in_kind_order_and_nothing_else_is():
    noted = [object(), Kind.WARNING, None, Kind.DROPPED, (Kind.DERIVED,), Kind.WARNING]
    assert list(kinds_counted(noted).items()) == [(Kind.DROPPED, 1), (Kind.WARNING, 2)]
    assert kinds_counted([]) == {}


def test_kinds_are_counted_beside_an_item_that_cannot_be_hashed():
    noted = [Kind.SYNTHESIZED, [Kind.WARNING], {"a": 1}, Kind.WARNING, Kind.SYNTHESIZED]
    assert list(kinds_counted(noted).items()) == [(Kind.SYNTHESIZED, 2), (Kind.WARNING, 1)]


_MARK = object()
_ITEMS = st.sampled_from(
    [*Kind, None, _MARK, (Kind.DERIVED, "$.x"), ((("$.a", "b"),),), "warning", "no kind"]
)


@given(st.lists(_ITEMS | st.just([Kind.WARNING])))
def test_kinds_counted_are_those_list_count_gives(noted: list[object]):
    # The old form: list.count of each kind, in Kind order, those found (a list: unhashable).
    expected = [(kind, n) for kind in Kind if (n := noted.count(kind))]
    assert list(kinds_counted(noted).items()) == expected
