"""A command loads what it runs: a convert run of one process loads no pool, no reconciling."""

import subprocess
import sys

from helpers import FIXTURES

#: Modules a ``convert --jobs 1`` run has no use for (each costs start-up).
UNUSED = (
    "concurrent.futures",
    "multiprocessing",
    "ctypes",
    "logging",
    "refundmap.reconcile",
    "refundmap.cli.reconcile",
    "refundmap.cli.validate",
    "refundmap.schema",
    "importlib.metadata",  # --version reads refundmap.__version__
    "email",
)


def loaded(tmp_path, *argv: str) -> list[str]:
    """Run the command in a fresh interpreter; return which of UNUSED it loaded."""
    code = (
        "import sys\n"
        "from refundmap.cli import main\n"
        f"status = main({list(argv)!r})\n"
        f"print(status, [name for name in {UNUSED!r} if name in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    return done.stdout.split(maxsplit=1)


def test_convert_in_one_process_loads_no_pool_and_no_other_command(tmp_path):
    source = str(FIXTURES / "railz/quickbooks-list.json")
    argv = ["convert", "-q", "-f", "railz", "-t", "rutter", source, "-o", "out.json"]
    assert loaded(tmp_path, *argv, "--jobs", "1") == ["0", "[]\n"]
    status, names = loaded(tmp_path, *argv, "--jobs", "2", "--jsonl")
    assert status == "1"  # a page read as JSON Lines: invalid, but the pool was started
    assert "concurrent.futures" in names
    status, names = loaded(tmp_path, "validate", "-f", "railz", source)
    assert (status, "refundmap.cli.validate" in names) == ("0", True)


def test_version_is_the_installed_distributions():
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "refundmap", "--version"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout == f"refundmap {version('refundmap')}\n"
