"""refundmap validate -f auto, --recursive and --fail-on, run as a user runs them."""

import json

import pytest

from refundmap import FORMATS

from helpers import ROOT

FIXTURES = ROOT / "fixtures"


@pytest.fixture
def refundmap(run):
    """The command, in-process, run from the repository's root unless told."""
    return lambda *args, cwd=ROOT: run(*args, cwd=cwd)


@pytest.mark.parametrize("fmt", FORMATS)
def test_auto_on_every_fixture_says_what_the_format_named_says(refundmap, fmt):
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


def test_a_document_formats_fit_equally_is_refused_naming_them(refundmap, tmp_path):
    page = tmp_path / "empty.json"
    page.write_text('{"data": []}')
    done = refundmap("validate", "-f", "AUTO", page)
    assert done.returncode == 1
    assert done.stdout == (
        f"{page}: $: the format cannot be told: it could be railz or railz-v2; give the format\n"
    )


def test_a_folder_needs_recursive(refundmap):
    done = refundmap("validate", "-f", "auto", FIXTURES / "railz")
    assert done.returncode == 2
    assert done.stderr == (
        f"refundmap: {FIXTURES / 'railz'} is a folder: give --recursive to read its files\n"
    )


def test_recursive_reads_json_lines_and_leaves_other_files(refundmap, tmp_path):
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
        ("unknown-key", 1, ["$.locationRefs: fail_on unknown-key: unknown key"]),
        ("total,dropped,untranslated", 0, []),
        (
            "warning",
            1,
            ["$.locationRefs: fail_on warning: unknown key", "$.currencyRef.id: fail_on warning:"],
        ),
    ],
)
def test_validate_fail_on_fails_exactly_on_the_kinds_named(
    refundmap, kinds, status, named, tmp_path
):
    # NetSuite's refund (its currency id is a warning), and a key the format does not have.
    document = json.loads((FIXTURES / "railz" / "netsuite-refund.json").read_text())
    fixture = tmp_path / "netsuite.json"
    fixture.write_text(json.dumps({"locationRefs": [{"id": "2"}], **document}))
    done = refundmap("validate", "-f", "railz", *(["--fail-on", kinds] if kinds else []), fixture)
    assert done.returncode == status
    lines = done.stdout.splitlines()
    if status:
        assert len(lines) == len(named)
        for line, start in zip(lines, named, strict=True):
            assert line.startswith(f"{fixture}: {start}")
    else:
        assert all(": warning: " in line for line in lines)  # reported, not failed


def test_an_unknown_fail_on_kind_is_a_usage_error(refundmap):
    done = refundmap("validate", "-f", "railz", "--fail-on", "totals", "x.json")
    assert done.returncode == 2
    assert done.stderr.endswith(
        "argument --fail-on: unknown kind 'totals'; the kinds are total, untranslated, dropped,"
        " warning, unknown-key\n"
    )


# -- convert: --fail-on, --missing-refs, --from auto ---------------------------------------

#: (fixture, source, target) whose report holds each kind (tests/core/test_gate.py's CASES).
CONVERT_CASES = {
    "total": ("rutter/quickbooks-list.json", "rutter", "rutter-create"),
    "untranslated": ("railz/xero-list.json", "railz", "rutter-create"),
    "dropped": ("railz/xero-list.json", "railz", "railz-v2"),
    "unknown-key": ("unknown-key.json", "railz", "railz"),
}


