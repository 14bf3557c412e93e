"""The ``refundmap`` command line: parses arguments, calls the API, prints.

Exit status: 0 when every document is valid, 1 when any is not, 2 for a usage
error (an unknown format, an unreadable file). Problems go to stdout as
``FILE: $.path: message`` lines; a summary goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import attrs

from refundmap.formats import FORMATS
from refundmap.report import Entry, Problem, ValidationError
from refundmap.validation import validate

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """The command cannot run as asked (exit status 2)."""


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refundmap",
        description="Validate and convert customer refunds between Rutter and Railz.",
    )
    parser.add_argument("--version", action="version", version=version("refundmap"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check documents against a format",
        description="Check each INPUT against FORMAT; print one line per problem.",
    )
    check.add_argument(
        "--as",
        dest="format",
        required=True,
        choices=list(FORMATS),
        metavar="FORMAT",
        help=f"the format of the input: {', '.join(FORMATS)}",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="refuse numeric strings, unknown keys and totals that do not add up",
    )
    check.add_argument(
        "--format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="how to print the results (default: text)",
    )
    check.add_argument(
        "--jsonl",
        action="store_true",
        help="read every input as JSON Lines (implied by a .jsonl name)",
    )
    check.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a JSON or JSON Lines file; - is stdin"
    )

    commands.add_parser("formats", help="list the formats")
    return parser


def _open(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdin.buffer
    try:
        return Path(name).open("rb")
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from None


def _documents(name: str, *, jsonl: bool) -> Iterator[tuple[int | None, bytes]]:
    stream = _open(name)
    try:
        if not (jsonl or name.endswith(".jsonl")):
            yield None, stream.read()
            return
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield number, line
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _validate_all(args: argparse.Namespace) -> Iterator[Outcome]:
    for name in args.inputs:
        for line, text in _documents(name, jsonl=args.jsonl):
            try:
                report = validate(text, args.format, strict=args.strict)
            except ValidationError as exc:
                yield Outcome(name, line, exc.problems, ())
            else:
                yield Outcome(name, line, (), report)


def _print_text(outcomes: Sequence[Outcome], out: IO[str]) -> None:
    for outcome in outcomes:
        for problem in outcome.problems:
            print(f"{outcome.where}: {problem.path}: {problem.message}", file=out)
        for entry in outcome.report:
            print(f"{outcome.where}: {entry.source_path}: {entry.kind}: {entry.message}", file=out)


def _print_json(outcomes: Sequence[Outcome], out: IO[str]) -> None:
    results: list[dict[str, Any]] = [
        {
            "file": outcome.source,
            "line": outcome.line,
            "valid": not outcome.problems,
            "problems": [problem.to_dict() for problem in outcome.problems],
            "report": [entry.to_dict() for entry in outcome.report],
        }
        for outcome in outcomes
    ]
    json.dump(results, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _run_validate(args: argparse.Namespace) -> int:
    outcomes = list(_validate_all(args))
    (_print_json if args.output == "json" else _print_text)(outcomes, sys.stdout)
    invalid = sum(1 for outcome in outcomes if outcome.problems)
    warnings = sum(len(outcome.report) for outcome in outcomes)
    print(
        f"refundmap: {len(outcomes)} document{'s' if len(outcomes) != 1 else ''},"
        f" {invalid} invalid, {warnings} warning{'s' if warnings != 1 else ''}",
        file=sys.stderr,
    )
    return EXIT_INVALID if invalid else EXIT_OK


def _run_formats() -> int:
    width = max(len(name) for name in FORMATS)
    for fmt in FORMATS.values():
        print(f"{fmt.name:<{width}}  {fmt.summary}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _run_validate(args)
        return _run_formats()
    except UsageError as exc:
        print(f"refundmap: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); end quietly, as Unix filters do.
        sys.stderr.close()
        return EXIT_OK
