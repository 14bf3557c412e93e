"""refundmap validate -f auto, --recursive and --fail-on, run as a user runs them."""

import subprocess
import sys
from pathlib import Path

import pytest

from refundmap import FORMATS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def refundmap(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "refundmap", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_auto_on_every_fixture_says_what_the_format_named_says(fmt):
    files = sorted((FIXTURES / fmt).glob("*.json"))
    named = refundmap("validate", "-f", fmt, *files)
    told = refundmap("validate", "-f", "auto", "--recursive", FIXTURES / fmt)
    assert (told.returncode, told.stdout, told.stderr) == (
        named.returncode,
        named.stdout,
        named.stderr,
    )
    assert told.returncode == 0
    assert f"{len(files)} document{'s' * (len(files) != 1)}, 0 invalid" in told.stderr


def test_a_document_formats_fit_equally_is_refused_naming_them(tmp_path):
    page = tmp_path / "empty.json"
    page.write_text('{"data": []}')
    done = refundmap("validate", "-f", "AUTO", page)
    assert done.returncode == 1
    assert done.stdout == (
        f"{page}: $: the format cannot be told: it could be railz or railz-v2; give the format\n"
    )


def test_a_folder_needs_recursive():
    done = refundmap("validate", "-f", "auto", FIXTURES / "railz")
    assert done.returncode == 2
    assert done.stderr == (
        f"refundmap: {FIXTURES / 'railz'} is a folder: give --recursive to read its files\n"
    )


def test_recursive_reads_json_lines_and_leaves_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_bytes(
        (FIXTURES / "railz-v2/quickbooks-refund.json").read_bytes().replace(b"\n", b"") + b"\n"
    )
    (tmp_path / "notes.txt").write_text("not a payload")
    done = refundmap("validate", "-f", "auto", "-r", tmp_path)
    assert done.returncode == 0, done.stdout
    assert "1 document, 0 invalid" in done.stderr


@pytest.mark.parametrize(
    ("kinds", "status", "named"),
    [
        ("", 0, []),
        ("unknown-key", 1, ["$.locationRef: fail_on unknown-key: unknown key"]),
        ("total,dropped,untranslated", 0, []),
        (
            "warning",
            1,
            ["$.locationRef: fail_on warning: unknown key", "$.currencyRef.id: fail_on warning:"],
        ),
    ],
)
def test_validate_fail_on_fails_exactly_on_the_kinds_named(kinds, status, named):
    fixture = FIXTURES / "railz" / "netsuite-refund.json"
    done = refundmap("validate", "-f", "railz", *(["--fail-on", kinds] if kinds else []), fixture)
    assert done.returncode == status
    lines = done.stdout.splitlines()
    if status:
        assert len(lines) == len(named)
        for line, start in zip(lines, named, strict=True):
            assert line.startswith(f"{fixture}: {start}")
    else:
        assert all(": warning: " in line for line in lines)  # reported, not failed


def test_an_unknown_fail_on_kind_is_a_usage_error():
    done = refundmap("validate", "-f", "railz", "--fail-on", "totals", "x.json")
    assert done.returncode == 2
    assert done.stderr.endswith(
        "argument --fail-on: unknown kind 'totals'; the kinds are total, untranslated, dropped,"
        " warning, unknown-key\n"
    )
