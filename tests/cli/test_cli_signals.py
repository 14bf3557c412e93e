"""The command's signal handlers (refundmap.cli._stopped_by_signals) in a forked --jobs worker."""

import os
import signal

import pytest

from refundmap.cli import _stopped_by_signals


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_worker_signalled_before_it_set_its_handlers_ends_as_by_default(signum):
    # A worker forked with the command's handlers, stopped by the command before its own
    # set-up ran, printed the command's _Stopped traceback ("Exception in initializer").
    read, write = os.pipe()
    with _stopped_by_signals():
        pid = os.fork()
        if pid == 0:  # the worker, with the command's handlers
            os.close(read)
            os.dup2(write, 2)
            try:
                os.kill(os.getpid(), signum)
                os.write(2, b"still here\n")
            except BaseException as exc:  # noqa: BLE001 - what the old handler raised
                os.write(2, f"raised {type(exc).__name__}\n".encode())
            os._exit(0)
        os.close(write)
        _, status = os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as said:
        assert said.read() == b""
    assert os.WIFSIGNALED(status), status
    assert os.WTERMSIG(status) == signum


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_worker_ignores_ctrl_c_before_it_set_its_handlers():
    with _stopped_by_signals():
        pid = os.fork()
        if pid == 0:
            try:
                os.kill(os.getpid(), signal.SIGINT)
            except BaseException:  # noqa: BLE001
                os._exit(3)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), status
    assert os.WEXITSTATUS(status) == 0
