"""Write rules in the compiled mapping: called only in the pairs where they can change a value."""

import re

import pytest

from refundmap.mapping import PAIRS, compiler
from refundmap.mapping.compiler import _compiled

import golden

#: The write rules each pair's generated code calls. Elsewhere a rule would give
#: back the value it was given, and the compiled code copies it instead.
CALLED = {
    ("railz", "railz-push"): {"currency", "day", "memo"},
    ("railz", "railz-v2"): {"currency"},
    ("railz", "railz-v2-push"): {"currency", "day", "memo"},
    ("railz", "rutter"): {"currency", "line_amount", "platform"},
    ("railz", "rutter-create"): {"currency", "line_amount", "unit_amount"},
    ("railz-v2", "railz"): set(),
    ("railz-v2", "railz-push"): {"day", "memo"},
    ("railz-v2", "railz-v2-push"): {"day", "memo"},
    ("railz-v2", "rutter"): {"line_amount", "platform"},
    ("railz-v2", "rutter-create"): {"line_amount", "unit_amount"},
    ("rutter", "railz"): {"platform", "quantity"},
    ("rutter", "railz-push"): {"day", "memo"},
    ("rutter", "railz-v2"): {"platform", "quantity"},
    ("rutter", "railz-v2-push"): {"day", "memo"},
    ("rutter", "rutter-create"): {"unit_amount"},
}


def _called(source: str, target: str) -> set[str]:
    code = _compiled(source, target, lookup=False)[1]
    return set(re.findall(r"m = _write_([a-z_]+)_\d+\(v, src, run\)", code))


def test_every_pair_is_listed():
    assert set(CALLED) == set(PAIRS)


@pytest.mark.parametrize(("source", "target"), sorted(PAIRS))
def test_a_write_rule_is_called_only_where_it_can_change_a_value(source, target):
    assert _called(source, target) == CALLED[(source, target)]


#: The rules that once ran in every pair, each giving back its value where it had no work.
IDENTITY_ELSEWHERE = ("quantity", "platform", "day", "memo")


@pytest.fixture
def every_rule_called(monkeypatch: pytest.MonkeyPatch):
    """Compile those rules into every pair, as before the plain copies."""
    when = {k: v for k, v in compiler.WRITE_WHEN.items() if k not in IDENTITY_ELSEWHERE}
    monkeypatch.setattr(compiler, "WRITE_WHEN", when)
    _compiled.cache_clear()
    yield
    _compiled.cache_clear()


@pytest.mark.usefixtures("every_rule_called")
def test_the_plain_copies_write_what_the_rules_would():
    """Each golden output and report, with those rules called everywhere, is the one kept."""
    assert set(IDENTITY_ELSEWHERE) <= _called("railz-v2", "rutter")  # called, here
    every = [(*case, None) for case in golden.cases()] + list(golden.reference_cases())
    for path, source, target, references in every:
        output, report = golden.run(path, source, target, references)
        output_path, report_path = golden.expected_paths(path, source, target, references)
        assert output == output_path.read_text(encoding="utf-8"), output_path
        assert report == report_path.read_text(encoding="utf-8"), report_path
