"""refundmap.paths: JSONPath text, read back, generalized and re-rooted, in one room."""

from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap import paths, report
from refundmap.paths import JSONPath, format_path, general_path, index, parse, rebase, shift

_STEPS = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10**6), st.text(max_size=8)), max_size=6
)


@given(_STEPS)
def test_parse_undoes_format_path(steps: list[str | int]) -> None:
    assert parse(format_path(steps)) == tuple(steps)


def test_parse_reads_quoted_keys_and_refuses_other_forms() -> None:
    assert parse("$['odd key'].lines[0]") == ("odd key", "lines", 0)
    assert parse("$['it\\'s \\\\']") == ("it's \\",)
    assert parse("$") == ()
    assert parse("$.data[*].id") is None
    assert parse("data[0]") is None
    assert parse("$.data[0") is None


def test_general_path_stars_every_index() -> None:
    assert general_path("$.data[3].lines[10].subTotal") == "$.data[*].lines[*].subTotal"


def test_rebase_moves_a_path_under_a_prefix_and_nothing_else() -> None:
    assert rebase("$.data[0].lines[1]", "$.data[0]", "$[2].data[7]") == "$[2].data[7].lines[1]"
    assert rebase("$.data[0]", "$.data[0]", "$") == "$"
    assert rebase("$.data[10]", "$.data[1]", "$") is None  # not within $.data[1]
    assert rebase("$.data[1]x", "$.data[1]", "$") is None
    assert rebase("$.meta", "$.data[0]", "$") is None
    assert rebase("$.meta.id", "$", "$[3]") == "$[3].meta.id"


def test_index_and_shift_read_and_move_a_record_position() -> None:
    assert index("$.data[12].lines[0]", "$.data[") == 12
    assert shift("$.data[12].x", "$.data[", 3) == "$.data[15].x"
    assert shift("$.meta.x", "$.data[", 3) == "$.meta.x"
    assert shift("$.data[12]", "$.data[", 0) == "$.data[12]"


def test_the_old_names_still_import() -> None:
    assert report.Path is JSONPath
    assert report.format_path is format_path
    assert report.general_path is general_path
    assert refundmap.JSONPath is JSONPath
    assert paths.__all__
