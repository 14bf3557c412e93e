"""Hypothesis profiles and shared fixtures.

Profiles (``HYPOTHESIS_PROFILE=<name>``, or ``pytest --hypothesis-profile=<name>``):

- ``ci``: 200 examples a property, derandomized, no deadline; CI runs it.
- ``dev``: 100 examples a property; the default for a local run.
- ``fast``: 10 examples a property, for a quick loop while changing code
  (``HYPOTHESIS_PROFILE=fast python -m pytest -q``); it proves less, so run
  ``dev`` or ``ci`` before a commit.
- ``deep``: 20,000 examples a property, run by hand
  (``HYPOTHESIS_PROFILE=deep python -m pytest tests/properties``).

Generated refunds have at most ``strategies.MAX_LINES`` lines: 20 in ``deep``,
5 in the others (3 in ``fast``); generated lists and arrays at most
``strategies.MAX_RECORDS`` records (3 in ``deep``, 2 in the others). A rule
needs a line or two, a sum a few, a list two records, to be exercised; bigger
documents cost generation time and find nothing more, so they are left to
``deep``.

Paths and the helpers the tests share are in ``helpers.py``; the fuzz oracle
in ``oracle.py``; the strategies in ``strategies.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import FIXTURES

settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "fast",
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def fixtures() -> Path:
    """The fixtures folder of the repository."""
    return FIXTURES


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run the command line in-process: ``cli(*argv, stdin=b"...")`` -> (status, out, err)."""
    import io
    import sys

    from refundmap.cli import main

    def run(*argv: str, stdin: bytes | None = None) -> tuple[int | str | None, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        try:
            status: int | str | None = main(list(argv))
        except SystemExit as exc:
            status = exc.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def run(cli, monkeypatch: pytest.MonkeyPatch):
    """``helpers.run_command`` in-process: ``run(*argv, cwd=, stdin=)`` -> a CompletedProcess.

    For tests of flags, messages, reports and outputs: what a child process would
    print, without starting one. Tests of umask, FIFOs, signals, file-size limits
    and ``python -m`` run a child (``helpers.run_command``).
    """
    import subprocess

    def command(
        *argv: object, cwd: Path | str | None = None, stdin: str | bytes | None = None
    ) -> subprocess.CompletedProcess[str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        data = stdin.encode() if isinstance(stdin, str) else stdin
        status, out, err = cli(*map(str, argv), stdin=data)
        return subprocess.CompletedProcess(["refundmap", *map(str, argv)], status, out, err)

    return command
