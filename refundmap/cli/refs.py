"""The refs command: ``refs learn``, the refunds write responses created, kept in a CSV file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from refundmap import jsonio
from refundmap.cli.files import FileIOError, _open, _read
from refundmap.cli.messages import EXIT_INVALID, EXIT_OK, _plural, _say_error
from refundmap.references import Directory
from refundmap.report import ValidationError


def _run_refs_learn(args: argparse.Namespace) -> int:
    """Learn the refunds of every response into ``--output``, written whole or not at all."""
    output = Path(args.output)
    try:
        directory = Directory.from_files(output) if output.exists() else Directory()
        responses = [
            (name, _read(name, _open(name).read)) for name in dict.fromkeys(args.responses)
        ]
    except OSError as exc:
        raise FileIOError(exc.filename or args.output, "read", exc) from None
    except ValidationError as exc:
        _say_error(*(f"{args.output}: {p.path}: {p.message}" for p in exc.problems))
        return EXIT_INVALID
    created = pairs = 0
    for name, text in responses:
        before = len(directory)
        try:
            found = directory.learn(text)
        except ValidationError as exc:
            _say_error(*(f"{name}: {p.path}: {p.message}" for p in exc.problems))
            return EXIT_INVALID
        created += len(found)
        pairs += len(directory) - before
        for refund in found:
            if refund.rutter_id is None and refund.platform_id is not None:
                print(
                    f"refundmap: {name}: {refund.path}: platform id {refund.platform_id!r}:"
                    " the response gives no Rutter id; not a pair",
                    file=sys.stderr,
                )
    try:
        with jsonio.AtomicFile(output) as atomic:
            atomic.stream.write(directory.to_csv())
            atomic.commit()
    except OSError as exc:
        raise FileIOError(args.output, "write", exc) from None
    print(
        f"refundmap: {_plural(created, 'refund')} in the responses, {pairs} new"
        f" {'pair' if pairs == 1 else 'pairs'} in {args.output}",
        file=sys.stderr,
    )
    return EXIT_OK
