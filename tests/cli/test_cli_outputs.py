"""Writing never destroys what it was not asked to replace (issue 12).

Refusals and where output goes are checked in-process (the ``run`` fixture); symbolic
links, FIFOs, devices, modes under an umask, read-only folders and open-file limits
through the real command in a child.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import FIXTURES, run_command

SEED = FIXTURES / "railz/seed-refund.json"


def child(*argv, cwd, umask=None, stdin=None):
    """The command in a child process, as a user runs it: bytes out, an umask if told."""
    return run_command(*argv, cwd=cwd, umask=umask, stdin=stdin, text=False, timeout=60)


CONVERT = ("convert", "-f", "railz", "-t", "rutter", "--synced-at", "2024-06-30T12:00:00Z")


def expected():
    """The golden conversion, as the command writes it (no indent)."""
    golden = json.loads((FIXTURES / "expected/railz/seed-refund.rutter.json").read_text())
    return json.dumps(golden, separators=(",", ":"), ensure_ascii=False) + "\n"


def leftovers(folder):
    return sorted(p.name for p in folder.rglob("*.part"))


def test_an_output_that_is_an_input_is_refused_before_reading(run, tmp_path):
    source = tmp_path / "a.json"
    source.write_bytes(SEED.read_bytes())
    for output in (source, tmp_path, tmp_path / "." / "a.json"):
        result = run(*CONVERT, source, "-o", output, cwd=tmp_path)
        assert result.returncode == 2, output
        assert "would overwrite the input" in result.stderr
        assert source.read_bytes() == SEED.read_bytes()
    # Two inputs into the folder they are in: each would replace itself.
    other = tmp_path / "b.json"
    other.write_bytes(SEED.read_bytes())
    result = run(*CONVERT, source, other, "-o", tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert source.read_bytes() == other.read_bytes() == SEED.read_bytes()


def test_two_inputs_of_one_name_into_one_folder_are_refused(run, tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.json").write_bytes(SEED.read_bytes())
    result = run(*CONVERT, "x/r.json", "y/r.json", "-o", "out/", cwd=tmp_path)
    assert result.returncode == 2
    assert "out/r.json: the output of x/r.json and the output of y/r.json" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_report_or_rejects_file_that_is_the_output_or_an_input_is_refused(run, tmp_path):
    result = run(*CONVERT, SEED, "-o", "out.json", "--report", "out.json", cwd=tmp_path)
    assert result.returncode == 2
    result = run(*CONVERT, SEED, "--rejects", SEED, cwd=tmp_path)
    assert result.returncode == 2
    assert "would overwrite the input" in result.stderr


def test_an_output_report_or_rejects_that_is_a_refs_file_is_refused_before_reading(run, tmp_path):
    refs = tmp_path / "refs.csv"
    shutil.copy(FIXTURES / "references/quickbooks.csv", refs)
    folder = tmp_path / "refs"
    shutil.copytree(FIXTURES / "references/quickbooks", folder)
    before = {path: path.read_bytes() for path in [refs, *folder.iterdir()]}
    cases = [
        ("-o", "refs.csv", "the --refs file refs.csv"),
        ("--report", "./refs.csv", "the --refs file refs.csv"),
        ("--rejects", tmp_path / "refs.csv", "the --refs file refs.csv"),
        ("-o", "refs/items.json", "the --refs folder refs"),  # a file the folder holds
        ("-o", "refs/new.json", "the --refs folder refs"),  # read as references next time
        ("-o", "refs/", "the --refs folder refs"),  # refs/seed-refund.json
        ("--report", "refs/report.txt", "the --refs folder refs"),
    ]
    for option, target, refused in cases:
        # The input does not exist: the refusal comes before anything is read.
        argv = (*CONVERT, "missing.json", "--refs", "refs.csv", "--refs", "refs", option, target)
        result = run(*argv, cwd=tmp_path)
        assert result.returncode == 2, (option, target, result.stderr)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"refundmap: {target}"), line
        assert refused in line, line
    assert {path: path.read_bytes() for path in [refs, *folder.iterdir()]} == before
    # A folder named --refs and -o alike, through a symbolic link, is the same folder.
    (tmp_path / "link").symlink_to(folder)
    result = run(*CONVERT, SEED, "--refs", "link", "-o", "refs/out.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "the --refs folder link" in result.stderr
    # Beside the references, not in them, is fine.
    result = run(*CONVERT, SEED, "--refs", "refs.csv", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_directory_is_made_for_a_trailing_slash(run, tmp_path):
    (tmp_path / "b.json").write_bytes(SEED.read_bytes())
    result = run(*CONVERT, SEED, "b.json", "-o", "new/deeper/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "new/deeper").iterdir()) == [
        "b.json",
        "seed-refund.json",
    ]
    result = run(*CONVERT, SEED, "-o", "one/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "one/seed-refund.json").read_text() == expected()


def test_dash_is_stdout_for_the_output_and_the_report(run, tmp_path):
    result = run(*CONVERT, SEED, "-o", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == expected()
    result = run(*CONVERT, SEED, "-o", "out.json", "--report", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)  # the report, on stdout
    assert not (tmp_path / "-").exists()
    result = run(*CONVERT, SEED, "--report", "-", cwd=tmp_path)
    assert result.returncode == 2  # the output is stdout already
    assert "cannot both go to stdout" in result.stderr


def test_a_symlink_is_written_through_and_kept(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = child(*CONVERT, SEED, "-o", link, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert target.read_text() == expected()
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_makes_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    result = child(*CONVERT, SEED, "-o", link, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text() == expected()


def test_a_fifo_is_streamed_to_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    result = child(*CONVERT, SEED, "-o", fifo, cwd=tmp_path)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert got == [expected()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO
    assert leftovers(tmp_path) == []


def test_a_character_device_is_written_to_not_replaced(tmp_path):
    result = child(*CONVERT, SEED, "-o", "/dev/null", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path, umask, mode):
    result = child(
        *CONVERT, SEED, "-o", "new.json", "--report", "r.json", cwd=tmp_path, umask=umask
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == mode


def test_an_overwritten_file_keeps_its_mode(tmp_path):
    output = tmp_path / "out.json"
    output.write_text("old")
    output.chmod(0o664)
    result = child(*CONVERT, SEED, "-o", output, cwd=tmp_path, umask=0o077)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(output.stat().st_mode) == 0o664
    assert output.read_text() == expected()


_READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'


def test_several_inputs_into_a_name_that_is_not_a_directory_is_a_usage_error(tmp_path):
    # As cp: `-o merged.json` with two inputs made a folder named merged.json (issue 23).
    (tmp_path / "b.json").write_bytes(SEED.read_bytes())
    result = child(*CONVERT, SEED, "b.json", "-o", "merged.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        b"refundmap: merged.json: no such directory; several inputs need -o to name a"
        b" directory that exists, or to end with / to make it (merged.json/)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json"]
    (tmp_path / "merged.json").write_text("old")  # a file: not a directory either
    result = child(*CONVERT, SEED, "b.json", "-o", "merged.json", cwd=tmp_path)
    assert result.returncode == 2
    assert b"merged.json: not a directory" in result.stderr
    assert (tmp_path / "merged.json").read_text() == "old"
    (tmp_path / "out").mkdir()  # a directory that exists: with or without the slash
    result = child(*CONVERT, SEED, "b.json", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b.json", "seed-refund.json"]
    result = child(*CONVERT, SEED, "-o", "out", cwd=tmp_path)  # one input into a directory, too
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_more_inputs_than_open_files_allowed_all_convert(tmp_path, jobs):
    # Each output is closed when its input is done, not held open to the end (issue 23):
    # with 60 descriptors allowed, 150 inputs failed with "Too many open files".
    import resource

    names = [f"in{n:03}.json" for n in range(150)]
    for name in names:
        (tmp_path / name).write_bytes(SEED.read_bytes())
    (tmp_path / "out").mkdir()
    (tmp_path / "out/in000.json").write_text("old")

    def few() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (60, 60))

    command = [sys.executable, "-m", "refundmap", *CONVERT, "-j", jobs, *names, "-o", "out/"]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, preexec_fn=few, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names
    assert {(tmp_path / "out" / name).read_text() for name in names} == {expected()}
    # All or nothing still: a bad last input replaces no output of the others.
    (tmp_path / "out/in000.json").write_text("old")
    (tmp_path / names[-1]).write_text("{}")
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, preexec_fn=few, timeout=120, check=False
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert (tmp_path / "out/in000.json").read_text() == "old"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names  # no temporary file


def test_a_read_only_folder_is_an_io_error_and_leaves_nothing(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    command = [sys.executable, "-m", "refundmap", *CONVERT, str(SEED), "-o", str(folder / "o.json")]
    if os.geteuid() == 0:
        # Root writes into any folder by its mode: make this one a read-only mount,
        # in a mount namespace of the command's own, gone when it ends.
        if not shutil.which("unshare"):
            pytest.skip("no unshare to make a read-only folder as root")
        command = [
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            _READ_ONLY,
            folder,
            *command,
        ]
    else:
        folder.chmod(0o555)
    result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    folder.chmod(0o755)
    if result.stderr.startswith((b"unshare:", b"mount:")):
        pytest.skip(f"cannot make a read-only folder here: {result.stderr.decode()}")
    assert result.returncode == 74, result.stderr  # as the README says (issue 23: it was 2)
    assert b"does not let refundmap create a file" in result.stderr
    assert list(folder.iterdir()) == []


def test_dev_stdout_is_written_to_and_stays_a_link(tmp_path):
    result = child(*CONVERT, SEED, "-o", "/dev/stdout", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == expected()
    assert Path("/dev/stdout").is_symlink()
