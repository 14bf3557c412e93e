"""JSON Lines converted sharing each line's work (refundmap.mapping.bare), here or in workers.

``--jobs 1`` and the ``--jobs 2`` workers convert runs of lines with
``BareRecords``, and a line it does not take alone. Both must write and say the
bytes of every line converted alone (as before): output, stderr, report,
rejects, missing ids.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import refundmap.cli.convert
from refundmap.cli import main

from helpers import FIXTURES

SYNCED_AT = "2024-06-30T12:00:00Z"
PAGE = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())


def _odd(record: dict, n: int) -> dict:
    """Return a record the shared work does not take, each of another kind by ``n``."""
    kind = n % 5
    if kind == 0:
        return dict(record, totalAmount=str(record["totalAmount"]))  # taken alone, by the codec
    if kind == 1:
        return dict(record, customerRef={"id": 7, "name": "Seven"})  # an id sent as a number
    if kind == 2:
        return dict(record, totalAmount="lots")  # invalid: rejected, or the run fails
    if kind == 3:
        return dict(record, accountRef=None)  # its ids counted, then refused by the mapping
    return dict(record, lines=[{}, *record["lines"]])  # an empty line


def _bad(n: int) -> bool:
    return n % 37 == 5 and (n // 37) % 5 in {2, 3}


def write_lines(tmp_path: Path, *, bad: bool = True, count: int = 600) -> Path:
    """A JSON Lines file of Railz refunds, more than two runs' worth, odd lines among them."""
    made = []
    for n in range(count):
        record = dict(PAGE["data"][n % 2], id=str(n))
        record["customerRef"] = {"id": f"C-{n % 7}", "name": f"Customer {n % 7}"}
        if n % 37 == 5 and (bad or not _bad(n)):
            record = _odd(record, n // 37)
        made.append(json.dumps(record))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(made) + "\n\n")  # a blank line: skipped
    return path


#: The command with every line converted alone, as before the lines shared their work.
ALONE = """
import sys
import refundmap.cli
from refundmap.mapping.bare import BareRecords

BareRecords.takes = staticmethod(lambda converter: False)
sys.exit(refundmap.cli.main(sys.argv[1:]))
"""


def convert(
    tmp_path: Path, jobs: int, *extra: str, alone: bool = False
) -> tuple[int, bytes, dict[str, bytes]]:
    out = tmp_path / f"out-{jobs}-{len(extra)}-{alone}"
    out.mkdir()
    command = ["-c", ALONE] if alone else ["-m", "refundmap"]
    done = subprocess.run(
        [sys.executable, *command, "convert", "-f", "railz", "-t", "rutter",
         "--synced-at", SYNCED_AT, "--jobs", str(jobs), str(tmp_path / "in.jsonl"),
         "-o", str(out / "out.jsonl"), *[a.replace("OUT", str(out)) for a in extra]],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return done.returncode, done.stderr.replace(bytes(out), b"OUT"), files


def converted_alike(tmp_path: Path, *extra: str) -> tuple[int, bytes, dict[str, bytes]]:
    """Convert with --jobs 1 and 2, and every line alone; return the outcome, the same each time."""
    one = convert(tmp_path, 1, *extra)
    assert one == convert(tmp_path, 1, *extra, alone=True)
    assert one == convert(tmp_path, 2, *extra)
    return one


@pytest.mark.parametrize(
    "extra",
    [
        ("-q", "--rejects", "OUT/rejects.jsonl", "--missing-refs", "OUT/missing.csv"),
        ("--rejects", "OUT/rejects.jsonl", "--report", "OUT/report.json"),
        ("-q", "--rejects", "OUT/rejects.jsonl", "--report", "OUT/report.csv"),
    ],
    ids=["quiet", "warnings", "quiet-report"],
)
def test_lines_converted_here_are_the_workers_bytes(tmp_path: Path, extra: tuple[str, ...]) -> None:
    write_lines(tmp_path)
    assert converted_alike(tmp_path, *extra)[0] == 3  # rejected lines


@pytest.mark.parametrize("quiet", ["-q", ""])
def test_a_run_failing_at_a_line_says_what_the_workers_say(tmp_path: Path, quiet: str) -> None:
    # The summary counts the lines before the bad one only: records, entries, ids.
    write_lines(tmp_path)
    extra = (quiet,) if quiet else ()
    one = converted_alike(tmp_path, *extra)
    assert one[0] == 1
    assert one[2] == {}  # nothing written
    assert b"refundmap: 79 records," in one[1]


def test_lines_all_taken_or_converted_alone_are_the_workers_bytes(tmp_path: Path) -> None:
    write_lines(tmp_path, bad=False)
    extra = ("-q", "--missing-refs", "OUT/missing.csv")
    assert converted_alike(tmp_path, *extra)[0] == 0


def test_only_the_lines_the_shared_work_does_not_take_are_converted_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_lines(tmp_path, bad=False)
    alone = []
    convert_line = refundmap.cli.convert._convert_line

    def counted(converter, line, text, **kwargs):
        alone.append(line)
        return convert_line(converter, line, text, **kwargs)

    monkeypatch.setattr(refundmap.cli.convert, "_convert_line", counted)
    argv = ["convert", "-q", "-f", "railz", "-t", "rutter", "--synced-at", SYNCED_AT]
    assert main([*argv, "--jobs", "1", str(path), "-o", str(tmp_path / "out.jsonl")]) == 0
    # The odd lines but the bad ones (left out here): numeric text, ids as numbers, empty lines.
    assert alone == [n + 1 for n in range(600) if n % 37 == 5 and not _bad(n)]
