"""Hostile input: a ValidationError (exit 1 naming the file), never a crash or a partial file."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refundmap import ValidationError, convert, validate

from helpers import HOSTILE, ROOT, SEED, TEXT, with_description, with_platform_data


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_a_validation_error(name):
    data, path, message = HOSTILE[name]
    for document in (data, data.decode("utf-8", errors="surrogateescape")):
        for call in (lambda d: validate(d, "rutter"), lambda d: convert(d, "rutter", "railz")):
            with pytest.raises(ValidationError) as exc:
                call(document)
            first = exc.value.problems[0]
            if isinstance(document, bytes) or "UTF-8" not in message:
                assert first.path == path
                assert message in first.message


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_exits_one_with_a_line_naming_the_file(cli, tmp_path, name):
    data, path, message = HOSTILE[name]
    source = tmp_path / "hostile.json"
    source.write_bytes(data)
    output = tmp_path / "out.json"
    status, out, err = cli("convert", "-f", "rutter", "-t", "railz", "-o", str(output), str(source))
    assert status == 1
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"{source}: {path}: ")
    assert message in first
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.json"]


def test_byte_order_mark_is_accepted():
    validate(b"\xef\xbb\xbf" + TEXT.encode(), "rutter")
    validate("\ufeff" + TEXT, "rutter")


def test_decoded_data_gets_the_same_rules():
    record = dict(SEED, document_number="\udc00")
    with pytest.raises(ValidationError, match="lone UTF-16 surrogate"):
        validate(record, "rutter")
    deep: dict = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ValidationError, match="nested too deeply"):
        validate(dict(SEED, platform_data=deep), "rutter")
    with pytest.raises(ValidationError, match=r"\$\.total_amount: nan is not a JSON number"):
        validate(dict(SEED, total_amount=float("nan")), "rutter")


def test_nesting_the_parser_accepts_is_also_written():
    text = with_platform_data("[" * 900 + "]" * 900)
    assert convert(text, "rutter", "rutter").to_json().count("[") == 901


def test_a_valid_surrogate_pair_is_text():
    result = convert(with_description('"\\ud83d\\ude00"'), "rutter", "rutter")
    assert result.output["line_items"][0]["description"] == "\U0001f600"


def test_a_100_megabyte_string_is_carried():
    big = "x" * 100_000_000
    result = convert(with_description(json.dumps(big)), "rutter", "railz")
    assert result.output["lines"][0]["description"] == big


def _stream(path: Path, count: int) -> None:
    record = json.dumps(json.loads((ROOT / "fixtures/railz/seed-refund.json").read_text()))
    path.write_text((record + "\n") * count)


@pytest.mark.parametrize(
    ("stop", "status"),
    [
        (signal.SIGINT, 130),
        (signal.SIGTERM, 128 + signal.SIGTERM),
        (signal.SIGHUP, 128 + signal.SIGHUP),
    ],
)
def test_interrupting_a_conversion_leaves_no_output_file(tmp_path, stop, status):
    # SIGTERM and SIGHUP (timeout, docker stop, CI cancellation) left .part files (issue 17).
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _stream(source, 200_000)
    output.write_text("before\n")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "refundmap",
            "convert",
            "-f",
            "railz",
            "-t",
            "rutter",
            str(source),
            "-o",
            str(output),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.jsonl.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the conversion is writing its partial file
    time.sleep(0.5)
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status
    assert "Traceback" not in err
    assert output.read_text() == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_a_closed_pipe_ends_quietly(tmp_path):
    source = tmp_path / "in.jsonl"
    _stream(source, 20_000)
    result = subprocess.run(  # noqa: S602 - the shell makes the pipe under test
        f"{sys.executable} -m refundmap convert -q -f railz -t rutter {source} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    )
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def _peak_rss_kib(source: Path, output: Path, *command: str) -> int:
    # VmHWM is the child's own peak; ru_maxrss survives exec on Linux, so a
    # child of this (large) test process would report the parent's peak.
    code = (
        "import sys\n"
        "from refundmap.cli import main\n"
        "convert = ['convert', '-f', 'railz', '-t', 'rutter', sys.argv[1], '-o', sys.argv[2]]\n"
        "argv = sys.argv[3:] or convert\n"
        "status = main([a.replace('SOURCE', sys.argv[1]) for a in argv])\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(source), str(output), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.splitlines()[-1])  # after what the command printed


def test_json_lines_memory_does_not_grow_with_the_input(tmp_path):
    # Ten times the records, the same peak memory: records are read, converted
    # and written one at a time. (A million records, by hand: see docs/performance.md.)
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    _stream(small, 1_000)
    _stream(large, 10_000)
    small_peak = _peak_rss_kib(small, tmp_path / "small.out")
    large_peak = _peak_rss_kib(large, tmp_path / "large.out")
    assert large_peak < small_peak + 5_000, (small_peak, large_peak)
    assert small_peak < 100_000  # KiB: the child's own peak, not its parent's


@pytest.mark.parametrize("output", ["text", "json"])
def test_validating_json_lines_streams_in_flat_memory(tmp_path, output):
    # Issue 17: validate held every outcome and printed at the end (922 MB for 1 GB).
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    _stream(small, 1_000)
    _stream(large, 10_000)
    command = ("validate", "--as", "railz", "--output-format", output, "SOURCE")
    small_peak = _peak_rss_kib(small, tmp_path / "unused", *command)
    large_peak = _peak_rss_kib(large, tmp_path / "unused", *command)
    assert large_peak < small_peak + 5_000, (small_peak, large_peak)


# -- decoded input meets the rules of text (issue 17) ------------------------------------------


def _v2(**changes):
    return {"id": "1", "totalAmount": 1, "postedDate": "2024-01-01", **changes}


@pytest.mark.parametrize(
    "number", [10**5000, 10**1001, -(10**1001)], ids=["5000-digits", "1e1001", "-1e1001"]
)
def test_a_huge_python_int_in_decoded_input_is_refused_like_its_text(number):
    # A 5,000-digit int converted, then to_json() raised ValueError; 10**1001 made
    # output that did not validate again.
    with pytest.raises(ValidationError) as exc:
        convert(_v2(passThrough={"n": number}), "railz-v2", "railz-v2")
    assert str(exc.value.problems[0]).startswith("$.passThrough: holds a number beyond 10^")


def test_mappings_and_sequences_of_any_kind_are_json():
    from collections import OrderedDict, UserDict

    document = OrderedDict(_v2(accountRef=UserDict(id="35"), lines=(UserDict(amount=1),)))
    result = convert(document, "railz-v2", "rutter", synced_at="2024-06-30T12:00:00Z")
    assert result.output["line_items"][0]["total_amount"] == 1


def test_to_json_does_not_depend_on_the_callers_stack_depth():
    nested: dict = {}
    inner = nested
    for _ in range(600):
        inner["k"] = {}
        inner = inner["k"]
    result = convert(_v2(passThrough=nested), "railz-v2", "railz-v2")
    expected = result.to_json()

    def deep(levels: int) -> str:  # the caller is already deep in its own stack
        return result.to_json() if levels == 0 else deep(levels - 1)

    assert deep(sys.getrecursionlimit() - 200) == expected
    assert json.loads(expected)["passThrough"]


# -- a file that changes while it is converted (issue 23) ------------------------------

RAILZ_PAGE = json.loads((ROOT / "fixtures/railz/quickbooks-list.json").read_text())


def changed_after_its_scan(monkeypatch, change):
    """Run ``change(path)`` right after the command has scanned a file (as logrotate might)."""
    import refundmap.cli.convert

    real = refundmap.cli.convert.scan

    def scan_then_change(stream, records):
        layout = real(stream, records)
        change(Path(stream.name))
        return layout

    monkeypatch.setattr(refundmap.cli.convert, "scan", scan_then_change)


def changed_after_its_first_record(monkeypatch, change):
    """Run ``change(path)`` once the command has read back a page's first record."""
    import refundmap.cli.files

    real = refundmap.cli.files.read_spans

    def read_then_change(stream, spans):
        texts = real(stream, spans)
        yield next(texts)
        change(Path(stream.name))
        yield from texts

    monkeypatch.setattr(refundmap.cli.files, "read_spans", read_then_change)


