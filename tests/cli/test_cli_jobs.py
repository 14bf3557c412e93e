"""--jobs N: the same bytes as one process, whatever N (issue 14, part)."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import FIXTURES


def lines(tmp_path, count=700, bad_every=0):
    """A JSON Lines file of Railz refunds, more than two chunks' worth; some bad."""
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    records = []
    for n in range(count):
        record = dict(page["data"][n % len(page["data"])], id=str(n))
        if bad_every and n % bad_every == bad_every - 1:
            record = dict(record, totalAmount="lots") if n % 2 else dict(record, accountRef=None)
        records.append(json.dumps(record))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(records) + "\n")
    return path


def convert(tmp_path, jobs, *extra):
    out = tmp_path / f"out-{jobs}"
    out.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "refundmap", "convert", "-f", "railz", "-t", "rutter",
         "--synced-at", "2024-06-30T12:00:00Z", "--jobs", str(jobs), str(tmp_path / "in.jsonl"),
         "-o", str(out / "out.jsonl"), *[str(a).replace("OUT", str(out)) for a in extra]],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return done.returncode, done.stderr, files


@pytest.mark.parametrize("jobs", [2, 0])
def test_outputs_reports_rejects_and_messages_are_those_of_one_process(tmp_path, jobs):
    lines(tmp_path, bad_every=97)
    extra = ("--report", "OUT/report.json", "--rejects", "OUT/rejects.jsonl")
    one = convert(tmp_path, 1, *extra)
    many = convert(tmp_path, jobs, *extra)
    assert one[0] == many[0] == 3
    assert one[2] == many[2]  # out.jsonl, report.json, rejects.jsonl: byte for byte
    assert set(one[2]) == {"out.jsonl", "report.json", "rejects.jsonl"}
    assert one[1] == many[1]  # every warning and rejection, in order, and the summary


def test_quiet_runs_count_the_same(tmp_path):
    lines(tmp_path)
    one, many = convert(tmp_path, 1, "-q"), convert(tmp_path, 2, "-q")
    assert one == many
    assert one[0] == 0


def test_a_failing_record_without_rejects_fails_the_run_as_one_process_does(tmp_path):
    lines(tmp_path, bad_every=300)
    one, many = convert(tmp_path, 1), convert(tmp_path, 2)
    assert one[0] == many[0] == 1
    assert one[1] == many[1]
    assert one[2] == many[2] == {}  # nothing written


