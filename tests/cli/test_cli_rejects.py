"""The command line explains itself: rejects for JSON pages, warnings, reports, JSON Lines, flags.

The command runs in-process (the ``run`` fixture: exit status, stdout and stderr as
a child would give them); the progress line is drawn by a child, on a real stderr.
"""

import json
import subprocess
import sys

import pytest

from helpers import FIXTURES

SYNCED = ("--synced-at", "2024-06-30T12:00:00Z")


def page_with_a_bad_record(tmp_path):
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    page["data"].insert(1, dict(page["data"][0], id="BAD", accountRef=None))  # no account
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    return page, path


# -- a page with one bad record -------------------------------------------------------


def test_a_page_with_one_bad_record_converts_the_rest_and_exits_3(run, tmp_path):
    page, path = page_with_a_bad_record(tmp_path)
    done = run("convert", "-f", "railz", "-t", "rutter", *SYNCED, path, "-o", "out.json",
               "--rejects", "bad.jsonl", "--report", "report.json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 3, done.stderr
    out = json.loads((tmp_path / "out.json").read_text())
    assert [r["platform_id"] for r in out["customer_refunds"]] == [
        r["id"] for r in page["data"] if r["id"] != "BAD"
    ]
    (rejected,) = [json.loads(line) for line in (tmp_path / "bad.jsonl").read_text().splitlines()]
    assert rejected["path"] == "$.data[1]"
    assert rejected["input"]["id"] == "BAD"
    assert rejected["problems"] == [
        {
            "path": "$.data[1].accountRef.id",
            "message": "Rutter requires account_id, and the refund has no accountRef",
        }
    ]
    assert "$.data[1].accountRef.id: rejected: Rutter requires" in done.stderr
    assert ", 1 rejected" in done.stderr
    # The report's paths are the input's: the record after the bad one is $.data[2].
    report = json.loads((tmp_path / "report.json").read_text())
    sources = {entry["source_path"].split(".lines")[0] for entry in report["entries"]}
    assert "$.data[2].accountRef.id" in {e["source_path"] for e in report["entries"]}
    assert not any(source.startswith("$.data[1]") for source in sources)


def test_an_array_with_one_bad_record(run, tmp_path):
    record = json.loads((FIXTURES / "railz/seed-refund.json").read_text())
    bad = dict(record, totalAmount="twelve")
    (tmp_path / "in.json").write_text(json.dumps([record, bad, record]))
    done = run("convert", "-f", "railz", "-t", "rutter", *SYNCED, "in.json", "--rejects",
               "bad.jsonl", "-q", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 3
    assert len(json.loads(done.stdout)) == 2
    (rejected,) = [json.loads(line) for line in (tmp_path / "bad.jsonl").read_text().splitlines()]
    assert (rejected["path"], rejected["error"]) == ("$[1]", "validation")
    assert rejected["problems"][0]["path"] == "$[1].totalAmount"


def test_an_element_that_is_an_array_is_rejected_and_the_pages_converted(run, tmp_path):
    # Issue 23 item 8: [page, []] was an IndexError traceback with --rejects.
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    (tmp_path / "in.json").write_text(json.dumps([page, [], page, [page]]))
    done = run("convert", "-f", "railz", "-t", "rutter", *SYNCED, "in.json", "-o", "out.json",
               "--rejects", "bad.jsonl", "-q", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    out = json.loads((tmp_path / "out.json").read_text())
    assert len(out) == 2
    assert all(len(p["customer_refunds"]) == len(page["data"]) for p in out)
    rows = [json.loads(line) for line in (tmp_path / "bad.jsonl").read_text().splitlines()]
    assert [(r["path"], r["error"], r["input"]) for r in rows] == [
        ("$[1]", "validation", []),
        ("$[3]", "validation", [page]),
    ]
    assert rows[0]["problems"] == [{"path": "$[1]", "message": "expected an object, got an array"}]


def test_without_rejects_a_bad_record_fails_the_whole_document(run, tmp_path):
    _, path = page_with_a_bad_record(tmp_path)
    done = run("convert", "-f", "railz", "-t", "rutter", path, "-o", "out.json", cwd=tmp_path)
    assert done.returncode == 1
    assert not (tmp_path / "out.json").exists()


def test_a_document_that_is_not_json_is_rejected_whole(run, tmp_path):
    (tmp_path / "in.json").write_text("{nope")
    done = run("convert", "-f", "railz", "-t", "rutter", "in.json", "--rejects", "bad.jsonl",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 3
    (rejected,) = [json.loads(line) for line in (tmp_path / "bad.jsonl").read_text().splitlines()]
    assert (rejected["path"], rejected["input"]) == ("$", "{nope")


# -- warnings and reports -------------------------------------------------------------


def test_warnings_go_to_stderr_and_quiet_silences_them(run, tmp_path):
    seed = FIXTURES / "railz/seed-refund.json"
    done = run("convert", "-f", "railz", "-t", "rutter", seed, cwd=tmp_path)
    warnings = [line for line in done.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 7
    assert warnings[0] == (
        f"{seed}: $.discountPercentage: warning: discountPercentage 322 is not a percentage"
        " from 0 to 100"
    )
    quiet = run("convert", "-q", "-f", "railz", "-t", "rutter", seed, cwd=tmp_path)
    assert ": warning: " not in quiet.stderr
    assert quiet.stderr.startswith("refundmap: 1 record")


@pytest.mark.parametrize(
    ("name", "option", "text"),
    [("r.txt", (), True), ("r.log", (), True), ("r.json", (), False), ("r.out", (), False),
     ("r.json", ("--report-format", "text"), True), ("r.txt", ("--report-format", "json"), False)],
)  # fmt: skip
def test_the_report_is_text_or_json_by_extension_or_option(run, tmp_path, name, option, text):
    seed = FIXTURES / "railz/seed-refund.json"
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", seed, "-o", "out.json",
               "--report", name, *option, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    content = (tmp_path / name).read_text()
    if text:
        assert f"{seed}: dropped: $.subTotal: rutter has no field for it\n" in content
        assert "\ncounts (kind, path, entries):\n" in content
    else:
        report = json.loads(content)
        assert len(report["entries"]) == 22
        assert {"kind": "dropped", "path": "$.lines[*].taxAmount", "count": 1} in report["counts"]


def test_report_kinds_filter_the_report_and_counts_sum_over_records(run, tmp_path):
    page = FIXTURES / "railz/quickbooks-list.json"
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", page, "-o", "out.json",
               "--report", "r.json", "--report-kinds", "dropped,warning", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert {entry["kind"] for entry in report["entries"]} == {"dropped", "warning"}
    counts = {(row["kind"], row["path"]): row["count"] for row in report["counts"]}
    records = len(json.loads(page.read_text())["data"])
    assert counts["warning", "$.data[*].accountRef.id"] == records
    bad = run("convert", "-f", "railz", "-t", "rutter", page, "--report", "r.json",
              "--report-kinds", "dropped,lost", cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 2
    assert "unknown kind 'lost'; the kinds are dropped, omitted" in bad.stderr


# -- JSON Lines ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["in.ndjson", "in.JSONL", "in.NDJSON", "in.jsonl"])
def test_json_lines_by_extension_in_any_case(run, tmp_path, name):
    line = (FIXTURES / "railz/seed-refund.json").read_text().replace("\n", "")
    (tmp_path / name).write_text(line + "\n" + line + "\n")
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


def test_json_lines_on_stdin_need_jsonl_and_extra_data_says_so(run, tmp_path):
    line = (FIXTURES / "railz/seed-refund.json").read_text().replace("\n", "")
    lines = line + "\n" + line + "\n"
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", "--jsonl", cwd=tmp_path, stdin=lines)
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 2
    plain = run("convert", "-f", "railz", "-t", "rutter", cwd=tmp_path, stdin=lines)
    assert plain.returncode == 1
    assert "Extra data: a second JSON value after the first (JSON Lines?" in plain.stderr
    assert "--jsonl" in plain.stderr


def test_an_empty_file_says_it_is_empty(run, tmp_path):
    (tmp_path / "empty.json").write_text("")
    done = run("validate", "-f", "railz", "empty.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "empty.json: $: the document is empty" in done.stdout


# -- flags -----------------------------------------------------------------------------------


def test_progress_is_shown_when_asked_and_cleared(run, tmp_path):
    line = (FIXTURES / "railz/seed-refund.json").read_text().replace("\n", "")
    (tmp_path / "in.jsonl").write_text((line + "\n") * 50)
    command = [sys.executable, "-m", "refundmap", "convert", "-q", "--progress", "-f", "railz",
               "-t", "rutter", "in.jsonl", "-o", "out.jsonl"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0
    assert b"\rrefundmap: 1 record, " in done.stderr  # drawn at once when asked for
    assert done.stderr.split(b"\r\x1b[K")[-1].startswith(b"refundmap: 50 records")
    quiet = run("convert", "-q", "--no-progress", "-f", "railz", "-t", "rutter", "in.jsonl",
                "-o", "out.jsonl", cwd=tmp_path)  # fmt: skip
    assert "\r" not in quiet.stderr


def test_stdout_has_what_converted_before_a_failure_as_help_and_readme_say(run, tmp_path):
    # Exit 1 said "nothing is written" while JSON Lines on stdout had the records before
    # the bad one (issue 23): stdout is a stream; what it holds is now said exactly.
    seed = json.loads((FIXTURES / "railz/seed-refund.json").read_text())
    good = json.dumps(seed)
    (tmp_path / "in.jsonl").write_text(
        f"{good}\n{good}\n{json.dumps({**seed, 'accountRef': None})}\n{good}\n"
    )
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", *SYNCED, "in.jsonl", cwd=tmp_path)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 2  # the records before line 3, each whole
    assert all(json.loads(line)["platform_id"] for line in done.stdout.splitlines())
    assert "in.jsonl:3: $." in done.stderr
    # A document is never written in part; an earlier input is written whole.
    _, page = page_with_a_bad_record(tmp_path)
    (tmp_path / "one.json").write_text(good)
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", *SYNCED, "one.json", page.name,
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert [json.loads(line)["platform_id"] for line in done.stdout.splitlines()] == ["1"]
    # --rejects keeps the good records: all of them, exit 3.
    done = run("convert", "-q", "-f", "railz", "-t", "rutter", *SYNCED, "in.jsonl",
               "--rejects", "bad.jsonl", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 3
    assert len(done.stdout.splitlines()) == 3
    help_text = run("convert", "--help", cwd=tmp_path).stdout
    assert "stdout (no -o) has what was converted before it" in help_text
    assert "(nothing is written)" not in help_text
    readme = (FIXTURES.parent / "docs/cli.md").read_text()
    assert "stdout (no `-o`) is a stream and has what was converted before the failure" in readme


def test_a_document_whose_envelope_is_broken_is_rejected_whole_as_its_json(run, tmp_path):
    """docs/cli.md: `input` is a JSON document's value, a JSON Lines line's text."""
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    page["count"] = "two"
    (tmp_path / "in.json").write_text(json.dumps(page))
    (tmp_path / "in.jsonl").write_text(json.dumps(page["data"][0]) + "\n" + '{"id": true}\n')
    for name in ("in.json", "in.jsonl"):
        done = run("convert", "-f", "railz", "-t", "rutter", *SYNCED, name, "-o", f"{name}.out",
                   "--rejects", f"{name}.bad", "-q", cwd=tmp_path)  # fmt: skip
        assert done.returncode == 3, done.stderr
    (whole,) = [json.loads(line) for line in (tmp_path / "in.json.bad").read_text().splitlines()]
    assert (whole["path"], whole["input"]) == ("$", page)
    (line,) = [json.loads(line) for line in (tmp_path / "in.jsonl.bad").read_text().splitlines()]
    assert (line["line"], line["input"]) == (2, '{"id": true}')
