"""The ``refundmap`` command line: parses arguments, calls the API, prints.

Exit status: 0 on success, 1 when a document is invalid or cannot be
converted, 2 for a usage error (an unknown format or pair, a missing file),
3 when ``--rejects`` set records aside, 71 when a ``--jobs`` worker died
(sysexits' EX_OSERR), 74 when reading or writing fails (a full disk, a file
too large, an input that changed while it was read; sysexits' EX_IOERR).
``validate`` prints problems to stdout; ``convert`` writes documents to stdout
or files and problems to stderr. Output files are written atomically and only
when every input converted.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import gc
import io
import itertools
import json
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager, suppress
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any, TypeVar

import attrs

from refundmap import jsonio
from refundmap.conversion import (
    Conversion,
    _convert,
    _Options,
    conversion_time,
    convert,
    convert_each,
    records_key,
    supported,
)
from refundmap.formats import FORMATS, Format, get_format
from refundmap.mapping import DEFAULT_KINDS, PAIRS
from refundmap.reconcile import reconcile
from refundmap.references import Directory
from refundmap.report import (
    Entry,
    Kind,
    MappingError,
    Problem,
    RefundmapError,
    UsageError,
    ValidationError,
    general_path,
    printable,
)
from refundmap.schema import json_schema
from refundmap.stream import Chunk, Frame, Layout, convert_chunk, moved, read_spans, scan, shifted
from refundmap.validation import validate

__all__ = ["main"]

_T = TypeVar("_T")
_A = TypeVar("_A")

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_WORKER = 71  # sysexits.h EX_OSERR: a --jobs worker killed or out of memory
EXIT_IO = 74  # sysexits.h EX_IOERR


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

    def finish(self) -> None:
        """Write the file to the disk and close it; it waits there for the run's end."""
        self.start()  # an input with no output still has its (empty) file
        assert self._atomic is not None  # noqa: S101 - made by start
        try:
            self._atomic.close()
        except OSError as exc:
            raise FileIOError(self.name, "write", exc) from None


class WorkerError(Exception):
    """A ``--jobs`` worker died or ran out of memory (exit status 71); says which input."""


class CommandError(Exception):
    """The command cannot run as asked (exit status 2); each argument is a line to print."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines

    def __reduce__(self) -> tuple[type[CommandError], tuple[str, ...]]:
        return CommandError, self.lines


@attrs.frozen
class Outcome:
    """The result of validating one document of one input."""

    source: str
    line: int | None
    problems: tuple[Problem, ...]
    report: tuple[Entry, ...]

    @property
    def where(self) -> str:
        """``FILE`` or ``FILE:LINE`` for a JSON Lines record."""
        return _where(self.source, self.line)


def _format_name(text: str) -> str:
    """Return the format named ``text`` in any case, or say which are near (argparse type)."""
    try:
        return get_format(text).name
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _format_choice(parser: argparse.ArgumentParser, *flags: str, dest: str, help_: str) -> None:
    parser.add_argument(
        *flags,
        dest=dest,
        required=True,
        type=_format_name,
        metavar="FORMAT",
        help=f"{help_}: {', '.join(FORMATS)} (any case)",
    )


def _kinds(text: str) -> list[str]:
    kinds = [kind.strip() for kind in text.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in set(Kind)]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown kind {', '.join(unknown) or text!r}; the kinds are {', '.join(Kind)}"
        )
    return kinds


def _default(text: str) -> tuple[str, str]:
    kind, equals, value = text.partition("=")
    kind = kind.strip()
    kinds = ", ".join(DEFAULT_KINDS)
    if not equals:
        raise argparse.ArgumentTypeError(f"expected KIND=ID, got {text!r}; the kinds are {kinds}")
    if kind not in DEFAULT_KINDS:
        raise argparse.ArgumentTypeError(f"unknown kind {kind!r}; the kinds are {kinds}")
    if not value.strip():
        raise argparse.ArgumentTypeError(f"the {kind} id is empty, in {text!r}")
    return kind, value


def _defaults(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Return the ``--default`` values by kind; a kind given twice is a usage error."""
    defaults: dict[str, str] = {}
    for kind, value in pairs:
        if kind in defaults:
            raise CommandError(
                f"--default: {kind} is given twice ({defaults[kind]!r} and {value!r})"
            )
        defaults[kind] = value
    return defaults


def _jobs(text: str) -> int:
    return _indent(text)  # 0 or more: 0 is one a core


