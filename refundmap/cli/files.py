"""The command's files: inputs and outputs.

Inputs: stdin, JSON Lines, seekable copies, a file that changes while read.
Outputs: planning, temporary files, the atomic commit of the group.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import io
import itertools
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeGuard, TypeVar

from refundmap import jsonio
from refundmap.cli.messages import CommandError, _shown
from refundmap.profiles import PushOptions
from refundmap.references import Directory
from refundmap.report import (
    UsageError,
    ValidationError,
)
from refundmap.stream import (
    Layout,
    decoded,
    read_spans,
)

_T = TypeVar("_T")


class FileIOError(Exception):
    """Reading or writing a file failed (exit status 74); says which file, and why."""

    def __init__(self, name: str, action: str, error: OSError) -> None:
        super().__init__(f"{_shown(name)}: cannot {action}: {error.strerror or error}")

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return _io_error, (str(self),)  # from a --jobs worker: its message


def _io_error(message: str) -> FileIOError:
    error = FileIOError.__new__(FileIOError)
    Exception.__init__(error, message)
    return error


class _Named:
    """A text stream that names itself when a write fails (an output file, stdout)."""

    __slots__ = ("name", "stream")

    def __init__(self, name: str, stream: IO[str] | None) -> None:
        self.name = name
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return (self.stream or sys.stdout).write(text)  # None: stdout, as it is now
        except BrokenPipeError:
            raise  # the reader went away: not a failure of ours (see main)
        except OSError as exc:
            raise FileIOError(self.name, "write", exc) from None

    def write_utf8(self, data: bytes) -> None:
        """Write text encoded in UTF-8: the same bytes as :meth:`write` would of it decoded.

        To a UTF-8 text file (an output, stdout in a UTF-8 locale) the bytes go
        to its binary buffer, after the text written before: the text is not
        decoded to be encoded again.
        """
        stream = self.stream or sys.stdout
        if not _utf8(stream):
            self.write(data.decode())
            return
        try:
            stream.flush()  # the text written before goes first
            stream.buffer.write(data)
            if stream.line_buffering:  # a terminal: each line shown as written
                stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise FileIOError(self.name, "write", exc) from None

    def flush(self) -> None:
        try:
            (self.stream or sys.stdout).flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise FileIOError(self.name, "write", exc) from None

    def start(self) -> None:
        """Be ready for an input's output (stdout always is)."""

    def finish(self) -> None:
        """End an input's output (stdout goes on)."""


def _utf8(stream: IO[str]) -> TypeGuard[io.TextIOWrapper]:
    """Whether text written to ``stream`` reaches its binary buffer as UTF-8, unchanged.

    A text file over a buffer that takes every byte written (not a raw file, as
    stdout's is under ``python -u``), in UTF-8 that refuses a lone surrogate,
    newlines written as they are: the command's files are opened with a
    newline of LF or none (the platform's, checked here to be LF).
    """
    return (
        isinstance(stream, io.TextIOWrapper)
        and isinstance(stream.buffer, io.BufferedIOBase)
        and stream.errors == "strict"
        and codecs.lookup(stream.encoding).name == "utf-8"
        and os.linesep == "\n"
    )


class _Output(_Named):
    """An input's output file: made when its input is converted, closed when it is done.

    A run of thousands of inputs into a folder holds one output open at a time
    (``ulimit -n``); the closed files are renamed into place together at the end.
    """

    __slots__ = ("_atomic", "_make")

    def __init__(self, name: str, make: Callable[[], jsonio.AtomicFile]) -> None:
        super().__init__(name, None)
        self._make = make
        self._atomic: jsonio.AtomicFile | None = None

    def start(self) -> None:
        """Make the temporary file (a folder that refuses it says so before its input is read)."""
        if self._atomic is None:
            self._atomic = self._make()
            self.stream = self._atomic.stream

    def write(self, text: str) -> int:
        self.start()  # never stdout, whatever the caller forgot
        return super().write(text)

    def write_utf8(self, data: bytes) -> None:
        self.start()
        super().write_utf8(data)

    def finish(self) -> None:
        """Write the file to the disk and close it; it waits there for the run's end."""
        self.start()  # an input with no output still has its (empty) file
        assert self._atomic is not None  # noqa: S101 - made by start
        try:
            self._atomic.close()
        except OSError as exc:
            raise FileIOError(self.name, "write", exc) from None