def test_jobs_must_not_be_negative():
    done = subprocess.run(
        [sys.executable, "-m", "refundmap", "convert", "-f", "railz", "-t", "rutter", "-j", "-2"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "must be 0 or more" in done.stderr


def page_files(tmp_path, files=12, per_file=30, bad=(3, 40, 77)):
    """Several Railz list pages (one not JSON, some records bad), a JSON Lines file, a big page."""
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    folder = tmp_path / "in"
    folder.mkdir()
    n = 0
    names = []
    for number in range(files):
        records = []
        for _ in range(per_file):
            record = dict(page["data"][n % len(page["data"])], id=str(n))
            if n in bad:
                record = (
                    dict(record, totalAmount="lots") if n % 2 else dict(record, accountRef=None)
                )
            records.append(record)
            n += 1
        path = folder / f"page-{number:02d}.json"
        path.write_text(json.dumps({**page, "data": records}, indent=number % 3 or None))
        names.append(path)
    (folder / "broken.json").write_text('{"data": [')
    names.insert(5, folder / "broken.json")
    lines(folder)
    names.insert(8, folder / "in.jsonl")
    big = [dict(page["data"][k % 2], id=f"big{k}") for k in range(900)]
    (folder / "big.json").write_text(json.dumps([*big[:500], {"id": 5}, *big[500:]]))
    names.append(folder / "big.json")
    return names


def convert_many(tmp_path, jobs, names, *extra, into="dir"):
    out = tmp_path / f"many-{jobs}-{into}"
    out.mkdir()
    target = ["-o", f"{out / 'outputs'}/"] if into == "dir" else []
    done = subprocess.run(
        [sys.executable, "-m", "refundmap", "convert", "-f", "railz", "-t", "rutter",
         "--synced-at", "2024-06-30T12:00:00Z", "--jobs", str(jobs), *map(str, names), *target,
         *[str(a).replace("OUT", str(out)) for a in extra]],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return done.returncode, done.stdout, done.stderr, files


@pytest.mark.parametrize("jobs", [2, 0])
def test_several_json_files_and_a_big_page_are_those_of_one_process(tmp_path, jobs):
    names = page_files(tmp_path)
    extra = ("--report", "OUT/report.json", "--rejects", "OUT/rejects.jsonl")
    one = convert_many(tmp_path, 1, names, *extra)
    many = convert_many(tmp_path, jobs, names, *extra)
    assert one[0] == 3
    assert many == one  # exit status, stdout, stderr, and every file byte for byte
    assert [name for name in one[3] if name.startswith("outputs/")] == [
        f"outputs/{name}" for name in sorted(path.name for path in names)
    ]
    assert one[3]["outputs/broken.json"] == b""  # rejected whole: an empty output
    rejected = [json.loads(row)["path"] for row in one[3]["rejects.jsonl"].splitlines()]
    assert {"$", "$[500]", "$.data[10]", "$.data[17]"} <= set(rejected)


def test_several_files_to_stdout_and_quietly_are_those_of_one_process(tmp_path):
    names = [name for name in page_files(tmp_path, bad=()) if name.name != "broken.json"]
    one = convert_many(tmp_path, 1, names, "-q", "--rejects", "OUT/r.jsonl", into="stdout")
    many = convert_many(tmp_path, 2, names, "-q", "--rejects", "OUT/r.jsonl", into="stdout")
    assert one[0] == 3  # the big array's {"id": 5}
    assert many == one
    assert one[1].count(b"\n") > len(names)


def test_a_failing_file_fails_the_run_as_one_process_does(tmp_path):
    names = page_files(tmp_path)
    one, many = convert_many(tmp_path, 1, names), convert_many(tmp_path, 2, names)
    assert one[0] == 1
    assert many == one
    assert one[3] == {}  # nothing written


@pytest.mark.parametrize("kind", ["in.jsonl", "page.json"])
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_twice_stops_workers_and_command_cleanly(tmp_path, kind, stop):
    """timeout(1) signals the command and then its process group: the command gets two."""
    records = lines(tmp_path, count=6000)
    if kind == "page.json":
        page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
        rows = [json.loads(line) for line in records.read_text().splitlines()]
        (tmp_path / kind).write_text(json.dumps({**page, "data": rows}))
    output = tmp_path / "out.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "refundmap", "convert", "-j", "2", "-f", "railz", "-t", "rutter",
         str(tmp_path / kind), "-o", str(output)],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    time.sleep(2.5)  # the workers are converting
    process.send_signal(stop)
    time.sleep(0.1)  # the second, while the first is cleaning up (it hung the command)
    os.killpg(process.pid, stop)
    try:
        _, err = process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a hung command and its workers
    assert process.returncode == (130 if stop == signal.SIGINT else 128 + stop)
    assert "Traceback" not in err
    assert "no output file was written" in err
    assert not output.exists()
    assert not list(tmp_path.glob(".*.part"))


# -- workers that die, a command that is killed (issue 23) ---------------------------


def children(pid):
    """The ids of the processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; its parent has not read its status yet


def start_big_run(tmp_path, kind):
    """Start a --jobs 2 conversion long enough to be caught with its two workers at work."""
    # Several seconds of work for two workers (20,000 records were done within a second
    # once the fast path was fast enough, and the run ended before the worker was killed).
    records = lines(tmp_path, count=60000)
    if kind == "page.json":
        page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
        rows = [json.loads(line) for line in records.read_text().splitlines()]
        (tmp_path / kind).write_text(json.dumps({**page, "data": rows}))
    process = subprocess.Popen(
        [sys.executable, "-m", "refundmap", "convert", "-q", "-j", "2", "-f", "railz", "-t",
         "rutter", str(tmp_path / kind), "-o", str(tmp_path / "out.json")],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(workers := children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) == 2, "the workers did not start"
    time.sleep(0.5)  # at work
    return process, workers


def stop_all(process, workers):
    for pid in [process.pid, *workers]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
@pytest.mark.parametrize("kind", ["in.jsonl", "page.json"])
def test_a_worker_killed_ends_the_run_with_one_line_and_71(tmp_path, kind):
    # The out-of-memory killer's SIGKILL was a BrokenProcessPool traceback and exit 1.
    process, workers = start_big_run(tmp_path, kind)
    try:
        os.kill(workers[0], signal.SIGKILL)
        _, err = process.communicate(timeout=60)
    finally:
        stop_all(process, workers)
    assert process.returncode == 71, err
    assert err == (
        f"refundmap: {tmp_path / kind}: a --jobs worker was killed by SIGKILL (the out-of-memory"
        " killer sends it, as does kill -9); no output file was written: run again with fewer"
        " --jobs, or none\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"in.jsonl", kind})
    assert not [pid for pid in workers if alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
@pytest.mark.parametrize("kind", ["in.jsonl", "page.json"])
def test_a_command_killed_leaves_no_worker_behind(tmp_path, kind):
    # A command killed with SIGKILL cannot end its workers: they end themselves.
    process, workers = start_big_run(tmp_path, kind)
    try:
        process.kill()
        process.wait(10)
        deadline = time.monotonic() + 10
        while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        stop_all(process, workers)


def test_a_worker_out_of_memory_ends_the_run_with_one_line_and_71(cli, tmp_path, monkeypatch):
    import refundmap.cli.tasks

    here = os.getpid()

    def starving(real):
        def starved(*args, **kwargs):
            if os.getpid() != here:  # in a worker (forked from this process)
                raise MemoryError
            return real(*args, **kwargs)

        return starved

    # A line converted alone, or lines sharing their work (refundmap.mapping.bare).
    for name in ("_convert_line", "_work_bare"):
        monkeypatch.setattr(refundmap.cli.tasks, name, starving(getattr(refundmap.cli.tasks, name)))
    source = lines(tmp_path, count=600)
    status, out, err = cli("convert", "-q", "-j", "2", "-f", "railz", "-t", "rutter", str(source),
                           "-o", str(tmp_path / "out.jsonl"))  # fmt: skip
    assert status == 71
    assert err == (
        f"refundmap: {source}: a --jobs worker ran out of memory; no output file was written:"
        " run again with fewer --jobs, or none\n"
    )
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


CUT_SHORT = """
import multiprocessing, os, signal, struct, sys
import refundmap.cli
import refundmap.cli.tasks

here = os.getpid()


def cutting(real):
    def cut_short(*args, **kwargs):
        if os.getpid() != here:  # in a worker: half a message, then the out-of-memory killer
            results = multiprocessing.current_process()._args[1]
            os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 100)
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    return cut_short


# A line converted alone, or lines sharing their work (refundmap.mapping.bare).
for name in ("_convert_line", "_work_bare"):
    setattr(refundmap.cli.tasks, name, cutting(getattr(refundmap.cli.tasks, name)))
sys.exit(refundmap.cli.main(sys.argv[1:]))
"""


def test_a_worker_killed_while_it_sends_its_result_does_not_hang_the_run(tmp_path):
    # Killed halfway through sending its result, a worker left the pool's reader
    # waiting for the rest for good, and the command with it (fork: the patch holds).
    source = lines(tmp_path, count=600)
    done = subprocess.run(
        [sys.executable, "-c", CUT_SHORT, "convert", "-q", "-j", "2", "-f", "railz", "-t",
         "rutter", str(source), "-o", str(tmp_path / "out.jsonl")],
        capture_output=True, text=True, timeout=60, check=False, start_new_session=True,
    )  # fmt: skip
    assert done.returncode == 71, done.stderr
    assert done.stderr.startswith(f"refundmap: {source}: a --jobs worker was killed by SIGKILL")
    assert done.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


HALF_SENT = """
import multiprocessing, os, struct, sys, time
import refundmap.cli
import refundmap.cli.tasks

here = os.getpid()


def half_sent(real):
    def work(*args, **kwargs):
        if os.getpid() != here:  # in a worker: half a result sent, then busy
            results = multiprocessing.current_process()._args[1]
            os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 100)
            time.sleep(60)
        return real(*args, **kwargs)

    return work


