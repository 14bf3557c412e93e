"""The validate and formats commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs

from refundmap.cli.files import _STDOUT, _documents, _is_jsonl, _Named, _push_options
from refundmap.cli.messages import (
    EXIT_INVALID,
    EXIT_OK,
    CommandError,
    _plural,
    _shown,
    _where,
)
from refundmap.cli.parser import _FLAGS
from refundmap.conversion import supported
from refundmap.detect import AUTO, detect_format
from refundmap.formats import FORMATS, get_format
from refundmap.profiles import check_platform
from refundmap.report import (
    Entry,
    Problem,
    UsageError,
    ValidationError,
    printable,
)
from refundmap.responses import RESPONSE_FORMATS
from refundmap.validation import validate


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


# -- validate -----------------------------------------------------------------------


#: The files ``--recursive`` takes from a folder.
_PAYLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson")


def _inputs(args: argparse.Namespace) -> Iterator[str]:
    """Yield each input file: a folder's payload files, in name order, with ``--recursive``."""
    for name in args.inputs:
        if name == "-" or not Path(name).is_dir():
            yield name
        elif not args.recursive:
            raise CommandError(f"{_shown(name)} is a folder: give --recursive to read its files")
        else:
            found = sorted(
                path
                for path in Path(name).rglob("*")
                if path.suffix.lower() in _PAYLOAD_SUFFIXES and path.is_file()
            )
            yield from (os.fspath(path) for path in found)


def _validate_all(args: argparse.Namespace) -> Iterator[Outcome]:
    for name in _inputs(args):
        jsonl = _is_jsonl(name, forced=args.jsonl)
        for line, text in _documents(name, jsonl=jsonl, waiting=_STDOUT.flush):
            try:
                fmt = detect_format(text) if args.format == AUTO else args.format
                options = {"platform": args.platform, "push_options": args.push_options}
                if args.format == AUTO:  # told from the document: what its format takes
                    body = get_format(fmt)
                    options["platform"] = args.platform if body.is_body else None
                    options["push_options"] = args.push_options if body.push_options else None
                report = validate(text, fmt, strict=args.strict, fail_on=args.fail_on, **options)
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


def _run_validate(args: argparse.Namespace) -> int:
    """Validate every input, printing each document's results as it is read (flat memory)."""
    if args.old_output is not None:
        print(
            "refundmap: --format is now --output-format (in refundmap, a format is a"
            " vendor format); the old spelling still works",
            file=sys.stderr,
        )
        args.output = args.old_output
    if args.platform is not None or args.push_options is not None:
        args.push_options = _push_options(args.push_options)
        try:  # before any input is read
            if args.format == AUTO:
                check_platform(args.platform)
            else:
                validate({}, args.format, platform=args.platform, push_options=args.push_options)
        except UsageError as exc:
            raise CommandError(f"{_FLAGS[exc.problems[0].path]}: {exc}") from None
        except ValidationError:
            pass  # {} is no document: the options were checked first
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


def _run_formats() -> int:
    width = max(len(name) for name in (*FORMATS, *RESPONSE_FORMATS))
    for fmt in FORMATS.values():
        targets = [t for t in FORMATS if supported(fmt.name, t)]
        print(f"{fmt.name:<{width}}  {fmt.summary}; converts to {', '.join(targets)}")
    for name, summary in RESPONSE_FORMATS.items():
        print(f"{name:<{width}}  {summary}; validate, and refs learn")
    return EXIT_OK
