"""Converter.convert_lines: many documents, each converted as Converter.convert converts it."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap import Conversion, Converter
from refundmap.formats import get_format
from refundmap.mapping import fused

import golden
import strategies as s
from helpers import FIXTURES
from helpers import lines_alike as alike

SYNCED_AT = "2024-06-30T12:00:00.000Z"
PAGE = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())


def _records(path: Path, source: str) -> list[bytes]:
    document = json.loads(path.read_text())
    fmt = get_format(source)
    key = fmt.naming(fmt.list_shape.records or "") if fmt.list_shape else ""
    held = document.get(key) if type(document) is dict else None
    return [json.dumps(r).encode() for r in (held if type(held) is list else [document])]


@pytest.mark.parametrize(
    ("source", "target"),
    [("railz", "rutter"), ("railz-v2", "rutter"), ("rutter", "railz"), ("rutter", "railz-v2")],
)
def test_each_fixture_record_as_converted_alone(source: str, target: str) -> None:
    converter = Converter(source, target, synced_at=SYNCED_AT)
    for path in sorted((FIXTURES / source).glob("*.json")):
        texts = _records(path, source)
        alike(converter, texts)
        alike(converter, [text.decode() for text in texts])  # str too


@pytest.mark.parametrize(
    ("path", "source", "target", "references"),
    list(golden.reference_cases()),
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_with_a_directory_as_converted_alone(
    path: Path, source: str, target: str, references: str
) -> None:
    params = golden.parameters(target)
    directory = golden.directory(references)
    converter = Converter(source, target, synced_at=SYNCED_AT, directory=directory, **params)
    alike(converter, _records(path, source))


@given(
    st.lists(
        st.one_of(
            s.railz_refunds().map(lambda r: json.dumps(r, default=str)),
            s.railz_refunds(with_account=True).map(refundmap.jsonio.dumps),
            s.railz_documents().map(refundmap.jsonio.dumps),
            st.sampled_from(["", "{", "5", "[]", '{"id": "1"}', '{"a": -0}', " \n"]),
        ),
        max_size=4,
    ),
)
def test_any_documents_as_converted_alone(documents: list[str]) -> None:
    alike(Converter("railz", "rutter", synced_at=SYNCED_AT), documents)


def test_a_failing_document_is_its_error_and_the_next_go_on() -> None:
    good = json.dumps(PAGE["data"][0])
    refused = json.dumps(dict(PAGE["data"][0], accountRef=None))  # a MappingError
    invalid = json.dumps(dict(PAGE["data"][0], totalAmount="lots"))  # a ValidationError
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    results = list(converter.convert_lines([good, refused, invalid, good]))
    assert [type(r).__name__ for r in results] == [
        "Conversion",
        "MappingError",
        "ValidationError",
        "Conversion",
    ]
    alike(converter, [good, refused, invalid, good])


def test_decoded_documents_and_pages_are_converted_alone() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    documents = [PAGE, PAGE["data"][0], json.dumps(PAGE), bytearray(json.dumps(PAGE).encode())]
    alike(converter, documents)


@pytest.mark.parametrize("options", [{"strict": True}, {"lossless": True}, {"fail_on": "warning"}])
def test_options_the_shared_work_does_not_take_convert_alone(options: dict[str, Any]) -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT, **options)
    alike(converter, [json.dumps(record) for record in PAGE["data"]])


def test_the_shared_work_takes_bare_records(monkeypatch: pytest.MonkeyPatch) -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    texts = [json.dumps(record) for record in PAGE["data"]]
    alone = []
    monkeypatch.setattr(refundmap.conversion, "_convert", lambda *a: alone.append(a))
    before = fused.TALLY.mapped
    assert all(type(r) is Conversion for r in converter.convert_lines(texts))
    assert (alone, fused.TALLY.mapped - before) == ([], len(texts))


def test_a_usage_error_is_raised() -> None:
    page = json.loads((FIXTURES / "railz-v2/xero-list.json").read_text())
    converter = Converter("railz-v2", "rutter", synced_at=SYNCED_AT, connection_uuid="CON-other")
    results = converter.convert_lines([json.dumps(page)])
    with pytest.raises(refundmap.UsageError):
        next(results)


def test_documents_are_read_as_results_are_asked_for() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    endless = itertools.repeat(json.dumps(PAGE["data"][0]))
    results = converter.convert_lines(endless)
    first = next(results)
    assert isinstance(first, Conversion)
    assert first.to_json() == converter.convert(json.dumps(PAGE["data"][0])).to_json()


def _counted(documents: Any, pulled: list[int]) -> Any:
    """Yield ``documents``, counting in ``pulled`` how many were taken."""
    for document in documents:
        pulled[0] += 1
        yield document


@pytest.mark.parametrize(("run", "before_first"), [(1, 1), (3, 3), (256, 256)])
def test_a_run_of_documents_is_read_before_its_first_result(run: int, before_first: int) -> None:
    """run=1: each result as its document comes (a queue); by default 256 are read first."""
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    pulled = [0]
    text = json.dumps(PAGE["data"][0])
    source = _counted(itertools.repeat(text), pulled)
    results = (
        converter.convert_lines(source) if run == 256 else converter.convert_lines(source, run=run)
    )
    first = next(results)
    assert pulled[0] == before_first
    assert first.to_json() == converter.convert(text).to_json()


def test_a_source_that_fails_gives_the_results_before_its_error() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    texts = [json.dumps(record) for record in PAGE["data"]]

    def failing() -> Any:
        yield from texts
        raise OSError("the queue went away")

    results = converter.convert_lines(failing())
    given = [next(results) for _ in texts]
    assert [r.to_json() for r in given] == [converter.convert(t).to_json() for t in texts]
    with pytest.raises(OSError, match="the queue went away"):
        next(results)


def test_a_run_below_one_is_refused() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    with pytest.raises(refundmap.UsageError, match="run"):
        converter.convert_lines([], run=0)


def test_the_library_page_example_converts_each_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs/library.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    (block,) = [block for block in blocks if "convert_lines" in block]
    good = json.dumps(PAGE["data"][0])
    lines = [good, json.dumps(dict(PAGE["data"][0], totalAmount="lots")), good]
    (tmp_path / "refunds.jsonl").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    printed: list[str] = []
    sent: list[str] = []
    namespace = {"refundmap": refundmap, "print": printed.append, "send": sent.append}
    exec(block, namespace)  # noqa: S102 - the page's own example
    assert len(printed) == 1
    assert printed[0].startswith("line 2: ")
    assert "$.totalAmount" in printed[0]
    assert len(sent) == 2
    assert json.loads(sent[0])["platform_id"] == PAGE["data"][0]["id"]
