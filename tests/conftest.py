"""Hypothesis profiles and shared fixtures.

Profiles: ``ci`` (bounded, derandomized, no deadline), ``dev`` (the default
for a local run), ``deep`` (20,000 examples a property, run by hand with
``pytest --hypothesis-profile=deep``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

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
    "deep",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


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
