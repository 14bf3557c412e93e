"""JSON Lines read from a pipe (refundmap.cli.files): each line converted once it has come.

``docs/cli.md`` says JSON Lines are read and written one record at a time: a
producer that writes a line now and then (``tail -f log | refundmap convert
--jsonl -``) gets each line's output then, not once 64 kB or 256 more lines have
come. A regular file is read a block of lines at a time; both give the same lines.
"""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from refundmap.cli.files import _arrived_runs, _file_lines, _record_runs

from helpers import FIXTURES, ROOT

RECORD = json.loads((FIXTURES / "railz/seed-refund.json").read_text())
LINE = json.dumps(RECORD).encode() + b"\n"


def _read_line(stream: io.BufferedReader, timeout: float) -> bytes:
    """Return the next line of ``stream``, or b"" when none came within ``timeout`` seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else b""


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "-f", "railz", "-t", "rutter", "-q", "--synced-at", "2024-06-30T12:00:00Z"],
        ["convert", "-f", "railz", "-t", "rutter-create", "--synced-at", "2024-06-30T12:00:00Z"],
        ["validate", "-f", "railz"],
    ],
    ids=["convert", "convert-warned", "validate"],
)
def test_a_line_on_an_open_pipe_is_written_once_it_has_come(argv: list[str]) -> None:
    # As from a shell: stdout to a pipe written a block at a time unless the command flushes.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [sys.executable, "-m", "refundmap", *argv, "--jsonl", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        for _ in range(2):  # the pipe left open: no end of input, no block of lines
            child.stdin.write(LINE)
            child.stdin.flush()
            assert _read_line(child.stdout, 60).strip(), "nothing written for a line that came"
        child.stdin.close()
        assert child.wait(60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


#: A file's worth of lines: CRLF, a lone CR inside a line, blank lines, a line longer
#: than a read, and a last line with no newline.
TEXT = b"".join(
    [
        b"\n",
        LINE,
        LINE.rstrip(b"\n") + b"\r\n",
        b'{"id": "a\rb"}\n',
        b"  \t\n",
        b"\r\n",
        json.dumps(dict(RECORD, memo="x" * 200_000)).encode() + b"\n",
        LINE * 300,
        b'{"last": 1}',
    ]
)


class _Trickle(io.RawIOBase):
    """A pipe that gives at most ``piece`` bytes a read, as a slow writer's pipe does."""

    def __init__(self, data: bytes, piece: int) -> None:
        self._data, self._piece, self._at = data, piece, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self._piece, len(self._data) - self._at)
        buffer[:size] = self._data[self._at : self._at + size]
        self._at += size
        return size


@pytest.mark.parametrize("piece", [1, 7, 4096, 1 << 20])
def test_a_pipes_lines_are_a_files_lines(tmp_path: Path, piece: int) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(TEXT)
    with path.open("rb") as stream:
        expected = list(_file_lines(str(path), stream))
    pipe = io.BufferedReader(_Trickle(TEXT, piece))
    runs = list(_arrived_runs("-", pipe, 256))
    assert [line for run in runs for line in run] == expected
    assert all(0 < len(run) <= 256 for run in runs)
    assert expected[-1] == (len(TEXT.split(b"\n")), b'{"last": 1}')
    assert len(expected) == 305


def test_a_regular_file_is_read_in_runs_of_the_size(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(LINE * 600)
    assert [len(run) for run in _record_runs(str(path), 256)] == [256, 256, 88]