def _indent(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


EXIT_CODES = """exit status:
  0    success
  1    a document is invalid or cannot be converted: no output file is written;
       stdout (no -o) has what was converted before it (earlier inputs, JSON
       Lines records before the bad one), never part of a document: to keep
       the good records, give --rejects FILE
  2    usage error: an unknown format or pair, a missing file, an output that
       would overwrite an input, several inputs into -o that is not a directory
  3    converted, but some records were rejected (--rejects)
  71   a --jobs worker was killed (the out-of-memory killer) or ran out of memory
  74   reading or writing failed (a full disk, a file too large, a folder that
       cannot be written, an input that changed while it was read)
  130  interrupted (Ctrl-C); 143 SIGTERM, 129 SIGHUP: no output file written"""

_VALIDATE_EXIT_CODES = """exit status:
  0    every document is valid
  1    a document is invalid (its problems are printed)
  2    usage error: an unknown format, a missing file
  74   reading or writing failed (an input that cannot be read, a full stdout)
  130  interrupted (Ctrl-C); 143 SIGTERM, 129 SIGHUP"""

_RECONCILE_EXAMPLES = """examples:
  refundmap reconcile -f rutter rutter/ -t railz railz.json --refs refs.csv
  refundmap reconcile -f railz old.jsonl -t railz-v2 new.jsonl -o report.jsonl
"""

_RECONCILE_EXIT = """exit status:
  0    every record matched one of the other side's, equal
  1    a record differs, is on one side only, ambiguous, a candidate, or invalid
  2    usage error: an unknown format, formats that do not convert, a missing file
  74   reading or writing failed"""

_VALIDATE_EXAMPLES = """examples:
  refundmap validate -f railz fixtures/railz/seed-refund.json
  refundmap validate -f rutter --strict --output-format json page.json
  cat refunds.jsonl | refundmap validate -f railz-v2 --jsonl -

"""

_CONVERT_EXAMPLES = """examples:
  refundmap convert -f railz -t rutter refund.json -o refund.rutter.json
  refundmap convert -f rutter -t railz --refs refs/ page.json --report report.txt
  refundmap convert -f railz -t rutter big.jsonl -o out.jsonl --rejects bad.jsonl -j 0
  refundmap convert -f rutter -t railz-v2 a.json b.json -o converted/

"""


def _subparser(commands: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    return commands.add_parser(  # type: ignore[no-any-return]
        name,
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refundmap",
        description="Validate and convert customer refunds between Rutter and Railz.",
        epilog="'refundmap COMMAND --help' for a command's options and examples.\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"refundmap {version('refundmap')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = _subparser(
        commands,
        "validate",
        help="check documents against a format",
        description="Check each INPUT against FORMAT; print one line per problem.",
        epilog=_VALIDATE_EXAMPLES + _VALIDATE_EXIT_CODES,
    )
    _format_choice(check, "--from", "-f", "--as", dest="format", help_="the format of the input")
    check.add_argument(
        "--strict",
        action="store_true",
        help="refuse numeric strings, unknown keys and totals that do not add up",
    )
    check.add_argument(
        "--output-format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="how to print the results (default: text)",
    )
    check.add_argument(
        "--format",
        dest="old_output",
        choices=("text", "json"),
        help=argparse.SUPPRESS,  # the old spelling of --output-format
    )
    check.add_argument(
        "--jsonl",
        action="store_true",
        help="read every input as JSON Lines (implied by .jsonl and .ndjson)",
    )
    check.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a JSON or JSON Lines file; - is stdin"
    )

    conv = _subparser(
        commands,
        "convert",
        help="convert documents from one format to another",
        description="Convert each INPUT from one format to another, keeping its shape.",
        epilog=_CONVERT_EXAMPLES + EXIT_CODES,
    )
    _format_choice(conv, "--from", "-f", dest="source", help_="the format of the input")
    _format_choice(conv, "--to", "-t", dest="target", help_="the format to write")
    conv.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="JSON or JSON Lines files; - or none is stdin"
    )
    conv.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help="a file (- is stdout), or a directory for several inputs: one that exists,"
        " or DIR/ (made if missing)",
    )
    conv.add_argument("--strict", action="store_true", help="validate the input strictly")
    conv.add_argument(
        "--lossless",
        action="store_true",
        help="fail where a value would be dropped or a total would change",
    )
    conv.add_argument(
        "--synced-at", metavar="TIMESTAMP", help="Rutter's last_synced_at (default: now, UTC)"
    )
    conv.add_argument(
        "--connection-uuid",
        metavar="ID",
        help="the Railz connection of railz-v2-push bodies; into rutter, of railz-v2 records"
        " (their Rutter ids' scope, as in their page)",
    )
    conv.add_argument(
        "--business-name",
        metavar="NAME",
        help="the business of railz-push bodies; into rutter, of railz records (with"
        " --service-name: their Rutter ids' scope)",
    )
    conv.add_argument(
        "--service-name",
        metavar="NAME",
        help="xero or quickbooks, for railz-push bodies; into rutter, the records' service",
    )
    conv.add_argument(
        "--refs",
        action="append",
        default=[],
        metavar="FILE",
        help="translate reference ids with FILE: Rutter reference list or fetch responses"
        " (JSON), or CSV kind,rutter_id,platform_id,name; repeatable",
    )
    conv.add_argument(
        "--default",
        dest="defaults",
        type=_default,
        action="append",
        default=[],
        metavar="KIND=ID",
        help="the reference id of a refund that has none, in the input's id space (translated"
        " with --refs), reported as synthesized; KIND is "
        + " or ".join(DEFAULT_KINDS)
        + "; repeatable",
    )
    conv.add_argument(
        "--require-refs",
        action="store_true",
        help="refuse a record whose reference ids cannot all be translated",
    )
    conv.add_argument(
        "--report",
        metavar="FILE",
        help="write the report to FILE (- is stdout): JSON, or text for .txt and .log",
    )
    conv.add_argument(
        "--report-format",
        choices=("json", "text"),
        help="the report's format, whatever FILE's extension",
    )
    conv.add_argument(
        "--report-kinds",
        type=_kinds,
        metavar="KINDS",
        help="only these kinds in the report, comma-separated: " + ",".join(Kind),
    )
    conv.add_argument(
        "-q", "--quiet", action="store_true", help="print no warning, only errors and the summary"
    )
    conv.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a progress line on stderr (default: when stderr is a terminal)",
    )
    conv.add_argument(
        "--indent",
        type=_indent,
        metavar="N",
        help="indent JSON output by N spaces (not JSON Lines)",
    )
    conv.add_argument(
        "--jsonl",
        action="store_true",
        help="read every input as JSON Lines (implied by .jsonl and .ndjson; needed on stdin)",
    )
    conv.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="convert JSON Lines with N worker processes (0: one a core); the output is"
        " the same as with one",
    )
    conv.add_argument(
        "--rejects",
        metavar="FILE",
        help="write records that fail here (JSON Lines, with their problems) and convert the"
        " others; exit status 3 when any was rejected",
    )

    rec = _subparser(
        commands,
        "reconcile",
        help="match two datasets of refunds and compare them field by field",
        description="Match the refunds of LEFT with those of RIGHT by platform id (else as"
        " candidates by customer, day and total) and compare each pair through the mapping."
        " LEFT and RIGHT are JSON or JSON Lines files or folders of them.",
        epilog=_RECONCILE_EXAMPLES + _RECONCILE_EXIT,
    )
    rec.add_argument(
        "-f",
        "--from",
        dest="left",
        nargs="+",
        required=True,
        metavar=("FORMAT", "LEFT"),
        help="the left side's format, then its files or folders",
    )
    rec.add_argument(
        "-t",
        "--to",
        dest="right",
        nargs="+",
        required=True,
        metavar=("FORMAT", "RIGHT"),
        help="the right side's format, then its files or folders",
    )
    rec.add_argument(
        "--refs",
        action="append",
        default=[],
        metavar="FILE",
        help="translate reference ids with FILE (as for convert); repeatable",
    )
    rec.add_argument(
        "-o",
        "--report",
        metavar="FILE",
        help="write the report to FILE (- is stdout): JSON, or JSON Lines for .jsonl and .ndjson",
    )
    rec.add_argument("--matched", action="store_true", help="list matched pairs in the report too")
    rec.add_argument("--strict", action="store_true", help="validate both sides strictly")
    rec.add_argument(
        "--spill-after",
        type=_jobs,
        default=None,
        metavar="N",
        help="records held in memory before the index moves to a temporary file",
    )

    schema = _subparser(
        commands,
        "schema",
        help="print the JSON Schema of a format",
        description="Print the JSON Schema (2020-12) of FORMAT's documents, generated from"
        " refundmap's models: what validate accepts, as far as JSON Schema can say it.",
        epilog="examples:\n  refundmap schema railz > railz.schema.json\n"
        "  refundmap schema rutter --strict --indent 2\n",
    )
    schema.add_argument("format", type=_format_name, metavar="FORMAT", help=", ".join(FORMATS))
    schema.add_argument("--strict", action="store_true", help="the schema of --strict validation")
    schema.add_argument("--indent", type=_indent, default=2, metavar="N", help="default: 2")
    _subparser(
        commands,
        "formats",
        help="list the formats and the conversions",
        description="List every format refundmap reads and writes, what it is, and the"
        " formats it converts to.",
    )
    return parser


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


