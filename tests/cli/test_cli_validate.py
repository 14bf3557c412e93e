"""The command line: output lines, exit status, stdin, JSON Lines, JSON output."""

import json
import subprocess
import sys

import pytest


def test_valid_document_exits_zero_and_prints_warnings(cli, fixtures):
    path = str(fixtures / "railz/seed-refund.json")
    status, out, err = cli("validate", "--as", "railz", path)
    assert status == 0
    assert out.splitlines() == [
        f"{path}: $.discountPercentage: warning: discountPercentage 322 is not a percentage"
        " from 0 to 100",
        f"{path}: $.lines[0].discountAmount: warning: discountAmount 0 is not"
        " discountPercentage 10.5% of quantity x unitAmount 301.5 = 31.6575",
    ]
    assert err == "refundmap: 1 document, 0 invalid, 2 warnings\n"


def test_invalid_document_exits_one_with_a_line_per_problem(cli, fixtures):
    path = str(fixtures / "invalid/railz/missing-required.json")
    status, out, _ = cli("validate", "--as", "railz", path)
    assert status == 1
    assert out.splitlines() == [
        f"{path}: $.id: required key is missing (a string)",
        f"{path}: $.date: required key is missing (an ISO 8601 date or timestamp)",
        f"{path}: $.totalAmount: expected a decimal amount, got null",
    ]


def test_strict_turns_warnings_into_errors(cli, fixtures):
    path = str(fixtures / "railz/seed-refund.json")
    status, out, _ = cli("validate", "--strict", "--as", "railz", path)
    assert status == 1
    assert f"{path}: $.discountPercentage: discountPercentage 322" in out


def test_unreadable_input_is_a_usage_error(cli, tmp_path):
    missing = tmp_path / "missing.json"
    status, out, err = cli("validate", "--as", "railz", str(missing))
    assert status == 2
    assert out == ""
    assert err == f"refundmap: {missing}: cannot read: No such file or directory\n"


def test_stdin_is_read_for_a_dash(cli, fixtures):
    data = (fixtures / "invalid/rutter/number-ids.json").read_bytes()
    status, out, _ = cli("validate", "--as", "rutter", "-", stdin=data)
    assert status == 1
    assert out.splitlines()[0] == "-: $.platform_id: expected a string, got 12345678"


def test_json_lines_are_validated_record_by_record(cli, tmp_path, fixtures):
    record = json.loads((fixtures / "railz/seed-refund.json").read_text())
    bad = dict(record, id=True)
    stream = tmp_path / "refunds.jsonl"
    stream.write_text("\n".join(json.dumps(r) for r in (record, bad)) + "\n\n")
    status, out, err = cli("validate", "--as", "railz", "--output-format", "json", str(stream))
    assert status == 1
    results = json.loads(out)
    assert [(r["line"], r["valid"]) for r in results] == [(1, True), (2, False)]
    assert results[1]["problems"] == [{"path": "$.id", "message": "expected a string, got true"}]
    assert results[0]["report"][0]["kind"] == "warning"
    assert err == "refundmap: 2 documents, 1 invalid, 2 warnings\n"


def test_text_output_names_the_json_lines_line(cli, tmp_path):
    stream = tmp_path / "r.jsonl"
    stream.write_text('{"id": "1", "date": "2024-01-01", "totalAmount": 1}\n{"id": true}\n')
    status, out, _ = cli("validate", "--as", "railz", str(stream))
    assert status == 1
    assert out.splitlines()[0] == f"{stream}:2: $.id: expected a string, got true"


@pytest.mark.parametrize("text", [b"", b"{", b"\xff\xfe", b'"x"'])
def test_bad_input_gives_a_line_not_a_traceback(cli, tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_bytes(text)
    status, out, err = cli("validate", "--as", "rutter", str(path))
    assert status == 1
    assert out.startswith(f"{path}: $: ")
    assert "Traceback" not in out + err


def test_python_dash_m_runs_the_command_line(fixtures):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "refundmap",
            "validate",
            "--as",
            "rutter-create",
            str(fixtures / "rutter-create/seed-create-request.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "refundmap: 1 document, 0 invalid, 0 warnings\n"


def test_keys_values_and_file_names_cannot_forge_lines_or_drive_the_terminal(cli, tmp_path):
    # Issue 17: a newline, CR or ESC in a key or value was printed raw.
    invalid = tmp_path / "evil\nname.json"
    invalid.write_text(
        '{"id": "1", "totalAmount": "1\\n/x.json: $.ok: fine", "date": "2024-01-01"}'
    )
    valid = tmp_path / "keys.json"
    valid.write_text(
        '{"id": "1", "totalAmount": 1, "date": "2024-01-01",'
        ' "lin\\u001b[2Jes": 5, "bad\\rkey": 1, "rtl\\u202ekey": 1}'
    )
    names = (str(invalid).replace("\n", "\\n"), str(valid), "refundmap: ")
    for argv in (["validate", "--as", "railz"], ["convert", "-f", "railz", "-t", "rutter"]):
        _, out, err = cli(*argv, str(invalid), str(valid))
        text = out + err
        assert all(line.startswith(names) for line in err.splitlines())
        assert "\x1b" not in text
        assert "\r" not in text
        assert "\u202e" not in text
        assert 'got "1\\n/x.json: $.ok: fine"' in text
    _, out, _ = cli("validate", "--as", "railz", str(valid))
    assert "$['lin\\u001b[2Jes']: warning: unknown key" in out


def test_printable_escapes_control_characters_as_json_does():
    from refundmap.report import printable

    assert printable("plain text, ünïcode") == "plain text, ünïcode"
    assert printable("a\nb\rc\td\x1b[31m\x7f\x85\u2028\u202e") == (
        "a\\nb\\rc\\td\\u001b[31m\\u007f\\u0085\\u2028\\u202e"
    )


@pytest.mark.parametrize("count", [0, 1, 3])
def test_validate_json_output_is_the_json_array_it_always_was(cli, tmp_path, count):
    # Written one element at a time now (issue 17), byte for byte json.dump(..., indent=2).
    source = tmp_path / "in.jsonl"
    record = {"id": "1", "totalAmount": 1, "date": "2024-01-01", "odd": "ü"}
    source.write_text("".join(json.dumps(dict(record, id=str(n))) + "\n" for n in range(count)))
    status, out, _ = cli("validate", "--as", "railz", "--output-format", "json", str(source))
    assert status == 0
    results = json.loads(out)
    assert len(results) == count
    assert out == json.dumps(results, indent=2, ensure_ascii=False) + "\n"
