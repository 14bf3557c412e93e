"""The command's ids copied untranslated: counted a record at a time, made rows once at the end."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import refundmap.missing
from refundmap import MissingReference, convert
from refundmap.cli import main
from refundmap.missing import describe_missing, missing_csv

from helpers import FIXTURES

SYNCED_AT = "2024-06-30T12:00:00Z"
PAGE = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())


def records(count: int = 60) -> list[dict]:
    """Railz refunds whose ids repeat unevenly: each id copied a different number of times."""
    made = []
    for n in range(count):
        record = json.loads(json.dumps(PAGE["data"][n % 2]))
        record["id"] = str(n)
        record["customerRef"] = {"id": f"C-{n % 7}", "name": f"Customer {n % 7}"}
        for index, line in enumerate(record["lines"]):
            line["accountRef"] = {"id": f"A-{(n + index) % 3}", "name": "Sales"}
        made.append(record)
    return made


def expected() -> tuple[str, str]:
    """The library's missing ids of the records as one page: the CSV and the summary's words."""
    result = convert({**PAGE, "data": records()}, "railz", "rutter", synced_at=SYNCED_AT)
    return missing_csv(result.missing), describe_missing(list(result.missing))


def write_inputs(tmp_path: Path) -> dict[str, list[Path]]:
    """The records as JSON Lines, as one page, and as pages of 5 (small files)."""
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n" for record in records()))
    page = tmp_path / "page.json"
    page.write_text(json.dumps({**PAGE, "data": records()}))
    pages = tmp_path / "pages"
    pages.mkdir()
    small = []
    for start in range(0, len(records()), 5):
        path = pages / f"p{start:03}.json"
        path.write_text(json.dumps({**PAGE, "data": records()[start : start + 5]}))
        small.append(path)
    return {"lines": [lines], "page": [page], "pages": small}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("shape", ["lines", "page", "pages"])
def test_missing_refs_and_summary_are_the_librarys_whatever_the_input_and_jobs(
    tmp_path, shape, jobs
):
    inputs = write_inputs(tmp_path)[shape]
    out = tmp_path / "out"
    out.mkdir()
    missing = tmp_path / "missing.csv"
    done = subprocess.run(
        [sys.executable, "-m", "refundmap", "convert", "-q", "-f", "railz", "-t", "rutter",
         "--synced-at", SYNCED_AT, "--jobs", jobs, "--missing-refs", str(missing),
         *map(str, inputs), "-o", f"{out}/"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    csv, words = expected()
    assert "account,,A-1,Sales\n" in csv  # each id with the name the source gives it
    assert missing.read_text() == csv
    assert f"copied untranslated into the other vendor's id space ({words}); " in done.stderr


def test_quiet_json_lines_make_each_missing_id_once(tmp_path, monkeypatch, capsys):
    lines = write_inputs(tmp_path)["lines"][0]
    made = [0]

    class Counted(MissingReference):
        def __init__(self, *args, **kwargs):
            made[0] += 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(refundmap.missing, "MissingReference", Counted)
    argv = ["convert", "-q", "-f", "railz", "-t", "rutter", "--synced-at", SYNCED_AT]
    argv += ["--jobs", "1", str(lines), "-o", str(tmp_path / "out.jsonl")]
    assert main(argv) == 0
    count = made[0]
    distinct = expected()[0].count("\n") - 1  # the header, then a row an id
    assert "60 records" in capsys.readouterr().err
    assert count == distinct  # for the summary, at the end; none a record