def _read(name: str, read: Callable[[], bytes]) -> bytes:
    try:
        return read()
    except OSError as exc:
        raise FileIOError(name, "read", exc) from None


#: Standard output, as the command writes it.
_STDOUT = _Named("stdout", None)


def _is_jsonl(name: str, *, forced: bool) -> bool:
    """Whether ``name`` is JSON Lines: ``--jsonl``, or ``.jsonl`` / ``.ndjson`` in any case."""
    return forced or name.lower().endswith((".jsonl", ".ndjson"))


def _documents(name: str, *, jsonl: bool) -> Iterator[tuple[int | None, bytes]]:
    """Yield ``(line number or None, text)``: one document, or a JSON Lines record at a time."""
    stream = _open(name)
    try:
        if not jsonl:
            yield None, _read(name, stream.read)
            return
        watch = _Watched(name, stream)
        number = 0
        while line := _read(name, stream.readline):
            number += 1
            if line.strip():
                yield number, line
        watch.truncated()  # a log cut by copytruncate: its end was never read
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


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


# -- validate -----------------------------------------------------------------------


def _validate_all(args: argparse.Namespace) -> Iterator[Outcome]:
    for name in args.inputs:
        for line, text in _documents(name, jsonl=_is_jsonl(name, forced=args.jsonl)):
            try:
                report = validate(text, args.format, strict=args.strict)
            except ValidationError as exc:
                yield Outcome(name, line, exc.problems, ())
            else:
                yield Outcome(name, line, (), report)


def _print_text(outcome: Outcome, out: _Named, *, first: bool) -> None:  # noqa: ARG001
    for problem in outcome.problems:
        print(printable(f"{outcome.where}: {problem.path}: {problem.message}"), file=out)
    for entry in outcome.report:
        line = f"{outcome.where}: {entry.source_path}: {entry.kind}: {entry.message}"
        print(printable(line), file=out)


