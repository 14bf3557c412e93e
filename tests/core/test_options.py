"""The conversion time is read once for a run, not once for each document it converts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refundmap import Converter, conversion
from refundmap.cli import main

ROOT = Path(__file__).resolve().parents[2]
PAGE = json.loads((ROOT / "fixtures/railz/quickbooks-list.json").read_text())


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count the calls of conversion.conversion_time: the value each was given."""
    given: list[object] = []
    read = conversion.conversion_time

    def counted(value: object = None) -> str:
        given.append(value)
        return read(value)  # type: ignore[arg-type]

    monkeypatch.setattr(conversion, "conversion_time", counted)
    return given


def test_a_converter_reads_its_time_once(readings: list[object]) -> None:
    converter = Converter("railz", "rutter", synced_at="2024-06-30T12:00:00+02:00")
    for record in PAGE["data"] * 5:
        converted = converter.convert(json.dumps(record))
        assert converted.output["last_synced_at"] == "2024-06-30T12:00:00.000+02:00"  # type: ignore[index]
    assert readings == ["2024-06-30T12:00:00+02:00"]


@pytest.mark.parametrize("copies", [1, 20])
def test_a_json_lines_run_reads_its_time_as_often_however_long(
    copies: int, tmp_path: Path, readings: list[object]
) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n" for record in PAGE["data"] * copies))
    argv = ["convert", "-q", "-f", "railz", "-t", "rutter", "--synced-at", "2024-06-30T12:00:00Z"]
    assert main([*argv, "--jobs", "1", str(lines), "-o", str(tmp_path / "out.jsonl")]) == 0
    # Checked with the flags, then given to the run's converter: never per line.
    assert len(readings) == 2