def truncate(path: Path) -> None:
    with path.open("r+b") as file:  # copytruncate: the same file, emptied
        file.truncate(0)


def halve(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)


def rewrite(path: Path) -> None:  # the same size, other bytes, in place
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"id": "', b'"id":"  ', 1))
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))


def replace(path: Path) -> None:  # a rename over it: its name now names another file
    new = path.with_name("new.json")
    new.write_bytes(path.read_bytes())
    new.replace(path)


@pytest.mark.parametrize("when", [changed_after_its_scan, changed_after_its_first_record])
@pytest.mark.parametrize("change", [truncate, halve, rewrite, replace])
@pytest.mark.parametrize("extra", [(), ("--rejects", "rejects.jsonl"), ("--jobs", "2")])
@pytest.mark.parametrize("shape", ["page", "array"])
def test_a_page_changed_while_it_is_read_fails_and_writes_nothing(
    cli, tmp_path, monkeypatch, *, when, change, extra, shape
):
    rows = [dict(RAILZ_PAGE["data"][n % len(RAILZ_PAGE["data"])], id=str(n)) for n in range(600)]
    source = tmp_path / "page.json"
    source.write_text(json.dumps({**RAILZ_PAGE, "data": rows} if shape == "page" else rows))
    (tmp_path / "out.json").write_text("old")
    when(monkeypatch, change)
    monkeypatch.chdir(tmp_path)
    status, out, err = cli(
        "convert", "-q", "-f", "railz", "-t", "rutter", "page.json", "-o", "out.json", *extra
    )
    assert status == 74, err
    assert out == ""
    assert err.startswith("refundmap: page.json: changed while it was read (")
    assert err.count("\n") == 1, err  # one line: no record blamed for the change
    assert (tmp_path / "out.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "page.json"]


def test_a_page_unchanged_converts_as_before(cli, tmp_path, monkeypatch):
    source = tmp_path / "page.json"
    source.write_text(json.dumps(RAILZ_PAGE))
    changed_after_its_scan(monkeypatch, lambda path: path.read_bytes())  # read, not changed
    status, out, err = cli("convert", "-q", "-f", "railz", "-t", "rutter", str(source))
    assert status == 0, err
    assert json.loads(out)["customer_refunds"]


# -- a file name that is not UTF-8 (issue 23) ----------------------------------------

BAD_NAME = b"caf\xe9.json"  # Latin-1: Python names it caf\udce9.json


def run_bytes(*argv, cwd):
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"refundmap", *argv],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
    )


