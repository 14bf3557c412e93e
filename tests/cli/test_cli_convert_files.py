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


def test_missing_refs_dash_is_stdout_and_no_file_named_dash(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = ROOT / "fixtures" / "railz" / "netsuite-refund.json"
    status, out, _ = cli(
        "convert", "-q", "-f", "railz", "-t", "rutter", "--missing-refs", "-",
        "-o", str(tmp_path / "out.json"), str(source),
    )  # fmt: skip
    assert status == 0
    assert out.startswith("kind,rutter_id,platform_id,name\n")
    assert "account,,122," in out
    assert not (tmp_path / "-").exists()
    assert (tmp_path / "out.json").exists()


def test_missing_refs_dash_and_output_on_stdout_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = ROOT / "fixtures" / "railz" / "netsuite-refund.json"
    status, _, err = cli(
        "convert", "-q", "-f", "railz", "-t", "rutter", "--missing-refs", "-", str(source)
    )
    assert status == 2
    assert "the output and --missing-refs cannot both go to stdout" in err
    assert not (tmp_path / "-").exists()
