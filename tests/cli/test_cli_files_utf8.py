"""Text written as UTF-8 bytes (refundmap.cli.files._Named.write_utf8): the bytes ``write`` writes.

The command writes a run of JSON Lines records as the UTF-8 text the writer
made, without decoding it to have it encoded again: to a UTF-8 text file's
buffer, after the text written before it; to any other stream, decoded.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pytest

from refundmap.cli.files import FileIOError, _atomic_file, _Named, _Output
from refundmap.jsonio import AtomicFile

TEXT = '{"memo": "Café crème 😀", "amount": 1.10}\n'


def test_after_text_the_bytes_come_in_order_as_text_would(tmp_path: Path) -> None:
    atomic = _atomic_file(tmp_path / "out.jsonl")
    out = _Named("out.jsonl", atomic.stream)
    out.write("first\n")
    out.write_utf8(TEXT.encode())
    out.write("last\n")
    atomic.commit()
    assert (tmp_path / "out.jsonl").read_bytes() == ("first\n" + TEXT + "last\n").encode()


def test_an_output_file_is_made_for_bytes_too(tmp_path: Path) -> None:
    made: list[AtomicFile] = []

    def make() -> AtomicFile:
        made.append(_atomic_file(tmp_path / "out.jsonl"))
        return made[0]

    out = _Output("out.jsonl", make)
    out.write_utf8(TEXT.encode())
    out.finish()
    made[0].commit()
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == TEXT


@pytest.mark.parametrize(
    ("stream", "encoding"),
    [
        (io.StringIO(), None),  # no buffer
        (io.TextIOWrapper(io.BytesIO(), encoding="utf-16"), "utf-16"),
        (io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="replace"), "ascii"),
        (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape"), "utf-8"),
    ],
    ids=["StringIO", "utf-16", "ascii", "surrogateescape"],
)
def test_another_stream_is_written_the_text_decoded(stream: IO[str], encoding: str | None) -> None:
    out = _Named("out", stream)
    out.write("first\n")
    out.write_utf8(TEXT.encode())
    if encoding is None:
        assert isinstance(stream, io.StringIO)
        assert stream.getvalue() == "first\n" + TEXT
        return
    assert isinstance(stream, io.TextIOWrapper)
    stream.flush()
    assert isinstance(stream.buffer, io.BytesIO)
    assert stream.buffer.getvalue() == ("first\n" + TEXT).encode(encoding, stream.errors)


def test_a_terminal_is_shown_each_run_as_written() -> None:
    raw = io.BytesIO()
    buffer = io.BufferedWriter(raw, buffer_size=1 << 20)
    stream = io.TextIOWrapper(buffer, encoding="utf-8", line_buffering=True)
    _Named("stdout", stream).write_utf8(TEXT.encode())
    assert raw.getvalue() == TEXT.encode()  # not held in the buffer


def test_a_write_that_fails_names_the_file() -> None:
    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, _: object) -> int:
            raise OSError(28, "No space left on device")

    stream = io.TextIOWrapper(io.BufferedWriter(Full(), buffer_size=16), encoding="utf-8")
    with pytest.raises(FileIOError, match=r"out\.jsonl: cannot write: No space left on device"):
        _Named("out.jsonl", stream).write_utf8(TEXT.encode())


def test_a_closed_pipe_is_not_a_failure() -> None:
    class Closed(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, _: object) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    stream = io.TextIOWrapper(io.BufferedWriter(Closed(), buffer_size=16), encoding="utf-8")
    with pytest.raises(BrokenPipeError):
        _Named("stdout", stream).write_utf8(TEXT.encode())
