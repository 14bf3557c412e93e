"""The ``refundmap`` command line: parses arguments, calls the API, prints.

Exit status: 0 on success, 1 when a document is invalid or cannot be
converted, 2 for a usage error (an unknown format or pair, a missing file),
74 when reading or writing fails (a full disk, a file too large; sysexits'
EX_IOERR).
``validate`` prints problems to stdout; ``convert`` writes documents to stdout
or files and problems to stderr. Output files are written atomically and only
when every input converted.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import attrs

from refundmap import jsonio
from refundmap.conversion import Conversion, conversion_time, convert, supported
from refundmap.formats import FORMATS, get_format
from refundmap.mapping import PAIRS
from refundmap.references import Directory
from refundmap.report import (
    Entry,
    Kind,
    MappingError,
    Problem,
    RefundmapError,
    UsageError,
    ValidationError,
    printable,
)
from refundmap.validation import validate

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_IO = 74  # sysexits.h EX_IOERR


class FileIOError(Exception):
    """Reading or writing a file failed (exit status 74); says which file, and why."""

    def __init__(self, name: str, action: str, error: OSError) -> None:
        super().__init__(f"{name}: cannot {action}: {error.strerror or error}")


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


class CommandError(Exception):
    """The command cannot run as asked (exit status 2); each argument is a line to print."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


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
        return self.source if self.line is None else f"{self.source}:{self.line}"


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
  1    a document is invalid or cannot be converted (nothing is written)
  2    usage error: an unknown format or pair, a missing file, an output that
       would overwrite an input
  3    converted, but some records were rejected (--rejects)
  74   reading or writing failed (a full disk, a file too large)
  130  interrupted (Ctrl-C); 143 SIGTERM, 129 SIGHUP: no output file written"""

_VALIDATE_EXAMPLES = """examples:
  refundmap validate -f railz fixtures/railz/seed-refund.json
  refundmap validate -f rutter --strict --output-format json page.json
  cat refunds.jsonl | refundmap validate -f railz-v2 --jsonl -

"""

_CONVERT_EXAMPLES = """examples:
  refundmap convert -f railz -t rutter refund.json -o refund.rutter.json
  refundmap convert -f rutter -t railz --refs refs/ page.json --report report.txt
  refundmap convert -f railz -t rutter big.jsonl -o out.jsonl --rejects bad.jsonl
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
        epilog=_VALIDATE_EXAMPLES + EXIT_CODES,
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
        help="a file (- is stdout), or a directory for several inputs (made if missing)",
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
        "--connection-uuid", metavar="ID", help="the Railz connection of railz-v2-push bodies"
    )
    conv.add_argument("--business-name", metavar="NAME", help="the business of railz-push bodies")
    conv.add_argument(
        "--service-name", metavar="NAME", help="xero or quickbooks, for railz-push bodies"
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
        "--require-refs",
        action="store_true",
        help="refuse a record whose reference ids cannot all be translated",
    )
    conv.add_argument("--report", metavar="FILE", help="write the report as JSON to FILE")
    conv.add_argument(
        "--indent",
        type=_indent,
        metavar="N",
        help="indent JSON output by N spaces (not JSON Lines)",
    )
    conv.add_argument(
        "--jsonl", action="store_true", help="read every input as JSON Lines (implied by .jsonl)"
    )
    conv.add_argument(
        "--rejects",
        metavar="FILE",
        help="JSON Lines: collect failing records here, with their problems, and go on",
    )

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
    return forced or name.endswith(".jsonl")


def _documents(name: str, *, jsonl: bool) -> Iterator[tuple[int | None, bytes]]:
    """Yield ``(line number or None, text)``: one document, or a JSON Lines record at a time."""
    stream = _open(name)
    try:
        if not jsonl:
            yield None, _read(name, stream.read)
            return
        number = 0
        while line := _read(name, stream.readline):
            number += 1
            if line.strip():
                yield number, line
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _where(name: str, line: int | None) -> str:
    return name if line is None else f"{name}:{line}"


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
        "file": outcome.source,
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


