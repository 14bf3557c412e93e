"""A run of a conversion (refundmap.mapping.runtime): what the runs of a pair share."""

import attrs

from refundmap.formats import get_format
from refundmap.mapping.runtime import Run

SYNCED_AT = "2024-06-30T12:00:00Z"


def test_runs_of_a_pair_share_what_is_the_pairs_and_keep_their_own_state():
    railz, rutter = get_format("railz"), get_format("rutter")
    one, two = Run(railz, rutter, synced_at=SYNCED_AT), Run(railz, rutter, synced_at=SYNCED_AT)
    assert one.compiled is two.compiled
    assert one._target_check is two._target_check
    assert one._view_class is two._view_class
    one.copied("account", "A-1")
    one.note(*("derived", "$.a", None, "a message"))  # type: ignore[arg-type]
    assert (one.copied_ids, one.untranslated, len(one.report)) == ({("account", "A-1"): 1}, 1, 1)
    assert (two.copied_ids, two.untranslated, two.report) == ({}, 0, [])
    with_lookup = Run(railz, rutter, synced_at=SYNCED_AT, lookup=_Nobody())
    assert with_lookup.compiled is not one.compiled  # a lookup's mapping translates
    assert with_lookup._target_check is rutter.check  # a lookup's ids are checked


class _Nobody:
    """A lookup that knows no id."""

    def to_platform(self, kind, rutter_id):  # noqa: ARG002 - a Lookup's signature
        return None

    def to_rutter(self, kind, platform_id):  # noqa: ARG002 - a Lookup's signature
        return None


def test_a_format_of_the_callers_own_is_checked_by_its_own_check():
    found = []

    def check(_record, path, *, refs=True):
        found.append((path, refs))
        return []

    own = attrs.evolve(get_format("rutter"), check=check)
    run = Run(get_format("railz"), own, synced_at=SYNCED_AT)
    run._target_check({}, ("x",))
    assert found == [(("x",), False)]
    assert (
        Run(get_format("railz"), get_format("rutter"), synced_at=SYNCED_AT)._target_check.func
        is not check
    )