@pytest.mark.parametrize("kind", CONVERT_CASES)
def test_convert_fail_on_exits_1_naming_each_and_writes_nothing(refundmap, kind, tmp_path):
    name, source, target = CONVERT_CASES[kind]
    if kind == "unknown-key":  # a page with a key no format has
        page = json.loads((FIXTURES / "railz/xero-list.json").read_text())
        page["data"][0]["locationRefs"] = [{"id": "7"}]
        (tmp_path / name).write_text(json.dumps(page))
        name = tmp_path / name
    out = tmp_path / "out.json"
    passed = refundmap("convert", "-f", source, "-t", target, FIXTURES / name, "-o", out, "-q")
    assert passed.returncode == 0
    out.unlink()
    other = "warning" if kind == "dropped" else "dropped"
    done = refundmap(
        "convert",
        "-f",
        source,
        "-t",
        target,
        "--fail-on",
        f"{kind},{other}",
        FIXTURES / name,
        "-o",
        out,
    )
    assert done.returncode == 1
    assert not out.exists()
    named = [line for line in done.stderr.splitlines() if f": fail_on {kind}: " in line]
    assert named
    assert all(line.startswith(f"{FIXTURES / name}: $.") for line in named)


def test_convert_fail_on_a_kind_the_report_lacks_converts(refundmap):
    done = refundmap(
        "convert",
        "-f",
        "railz",
        "-t",
        "railz-v2",
        "--fail-on",
        "total,untranslated,unknown-key",
        FIXTURES / "railz/xero-list.json",
        "-q",
    )
    assert done.returncode == 0
    assert done.stdout.startswith("{")


def test_convert_fail_on_with_rejects_sets_the_records_aside_and_exits_3(refundmap, tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    done = refundmap(
        "convert",
        "-f",
        "rutter",
        "-t",
        "rutter-create",
        "--fail-on",
        "total",
        FIXTURES / "rutter/quickbooks-list.json",
        "-o",
        tmp_path / "out.json",
        "--rejects",
        rejects,
        "-q",
    )
    assert done.returncode == 3
    (row,) = rejects.read_text().splitlines()
    assert '"message":"fail_on total: the total changes from ' in row


def test_missing_refs_writes_each_distinct_id_once_ready_for_refs(refundmap, tmp_path):
    missing = tmp_path / "missing.csv"
    done = refundmap(
        "convert",
        "-f",
        "railz",
        "-t",
        "rutter-create",
        FIXTURES / "railz/xero-list.json",
        "-o",
        tmp_path / "out.json",
        "--missing-refs",
        missing,
        "-q",
    )
    assert done.returncode == 0
    rows = missing.read_text().splitlines()
    assert rows[0] == "kind,rutter_id,platform_id,name"
    assert "account,,200,Sales" in rows  # with the name the source gives it
    assert len(rows) == len(set(rows)) == 7
    assert '(6 distinct: account "200" (Sales) 2 times, ' in done.stderr
    completed = tmp_path / "refs.csv"
    completed.write_text(
        "\n".join(
            [rows[0]]
            + [
                row.replace(",,", f",00000000-0000-4000-8000-{n:012},", 1)
                for n, row in enumerate(rows[1:])
            ]
        )
        + "\n"
    )
    done = refundmap(
        "convert",
        "-f",
        "railz",
        "-t",
        "rutter-create",
        FIXTURES / "railz/xero-list.json",
        "--refs",
        completed,
        "--fail-on",
        "untranslated",
        "-q",
    )
    assert done.returncode == 0, done.stderr


def test_convert_from_auto_tells_the_format_of_the_first_input(refundmap, tmp_path):
    told = refundmap(
        "convert", "--from", "auto", "-t", "rutter-create", "-q", FIXTURES / "railz/xero-list.json"
    )
    named = refundmap(
        "convert", "--from", "railz", "-t", "rutter-create", "-q", FIXTURES / "railz/xero-list.json"
    )
    assert (told.returncode, told.stdout) == (0, named.stdout)
    empty = tmp_path / "empty.json"
    empty.write_text('{"data": []}')
    done = refundmap("convert", "--from", "auto", "-t", "rutter", empty)
    assert done.returncode == 2
    assert done.stderr == (
        f"refundmap: --from auto: {empty}: the format cannot be told: it could be railz or"
        " railz-v2; give the format\n"
    )
