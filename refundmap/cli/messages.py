"""What the command says: exit statuses, stderr lines, the --report writer, progress, sinks."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from refundmap import jsonio
from refundmap.paths import general_path
from refundmap.report import (
    Entry,
    Kind,
    RefundmapError,
    ValidationError,
    printable,
)

if TYPE_CHECKING:
    from refundmap.cli.files import _Named


EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_WORKER = 71  # sysexits.h EX_OSERR: a --jobs worker killed or out of memory
EXIT_IO = 74  # sysexits.h EX_IOERR


class WorkerError(Exception):
    """A ``--jobs`` worker died or ran out of memory (exit status 71); says which input."""


class CommandError(Exception):
    """The command cannot run as asked (exit status 2); each argument is a line to print."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines

    def __reduce__(self) -> tuple[type[CommandError], tuple[str, ...]]:
        return CommandError, self.lines


def _where(name: str, line: int | None) -> str:
    return _shown(name) if line is None else f"{_shown(name)}:{line}"


def _shown(name: str) -> str:
    r"""Return file ``name`` as refundmap writes it: valid Unicode, a byte not UTF-8 as ``\xNN``.

    Python reads such a byte of a file name as a lone surrogate, which no UTF-8
    file (a report, rejects, JSON) can hold: ``caf\xe9.json`` names ``caf<0xE9>.json``.
    """
    if name.isascii():
        return name
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # a surrogate Python did not make from a byte
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- convert ------------------------------------------------------------------------


class _Report:
    """The ``--report`` file: every entry as it comes, then the counts per kind and path.

    JSON: ``{"entries": [...], "counts": [{"kind", "path", "count"}, ...]}``,
    entries streamed. Text: one line an entry, then the counts, commonest first.
    """

    def __init__(self, out: _Named, *, text: bool, kinds: frozenset[str] | None) -> None:
        self.out = out
        self.text = text
        self.kinds = kinds
        self.counts: Counter[tuple[str, str]] = Counter()
        self._first = True
        if not text:
            out.write('{"entries": [')

    def add(self, name: str, line: int | None, entry: Entry) -> None:
        if self.kinds is not None and str(entry.kind) not in self.kinds:
            return
        self.counts[str(entry.kind), general_path(entry.source_path)] += 1
        if self.text:
            target = f" -> {entry.target_path}" if entry.target_path else ""
            where = _where(name, line)
            text = f"{where}: {entry.kind}: {entry.source_path}{target}: {entry.message}"
            self.out.write(printable(text) + "\n")
        else:
            row = {"file": _shown(name), "line": line, **entry.to_dict()}
            self.out.write(("\n  " if self._first else ",\n  ") + json.dumps(row))
        self._first = False

    def close(self) -> None:
        rows = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        if self.text:
            self.out.write("\ncounts (kind, path, entries):\n")
            for (kind, path), count in rows:
                self.out.write(printable(f"{count:>9}  {kind:<12} {path}") + "\n")
            return
        counts = [{"kind": kind, "path": path, "count": count} for (kind, path), count in rows]
        self.out.write(("\n" if not self._first else "") + '], "counts": [')
        self.out.write(",".join("\n  " + json.dumps(row) for row in counts))
        self.out.write("\n]}\n" if counts else "]}\n")


class _Progress:
    """A status line on stderr for long runs: records done, rate, time spent."""

    def __init__(self, *, shown: bool, at_once: bool = False) -> None:
        self.shown = shown
        self.start = time.monotonic()
        # Nothing for runs of under a second, unless asked for (--progress).
        self._next = self.start + (0.0 if at_once else 1.0)
        self._drawn = False
        self.records = 0

    def add(self, records: int) -> None:
        self.records += records
        if self.shown and (now := time.monotonic()) >= self._next:
            self._next = now + 0.5
            spent = now - self.start
            rate = self.records / spent if spent else 0.0
            minutes, seconds = divmod(int(spent), 60)
            line = (
                f"refundmap: {self.records:,} record{'' if self.records == 1 else 's'},"
                f" {rate:,.0f}/s, {minutes}:{seconds:02d}"
            )
            sys.stderr.write("\r" + line + "\x1b[K")
            sys.stderr.flush()
            self._drawn = True

    def done(self) -> None:
        if self._drawn:  # clear the line, for the summary
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._drawn = False


