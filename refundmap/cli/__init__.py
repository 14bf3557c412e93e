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
import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from refundmap.cli.convert import _run_convert
from refundmap.cli.files import _STDOUT, FileIOError
from refundmap.cli.messages import (
    EXIT_INVALID,
    EXIT_IO,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    EXIT_WORKER,
    CommandError,
    WorkerError,
    _abandon_stdout,
    _say_error,
)
from refundmap.cli.parser import EXIT_CODES, _parser

__all__ = [
    "EXIT_CODES",
    "EXIT_INVALID",
    "EXIT_IO",
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "EXIT_WORKER",
    "main",
]


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
    command = os.getpid()

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopped
        if os.getpid() != command:
            # A --jobs worker forked with this handler, before it set its own: what the
            # worker's would do (Ctrl-C is the command's; SIGTERM ends it), not a traceback.
            if signum == signal.SIGINT:
                signal.signal(signum, signal.SIG_IGN)
                return
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
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
    # Each command's module is imported when the command runs: a convert run does
    # not load reconciling, nor validating (start-up is paid once a process).
    try:
        if args.command == "validate":
            from refundmap.cli.validate import _run_validate  # noqa: PLC0415 - its command's

            status = _run_validate(args)
        elif args.command == "convert":
            status = _without_collector(_run_convert, args)
        elif args.command == "reconcile":
            from refundmap.cli.reconcile import _run_reconcile  # noqa: PLC0415 - its command's

            status = _run_reconcile(args)
        elif args.command == "refs":
            from refundmap.cli.refs import _run_refs_learn  # noqa: PLC0415 - its command's

            status = _run_refs_learn(args)
        elif args.command == "schema":
            from refundmap.schema import json_schema  # noqa: PLC0415 - its command's

            text = json.dumps(json_schema(args.format, strict=args.strict), indent=args.indent)
            _STDOUT.write(text + "\n")
            status = EXIT_OK
        else:
            from refundmap.cli.validate import _run_formats  # noqa: PLC0415 - its command's

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