class _Converter:
    """One ``refundmap convert`` run: its options, counts, report and rejects."""

    def __init__(
        self, args: argparse.Namespace, stack: ExitStack, directory: Directory | None
    ) -> None:
        self.args = args
        self.directory = directory
        self.counts: Counter[str] = Counter()
        self.report: _Named | None = None
        self.rejects: _Named | None = None
        self._first_entry = True
        self._stack = stack
        self._files: list[tuple[str, jsonio.AtomicFile]] = []
        if args.report:
            self.report = _STDOUT if args.report == "-" else self._file(args.report)
            self.report.write("[")
        if args.rejects:
            self.rejects = _STDOUT if args.rejects == "-" else self._file(args.rejects)

    def _file(self, destination: str | Path) -> _Named:
        try:
            atomic = jsonio.AtomicFile(destination)
        except OSError as exc:
            folder = Path(destination).parent
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and folder.is_dir():
                raise CommandError(
                    f"{destination}: cannot write: its folder {folder} does not let refundmap"
                    f" create a file ({exc.strerror}); refundmap writes a temporary file beside"
                    " the output and renames it, so that a failed run leaves the old file as it"
                    " was. Write to a writable folder, or to stdout (no -o) and redirect"
                ) from None
            raise CommandError(f"{destination}: cannot write: {exc.strerror}") from None
        self._files.append((str(destination), self._stack.enter_context(atomic)))
        return _Named(str(destination), atomic.stream)

    def commit(self) -> None:
        """Put every file in place, or none: each is written to the disk before any is renamed."""
        if self.report is not None:
            self.report.write("\n]\n" if not self._first_entry else "]\n")
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

    def _convert(self, text: bytes) -> Conversion:
        return convert(
            text,
            self.args.source,
            self.args.target,
            strict=self.args.strict,
            lossless=self.args.lossless,
            synced_at=self.args.synced_at,
            connection_uuid=self.args.connection_uuid,
            business_name=self.args.business_name,
            service_name=self.args.service_name,
            directory=self.directory,
            require_refs=self.args.require_refs,
        )

    def _record(self, name: str, line: int | None, result: Conversion) -> None:
        self.counts["records"] += result.records
        self.counts["untranslated"] += result.untranslated
        for entry in result.report:
            self.counts[str(entry.kind)] += 1
            if self.report is not None:
                row = {"file": name, "line": line, **entry.to_dict()}
                self.report.write(("\n" if self._first_entry else ",\n") + json.dumps(row))
                self._first_entry = False

    def _problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        for problem in exc.problems:
            line_text = f"{_where(name, line)}: {problem.path}: {problem.message}"
            print(printable(line_text), file=sys.stderr)

    def run(self, name: str, out: _Named) -> bool:
        """Convert one input to ``out``; return whether it all converted."""
        jsonl = _is_jsonl(name, forced=self.args.jsonl)
        for line, text in _documents(name, jsonl=jsonl):
            try:
                result = self._convert(text)
            except ValueError as exc:  # a run the arguments cannot serve (a missing id)
                raise CommandError(f"{_where(name, line)}: {exc}") from None
            except (ValidationError, MappingError) as exc:
                if jsonl and self.rejects is not None:
                    self._reject(name, line, text, exc)
                    continue
                self._problems(name, line, exc)
                return False
            self._record(name, line, result)
            if not jsonl:
                out.write(result.to_json(indent=self.args.indent) + "\n")
            elif type(result.output) is list and not text.lstrip().startswith(b"["):
                # A list envelope written as create bodies: one line a record.
                for body in result.output:
                    out.write(jsonio.dumps(body) + "\n")
            else:
                out.write(result.to_json() + "\n")
        return True

    def _reject(self, name: str, line: int | None, text: bytes, exc: RefundmapError) -> None:
        assert self.rejects is not None  # noqa: S101 - only called with --rejects
        self.counts["rejected"] += 1
        row = {
            "file": name,
            "line": line,
            "error": "validation" if isinstance(exc, ValidationError) else "mapping",
            "problems": [problem.to_dict() for problem in exc.problems],
            "input": text.decode("utf-8", errors="replace").rstrip("\r\n"),
        }
        self.rejects.write(json.dumps(row, ensure_ascii=False) + "\n")

    def outputs(self, destinations: Sequence[Path | None]) -> list[_Named]:
        """Open where each input's output goes (None: stdout)."""
        return [_STDOUT if where is None else self._file(where) for where in destinations]

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


def _same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names are one file: the same inode, or the same path once links are read."""
    try:
        return Path(a).samefile(b)
    except OSError:  # one does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def _plan_outputs(args: argparse.Namespace, inputs: Sequence[str]) -> list[Path | None]:
    """Decide where each input's output goes (None: stdout), before anything is read.

    Refuses (a usage error) an output that is one of the inputs, two outputs
    that are one file (an input listed twice, two inputs of the same name into
    one directory, a report that is the output), and ``-`` twice. Makes the
    directory ``-o`` names when there are several inputs or it ends with ``/``.
    """
    target = args.output
    destinations: list[Path | None]
    if target is None or target == "-":
        destinations = [None] * len(inputs)
    else:
        folder = Path(target)
        many = len(inputs) > 1 or target.endswith(("/", os.sep)) or folder.is_dir()
        if not many:
            destinations = [folder]
        else:
            if folder.exists() and not folder.is_dir():
                raise CommandError(
                    f"{target}: not a directory; -o names a directory when there are several inputs"
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
    for what, where in named:
        for name in inputs:
            if name != "-" and _same_file(name, where):
                raise CommandError(
                    f"{where}: {what} would overwrite the input {name}; name another file"
                )
    for index, (what, where) in enumerate(named):
        for other, elsewhere in named[:index]:
            if _same_file(where, elsewhere):
                raise CommandError(
                    f"{where}: {other} and {what} would be the same file; name another"
                )
    if target not in (None, "-") and (len(inputs) > 1 or target.endswith(("/", os.sep))):
        try:
            Path(target).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"{target}: cannot make the directory: {exc.strerror}") from None
    return destinations


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
    try:
        # One time for the whole run, so that every record says the same.
        args.synced_at = conversion_time(args.synced_at)
    except ValueError as exc:
        raise CommandError(f"--synced-at: {exc}") from None
    inputs = args.inputs or ["-"]
    destinations = _plan_outputs(args, inputs)
    directory = _directory(args.refs)
    with ExitStack() as stack:
        run = _Converter(args, stack, directory)
        outputs = run.outputs(destinations)
        for name, out in zip(inputs, outputs, strict=True):
            if not run.run(name, out):
                print(run.summary(), file=sys.stderr)
                return EXIT_INVALID
        run.commit()
    print(run.summary(), file=sys.stderr)
    return EXIT_OK


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
    """Turn SIGTERM and SIGHUP into :class:`_Stopped`, as SIGINT is a KeyboardInterrupt."""

    def stop(signum: int, _frame: object) -> None:
        raise _Stopped(signum)

    previous: dict[int, Any] = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread: leave the signals to the application
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "validate":
            status = _run_validate(args)
        elif args.command == "convert":
            status = _run_convert(args)
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
