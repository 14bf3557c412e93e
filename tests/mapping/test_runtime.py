"""A run of a conversion (refundmap.mapping.runtime): what the runs of a pair share."""

import json

import attrs
import pytest

from refundmap import Entry, Kind, MappingError, convert, validate
from refundmap.formats import get_format
from refundmap.mapping.runtime import Run

from helpers import FIXTURES

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


def _create_body(lines):
    body = json.loads((FIXTURES / "expected/railz/netsuite-refund.rutter-create.json").read_text())
    body["customer_refund"]["line_items"] = lines
    return body


def test_a_line_of_unknown_keys_alone_is_left_out_of_a_format_written_as_itself():
    real = json.loads((FIXTURES / "expected/railz/netsuite-refund.rutter-create.json").read_text())
    real_line = real["customer_refund"]["line_items"][0]
    result = convert(_create_body([{}, {"x": 1}, real_line]), "rutter-create", "rutter-create")
    assert json.loads(result.to_json())["customer_refund"]["line_items"] == [real_line]
    dropped = [(e.source_path, e.message) for e in result.report if e.kind is Kind.DROPPED]
    assert ("$.customer_refund.line_items[1]", _NO_FIELD.format("rutter-create")) in dropped
    validate(result.to_json(), "rutter-create")


def test_a_body_whose_lines_all_have_no_known_key_cannot_be_written():
    with pytest.raises(MappingError) as caught:
        convert(_create_body([{"": None}]), "rutter-create", "rutter-create")
    assert [p.path for p in caught.value.problems] == ["$.customer_refund.line_items"]


def test_a_list_page_keeps_a_record_whose_lines_are_optional():
    page = json.loads((FIXTURES / "railz/xero-no-account-list.json").read_text())
    page["data"][0]["lines"] = [{"q": 1}]
    result = convert(page, "railz", "railz")
    assert result.output["data"][0]["lines"] == []
    left_out = Entry(Kind.DROPPED, "$.data[0].lines[0]", None, _NO_FIELD.format("railz"))
    assert left_out in result.report
    validate(result.to_json(), "railz")


_NO_FIELD = (
    "a line object with no field the format knows: written, it is an empty line object,"
    " and {} gets no line"
)