# -- reading ------------------------------------------------------------------------


def _open(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdin.buffer
    try:
        return Path(name).open("rb")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise CommandError(f"{name}: cannot read: {exc.strerror}") from None
    except OSError as exc:
        raise FileIOError(name, "read", exc) from None


def _read(name: str, read: Callable[[], _T]) -> _T:
    try:
        return read()
    except OSError as exc:
        raise FileIOError(name, "read", exc) from None


#: Standard output, as the command writes it.
_STDOUT = _Named("stdout", None)


def _is_jsonl(name: str, *, forced: bool) -> bool:
    """Whether ``name`` is JSON Lines: ``--jsonl``, or ``.jsonl`` / ``.ndjson`` in any case."""
    return forced or name.lower().endswith((".jsonl", ".ndjson"))


def _documents(
    name: str, *, jsonl: bool, waiting: Callable[[], object] | None = None
) -> Iterator[tuple[int | None, bytes]]:
    """Yield ``(line number or None, text)``: one document, or a JSON Lines record at a time.

    ``waiting``: see :func:`_record_runs`.
    """
    if jsonl:
        for run in _record_runs(name, waiting=waiting):
            yield from run
        return
    stream = _open(name)
    try:
        yield None, _read(name, stream.read)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _record_runs(
    name: str, size: int = 256, *, waiting: Callable[[], object] | None = None
) -> Iterator[list[tuple[int, bytes]]]:
    """Yield the JSON Lines records of ``name``, ``(line number, text)``, a run at a time.

    Blank lines are skipped. A regular file's runs are of ``size`` records (the
    last fewer); a pipe's or a terminal's, the records come so far, up to
    ``size``: each is converted and written once its line has come, not once
    ``size`` more have. ``waiting`` is called before each read of a pipe (which
    waits until a line comes), so that the caller flushes what it wrote of the
    lines before: stdout to a pipe is written a block at a time otherwise.
    """
    stream = _open(name)
    try:
        watch = _Watched(name, stream)
        if watch.found is None:  # not a regular file: lines as they come
            yield from _arrived_runs(name, stream, size, waiting)
        else:
            lines = _file_lines(name, stream)
            while run := list(itertools.islice(lines, size)):
                yield run
        watch.truncated()  # a log cut by copytruncate: its end was never read
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _file_lines(name: str, stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    number = 0
    read = partial(stream.readlines, 1 << 16)  # lines read a block at a time, in C
    while lines := _read(name, read):
        for line in lines:
            number += 1
            if not line.isspace():  # as strip() would tell, without copying the line
                yield number, line


def _arrived_runs(
    name: str, stream: IO[bytes], size: int, waiting: Callable[[], object] | None = None
) -> Iterator[list[tuple[int, bytes]]]:
    """Yield the records of a stream that is not a file, those come so far a run at a time.

    ``read1`` returns what is there (waiting only while nothing is), so a line
    written alone to a pipe is yielded at once, where ``readlines`` would wait
    for a block of lines. ``waiting`` is called before each read.
    """
    read = partial(getattr(stream, "read1", stream.read), 1 << 16)
    if waiting is not None:
        read = partial(_after, waiting, read)
    number = 0
    pending: list[bytes] = []  # a line's text read so far, its end not come yet
    while data := _read(name, read):
        end = data.rfind(b"\n")
        if end < 0:
            pending.append(data)
            continue
        if pending:
            pending.append(data[: end + 1])
            whole = b"".join(pending)
            pending.clear()
        else:
            whole = data[: end + 1]
        if end + 1 < len(data):
            pending.append(data[end + 1 :])
        run = []
        for part in whole[:-1].split(b"\n"):  # each line with its newline, as readlines gives
            number += 1
            line = part + b"\n"
            if not line.isspace():
                run.append((number, line))
        for start in range(0, len(run), size):
            yield run[start : start + size]
    if pending:  # a last line with no newline
        number += 1
        line = b"".join(pending)
        if line.strip():
            yield [(number, line)]


def _after(first: Callable[[], object], then: Callable[[], _T]) -> _T:
    first()
    return then()


@contextmanager
def _seekable(name: str) -> Iterator[IO[bytes]]:
    """Open ``name`` to be read twice: a pipe (stdin) is copied to a temporary file first."""
    stream = _open(name)
    try:
        if stream.seekable():
            yield stream
            return
        with _temporary(name, "wb+") as copy:
            while data := _read(name, partial(stream.read, 1 << 20)):
                try:
                    copy.write(data)
                except OSError as exc:
                    raise FileIOError(_temporary_name(name), "write", exc) from None
            try:
                copy.seek(0)
            except OSError as exc:
                raise FileIOError(_temporary_name(name), "write", exc) from None
            yield copy
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _atomic_file(destination: str | Path) -> jsonio.AtomicFile:
    """Return ``destination``'s atomic file, or say why refundmap cannot write beside it."""
    try:
        return jsonio.AtomicFile(destination)
    except OSError as exc:
        folder = Path(destination).parent
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and folder.is_dir():
            raise _io_error(
                f"{destination}: cannot write: its folder {folder} does not let refundmap"
                f" create a file ({exc.strerror}); refundmap writes a temporary file beside"
                " the output and renames it, so that a failed run leaves the old file as it"
                " was. Write to a writable folder, or to stdout (no -o) and redirect"
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):  # a folder that is not there
            raise CommandError(f"{destination}: cannot write: {exc.strerror}") from None
        raise FileIOError(str(destination), "write", exc) from None


def _temporary_name(name: str) -> str:
    """How messages name ``name``'s temporary file: a full ``TMPDIR`` is not the output's fault."""
    return f"the temporary file of {name} (in {tempfile.gettempdir()}, TMPDIR)"


@contextmanager
def _temporary(name: str, mode: str) -> Iterator[IO[Any]]:
    """Make a temporary file for input ``name``, or say (exit 74) why it cannot be made."""
    try:
        file = tempfile.TemporaryFile(mode, encoding=None if "b" in mode else "utf-8")  # noqa: SIM115
    except OSError as exc:
        raise FileIOError(_temporary_name(name), "write", exc) from None
    with file:
        yield file


def _pieces(spool: IO[str], name: str) -> Iterator[str]:
    """Yield what ``spool`` holds from its start, a megabyte at a time."""
    try:
        spool.seek(0)
        while piece := spool.read(1 << 20):
            yield piece
    except OSError as exc:
        raise FileIOError(name, "read", exc) from None


@contextmanager
def _spool(name: str) -> Iterator[tuple[IO[str], _Named]]:
    """Hold a streamed document's output text until it all converted: the file, and it named."""
    with _temporary(name, "w+") as spool:
        yield spool, _Named(_temporary_name(name), spool)


#: Files below this size go whole to a ``--jobs`` worker, several at once.
_SMALL = 4 << 20


def _small(name: str, *, jsonl: bool) -> bool:
    """Whether ``name`` is a regular file small enough to go whole to a worker."""
    if name == "-" or _is_jsonl(name, forced=jsonl):
        return False
    try:
        found = Path(name).stat()
    except OSError:
        return False  # said when it is read, in order
    return stat.S_ISREG(found.st_mode) and found.st_size < _SMALL


def _identity(name: str | Path) -> tuple[object, ...]:
    """What names one file whatever its name: its inode, or its path once links are read."""
    try:
        found = Path(name).stat()
    except OSError:  # it does not exist (yet)
        return ("path", os.path.realpath(name))
    return ("inode", found.st_dev, found.st_ino)


def _plan_outputs(args: argparse.Namespace, inputs: Sequence[str]) -> list[Path | None]:
    """Decide where each input's output goes (None: stdout), before anything is read.

    Refuses (a usage error) an output that is one of the inputs, two outputs
    that are one file (an input listed twice, two inputs of the same name into
    one directory, a report that is the output), ``-`` twice, and several
    inputs into an ``-o`` that is neither a directory nor ends with ``/`` (as
    ``cp`` does). Makes the directory ``-o`` names when it ends with ``/``.
    """
    target = args.output
    destinations: list[Path | None]
    if target is None or target == "-":
        destinations = [None] * len(inputs)
    else:
        folder = Path(target)
        slash = target.endswith(("/", os.sep))
        if not (len(inputs) > 1 or slash or folder.is_dir()):
            destinations = [folder]
        else:
            if folder.exists() and not folder.is_dir():
                raise CommandError(
                    f"{target}: not a directory; -o names a directory when there are several inputs"
                )
            if not (slash or folder.is_dir()):
                raise CommandError(
                    f"{target}: no such directory; several inputs need -o to name a directory"
                    f" that exists, or to end with / to make it ({target}/)"
                )
            if "-" in inputs:
                raise CommandError("stdin cannot be named in a directory of outputs")
            destinations = [folder / Path(name).name for name in inputs]
    named: list[tuple[str, str | Path]] = [
        (f"the output of {name}", where)
        for name, where in zip(inputs, destinations, strict=True)
        if where is not None
    ]
    named += [
        (option, value)
        for option, value in (
            ("--report", args.report),
            ("--rejects", args.rejects),
            ("--missing-refs", args.missing_refs),
        )
        if value and value != "-"
    ]
    stdout = [
        what
        for what, value in (
            ("the output", target in (None, "-")),
            ("--report", args.report == "-"),
            ("--rejects", args.rejects == "-"),
            ("--missing-refs", args.missing_refs == "-"),
        )
        if value
    ]
    if len(stdout) > 1:
        raise CommandError(f"{' and '.join(stdout)} cannot both go to stdout; name a file")
    # Each name's identity once: thousands of inputs are checked in linear time.
    read = {_identity(name): name for name in reversed(inputs) if name != "-"}
    refs_files, refs_folders = _refs_identities(args.refs)
    written: dict[tuple[object, ...], str] = {}
    for what, where in named:
        identity = _identity(where)
        if identity in read:
            raise CommandError(
                f"{where}: {what} would overwrite the input {read[identity]}; name another file"
            )
        if identity in refs_files:
            raise CommandError(
                f"{where}: {what} would overwrite the --refs file {refs_files[identity]};"
                " name another file"
            )
        parent = _identity(Path(os.path.realpath(where)).parent)
        if parent in refs_folders:
            raise CommandError(
                f"{where}: {what} would be written into the --refs folder {refs_folders[parent]};"
                " name a file outside it"
            )
        if identity in written:
            raise CommandError(
                f"{where}: {written[identity]} and {what} would be the same file; name another"
            )
        written[identity] = what
    if target not in (None, "-") and target.endswith(("/", os.sep)):
        try:
            Path(target).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileIOError(target, "make the directory", exc) from None
    return destinations


def _refs_identities(
    refs: Sequence[str],
) -> tuple[dict[tuple[object, ...], str], dict[tuple[object, ...], str]]:
    """Return the identities of the ``--refs`` files, and of the folders, with their names.

    An output must not replace a file the references are read from, nor be
    written into a folder of them, where the next run would read it as one.
    """
    files: dict[tuple[object, ...], str] = {}
    folders: dict[tuple[object, ...], str] = {}
    for name in refs:
        (folders if Path(name).is_dir() else files).setdefault(_identity(name), name)
    return files, folders


class _Watched:
    """An input read twice (scanned, then its records read back), checked not to change.

    A page truncated (logrotate's ``copytruncate``) or rewritten after its scan
    would convert to a short page with its count rewritten to match: each record
    read back must be as long as scanned, and the file's size, modification time
    and identity (its path still names it) as they were.
    """

    def __init__(self, name: str, stream: IO[bytes]) -> None:
        self.name = name
        self.stream = stream
        try:
            found: os.stat_result | None = os.fstat(stream.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):  # not a file: nothing to watch
            found = None
        self.found = found if found is not None and stat.S_ISREG(found.st_mode) else None

    def changed(self, reason: str) -> FileIOError:
        """Return the error that says the file changed (exit 74), and how."""
        return _io_error(
            f"{_shown(self.name)}: changed while it was read ({reason}); nothing of it was written:"
            " convert it again once it is complete"
        )

    def check(self) -> None:
        """Raise :meth:`changed` when the file is not as it was when first read."""
        was = self.found
        if was is None:
            return
        try:
            now = os.fstat(self.stream.fileno())
        except OSError as exc:
            raise FileIOError(self.name, "read", exc) from None
        if now.st_size < was.st_size:
            raise self.changed(f"{now.st_size:,} bytes, {was.st_size:,} when it was opened")
        if (now.st_size, now.st_mtime_ns) != (was.st_size, was.st_mtime_ns):
            raise self.changed("it was written to")
        if self.name == "-":
            return  # stdin: no path names it
        try:
            there = Path(self.name).stat()
        except OSError:
            there = None
        if there is None or (there.st_dev, there.st_ino) != (was.st_dev, was.st_ino):
            raise self.changed("its name now names another file, or none")

    def truncated(self) -> None:
        """Raise :meth:`changed` when the file, read to its end, is shorter than it was.

        For JSON Lines, read once: lines added meanwhile are read or not, but a
        file cut shorter (logrotate's ``copytruncate``) lost lines never read.
        """
        if self.found is None:
            return
        try:
            now, read = os.fstat(self.stream.fileno()).st_size, self.stream.tell()
        except OSError as exc:
            raise FileIOError(self.name, "read", exc) from None
        if now < min(read, self.found.st_size):
            raise self.changed(f"{now:,} bytes, {self.found.st_size:,} when it was opened")

    def spans(self, spans: Sequence[int]) -> Iterator[bytes]:
        """Yield each record's text as :func:`refundmap.stream.read_spans`; a short one fails."""
        texts = read_spans(self.stream, spans)
        for index in range(0, len(spans), 2):
            try:
                text = next(texts)
            except OSError as exc:
                raise FileIOError(self.name, "read", exc) from None
            if len(text) != spans[index + 1] - spans[index]:
                self.check()  # says how it changed, if it can
                raise self.changed(f"it ends before byte {spans[index + 1]:,}")
            yield text


def _decoded(watch: _Watched, layout: Layout) -> Any:
    """Return the document :func:`scan` read, decoded whole."""
    try:
        document = decoded(layout, watch.spans(layout.spans))
    except ValidationError:  # a record scan read as JSON is JSON, unless the file changed
        watch.check()
        raise
    watch.check()
    return document


def _directory(files: Sequence[str]) -> Directory | None:
    """Read the ``--refs`` files, before any input, or say what is wrong with them."""
    if not files:
        return None
    try:
        return Directory.from_files(*files)
    except OSError as exc:
        raise CommandError(f"{exc.filename}: cannot read: {exc.strerror}") from None
    except ValidationError as exc:
        where = f"{exc.source}: " if exc.source else ""
        lines = [f"{where}{problem.path}: {problem.message}" for problem in exc.problems]
        raise CommandError("--refs: not a directory of references", *lines) from None


def _push_options(name: str | None) -> PushOptions | None:
    """Read ``--push-options FILE`` once, before any input, or say what is wrong with it."""
    if name is None:
        return None
    try:
        return PushOptions.load(name)
    except UsageError as exc:
        raise CommandError("--push-options: " + str(exc).removeprefix("push_options: ")) from None
