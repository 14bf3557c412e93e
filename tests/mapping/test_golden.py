"""Golden outputs: every fixture converted to every target, against fixtures/expected/.

``python tests/golden.py`` rewrites the expected files; read their diff before
committing them.
"""

import json
from decimal import Decimal

import pytest

from refundmap import MappingError, convert

import golden
from helpers import ROOT, SYNCED

CASES = list(golden.cases())


@pytest.mark.parametrize(
    ("path", "source", "target"),
    CASES,
    ids=[f"{p.parent.name}/{p.stem}->{t}" for p, _, t in CASES],
)
def test_golden_conversion(path, source, target):
    output_path, report_path = golden.expected_paths(path, source, target)
    output, report = golden.run(path, source, target)
    assert output == output_path.read_text(), "run python tests/golden.py and read the diff"
    assert report == report_path.read_text(), "run python tests/golden.py and read the diff"


REFERENCE_CASES = list(golden.reference_cases())


@pytest.mark.parametrize(
    ("path", "source", "target", "references"),
    REFERENCE_CASES,
    ids=[f"{p.parent.name}/{p.stem}->{t} with {r}" for p, _, t, r in REFERENCE_CASES],
)
def test_golden_conversion_with_a_directory(path, source, target, references):
    output_path, report_path = golden.expected_paths(path, source, target, references)
    output, report = golden.run(path, source, target, references)
    assert output == output_path.read_text(), "run python tests/golden.py and read the diff"
    assert report == report_path.read_text(), "run python tests/golden.py and read the diff"


@pytest.mark.parametrize(
    ("path", "source", "target", "references"),
    REFERENCE_CASES,
    ids=[f"{p.parent.name}/{p.stem}->{t} with {r}" for p, _, t, r in REFERENCE_CASES],
)
def test_the_reference_fixtures_translate_every_id_of_their_refunds(
    path, source, target, references
):
    result = convert(
        path.read_bytes(),
        source,
        target,
        synced_at=SYNCED,
        directory=golden.directory(references),
        defaults=golden.DEFAULTS.get(
            (f"{path.parent.name}/{path.name}", source, target, references)
        ),
        **golden.parameters(target),
    )
    assert result.untranslated == 0
    assert not [e for e in result.report if "directory" in e.message and e.kind != "derived"]


def test_every_golden_file_belongs_to_a_case():
    kept = {p for case in CASES for p in golden.expected_paths(*case)}
    kept |= {p for case in REFERENCE_CASES for p in golden.expected_paths(*case)}
    found = set((ROOT / "fixtures/expected").glob("*/*.json"))
    found |= set((ROOT / "fixtures/expected/with-refs").glob("*/*.json"))
    assert found == kept


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "type" and len(path) > 1 and path[-2] == "trackingCategoryRefs":
                continue  # which field an entry is: carried by where its id goes
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif value is not None:
        yield path, value


def _jsonpath(path):
    from refundmap.report import format_path

    return format_path(path)


def _canonical(value):
    from refundmap.dates import DateError, format_date, parse_date

    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value).normalize(), "f")
    try:
        return format_date(parse_date(value))
    except DateError:
        return value


@pytest.mark.parametrize(
    ("path", "source", "target"),
    [c for c in CASES if c[1] != c[2]],
    ids=[f"{p.parent.name}/{p.stem}->{t}" for p, s, t in CASES if s != t],
)
def test_every_source_value_is_in_the_output_or_the_report(path, source, target):
    try:
        result = convert(
            path.read_bytes(), source, target, synced_at=SYNCED, **golden.parameters(target)
        )
    except MappingError:
        pytest.skip("the target cannot hold this fixture (a golden mapping error)")
    named = [e.source_path for e in result.report]
    values = {_canonical(value) for _, value in _leaves(result.output)}
    document = json.loads(path.read_text(), parse_float=Decimal, parse_int=Decimal)
    for leaf, value in _leaves(document):
        where = _jsonpath(leaf)
        reported = any(where == n or where.startswith((n + ".", n + "[")) for n in named)
        assert reported or _canonical(value) in values, (
            f"{where} = {value!r} is neither in the output nor in the report"
        )
