"""--jobs: worker processes, their set-up, their tasks, and how a dead one is told."""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from typing import Any

import attrs

from refundmap import jsonio
from refundmap.cli.messages import WorkerError
from refundmap.conversion import Conversion, Converter
from refundmap.report import (
    RefundmapError,
)
from refundmap.stream import (
    Chunk,
    Frame,
    convert_chunk,
)

#: One JSON Lines record converted: its line, its text, the result or why not, the
#: lines to write, and (from a worker, when no entry is printed or reported) the
#: count of the report's entries by kind instead of the entries.
_LineOutcome = tuple[
    int | None, bytes, "Conversion | RefundmapError", list[str], "dict[str, int] | None"
]
#: JSON Lines records a worker converts at a time.
_CHUNK = 256
#: What a worker converts with, set once by :func:`_init_worker`.
_WORKER: tuple[Converter, bool] | None = None
#: The command's arguments and directory, for a worker converting whole files.
_WORKER_RUN: tuple[argparse.Namespace, Converter] | None = None


def _convert_line(
    converter: Converter, text: bytes, *, entries: bool = True
) -> tuple[Conversion | RefundmapError, list[str], dict[str, int] | None]:
    """Convert one JSON Lines record; return the result (or the error) and the lines to write.

    The same function in the command's process and in ``--jobs`` workers: the
    output is the same, byte for byte.
    """
    try:
        result = converter.convert(text)
    except RefundmapError as exc:
        return exc, [], None
    if type(result.output) is list and not text.lstrip().startswith(b"["):
        # A list envelope written as create bodies: one line a record.
        texts = [jsonio.dumps(body) for body in result.output]
    else:
        texts = [result.to_json()]
    # The output is written already: what goes back from a worker is its text; the
    # entries, only where they are printed or reported (pickling them costs).
    if entries:
        return attrs.evolve(result, output=None), texts, None
    kinds = Counter(str(entry.kind) for entry in result.report)
    return attrs.evolve(result, output=None, report=()), texts, dict(kinds)


def _init_worker(
    converter: Converter,
    entries: bool,  # noqa: FBT001 - initargs are positional
    args: argparse.Namespace,
    parent: int,
) -> None:
    """Set a ``--jobs`` worker up: its conversion, the signals left to the command, its end."""
    global _WORKER, _WORKER_RUN  # noqa: PLW0603 - one per worker process, set once
    _watch_parent(parent)
    _WORKER_RUN = (args, converter)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    gc.disable()  # as in the command (_without_collector); each task ends with a collection
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    _WORKER = (converter, entries)


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


def _work_chunk(task: _ChunkTask) -> Chunk:
    """Convert a run of a JSON document's records in a worker.

    The report's entries go back only where they are printed or reported; else
    their count by kind.
    """
    assert _WORKER is not None  # noqa: S101 - set by the initializer
    head, tail, prefix, indent, level, texts = task
    converter, entries = _WORKER
    frame = Frame(head, tail, prefix, converter, indent, level, entries=entries)
    try:
        return convert_chunk(texts, frame)
    finally:
        gc.collect(1)


def _work(chunk: list[tuple[int | None, bytes]]) -> list[_LineOutcome]:
    """Convert a chunk of JSON Lines records in a worker."""
    assert _WORKER is not None  # noqa: S101 - set by the initializer
    converter, entries = _WORKER
    try:
        return [
            (line, text, *_convert_line(converter, text, entries=entries)) for line, text in chunk
        ]
    finally:
        gc.collect(1)


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


#: A file a worker converted: whether it all converted, its output, what it
#: reported, rejected and said (in order), and its counts.
_FileOutcome = tuple[bool, str, list[tuple[Any, ...]], Counter[str]]
