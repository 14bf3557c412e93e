"""The files a convert run leaves: its outputs only, whoever converted them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_workers_leave_no_temporary_file_of_the_missing_refs(tmp_path: Path) -> None:
    # Small files with --jobs go to workers whole; the --missing-refs file is the command's.
    for name in ("seed-refund.json", "netsuite-refund.json"):
        shutil.copy(ROOT / "fixtures" / "railz" / name, tmp_path / name)
    out = tmp_path / "out"
    out.mkdir()
    argv = ["convert", "-q", "-f", "railz", "-t", "rutter", "--jobs", "2"]
    argv += ["--missing-refs", str(out / "missing.csv"), "-o", str(out)]
    inputs = [str(tmp_path / "seed-refund.json"), str(tmp_path / "netsuite-refund.json")]
    done = subprocess.run(
        [sys.executable, "-m", "refundmap", *argv, *inputs], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in out.iterdir()) == [
        "missing.csv",
        "netsuite-refund.json",
        "seed-refund.json",
    ]