def _print_json(outcome: Outcome, out: _Named, *, first: bool) -> None:
    """Write one element of the JSON array, as ``json.dump(results, indent=2)`` would."""
    result = {
        "file": _shown(outcome.source),
        "line": outcome.line,
        "valid": not outcome.problems,
        "problems": [problem.to_dict() for problem in outcome.problems],
        "report": [entry.to_dict() for entry in outcome.report],
    }
    text = json.dumps(result, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    out.write(("[\n  " if first else ",\n  ") + text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _run_validate(args: argparse.Namespace) -> int:
    """Validate every input, printing each document's results as it is read (flat memory)."""
    if args.old_output is not None:
        print(
            "refundmap: --format is now --output-format (in refundmap, a format is a"
            " vendor format); the old spelling still works",
            file=sys.stderr,
        )
        args.output = args.old_output
    write = _print_json if args.output == "json" else _print_text
    documents = invalid = warnings = 0
    for outcome in _validate_all(args):
        write(outcome, _STDOUT, first=documents == 0)
        documents += 1
        invalid += bool(outcome.problems)
        warnings += len(outcome.report)
    if args.output == "json":
        _STDOUT.write("\n]\n" if documents else "[]\n")
    print(
        f"refundmap: {_plural(documents, 'document')}, {invalid} invalid,"
        f" {_plural(warnings, 'warning')}",
        file=sys.stderr,
    )
    return EXIT_INVALID if invalid else EXIT_OK


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


#: One JSON Lines record converted: its line, its text, the result or why not, the
#: lines to write, and (from a worker, when no entry is printed or reported) the
#: count of the report's entries by kind instead of the entries.
_LineOutcome = tuple[
    int | None, bytes, "Conversion | RefundmapError", list[str], "dict[str, int] | None"
]
#: JSON Lines records a worker converts at a time.
_CHUNK = 256
#: What a worker converts with, set once by :func:`_init_worker`.
_WORKER: tuple[str, str, dict[str, Any], bool] | None = None
#: The command's arguments and directory, for a worker converting whole files.
_WORKER_RUN: tuple[argparse.Namespace, Directory | None] | None = None


def _convert_line(
    source: str, target: str, options: dict[str, Any], text: bytes, *, entries: bool = True
) -> tuple[Conversion | RefundmapError, list[str], dict[str, int] | None]:
    """Convert one JSON Lines record; return the result (or the error) and the lines to write.

    The same function in the command's process and in ``--jobs`` workers: the
    output is the same, byte for byte.
    """
    try:
        result = convert(text, source, target, **options)  # type: ignore[arg-type]
    except RefundmapError as exc:
        return exc, [], None
    if type(result.output) is list and not text.lstrip().startswith(b"["):
        # A list envelope written as create bodies: one line a record.
        texts = [jsonio.write(body) for body in result.output]
    else:
        texts = [result.to_json()]
    # The output is written already: what goes back from a worker is its text; the
    # entries, only where they are printed or reported (pickling them costs).
    if entries:
        return attrs.evolve(result, output=None), texts, None
    kinds = {str(kind): count for kind, count in result.counts().items()}  # no entry built
    return attrs.evolve(result, output=None, report=()), texts, kinds


def _init_worker(  # noqa: PLR0913, PLR0917 - initargs are positional
    source: str,
    target: str,
    options: dict[str, Any],
    entries: bool,  # noqa: FBT001
    args: argparse.Namespace,
    parent: int,
) -> None:
    """Set a ``--jobs`` worker up: its conversion, the signals left to the command, its end."""
    global _WORKER, _WORKER_RUN  # noqa: PLW0603 - one per worker process, set once
    _watch_parent(parent)
    _WORKER_RUN = (args, options["directory"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    gc.disable()  # as in the command (_without_collector); each task ends with a collection
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    _WORKER = (source, target, options, entries)


#: How often a worker checks that the command is still there (where Linux cannot say).
_PARENT_POLL = 1.0


def _watch_parent(parent: int) -> None:
    """End this worker when the command ``parent`` is gone (killed with SIGKILL, say).

    A killed command cannot end its workers, which would wait for work for good:
    on Linux the kernel sends the worker SIGKILL when its parent dies
    (``PR_SET_PDEATHSIG``); elsewhere, and as a fallback, a thread polls the
    parent's id.
    """
    if sys.platform == "linux":
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # gone before the above could take
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="refundmap-parent", daemon=True).start()


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


#: A run of a JSON document's records for a worker: its frame, less the options
#: the worker holds (head, tail, prefix, indent, level), and the records' texts.
_ChunkTask = tuple[bytes, bytes, str, "int | None", int, list[bytes]]


def _frame_options() -> tuple[_Options, dict[str, bool]]:
    """Return a worker's conversion parameters and flags, checked once."""
    global _WORKER_OPTIONS  # noqa: PLW0603 - one per worker process, made once
    if _WORKER_OPTIONS is None:
        assert _WORKER is not None  # noqa: S101 - set by the initializer
        source, target, options, _ = _WORKER
        flags = {key: options[key] for key in ("strict", "lossless", "require_refs")}
        rest = {key: value for key, value in options.items() if key not in flags}
        _WORKER_OPTIONS = (_Options.check(source, target, **rest), flags)
    return _WORKER_OPTIONS


_WORKER_OPTIONS: tuple[_Options, dict[str, bool]] | None = None


def _work_chunk(task: _ChunkTask) -> Chunk:
    """Convert a run of a JSON document's records in a worker.

    The report's entries go back only where they are printed or reported; else
    their count by kind.
    """
    assert _WORKER is not None  # noqa: S101 - set by the initializer
    head, tail, prefix, indent, level, texts = task
    options, flags = _frame_options()
    frame = Frame(head, tail, prefix, options, flags, indent, level, entries=_WORKER[3])
    try:
        return convert_chunk(texts, frame)
    finally:
        gc.collect(1)


def _work(chunk: list[tuple[int | None, bytes]]) -> list[_LineOutcome]:
    """Convert a chunk of JSON Lines records in a worker."""
    assert _WORKER is not None  # noqa: S101 - set by the initializer
    source, target, options, entries = _WORKER
    try:
        return [
            (line, text, *_convert_line(source, target, options, text, entries=entries))
            for line, text in chunk
        ]
    finally:
        gc.collect(1)


class _Converter:
    """One ``refundmap convert`` run: its options, counts, report, rejects and progress."""

    def __init__(
        self, args: argparse.Namespace, stack: ExitStack, directory: Directory | None
    ) -> None:
        self.args = args
        self.directory = directory
        self.counts: Counter[str] = Counter()
        self.report: _Report | None = None
        self.rejects: _Named | None = None
        self._stack = stack
        self._files: list[tuple[str, jsonio.AtomicFile]] = []
        if args.report:
            out = _STDOUT if args.report == "-" else self._file(args.report)
            kinds = frozenset(args.report_kinds) if args.report_kinds else None
            self.report = _Report(out, text=_report_is_text(args), kinds=kinds)
        if args.rejects:
            self.rejects = _STDOUT if args.rejects == "-" else self._file(args.rejects)
        self.jobs: int = args.jobs or os.cpu_count() or 1
        #: Whether each report entry is needed here (printed or reported), or its count.
        self._entries_needed = bool(args.report) or not args.quiet
        self._pool: ProcessPoolExecutor | None = None
        self._uncollected = 0
        shown = args.progress if args.progress is not None else sys.stderr.isatty()
        self.progress = _Progress(shown=shown, at_once=bool(args.progress))

    def _file(self, destination: str | Path) -> _Named:
        return _Named(str(destination), self._atomic(destination).stream)

    def _atomic(self, destination: str | Path) -> jsonio.AtomicFile:
        """Make ``destination``'s temporary file, removed unless the run commits it."""
        try:
            atomic = jsonio.AtomicFile(destination)
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
        self._files.append((str(destination), self._stack.enter_context(atomic)))
        return atomic

    def commit(self) -> None:
        """Put every file in place, or none: each is written to the disk before any is renamed."""
        self.progress.done()
        if self.report is not None:
            self.report.close()
        for name, atomic in self._files:
            try:
                atomic.close()
            except OSError as exc:
                raise FileIOError(name, "write", exc) from None
        for name, atomic in self._files:
            try:
                atomic.commit()
            except OSError as exc:
                raise FileIOError(name, "write", exc) from None

    @property
    def _options(self) -> dict[str, Any]:
        args = self.args
        return {
            "strict": args.strict,
            "lossless": args.lossless,
            "synced_at": args.synced_at,
            "connection_uuid": args.connection_uuid,
            "business_name": args.business_name,
            "service_name": args.service_name,
            "directory": self.directory,
            "require_refs": args.require_refs,
            "defaults": args.defaults,
        }

    def _convert(self, document: Any) -> Conversion:
        return convert(document, self.args.source, self.args.target, **self._options)

    def _record(
        self, name: str, line: int | None, result: Conversion, report: Sequence[Entry]
    ) -> None:
        self._tally(result.records, result.untranslated)
        for entry in report:
            self._entry(name, line, entry)

    def _tally(self, records: int, untranslated: int) -> None:
        self.counts["records"] += records
        self.counts["untranslated"] += untranslated
        self.progress.add(records)
        self._uncollected += records
        if self._uncollected >= _COLLECT_EVERY:
            self._uncollected = 0
            gc.collect(1)  # the young objects only: what cycles the last records left

    def _entry(self, name: str, line: int | None, entry: Entry) -> None:
        """Count a report entry, report it, and print it when it is a warning."""
        self.counts[str(entry.kind)] += 1
        self._emit(name, line, entry)

    def _emit(self, name: str, line: int | None, entry: Entry) -> None:
        if self.report is not None:
            self.report.add(name, line, entry)
        if entry.kind is Kind.WARNING and not self.args.quiet:
            self.progress.done()
            text = f"{_where(name, line)}: {entry.source_path}: warning: {entry.message}"
            print(printable(text), file=sys.stderr)

    def _problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        self.progress.done()
        for problem in exc.problems:
            line_text = f"{_where(name, line)}: {problem.path}: {problem.message}"
            print(printable(line_text), file=sys.stderr)

    def _lines(self, name: str) -> Iterator[_LineOutcome]:
        """Convert each JSON Lines record of ``name``, in order: here, or by ``--jobs`` workers.

        Workers take chunks of lines; at most two chunks a worker are in flight, so
        memory stays bounded whatever the file's size.
        """
        lines = _documents(name, jsonl=True)
        source, target, options = self.args.source, self.args.target, self._options
        if self.jobs == 1:
            entries = self._entries_needed  # -q with no --report: the counts only
            for line, text in lines:
                yield (line, text, *_convert_line(source, target, options, text, entries=entries))
            return
        pending: deque[Future[list[_LineOutcome]]] = deque()
        chunk: list[tuple[int | None, bytes]] = []
        for item in lines:
            chunk.append(item)
            if len(chunk) == _CHUNK:
                pending.append(self._submit(name, _work, chunk))
                chunk = []
                if len(pending) >= 2 * self.jobs:
                    yield from self._result(name, pending.popleft())
        if chunk:
            pending.append(self._submit(name, _work, chunk))
        while pending:
            yield from self._result(name, pending.popleft())

    def _workers(self) -> ProcessPoolExecutor:
        """Return the ``--jobs`` worker processes, started on first use."""
        if self._pool is None:
            self._pool = self._stack.enter_context(
                ProcessPoolExecutor(
                    self.jobs,
                    initializer=_init_worker,
                    initargs=(
                        self.args.source,
                        self.args.target,
                        self._options,
                        self._entries_needed,
                        self.args,
                        os.getpid(),
                    ),
                )
            )
            self._stack.push(_stop_workers(self._pool))
        return self._pool

    def _run_lines(self, name: str, out: _Named) -> bool:
        for line, text, outcome, texts, kinds in self._lines(name):
            if isinstance(outcome, UsageError):  # a run the arguments cannot serve
                raise CommandError(f"{_where(name, line)}: {outcome}")
            if isinstance(outcome, RefundmapError):
                if self.rejects is None:
                    self._problems(name, line, outcome)
                    return False
                self._reject(name, line, "$", text.decode("utf-8", "replace").rstrip(), outcome)
                continue
            if kinds is None:
                self._record(name, line, outcome, outcome.report)
            else:  # counted without its entries
                self._record(name, line, outcome, ())
                self.counts.update(kinds)
            for written in texts:
                out.write(written + "\n")
        return True

    def run(self, name: str, out: _Named) -> bool:
        """Convert one input to ``out``; return whether it all converted (or was rejected)."""
        if _is_jsonl(name, forced=self.args.jsonl):
            return self._run_lines(name, out)
        with self._seekable(name) as stream:
            watch = _Watched(name, stream)
            try:
                layout = scan(stream, self._records_key)
            except ValidationError as exc:  # not JSON: the whole document is refused
                watch.check()  # or cut short while it was read
                if self.rejects is None:
                    self._problems(name, None, exc)
                    return False
                stream.seek(0)
                text = _read(name, stream.read).decode("utf-8", "replace")
                self._reject(name, None, "$", text, exc)
                return True
            except OSError as exc:
                raise FileIOError(name, "read", exc) from None
            watch.check()
            if layout.kind == "value":
                return self._run_whole(name, out, layout.value)
            try:
                return self._run_records(name, out, watch, layout)
            except UsageError as exc:  # a page of an array names another scope
                raise CommandError(f"{name}: {exc}") from None

    @property
    def _records_key(self) -> str | None:
        """The key of the source format's list page records, which are read one at a time."""
        fmt = get_format(self.args.source)
        shape = next((shape for shape in fmt.envelopes if shape.many), None)
        return None if shape is None or shape.records is None else fmt.naming(shape.records)

    @contextmanager
    def _seekable(self, name: str) -> Iterator[IO[bytes]]:
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

    def _run_whole(self, name: str, out: _Named, document: Any) -> bool:
        """Convert a document held whole: a record, a response of one, a page in an array."""
        if type(document) not in (dict, list):  # a string would be read as JSON text
            document = jsonio.dumps(document)
        try:
            result = self._convert(document)
        except UsageError as exc:  # a run the arguments cannot serve (a missing id)
            raise CommandError(f"{name}: {exc}") from None
        except (ValidationError, MappingError) as exc:
            if self.rejects is None:
                self._problems(name, None, exc)
                return False
            found = self._convert_good(name, document, exc)
            if found is None:
                return True  # the whole document was rejected
            result, report = found
        else:
            report = list(result.report)
        self._record(name, None, result, report)
        out.write(result.to_json(indent=self.args.indent) + "\n")
        return True

    def _run_records(self, name: str, out: _Named, watch: _Watched, layout: Layout) -> bool:
        """Convert a list page or an array a run of records at a time, here or in workers.

        The output is the whole document's conversion, byte for byte; the report
        lists each record's entries in record order, then the envelope's.
        """
        source = get_format(self.args.source)
        whole = layout.kind == "page" and records_key(layout.envelope, source) != layout.key
        # An array of list pages, with rejects: each page's records are rejected one by
        # one, which the whole document's conversion does (an element is a unit here).
        whole = whole or (layout.pages and self.rejects is not None)
        if whole or not len(layout):  # not a list page after all, or nothing to stream
            return self._run_whole(name, out, _decoded(watch, layout))
        options = self._options
        flags = {key: options.pop(key) for key in ("strict", "lossless", "require_refs")}
        try:
            checked = _Options.check(self.args.source, self.args.target, **options)
            frame = Frame.of(layout, checked, flags, self.args.indent, entries=self._entries_needed)
            envelope = self._envelope(frame, len(layout))
        except UsageError as exc:
            raise CommandError(f"{name}: {exc}") from None
        except (ValidationError, MappingError):  # a broken envelope: as a whole, as ever
            return self._run_whole(name, out, _decoded(watch, layout))
        failures: list[RefundmapError] = []
        written = 0
        indent = self.args.indent
        pad = "" if indent is None else "\n" + " " * (indent * frame.level)
        with _spool(name) as (spool, named):
            for offset, texts, chunk in self._runs(watch, layout, frame):
                for index, error in chunk.failures:
                    problems = [
                        Problem(moved(p.path, frame.prefix, offset), p.message)
                        for p in error.problems
                    ]
                    failure = type(error)(problems)
                    if self.rejects is None:
                        failures.append(failure)
                        continue
                    path = f"{frame.prefix}{offset + index}]"
                    self._reject(name, None, path, jsonio.loads(texts[index]), failure)
                if failures:
                    continue  # the run fails: only its problems count now
                self._tally(chunk.records, chunk.untranslated)
                moves = ((frame.prefix, offset), (chunk.target_prefix, written))
                for _, entry in chunk.entries:
                    self._entry(name, None, shifted(entry, *moves))
                self.counts.update({str(kind): count for kind, count in chunk.kinds.items()})
                for text in chunk.texts:
                    named.write(("," if written else "") + pad + text)
                    written += 1
            if failures:
                # Validation problems first, as for a whole document; each once (a problem
                # of the envelope's would come with every record that failed).
                validation = [f for f in failures if isinstance(f, ValidationError)]
                kind = ValidationError if validation else MappingError
                unique = dict.fromkeys(p for f in validation or failures for p in f.problems)
                self._problems(name, None, kind(list(unique)))
                return False
            if envelope is not None and written != len(layout):  # records were rejected
                envelope = self._envelope(frame, written)
            for entry in envelope.report if envelope is not None else ():
                self._entry(name, None, entry)
            watch.check()  # what was read is the file as it was scanned, to its end
            head, tail = _around(envelope, frame, written)
            named.flush()
            out.write(head)
            for piece in _pieces(spool, named.name):
                out.write(piece)
            out.write(tail + "\n")
        return True

    def _envelope(self, frame: Frame, records: int) -> Conversion | None:
        """Convert a list page's envelope alone, saying it holds ``records`` records."""
        if frame.prefix == "$[":
            return None  # an array has none
        return _convert(frame.head + frame.tail, frame.options, **frame.flags, records=records)

    def _runs(
        self, watch: _Watched, layout: Layout, frame: Frame
    ) -> Iterator[tuple[int, list[bytes], Chunk]]:
        """Convert the records in runs, in order (:meth:`_converted`), the file checked."""
        for offset, texts, chunk in self._converted(watch, layout, frame):
            if chunk.failures:
                watch.check()  # a record cut or moved by a change is not its fault
            yield offset, texts, chunk

    def _converted(
        self, watch: _Watched, layout: Layout, frame: Frame
    ) -> Iterator[tuple[int, list[bytes], Chunk]]:
        """Convert the records in runs, in order: ``(offset, texts, chunk)``.

        With ``--jobs``, runs go to the workers, at most two a worker in flight.
        Runs are shorter for a short document, so that every worker has some.
        """
        size = max(16, min(_CHUNK, -(-len(layout) // (2 * self.jobs))))
        texts = watch.spans(layout.spans)
        runs = (
            (offset, list(itertools.islice(texts, size))) for offset in range(0, len(layout), size)
        )
        if self.jobs == 1:
            for offset, run in runs:
                yield offset, run, convert_chunk(run, frame)
            return
        pending: deque[tuple[int, list[bytes], Future[Chunk]]]
        pending = deque()
        for offset, run in runs:
            task = (frame.head, frame.tail, frame.prefix, frame.indent, frame.level, run)
            pending.append((offset, run, self._submit(watch.name, _work_chunk, task)))
            if len(pending) >= 2 * self.jobs:
                offset_done, run_done, future = pending.popleft()
                yield offset_done, run_done, self._result(watch.name, future)
        while pending:
            offset_done, run_done, future = pending.popleft()
            yield offset_done, run_done, self._result(watch.name, future)

    def _convert_good(
        self, name: str, raw: Any, failure: RefundmapError
    ) -> tuple[Conversion, list[Entry]] | None:
        """Convert the records of a decoded JSON document that convert; reject the others.

        Returns the conversion of the good records, its report's source paths the
        document's; None when the whole document is rejected (a broken envelope,
        no record at all).
        """
        results = list(convert_each(raw, self.args.source, self.args.target, **self._options))
        bad = {result.path: result for result in results if not result.ok}
        if not bad:  # each record converts alone, yet not together: keep the first failure
            self._reject(name, None, "$", raw, failure)
            return None
        remainder, remap = _without(raw, set(bad), get_format(self.args.source))
        try:
            result = self._convert(remainder)
        except (ValidationError, MappingError) as exc:
            self._reject(name, None, "$", raw, exc)
            return None
        for path, rejected in bad.items():
            assert rejected.error is not None  # noqa: S101 - a bad result has its error
            self._reject(name, None, path, _at(raw, path), rejected.error)
        report = [
            Entry(e.kind, remap(e.source_path), e.target_path, e.message) for e in result.report
        ]
        return result, report

    def _reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        self.counts["rejected"] += 1
        self._emit_reject(name, line, path, value, exc)

    def _emit_reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        assert self.rejects is not None  # noqa: S101 - only called with --rejects
        row = {
            "file": _shown(name),
            "line": line,
            "path": path,
            "error": "validation" if isinstance(exc, ValidationError) else "mapping",
            "problems": [problem.to_dict() for problem in exc.problems],
            "input": value,
        }
        self.rejects.write(jsonio.dumps(row) + "\n")
        if not self.args.quiet:
            self.progress.done()
            for problem in exc.problems:
                text = f"{_where(name, line)}: {problem.path}: rejected: {problem.message}"
                print(printable(text), file=sys.stderr)

    def run_all(self, inputs: Sequence[str], outputs: Sequence[_Named]) -> bool:
        """Convert each input to its output, in order; return whether all converted.

        With ``--jobs``, small files (under :data:`_SMALL` bytes) are converted
        whole by the workers, several at once, and what each wrote and said is
        replayed here in input order; a bigger file, or a JSON Lines file, has
        its records shared out instead.
        """
        pending: deque[tuple[str, _Named, Future[_FileOutcome]]] = deque()
        for name, out in zip(inputs, outputs, strict=True):
            if self.jobs > 1 and len(inputs) > 1 and _small(name, jsonl=self.args.jsonl):
                pending.append((name, out, self._submit(name, _work_file, name)))
                if not self._replay_until(pending, 2 * self.jobs - 1):
                    return False
                continue
            if not self._replay_until(pending, 0):
                return False
            out.start()
            if not self.run(name, out):
                return False
            out.finish()
        return self._replay_until(pending, 0)

    def _replay_until(
        self, pending: deque[tuple[str, _Named, Future[_FileOutcome]]], left: int
    ) -> bool:
        """Replay the oldest files' outcomes until ``left`` are pending; False when one failed."""
        while len(pending) > left:
            name, out, future = pending.popleft()
            if not self._replay(out, self._result(name, future)):
                return False
        return True

    def _submit(self, name: str, work: Callable[[_A], _T], task: _A) -> Future[_T]:
        """Give a worker a task of input ``name``, or say (exit 71) that a worker died."""
        try:
            return self._workers().submit(work, task)
        except BrokenProcessPool:  # one died since the last task was given
            raise self._died(name, _death(self._pool)) from None

    def _result(self, name: str, future: Future[_T]) -> _T:
        """Return what a worker made of ``name``, or say (exit 71) that the worker died.

        The wait looks at the workers every :data:`_WORKER_POLL` seconds: one killed
        halfway through sending its result leaves the pool waiting for the rest.
        """
        try:
            while True:
                try:
                    return future.result(_WORKER_POLL)
                except TimeoutError:
                    if _dead(self._pool):
                        raise BrokenProcessPool from None
        except BrokenProcessPool:
            how = _death(self._pool)
        except MemoryError:
            how = "ran out of memory"
        raise self._died(name, how)

    @staticmethod
    def _died(name: str, how: str) -> WorkerError:
        return WorkerError(
            f"{_shown(name)}: a --jobs worker {how}; no output file was written:"
            " run again with fewer --jobs, or none"
        )

    def _replay(self, out: _Named, outcome: _FileOutcome) -> bool:
        """Write and say what a worker's conversion of a file wrote and said, in its order."""
        converted, text, events, counts = outcome
        out.start()
        self.counts.update(counts)
        self.progress.add(counts["records"])
        for event in events:
            if event[0] == "entry":
                self._emit(*event[1:])
            elif event[0] == "reject":
                self._emit_reject(*event[1:])
            else:
                self._problems(*event[1:])
        out.write(text)
        if converted:
            out.finish()
        return converted

    def outputs(self, destinations: Sequence[Path | None]) -> list[_Named]:
        """Say where each input's output goes (None: stdout); each file is made in its turn."""
        return [
            _STDOUT if where is None else _Output(str(where), partial(self._atomic, where))
            for where in destinations
        ]

    def summary(self) -> str:
        counts = self.counts
        parts = [
            _plural(counts["records"], "record"),
            *(f"{counts[str(kind)]} {kind}" for kind in Kind if kind is not Kind.WARNING),
            _plural(counts[str(Kind.WARNING)], "warning"),
        ]
        if self.rejects is not None:
            parts.append(f"{counts['rejected']} rejected")
        summary = "refundmap: " + ", ".join(parts)
        untranslated = counts["untranslated"]
        if untranslated:
            fix = (
                "add the missing ids to a --refs file"
                if self.directory is not None
                else "give --refs FILE (Rutter reference lists, or a CSV"
                " kind,rutter_id,platform_id,name) to translate them"
            )
            summary += (
                f"\nrefundmap: {_plural(untranslated, 'reference id')} copied untranslated"
                f" into the other vendor's id space; {fix}"
            )
        return summary


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


#: Seconds between two looks at the workers while a result is awaited.
_WORKER_POLL = 0.5


def _processes(pool: ProcessPoolExecutor | None) -> list[Any]:
    """Return the pool's worker processes (multiprocessing ``Process`` objects)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _dead(pool: ProcessPoolExecutor | None) -> bool:
    """Whether a worker has ended: the pool's are never told to, while it is in use."""
    return any(process.exitcode is not None for process in _processes(pool))


def _death(pool: ProcessPoolExecutor | None) -> str:
    """Say how a broken pool's worker ended: killed by a signal, or its exit status."""
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(1)  # it ends the other workers (SIGTERM) and reaps them all
    codes = [process.exitcode for process in _processes(pool)]
    for code in sorted((c for c in codes if c is not None), key=lambda c: c == -signal.SIGTERM):
        if code < 0:
            name = signal.Signals(-code).name
            why = " (the out-of-memory killer sends it, as does kill -9)"
            return f"was killed by {name}{why if name == 'SIGKILL' else ''}"
        if code > 0:
            return f"exited with status {code}"
    return "ended abruptly"


def _stop_workers(pool: ProcessPoolExecutor) -> Callable[..., bool]:
    """Return the exit step of the workers: gone when the run ends, at once when it fails.

    A run cut short (an error, Ctrl-C) ends its workers rather than waiting: a
    worker may be blocked writing a big result that nobody reads any more.
    """

    def stop(kind: type[BaseException] | None, *_: object) -> bool:
        if kind is not None:
            for process in _processes(pool):
                process.terminate()
        if kind is WorkerError:
            # A worker killed halfway through a result leaves the pool's reader waiting
            # for the rest: with this end closed too, it reads the end of the file.
            writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
            with suppress(OSError, AttributeError):
                writer.close()  # type: ignore[union-attr]
        pool.shutdown(wait=kind is None, cancel_futures=True)
        return False

    return stop


#: Files below this size go whole to a ``--jobs`` worker, several at once.
_SMALL = 4 << 20
#: A file a worker converted: whether it all converted, its output, what it
#: reported, rejected and said (in order), and its counts.
_FileOutcome = tuple[bool, str, list[tuple[Any, ...]], Counter[str]]


def _small(name: str, *, jsonl: bool) -> bool:
    """Whether ``name`` is a regular file small enough to go whole to a worker."""
    if name == "-" or _is_jsonl(name, forced=jsonl):
        return False
    try:
        found = Path(name).stat()
    except OSError:
        return False  # said when it is read, in order
    return stat.S_ISREG(found.st_mode) and found.st_size < _SMALL


class _Recorder(_Converter):
    """A file's conversion in a ``--jobs`` worker: what it writes and says, kept in order."""

    def __init__(self, args: argparse.Namespace, directory: Directory | None) -> None:
        alone = argparse.Namespace(
            **{**vars(args), "jobs": 1, "report": None, "rejects": None, "progress": False}
        )
        super().__init__(alone, ExitStack(), directory)
        self._entries_needed = bool(args.report) or not args.quiet
        if args.rejects:
            self.rejects = _Named("rejects", None)  # rejects are kept, not written here
        self.events: list[tuple[Any, ...]] = []

    def _emit(self, name: str, line: int | None, entry: Entry) -> None:
        if self._entries_needed:
            self.events.append(("entry", name, line, entry))

    def _emit_reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        self.events.append(("reject", name, line, path, value, exc))

    def _problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        self.events.append(("problems", name, line, exc))


def _work_file(name: str) -> _FileOutcome:
    """Convert a whole file in a ``--jobs`` worker."""
    assert _WORKER_RUN is not None  # noqa: S101 - set by the initializer
    args, directory = _WORKER_RUN
    recorder = _Recorder(args, directory)
    out = io.StringIO()
    try:
        converted = recorder.run(name, _Named(name, out))
    finally:
        gc.collect(1)
    return converted, out.getvalue(), recorder.events, recorder.counts


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
        for option, value in (("--report", args.report), ("--rejects", args.rejects))
        if value and value != "-"
    ]
    stdout = [
        what
        for what, value in (
            ("the output", target in (None, "-")),
            ("--report", args.report == "-"),
            ("--rejects", args.rejects == "-"),
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


def _report_is_text(args: argparse.Namespace) -> bool:
    """Whether the report is text: ``--report-format``, else by the file's extension."""
    if args.report_format is not None:
        return bool(args.report_format == "text")
    return Path(args.report).suffix.lower() in (".txt", ".text", ".log")


def _at(raw: Any, path: str) -> Any:
    """Return the value at a record's path (``$[1].data[3]``) in decoded ``raw``."""
    value = raw
    for key, index in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]", path):
        value = value[key] if key else value[int(index)]
    return value


def _decoded(watch: _Watched, layout: Layout) -> Any:
    """Return the document :func:`scan` read, decoded whole."""
    try:
        records = [jsonio.loads(text) for text in watch.spans(layout.spans)]
    except ValidationError:  # a record scan read as JSON is JSON, unless the file changed
        watch.check()
        raise
    watch.check()
    if layout.kind == "array":
        return records
    assert layout.envelope is not None  # noqa: S101 - a page has its envelope
    return {**layout.envelope, layout.key: records}


def _around(envelope: Conversion | None, frame: Frame, written: int) -> tuple[str, str]:
    """Return the output text before the records and after them."""
    indent = frame.indent
    close = (
        "]" if not written or indent is None else "\n" + " " * (indent * (frame.level - 1)) + "]"
    )
    if envelope is None or type(envelope.output) is not dict:
        return "[", close
    fmt = frame.options.target
    key = fmt.naming(fmt.shape_of(envelope.output).records or "")
    marker = f"refundmap-records-{os.urandom(8).hex()}"
    text = jsonio.dumps({**envelope.output, key: marker}, indent=indent)
    head, tail = text.split(jsonio.dumps(marker))
    return head + "[", close + tail


def _without(raw: Any, bad: set[str], fmt: Format) -> tuple[Any, Callable[[str], str]]:
    """Return ``raw`` without the records at ``bad`` paths, and a map of its paths to raw's."""
    renamed: dict[str, str] = {}

    def page(item: Any, new: str, old: str) -> Any:
        key = records_key(item, fmt)
        if key is None:
            return item
        kept = [(j, r) for j, r in enumerate(item[key]) if f"{old}.{key}[{j}]" not in bad]
        for position, (j, _) in enumerate(kept):
            renamed[f"{new}.{key}[{position}]"] = f"{old}.{key}[{j}]"
        return {**item, key: [record for _, record in kept]}

    if type(raw) is list:
        remainder: Any = []
        for i, item in enumerate(raw):
            if f"$[{i}]" in bad:
                continue
            new = f"$[{len(remainder)}]"
            renamed[new] = f"$[{i}]"
            remainder.append(page(item, new, f"$[{i}]"))
    else:
        remainder = page(raw, "$", "$")
    prefixes = sorted(renamed, key=len, reverse=True)

    def remap(path: str) -> str:
        for prefix in prefixes:
            if path.startswith(prefix) and path[len(prefix) : len(prefix) + 1] in ("", ".", "["):
                return renamed[prefix] + path[len(prefix) :]
        return path

    return remainder, remap


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


def _run_convert(args: argparse.Namespace) -> int:
    if not supported(args.source, args.target):
        pairs = ", ".join(f"{a} -> {b}" for a, b in sorted(PAIRS))
        raise CommandError(
            f"cannot convert {args.source} to {args.target}; the conversions are {pairs},"
            " and each format to itself"
        )
    if args.target == "railz-v2-push" and not args.connection_uuid and args.source != args.target:
        raise CommandError("railz-v2-push bodies need the Railz connection: give --connection-uuid")
    if (
        args.target == "railz-push"
        and args.source != args.target
        and not (args.business_name and args.service_name)
    ):
        raise CommandError("railz-push bodies need --business-name and --service-name")
    args.defaults = _defaults(args.defaults)
    try:
        # One time for the whole run, so that every record says the same.
        args.synced_at = conversion_time(args.synced_at)
    except ValueError as exc:
        raise CommandError(f"--synced-at: {exc}") from None
    try:  # every parameter, before any input is read
        _Options.check(
            args.source,
            args.target,
            synced_at=args.synced_at,
            connection_uuid=args.connection_uuid,
            business_name=args.business_name,
            service_name=args.service_name,
            directory=None,
            defaults=args.defaults,
        )
    except UsageError as exc:
        flags = {"defaults": "--default"}
        names = [flags.get(p.path, "--" + p.path.replace("_", "-")) for p in exc.problems]
        raise CommandError(f"{', '.join(names)}: {exc}") from None
    inputs = args.inputs or ["-"]
    destinations = _plan_outputs(args, inputs)
    directory = _directory(args.refs)
    with ExitStack() as stack:
        run = _Converter(args, stack, directory)
        outputs = run.outputs(destinations)
        if not run.run_all(inputs, outputs):
            run.progress.done()
            print(run.summary(), file=sys.stderr)
            return EXIT_INVALID
        run.commit()
    print(run.summary(), file=sys.stderr)
    return EXIT_REJECTED if run.counts["rejected"] else EXIT_OK


def _run_reconcile(args: argparse.Namespace) -> int:
    (left_format, *left), (right_format, *right) = args.left, args.right
    for flag, names in (("--from", left), ("--to", right)):
        if not names:
            raise CommandError(f"{flag}: give the format, then at least one file or folder")
    if args.report not in (None, "-"):
        report = Path(args.report).resolve()
        for name in (*left, *right, *args.refs):
            given = Path(name).resolve()
            if report == given or (given.is_dir() and given in report.parents):
                raise CommandError(
                    f"{args.report}: the report would overwrite or join the input {name}"
                )
    directory = _directory(args.refs)
    options: dict[str, Any] = {"strict": args.strict, "keep_matched": args.matched}
    if args.spill_after is not None:
        options["spill_after"] = args.spill_after
    try:
        result = reconcile(
            [Path(name) for name in left],
            left_format,
            [Path(name) for name in right],
            right_format,
            directory=directory,
            **options,
        )
    except UsageError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise FileIOError(exc.filename or "input", "read", exc) from None
    summary = result.summary()
    if args.report is None:
        _STDOUT.write(summary + "\n")
    else:
        jsonl = args.report.lower().endswith((".jsonl", ".ndjson"))
        if args.report == "-":
            result.write(_STDOUT, jsonl=jsonl)
        else:
            try:
                with jsonio.AtomicFile(args.report) as atomic:
                    result.write(atomic.stream, jsonl=jsonl)
                    atomic.commit()
            except OSError as exc:
                raise FileIOError(args.report, "write", exc) from None
        print(summary, file=sys.stderr if args.report == "-" else sys.stdout)
    return EXIT_OK if result.ok else EXIT_INVALID


def _run_formats() -> int:
    width = max(len(name) for name in FORMATS)
    for fmt in FORMATS.values():
        targets = [t for t in FORMATS if supported(fmt.name, t)]
        print(f"{fmt.name:<{width}}  {fmt.summary}; converts to {', '.join(targets)}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args = _parser().parse_args(argv)
    with _stopped_by_signals():
        return _main(args)


class _Stopped(BaseException):
    """A signal asked the run to stop; raised where the run is, so that it cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`_Stopped`, and SIGINT into a KeyboardInterrupt.

    The first of them stops the run; later ones (a second Ctrl-C, ``timeout``
    signalling the command and its process group) are ignored until it has
    cleaned up, so that cleaning up (``--jobs`` workers finishing their task,
    temporary files removed) is never cut short.
    """
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    stopped = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopped
        stopped = True
        for number in numbers:
            signal.signal(number, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise _Stopped(signum)

    previous: dict[int, Any] = {}
    try:
        for signum in numbers:
            previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread: leave the signals to the application
        pass
    try:
        yield
    finally:
        if not stopped:  # else the process is ending: signals stay ignored to its exit
            for number, handler in previous.items():
                signal.signal(number, handler)


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "validate":
            status = _run_validate(args)
        elif args.command == "convert":
            status = _without_collector(_run_convert, args)
        elif args.command == "reconcile":
            status = _run_reconcile(args)
        elif args.command == "schema":
            text = json.dumps(json_schema(args.format, strict=args.strict), indent=args.indent)
            _STDOUT.write(text + "\n")
            status = EXIT_OK
        else:
            status = _run_formats()
        _STDOUT.flush()  # a full device says so here, not at exit
    except CommandError as exc:
        _say_error(*exc.lines)
        return EXIT_USAGE
    except FileIOError as exc:
        _say_error(str(exc))
        _abandon_stdout()
        return EXIT_IO
    except WorkerError as exc:
        _say_error(str(exc))
        _abandon_stdout()
        return EXIT_WORKER
    except KeyboardInterrupt:
        print("refundmap: interrupted; no output file was written", file=sys.stderr)
        return 130
    except _Stopped as exc:
        name = signal.Signals(exc.signum).name
        print(f"refundmap: stopped by {name}; no output file was written", file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:
        # The reader went away (``| head``); end quietly, as Unix filters do.
        sys.stderr.close()
        return EXIT_OK
    return status


#: Records converted between two collections of young objects, the collector being off.
_COLLECT_EVERY = 1024


def _without_collector(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a conversion with the cyclic garbage collector off, as it was after.

    The command owns its process: the collector's walks over each document's
    objects cost a tenth to a quarter of a conversion, and the few cycles a
    conversion leaves are freed by a collection of the young objects every
    :data:`_COLLECT_EVERY` records (and after each ``--jobs`` task).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return run(args)
    finally:
        if enabled:
            gc.enable()


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