class Sink(Protocol):
    """Where a conversion tells its report entries, rejects and problems, in order."""

    def entry(self, name: str, line: int | None, entry: Entry) -> None:
        """A report entry of the input ``name`` (at JSON Lines ``line``)."""

    def reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        """A record (or document) set apart by ``--rejects``: where, what it was, and why."""

    def problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        """Why the input ``name`` did not convert."""


class Terminal:
    """The command's sink: the ``--report`` and ``--rejects`` files, and stderr."""

    def __init__(
        self, *, report: _Report | None, rejects: _Named | None, quiet: bool, progress: _Progress
    ) -> None:
        self.report = report
        self.rejects = rejects
        self.quiet = quiet
        self.progress = progress

    def entry(self, name: str, line: int | None, entry: Entry) -> None:
        """Report the entry, and print it when it is a warning."""
        if self.report is not None:
            self.report.add(name, line, entry)
        if entry.kind is Kind.WARNING and not self.quiet:
            self.progress.done()
            text = f"{_where(name, line)}: {entry.source_path}: warning: {entry.message}"
            print(printable(text), file=sys.stderr)

    def reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        """Write a row of the rejects file, and print why (unless quiet)."""
        assert self.rejects is not None  # noqa: S101 - only told with --rejects
        row = {
            "file": _shown(name),
            "line": line,
            "path": path,
            "error": "validation" if isinstance(exc, ValidationError) else "mapping",
            "problems": [problem.to_dict() for problem in exc.problems],
            "input": value,
        }
        self.rejects.write(jsonio.dumps(row) + "\n")
        if not self.quiet:
            self.progress.done()
            for problem in exc.problems:
                text = f"{_where(name, line)}: {problem.path}: rejected: {problem.message}"
                print(printable(text), file=sys.stderr)

    def problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        """Print each problem, with its input and path."""
        self.progress.done()
        for problem in exc.problems:
            text = f"{_where(name, line)}: {problem.path}: {problem.message}"
            print(printable(text), file=sys.stderr)


@attrs.frozen
class _Entry:
    name: str
    line: int | None
    entry: Entry

    def tell(self, sink: Sink) -> None:
        sink.entry(self.name, self.line, self.entry)


@attrs.frozen
class _Reject:
    name: str
    line: int | None
    path: str
    value: Any
    exc: RefundmapError

    def tell(self, sink: Sink) -> None:
        sink.reject(self.name, self.line, self.path, self.value, self.exc)


@attrs.frozen
class _Problems:
    name: str
    line: int | None
    exc: RefundmapError

    def tell(self, sink: Sink) -> None:
        sink.problems(self.name, self.line, self.exc)


class Recording:
    """A sink that keeps what it is told, in order, to tell another later (:meth:`tell`).

    A ``--jobs`` worker converts a file into one; the command tells its
    terminal. ``entries``: whether report entries are kept (printed or
    reported), or only counted.
    """

    def __init__(self, *, entries: bool) -> None:
        self.entries = entries
        self.told: list[_Entry | _Reject | _Problems] = []

    def entry(self, name: str, line: int | None, entry: Entry) -> None:
        """Keep the entry, where entries are wanted."""
        if self.entries:
            self.told.append(_Entry(name, line, entry))

    def reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        """Keep the reject."""
        self.told.append(_Reject(name, line, path, value, exc))

    def problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        """Keep the problems."""
        self.told.append(_Problems(name, line, exc))

    def tell(self, sink: Sink) -> None:
        """Tell ``sink`` what this one was told, in order."""
        for told in self.told:
            told.tell(sink)


def _report_is_text(args: argparse.Namespace) -> bool:
    """Whether the report is text: ``--report-format``, else by the file's extension."""
    if args.report_format is not None:
        return bool(args.report_format == "text")
    return Path(args.report).suffix.lower() in (".txt", ".text", ".log")


def _say_error(*lines: str) -> None:
    """Print each line to stderr as ``refundmap: LINE``, control characters escaped."""
    for line in lines:
        print(printable(f"refundmap: {line}"), file=sys.stderr)


def _abandon_stdout() -> None:
    """Drop what stdout still holds, so that the interpreter's exit does not retry it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (captured, replaced): nothing to drop
        pass
