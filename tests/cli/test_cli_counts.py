"""The command counts a run's report by kind without building it when no entry is shown."""

import json
from pathlib import Path

import pytest

from refundmap import jsonio
from refundmap.cli import main
from refundmap.rows import Rows

from helpers import ROOT

PAGE = json.loads((ROOT / "fixtures/railz/quickbooks-list.json").read_text())


@pytest.fixture
def lines(tmp_path):
    path = tmp_path / "in.jsonl"
    records = [jsonio.dumps(record) for record in jsonio.normalize(PAGE)["data"]]
    path.write_text("".join(record + "\n" for record in records))
    return path


def summary(capsys) -> str:
    return next(line for line in capsys.readouterr().err.splitlines() if " records, " in line)


def run(path: Path, *extra: str) -> int:
    out = path.with_suffix(".out")
    common = ["-f", "railz", "-t", "rutter", "--synced-at", "2024-01-02T03:04:05Z", "--jobs", "1"]
    return main(["convert", *common, *extra, str(path), "-o", str(out)])


def test_quiet_json_lines_counts_without_building_a_report(lines, capsys, monkeypatch):
    assert run(lines) == 0
    expected = summary(capsys)
    output = lines.with_suffix(".out").read_bytes()

    def refuse(_rows):
        raise AssertionError("a report built where only its counts are needed")

    monkeypatch.setattr(Rows, "entries", refuse)
    assert run(lines, "-q") == 0
    assert summary(capsys) == expected  # the same counts, from Rows.counts
    assert lines.with_suffix(".out").read_bytes() == output


def test_a_report_file_still_gets_every_entry(lines, capsys, tmp_path):
    report = tmp_path / "report.json"
    assert run(lines, "-q", "--report", str(report)) == 0
    assert json.loads(report.read_text())["entries"]
    assert " warnings" in summary(capsys)
