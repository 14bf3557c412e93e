"""The command's arguments: argparse, option types, help and examples.

The arguments become a :class:`refundmap.Converter`; its parameters' names in
the library's messages become the command's flags.
"""

from __future__ import annotations

import argparse
import re
from functools import partial
from typing import Any

import refundmap
from refundmap.cli.argtypes import (
    _checked_format_name,
    _default,
    _fail_kinds,
    _format_name,
    _format_or_auto,
    _indent,
    _jobs,
    _kinds,
)
from refundmap.cli.messages import CommandError
from refundmap.conversion import Converter
from refundmap.formats import FORMATS
from refundmap.gate import FAIL_KINDS
from refundmap.mapping import DEFAULT_KINDS
from refundmap.references import Directory
from refundmap.report import (
    Kind,
    UsageError,
)
from refundmap.responses import RESPONSE_FORMATS


def _format_choice(
    parser: argparse.ArgumentParser,
    *flags: str,
    dest: str,
    help_: str,
    auto: str | None = None,
    responses: bool = False,
) -> None:
    told = f"; auto: {auto}" if auto else ""
    named = _format_or_auto if auto else _format_name
    also = f", or a write response's: {', '.join(RESPONSE_FORMATS)}" if responses else ""
    parser.add_argument(
        *flags,
        dest=dest,
        required=True,
        type=partial(_checked_format_name, named=named) if responses else named,
        metavar="FORMAT",
        help=f"{help_}: {', '.join(FORMATS)}{also} (any case){told}",
    )


def _add_fail_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on",
        type=_fail_kinds,
        default=frozenset(),
        metavar="KINDS",
        help=f"fail (exit 1) on these report kinds, naming each: {', '.join(FAIL_KINDS)}",
    )


def _platform_flags(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--platform",
        metavar="NAME",
        help="the accounting platform behind the write bodies, where the input does not name"
        " it: quickbooks, xero, oracleNetsuite, quickbooksDesktop (or Rutter's QUICKBOOKS, ...);"
        f" {what} (docs/platforms.md)",
    )
    parser.add_argument(
        "--push-options",
        metavar="FILE",
        help="a saved Railz GET /v2/data/pushOptions response: railz-v2-push records are"
        " checked against the platform's fields in it (required fields, enumValues)",
    )


def _refs_parser(commands: Any) -> None:
    refs = _subparser(
        commands,
        "refs",
        help="keep the ids of the refunds a write created",
        description="Work with directories of references (--refs files).",
    )
    refs_commands = refs.add_subparsers(dest="refs_command", required=True, metavar="COMMAND")
    learn = _subparser(
        refs_commands,
        "learn",
        help="add the refunds write responses created to a CSV directory",
        description="Read each RESPONSE (Rutter's create response or /jobs/{id} envelope,"
        " Railz's push response or pushStatus) and write every created refund's Rutter id"
        " and platform id, as kind refund, to OUTPUT (CSV), with what OUTPUT already holds;"
        " a later convert --refs OUTPUT from Railz gives those refunds their Rutter ids.",
        epilog="examples:\n  refundmap refs learn job-1.json job-2.json -o refs.csv\n\n"
        "exit status:\n  0  learned\n  1  a response or OUTPUT is not valid; OUTPUT unchanged\n"
        "  2  usage error\n  74 a file could not be read or written\n",
    )
    learn.add_argument("responses", nargs="+", metavar="RESPONSE", help="a JSON file; - is stdin")
    learn.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUTPUT",
        help="the CSV directory to write (kind,rutter_id,platform_id,name): read first when"
        " it exists, replaced whole",
    )


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
  refundmap validate -f auto --fail-on warning --recursive tests/fixtures/

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


def _other_commands(commands: Any) -> None:
    """Add the schema, refs and formats commands."""
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
    _refs_parser(commands)
    _subparser(
        commands,
        "formats",
        help="list the formats and the conversions",
        description="List every format refundmap reads and writes, what it is, and the"
        " formats it converts to.",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refundmap",
        description="Validate and convert customer refunds between Rutter and Railz.",
        epilog="'refundmap COMMAND --help' for a command's options and examples.\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"refundmap {refundmap.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = _subparser(
        commands,
        "validate",
        help="check documents against a format",
        description="Check each INPUT against FORMAT; print one line per problem.",
        epilog=_VALIDATE_EXAMPLES + _VALIDATE_EXIT_CODES,
    )
    _format_choice(
        check,
        "--from",
        "-f",
        "--as",
        dest="format",
        help_="the format of the input",
        auto="told from each document",
        responses=True,
    )
    _platform_flags(check, "what the platform does not take or requires is a warning")
    _add_fail_on(check)
    check.add_argument(
        "--recursive",
        "-r",
        action="store_true",
        help="an INPUT that is a folder: every .json, .jsonl and .ndjson file under it",
    )
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
    _format_choice(
        conv,
        "--from",
        "-f",
        dest="source",
        help_="the format of the input",
        auto="the first input's, told from it, for every input",
    )
    _add_fail_on(conv)
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
    _platform_flags(
        conv,
        "what the platform does not take is left out (dropped), what it requires and a record"
        " lacks is a mapping error",
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
    conv.add_argument(
        "--missing-refs",
        metavar="FILE",
        help="write the distinct reference ids copied untranslated as CSV"
        " (kind,rutter_id,platform_id,name, the known side filled in; - is stdout): complete"
        " it, pass it to --refs",
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

    _other_commands(commands)
    return parser


#: The command's flag for each parameter of :class:`refundmap.Converter` it sets.
_FLAGS = {
    "source": "--from",
    "target": "--to",
    "synced_at": "--synced-at",
    "connection_uuid": "--connection-uuid",
    "business_name": "--business-name",
    "service_name": "--service-name",
    "require_refs": "--require-refs",
    "defaults": "--default",
    "directory": "--refs",
    "fail_on": "--fail-on",
    "platform": "--platform",
    "push_options": "--push-options",
}
_PARAMETER = re.compile(r"\b(" + "|".join(name for name in _FLAGS if "_" in name) + r")\b")


def _flagged(exc: UsageError) -> str:
    """Return the library's message of ``exc`` with the command's flags for its parameters."""
    return _PARAMETER.sub(lambda match: str(_FLAGS[match[1]]), str(exc))


def _converter(args: argparse.Namespace, directory: Directory | None) -> Converter:
    """Return the run's converter, or say which flag is wrong (every one, before any input)."""
    try:
        return Converter(
            args.source,
            args.target,
            strict=args.strict,
            lossless=args.lossless,
            synced_at=args.synced_at,
            connection_uuid=args.connection_uuid,
            business_name=args.business_name,
            service_name=args.service_name,
            directory=directory,
            require_refs=args.require_refs,
            defaults=args.defaults,
            fail_on=args.fail_on,
            platform=args.platform,
            push_options=args.push_options,
        )
    except UsageError as exc:
        flags = ", ".join(_FLAGS.get(p.path, p.path) for p in exc.problems)
        message = _flagged(exc)
        for problem in exc.problems:  # "synced_at: ...": the flag comes first already
            message = message.removeprefix(f"{_FLAGS.get(problem.path)}: ")
            message = message.removeprefix(f"{problem.path}: ")
        raise CommandError(f"{flags}: {message}") from None
