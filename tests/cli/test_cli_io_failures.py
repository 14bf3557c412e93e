"""Reads and writes that fail end cleanly: one line, exit 74, nothing replaced (issue 16).

Each case runs the real command in a child process: RLIMIT_FSIZE makes a file too
large (Python ignores SIGXFSZ, so the write fails with EFBIG), /dev/full fills.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from refundmap.jsonio import AtomicFile

from helpers import FIXTURES, run_command

LIMIT = 64 * 1024  # bytes a child may write to one file


def run(*argv: str, cwd: Path, limit: bool = False, stdout=subprocess.PIPE, env=None):
    """Run ``refundmap`` in a child; with ``limit``, no file of it may grow past LIMIT."""
    return run_command(
        *argv, cwd=cwd, file_size_limit=LIMIT if limit else None, stdout=stdout, env=env
    )


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """JSON Lines of valid Railz refunds, converting to well over LIMIT."""
    record = json.loads((FIXTURES / "railz/seed-refund.json").read_text())
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(dict(record, id=str(n))) + "\n" for n in range(200)))
    return path


def left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_output_too_large_fails_with_74_and_leaves_the_old_file(big, tmp_path):
    (tmp_path / "out.jsonl").write_text("old")
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", big.name, "-o", "out.jsonl",
               cwd=tmp_path, limit=True)  # fmt: skip
    assert done.returncode == 74
    assert done.stderr == "refundmap: out.jsonl: cannot write: File too large\n"
    assert (tmp_path / "out.jsonl").read_text() == "old"
    assert left(tmp_path) == ["big.jsonl", "out.jsonl"]  # no temporary file


def test_a_report_too_large_fails_and_replaces_no_output(big, tmp_path):
    (tmp_path / "out.jsonl").write_text("old output")
    (tmp_path / "report.json").write_text("old report")
    done = run("convert", "-f", "railz", "-t", "rutter", big.name, "-o", "out.jsonl",
               "--report", "report.json", "--synced-at", "2024-06-30T12:00:00Z",
               cwd=tmp_path, limit=True)  # fmt: skip
    assert done.returncode == 74
    assert done.stderr.splitlines()[-1].startswith("refundmap: ")
    assert "cannot write: File too large" in done.stderr
    assert "Traceback" not in done.stderr
    # The run's files are put in place together or not at all.
    assert (tmp_path / "out.jsonl").read_text() == "old output"
    assert (tmp_path / "report.json").read_text() == "old report"
    assert left(tmp_path) == ["big.jsonl", "out.jsonl", "report.json"]


def test_rejects_too_large_fail_the_run(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(('{"id": 1, "note": "' + "x" * 2000 + '"}\n') * 100)
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", "bad.jsonl", "-o", "/dev/null",
               "--rejects", "rejects.jsonl", cwd=tmp_path, limit=True)  # fmt: skip
    assert done.returncode == 74
    assert done.stderr == "refundmap: rejects.jsonl: cannot write: File too large\n"
    assert left(tmp_path) == ["bad.jsonl"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("unbuffered", ["", "1"])
@pytest.mark.parametrize("command", ["convert", "validate"])
def test_a_full_stdout_fails_with_74_whatever_the_buffering(tmp_path, command, unbuffered):
    argv = (
        ["convert", "-f", "railz", "-t", "rutter"]
        if command == "convert"
        else ["validate", "--as", "railz"]
    )
    with Path("/dev/full").open("w") as full:
        done = run(*argv, str(FIXTURES / "railz/seed-refund.json"), cwd=tmp_path,
                   stdout=full, env={"PYTHONUNBUFFERED": unbuffered})  # fmt: skip
    assert done.returncode == 74
    assert done.stderr.splitlines()[-1] == (
        "refundmap: stdout: cannot write: No space left on device"
    )
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc here")
def test_a_read_error_other_than_a_missing_file_is_74(tmp_path):
    # Reading /proc/self/mem from its start fails with EIO: a real read error.
    done = run("convert", "-f", "railz", "-t", "rutter", "/proc/self/mem", cwd=tmp_path)
    assert done.returncode == 74
    assert done.stderr == "refundmap: /proc/self/mem: cannot read: Input/output error\n"
    missing = run("convert", "-f", "railz", "-t", "rutter", "missing.json", cwd=tmp_path)
    assert missing.returncode == 2


def test_the_library_raises_the_os_error_unchanged_and_leaves_nothing(tmp_path, monkeypatch):
    destination = tmp_path / "out.json"
    destination.write_text("old")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with AtomicFile(destination) as atomic:
        atomic.stream.write("new")
        with pytest.raises(OSError, match="No space left") as exc:
            atomic.commit()
    assert exc.value.errno == errno.ENOSPC
    assert destination.read_text() == "old"
    assert left(tmp_path) == ["out.json"]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A Railz list page, streamed a record at a time, converting to well over LIMIT."""
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    rows = [dict(page["data"][n % len(page["data"])], id=str(n)) for n in range(300)]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({**page, "data": rows}))
    return path


@pytest.mark.parametrize("source", ["page.json", "-"])
def test_a_temporary_file_too_large_fails_with_74_and_one_line(page, tmp_path, source):
    # A big page's output waits in a temporary file until it all converted (stdin is
    # first copied to one): a full TMPDIR or `ulimit -f` was an OSError traceback.
    (tmp_path / "tmp").mkdir()
    (tmp_path / "out.json").write_text("old")
    with page.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "refundmap", "convert", "-q", "-f", "railz", "-t", "rutter",
             source, "-o", "out.json"],
            cwd=tmp_path, stdin=stdin, capture_output=True, text=True, check=False, timeout=120,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT)),
            env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        )  # fmt: skip
    assert done.returncode == 74
    name = "page.json" if source != "-" else "-"
    assert done.stderr == (
        f"refundmap: the temporary file of {name} (in {tmp_path / 'tmp'}, TMPDIR):"
        " cannot write: File too large\n"
    )
    assert (tmp_path / "out.json").read_text() == "old"
    assert left(tmp_path) == ["out.json", "page.json", "tmp"]
    assert left(tmp_path / "tmp") == []
