"""--jobs: an ordered, bounded pool of worker processes; it knows nothing of conversion.

Tasks go out in order and their results come back in order, at most two a
worker in flight, so that memory stays bounded; a worker that dies (killed,
out of memory) is said once, with how it died (exit status 71).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, suppress
from typing import TYPE_CHECKING, Any, TypeVar

from refundmap.cli.messages import WorkerError, _shown

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

_T = TypeVar("_T")
_A = TypeVar("_A")
_K = TypeVar("_K")


class Pool:
    """``jobs`` worker processes, started on first use, each set up by ``setup(*args)``.

    The workers end with ``stack``: at once when it unwinds with an error.
    """

    def __init__(
        self, stack: ExitStack, jobs: int, setup: Callable[..., None], args: tuple[Any, ...]
    ) -> None:
        self.jobs = jobs
        self._stack = stack
        self._setup = setup
        self._args = args
        self._pool: ProcessPoolExecutor | None = None

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Imported with the first worker: a run of one process never loads them.
            from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

            self._pool = self._stack.enter_context(
                ProcessPoolExecutor(
                    self.jobs,
                    initializer=_start,
                    initargs=(os.getpid(), self._setup, self._args),
                )
            )
            self._stack.push(_stop_workers(self._pool))
        return self._pool

    def submit(self, name: str, work: Callable[[_A], _T], task: _A) -> Future[_T]:
        """Give a worker a task of input ``name``, or say (exit 71) that a worker died."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415 - see _workers

        try:
            return self._workers().submit(work, task)
        except BrokenProcessPool:  # one died since the last task was given
            raise _died(name, _death(self._pool)) from None

    def result(self, name: str, future: Future[_T]) -> _T:
        """Return what a worker made of ``name``, or say (exit 71) that the worker died.

        The wait looks at the workers every :data:`_WORKER_POLL` seconds: one killed
        halfway through sending its result leaves the pool waiting for the rest.
        """
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415 - see _workers

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
        raise _died(name, how)

    def ordered(
        self, name: str, work: Callable[[_A], _T], tasks: Iterable[tuple[_K, _A]]
    ) -> Iterator[tuple[_K, _T]]:
        """Yield ``(key, work(task))`` for each of ``tasks``, in order, two a worker in flight."""
        pending: deque[tuple[_K, Future[_T]]] = deque()
        for key, task in tasks:
            pending.append((key, self.submit(name, work, task)))
            if len(pending) >= 2 * self.jobs:
                done, future = pending.popleft()
                yield done, self.result(name, future)
        while pending:
            done, future = pending.popleft()
            yield done, self.result(name, future)


def _died(name: str, how: str) -> WorkerError:
    return WorkerError(
        f"{_shown(name)}: a --jobs worker {how}; no output file was written:"
        " run again with fewer --jobs, or none"
    )


def _start(parent: int, setup: Callable[..., None], args: tuple[Any, ...]) -> None:
    """Set a worker up: signals left to the command, its end with the command; then ``setup``."""
    # First: a forked worker holds the command's handlers, which raise to clean up the
    # command; a SIGTERM from a command stopping its pool while this worker set itself
    # up (importing ctypes, say) printed that exception's traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    _watch_parent(parent)
    gc.disable()  # as in the command (_without_collector); each task ends with a collection
    setup(*args)


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
        import ctypes  # noqa: PLC0415 - a worker's only

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


#: Seconds between two looks at the workers while a result is awaited.
_WORKER_POLL = 0.5

#: Seconds a broken pool's manager thread is given to reap its workers.
_MANAGER_WAIT = 10.0


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


def _reap(workers: list[Any]) -> None:
    """Wait a little for terminated ``workers`` to end, then kill those that did not.

    A worker that does not take SIGTERM (ignored or blocked, in a task the
    command did not write) would keep the pool's manager thread, and with it
    the interpreter's exit, waiting for good.
    """
    deadline = time.monotonic() + _TERM_WAIT
    for process in workers:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in workers:
        if process.exitcode is None:
            process.kill()


#: Seconds terminated workers are given to end before they are killed.
_TERM_WAIT = 2.0


def _stop_workers(pool: ProcessPoolExecutor) -> Callable[..., bool]:
    """Return the exit step of the workers: gone when the run ends, at once when it fails.

    A run cut short (an error, Ctrl-C) ends its workers rather than waiting: a
    worker may be blocked writing a big result that nobody reads any more.
    """

    def stop(kind: type[BaseException] | None, *_: object) -> bool:
        workers = _processes(pool)
        manager = getattr(pool, "_executor_manager_thread", None)
        if kind is None:
            pool.shutdown(wait=True, cancel_futures=True)
            return False
        for process in workers:
            process.terminate()
        # A worker ended halfway through a result (killed, or terminated just now)
        # leaves the pool's reader waiting for the rest, and the interpreter's exit
        # with it: with this end closed too, it reads the end of the file.
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        with suppress(OSError, AttributeError):
            writer.close()  # type: ignore[union-attr]
        pool.shutdown(wait=False, cancel_futures=True)
        _reap(workers)
        if manager is not None:
            # The pool's manager thread closes its wake-up pipe once it has reaped the
            # workers; left running, it races the interpreter's exit, which writes to that
            # pipe without the pool's lock (CPython 3.11) and prints a traceback.
            manager.join(_MANAGER_WAIT)
        return False

    return stop
