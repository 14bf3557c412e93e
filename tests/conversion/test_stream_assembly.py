"""stream.Assembly: a page converted a run at a time is the whole page's conversion."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest

from refundmap import Converter, MappingError, ValidationError, jsonio, stream

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PAGE = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
SYNCED_AT = "2024-06-30T12:00:00Z"


def _bytes(document: object, indent: int | None = None) -> bytes:
    return json.dumps(document, indent=indent).encode()


def _assemble(
    data: bytes,
    converter: Converter,
    size: int,
    indent: int | None = None,
    *,
    rejects: bool = False,
) -> tuple[str | None, list[tuple[str, object]], list[str], stream.Assembly]:
    """Convert ``data`` through an Assembly in runs of ``size``: output, rejects, entries."""
    layout = stream.scan(io.BytesIO(data), stream.list_key(converter.source))
    assert stream.streams(layout, converter, rejects=rejects)
    assembly = stream.Assembly(layout, converter, indent, rejects=rejects)
    texts = stream.read_spans(io.BytesIO(data), layout.spans)
    body, rejected, entries = [], [], []
    for offset in range(0, len(layout), size):
        run = list(itertools.islice(texts, size))
        placed = assembly.place(offset, stream.convert_chunk(run, assembly.frame))
        rejected += [(path, error) for _, path, error in placed.failures]
        if placed.kept:
            body.append(placed.text)
            entries += [f"{e.kind} {e.source_path} {e.target_path}" for e in placed.entries]
    if assembly.error() is not None:
        return None, rejected, entries, assembly
    head, tail, envelope = assembly.close()
    entries += [f"{e.kind} {e.source_path} {e.target_path}" for e in envelope]
    return head + "".join(body) + tail, rejected, entries, assembly


def _entries(conversion: object) -> list[str]:
    return [f"{e.kind} {e.source_path} {e.target_path}" for e in conversion.report]  # type: ignore[attr-defined]


@pytest.mark.parametrize("target", ["rutter", "rutter-create", "railz-v2"])
@pytest.mark.parametrize(("size", "indent"), [(1, None), (2, 2), (100, None)])
def test_runs_put_together_are_the_whole_conversion(
    target: str, size: int, indent: int | None
) -> None:
    converter = Converter("railz", target, synced_at=SYNCED_AT)
    whole = converter.convert(_bytes(PAGE))
    output, rejected, entries, _ = _assemble(_bytes(PAGE, indent), converter, size, indent)
    assert rejected == []
    assert output == whole.to_json(indent=indent)
    assert sorted(entries) == sorted(_entries(whole))


def _with_a_bad_record() -> dict[str, object]:
    records = [dict(record) for record in PAGE["data"]]
    records[1]["totalAmount"] = "not an amount"
    return {**PAGE, "data": records}


def test_a_record_that_fails_fails_the_document_with_its_path() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    output, rejected, _, assembly = _assemble(_bytes(_with_a_bad_record()), converter, 1)
    assert output is None
    assert [path for path, _ in rejected] == ["$.data[1]"]  # told, yet the document fails
    error = assembly.error()
    assert isinstance(error, ValidationError)
    with pytest.raises(ValidationError) as whole:
        converter.convert(_bytes(_with_a_bad_record()))
    assert error.problems == whole.value.problems
    assert error.problems[0].path.startswith("$.data[1].")


def test_with_rejects_the_rest_is_what_partial_conversion_keeps() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    document = _bytes(_with_a_bad_record())
    output, rejected, entries, assembly = _assemble(document, converter, 2, rejects=True)
    partial = converter.partial(document)
    assert partial.conversion is not None
    assert [(path, type(error)) for path, error in rejected] == [("$.data[1]", ValidationError)]
    assert [r.error.problems for r in partial.rejects] == [rejected[0][1].problems]  # type: ignore[attr-defined]
    assert assembly.error() is None
    assert output == partial.conversion.to_json()
    assert sorted(entries) == sorted(_entries(partial.conversion))
    assert jsonio.loads(output)["customer_refunds"]  # type: ignore[index]


def test_an_array_of_pages_with_rejects_is_converted_whole() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    data = _bytes([PAGE, PAGE])
    layout = stream.scan(io.BytesIO(data), stream.list_key(converter.source))
    assert stream.streams(layout, converter)
    assert not stream.streams(layout, converter, rejects=True)


def test_a_mapping_failure_fails_as_a_mapping_error() -> None:
    converter = Converter("railz", "railz-v2-push", synced_at=SYNCED_AT, connection_uuid="c")
    records = [dict(record) for record in PAGE["data"]]
    del records[0]["accountRef"]
    for line in records[0]["lines"]:
        line.pop("accountRef", None)
    output, _, _, assembly = _assemble(_bytes({**PAGE, "data": records}), converter, 1)
    assert output is None
    assert isinstance(assembly.error(), MappingError)