@pytest.fixture
def badly_named(tmp_path):
    page = json.loads((ROOT / "fixtures/railz/quickbooks-list.json").read_text())
    page["data"].insert(1, dict(page["data"][0], id="BAD", accountRef=None))  # no account
    try:
        (tmp_path / os.fsdecode(BAD_NAME)).write_text(json.dumps(page))
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes UTF-8 names only")
    return tmp_path


@pytest.mark.parametrize("report", [b"report.txt", b"report.json"])
def test_a_name_not_utf8_is_written_with_its_bytes_escaped(badly_named, report):
    argv = [b"convert", b"-f", b"railz", b"-t", b"rutter", BAD_NAME, b"-o", b"out.json"]
    done = run_bytes(*argv, b"--report", report, b"--rejects", b"rej.jsonl", cwd=badly_named)
    assert done.returncode == 3, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"caf\\xe9.json: $.data[1].accountRef.id: rejected:" in done.stderr
    rejects = [json.loads(line) for line in (badly_named / "rej.jsonl").read_bytes().splitlines()]
    assert [row["file"] for row in rejects] == ["caf\\xe9.json"]
    text = (badly_named / report.decode()).read_bytes().decode("utf-8")  # valid UTF-8
    if report.endswith(b".json"):
        assert {row["file"] for row in json.loads(text)["entries"]} == {"caf\\xe9.json"}
        assert "\\ud" not in text  # no lone surrogate escaped in JSON either
    else:
        assert text.startswith("caf\\xe9.json: ")


@pytest.mark.parametrize("output", [b"text", b"json"])
def test_validate_writes_a_name_not_utf8_as_valid_unicode(badly_named, output):
    (badly_named / os.fsdecode(BAD_NAME)).write_text('{"totalAmount": "lots"}')
    done = run_bytes(b"validate", b"-f", b"railz", b"--output-format", output, BAD_NAME,
                     cwd=badly_named)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    text = done.stdout.decode("utf-8")  # strict: valid Unicode
    if output == b"json":
        assert [result["file"] for result in json.loads(text)] == ["caf\\xe9.json"]
        assert "\\ud" not in text
    else:
        assert text.startswith("caf\\xe9.json: $")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_lines_truncated_while_read_fail_and_write_nothing(cli, tmp_path, monkeypatch, jobs):
    import refundmap.cli.files

    row = json.dumps(RAILZ_PAGE["data"][0])
    source = tmp_path / "in.jsonl"
    source.write_text((row + "\n") * 3000)
    real = refundmap.cli.files._Watched.truncated

    def cut_first(self):  # copytruncate, just before the end was read
        with source.open("r+b") as file:
            file.truncate(len(row) + 1)
        real(self)

    monkeypatch.setattr(refundmap.cli.files._Watched, "truncated", cut_first)
    (tmp_path / "out.jsonl").write_text("old")
    status, _, err = cli("convert", "-q", "-j", jobs, "-f", "railz", "-t", "rutter",
                           str(source), "-o", str(tmp_path / "out.jsonl"))  # fmt: skip
    assert status == 74, err
    assert err.startswith(f"refundmap: {source}: changed while it was read (")
    assert (tmp_path / "out.jsonl").read_text() == "old"
