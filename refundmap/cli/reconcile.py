"""The reconcile command: two datasets matched and compared, by :func:`refundmap.reconcile`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refundmap import jsonio
from refundmap.cli.files import _STDOUT, FileIOError, _directory
from refundmap.cli.messages import EXIT_INVALID, EXIT_OK, CommandError
from refundmap.reconcile import reconcile
from refundmap.report import UsageError


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