for name in ("_convert_line", "_work_bare"):
    setattr(refundmap.cli.tasks, name, half_sent(getattr(refundmap.cli.tasks, name)))
sys.exit(refundmap.cli.main(sys.argv[1:]))
"""


def test_a_run_stopped_while_a_worker_sends_its_result_ends(tmp_path):
    # Stopped (SIGTERM) while a worker was halfway through sending a result, the run
    # ended its workers, and the pool's reader waited for the rest of the message for
    # good, and the interpreter's exit with it: the pool's end of the pipe is closed too.
    source = lines(tmp_path, count=600)
    process = subprocess.Popen(
        [sys.executable, "-c", HALF_SENT, "convert", "-q", "-j", "2", "-f", "railz", "-t",
         "rutter", str(source), "-o", str(tmp_path / "out.jsonl")],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    time.sleep(3)  # the workers have sent half a result each
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a hung command and its workers
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


STUBBORN = """
import os, signal, sys, time
import refundmap.cli
import refundmap.cli.tasks

here = os.getpid()


def stubborn(real, first):
    def work(*args, **kwargs):
        if os.getpid() != here:  # in a worker: one runs out of memory, the others do not
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # nor take SIGTERM
            try:
                os.close(os.open(first, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                time.sleep(60)
            else:
                raise MemoryError
        return real(*args, **kwargs)

    return work


for name in ("_convert_line", "_work_bare"):
    real = getattr(refundmap.cli.tasks, name)
    setattr(refundmap.cli.tasks, name, stubborn(real, sys.argv.pop(1)))
sys.exit(refundmap.cli.main(sys.argv[1:]))
"""


def test_a_failing_run_ends_a_worker_that_does_not_take_sigterm(tmp_path):
    # A run ending in an error terminates its workers; one that did not end (SIGTERM
    # ignored or blocked) kept the interpreter's exit waiting for it (the pool joins it).
    source = lines(tmp_path, count=600)
    first, second = tmp_path / "first-a", tmp_path / "first-b"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", STUBBORN, str(first), str(second), "convert", "-q", "-j", "2",
         "-f", "railz", "-t", "rutter", str(source), "-o", str(tmp_path / "out.jsonl")],
        capture_output=True, text=True, timeout=50, check=False, start_new_session=True,
    )  # fmt: skip
    assert done.returncode == 71, done.stderr
    assert done.stderr.endswith("a --jobs worker ran out of memory; no output file was written:"
                                " run again with fewer --jobs, or none\n")  # fmt: skip
    assert time.monotonic() - started < 30


def test_the_pool_gives_results_in_order_and_knows_nothing_of_conversion():
    import ast

    import refundmap.cli.jobs

    with contextlib.ExitStack() as stack:
        pool = refundmap.cli.jobs.Pool(stack, 2, int, ())  # int(): a set-up with nothing to do
        tasks = ((index, -index) for index in range(40))
        assert list(pool.ordered("numbers", abs, tasks)) == [(i, i) for i in range(40)]
    tree = ast.parse(Path(refundmap.cli.jobs.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {name for name in imported if name.startswith("refundmap")} == {"refundmap.cli.messages"}
