"""refundmap convert: outputs, report, JSON Lines, rejects, atomicity, exit status."""

import json

import pytest

from helpers import ROOT

SYNCED = "2024-06-30T12:00:00.000Z"


def test_converts_a_file_to_stdout_like_the_golden_output(cli, fixtures):
    status, out, err = cli(
        "convert",
        "--from",
        "rutter",
        "--to",
        "railz",
        "--indent",
        "2",
        "--synced-at",
        SYNCED,
        "-q",
        str(fixtures / "rutter/seed-list.json"),
    )
    assert status == 0
    assert out == (fixtures / "expected/rutter/seed-list.railz.json").read_text()
    # The seed's one line gets Railz's figures (4 derived), and its total, which does
    # not add up, fails the output's subTotal check (a warning).
    assert err == (
        "refundmap: 1 record, 4 dropped, 7 omitted, 7 derived, 1 synthesized, 8 warnings\n"
        "refundmap: 6 reference ids copied untranslated into the other vendor's id space"
        ' (5 distinct: account "00000000-0000-0000-0000-000000000000" 2 times, customer'
        ' "00000000-0000-0000-0000-000000000000" once, tax rate'
        ' "00000000-0000-0000-0000-000000000000" once, class'
        ' "00000000-0000-0000-0000-000000000000" once, item'
        ' "00000000-0000-0000-0000-000000000000" once);'
        " give --refs FILE (Rutter reference lists, or a CSV kind,rutter_id,platform_id,name)"
        " to translate them\n"
    )


def test_stdin_and_no_input_read_stdin(cli, fixtures):
    data = (fixtures / "railz/seed-refund.json").read_bytes()
    for argv in ([], ["-"]):
        status, out, _ = cli(
            "convert", "-f", "railz", "-t", "rutter", "--synced-at", SYNCED, *argv, stdin=data
        )
        assert status == 0
        assert json.loads(out)["platform_id"] == "1"


def test_output_file_and_report_file(cli, tmp_path, fixtures):
    output, report = tmp_path / "out.json", tmp_path / "report.json"
    status, out, _ = cli(
        "convert",
        "-f",
        "railz",
        "-t",
        "rutter-create",
        "-o",
        str(output),
        "--report",
        str(report),
        str(fixtures / "railz/seed-refund.json"),
    )
    assert status == 0
    assert out == ""
    assert json.loads(output.read_text()) == json.loads(
        (fixtures / "expected/railz/seed-refund.rutter-create.json").read_text()
    )
    entries = json.loads(report.read_text())["entries"]
    expected = json.loads(
        (fixtures / "expected/railz/seed-refund.rutter-create.report.json").read_text()
    )
    assert [{k: v for k, v in e.items() if k not in ("file", "line")} for e in entries] == expected


def test_several_inputs_go_to_a_directory(cli, tmp_path, fixtures):
    paths = [str(fixtures / "railz/seed-refund.json"), str(fixtures / "railz/xero-list.json")]
    status, _, _ = cli("convert", "-f", "railz", "-t", "rutter", "-o", str(tmp_path), *paths)
    assert status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed-refund.json", "xero-list.json"]


def test_an_input_listed_twice_into_a_directory_is_refused(cli, tmp_path, fixtures):
    path = str(fixtures / "railz/seed-refund.json")
    status, _, err = cli(
        "convert", "-f", "railz", "-t", "rutter", "-o", str(tmp_path / "x") + "/", path, path
    )
    assert status == 2
    assert "would be the same file" in err
    assert not (tmp_path / "x").exists()  # refused before anything was made


def test_failure_leaves_the_existing_output_as_it_was(cli, tmp_path, fixtures):
    output = tmp_path / "out.json"
    output.write_text("precious\n")
    invalid = str(fixtures / "invalid/railz/missing-required.json")
    status, _, err = cli("convert", "-f", "railz", "-t", "rutter", "-o", str(output), invalid)
    assert status == 1
    assert output.read_text() == "precious\n"
    assert list(tmp_path.iterdir()) == [output]
    assert err.splitlines()[0] == f"{invalid}: $.id: required key is missing (a string)"


def test_a_mapping_error_exits_one_with_source_paths(cli, fixtures):
    status, out, err = cli(
        "convert",
        "-f",
        "rutter",
        "-t",
        "railz",
        str(fixtures / "rutter/quickbooks-list.json"),
    )
    assert status == 1
    assert out == ""
    assert (
        "quickbooks-list.json: $.customer_refunds[1].line_items[1].item.quantity:"
        " Railz quantities are integers, and 1.5 is not"
    ) in err
    assert "Traceback" not in err


def test_lossless_fails_on_dropped_values(cli, fixtures):
    status, _, err = cli(
        "convert",
        "-f",
        "rutter",
        "-t",
        "railz",
        "--lossless",
        str(fixtures / "rutter/seed-fetch.json"),
    )
    assert status == 1
    assert "$.customer_refund.class_id: would be dropped" in err


def _jsonl(tmp_path, fixtures):
    record = json.loads((fixtures / "railz/seed-refund.json").read_text())
    page = json.loads((fixtures / "railz/quickbooks-list.json").read_text())
    lines = [record, dict(record, id=True), page, dict(record, accountRef=None)]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def test_json_lines_are_converted_line_by_line(cli, tmp_path, fixtures):
    path = tmp_path / "in.jsonl"
    record = (fixtures / "railz/seed-refund.json").read_text()
    path.write_text(json.dumps(json.loads(record)) + "\n\n" + json.dumps(json.loads(record)) + "\n")
    status, out, _ = cli("convert", "-f", "railz", "-t", "rutter", "--synced-at", SYNCED, str(path))
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0] == lines[1]
    assert json.loads(lines[0])["last_synced_at"] == SYNCED


def test_json_lines_failure_without_rejects_stops_and_writes_nothing(cli, tmp_path, fixtures):
    output = tmp_path / "out.jsonl"
    status, _, err = cli(
        "convert",
        "-f",
        "railz",
        "-t",
        "rutter-create",
        "-o",
        str(output),
        str(_jsonl(tmp_path, fixtures)),
    )
    assert status == 1
    assert not output.exists()
    assert "in.jsonl:2: $.id: expected a string, got true" in err


def test_rejects_collects_failing_records_and_the_rest_convert(cli, tmp_path, fixtures):
    output, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    status, _, err = cli(
        "convert",
        "-f",
        "railz",
        "-t",
        "rutter-create",
        "-o",
        str(output),
        "--rejects",
        str(rejects),
        str(_jsonl(tmp_path, fixtures)),
    )
    assert status == 3  # converted, but records were rejected
    bodies = [json.loads(line) for line in output.read_text().splitlines()]
    assert [list(body) for body in bodies] == [["customer_refund"]] * 3
    rejected = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], r["error"], r["problems"][0]["path"]) for r in rejected] == [
        (2, "validation", "$.id"),
        (4, "mapping", "$.accountRef.id"),
    ]
    assert json.loads(rejected[0]["input"])["id"] is True
    summary = [line for line in err.splitlines() if line.startswith("refundmap: ")]
    assert summary[0].endswith(", 2 rejected")


def test_railz_v2_converts_to_rutter_and_back_to_itself(cli, fixtures):
    path = str(fixtures / "railz-v2/xero-list.json")
    status, out, _ = cli(
        "convert",
        "-f",
        "railz-v2",
        "-t",
        "rutter",
        "--indent",
        "2",
        "--synced-at",
        "2024-06-30T12:00:00.000Z",
        path,
    )
    assert status == 0
    assert out == (fixtures / "expected/railz-v2/xero-list.rutter.json").read_text()
    push = str(fixtures / "railz-v2-push/openapi-example-body.json")
    status, _, err = cli("convert", "-f", "railz-v2-push", "-t", "rutter", push)
    assert status == 2
    assert "cannot convert railz-v2-push to rutter" in err


# -- references (issue 10) ------------------------------------------------------------------


def test_refs_translate_ids_like_the_golden_output(cli, fixtures):
    folder = fixtures / "expected/with-refs"
    for refs, source, name, expected in (
        ("quickbooks.csv", "railz", "quickbooks-list.json", "quickbooks.csv/railz.quickbooks-list"),
        ("xero", "railz-v2", "xero-list.json", "xero/railz-v2.xero-list"),
    ):
        status, out, err = cli(
            "convert", "-f", source, "-t", "rutter" if refs == "xero" else "rutter-create",
            "--refs", str(fixtures / "references" / refs), "--indent", "2",
            "--synced-at", SYNCED, str(fixtures / source / name),
        )  # fmt: skip
        assert status == 0
        target = "rutter" if refs == "xero" else "rutter-create"
        assert out == (folder / f"{expected}.{target}.json").read_text()
        assert "untranslated" not in err


def test_refs_may_be_repeated_and_mixed(cli, fixtures):
    refs = fixtures / "references/xero"
    status, _, err = cli(
        "convert", "-f", "railz-v2", "-t", "rutter", "--synced-at", SYNCED,
        "--refs", str(refs / "accounts.json"), "--refs", str(refs / "customer.json"),
        str(fixtures / "railz-v2/xero-list.json"),
    )  # fmt: skip
    assert status == 0
    assert (
        "refundmap: 4 reference ids copied untranslated" in err
    )  # tax rate, class, item, department
    assert "add the missing ids to a --refs file" in err


def test_a_bad_refs_file_is_a_usage_error_before_any_output(cli, fixtures, tmp_path):
    bad = tmp_path / "accounts.json"
    bad.write_text('{"accounts": [{"id": "a", "platform_id": 35}]}')
    out = tmp_path / "out.json"
    out.write_text("old")
    status, stdout, err = cli(
        "convert", "-f", "railz", "-t", "rutter", "--refs", str(bad), "-o", str(out),
        str(fixtures / "railz/seed-refund.json"),
    )  # fmt: skip
    assert status == 2
    assert err.splitlines() == [
        "refundmap: --refs: not a directory of references",
        f"refundmap: {bad}: $.accounts[0].platform_id: expected a string, got 35",
    ]
    assert stdout == ""
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.json", "out.json"]
    status, _, err = cli(
        "convert", "-f", "railz", "-t", "rutter", "--refs", str(tmp_path / "nope.csv"), "-",
    )  # fmt: skip
    assert (status, err) == (
        2,
        f"refundmap: {tmp_path / 'nope.csv'}: cannot read: No such file or directory\n",
    )


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ('"Checking', "line 2: a quote opened on this line is not closed"),
        ("x" * 200_000, "line 2: a cell is longer than 131072 characters"),
    ],
)
def test_a_refs_csv_file_csv_cannot_read_is_one_line_not_a_traceback(
    cli, fixtures, tmp_path, cells, problem
):
    bad = tmp_path / "refs.csv"
    bad.write_text(f"kind,rutter_id,platform_id,name\naccount,a,35,{cells}\nitem,i,11,Pad\n")
    status, stdout, err = cli(
        "convert", "-f", "railz", "-t", "rutter", "--refs", str(bad),
        str(fixtures / "railz/seed-refund.json"),
    )  # fmt: skip
    assert status == 2
    assert stdout == ""
    assert err.splitlines()[0] == "refundmap: --refs: not a directory of references"
    assert err.splitlines()[1].startswith(f"refundmap: {bad}: {problem}")
    assert len(err.splitlines()) == 2


def test_require_refs_refuses_the_record_and_names_every_id(cli, fixtures, tmp_path):
    out = tmp_path / "out.json"
    status, _, err = cli(
        "convert", "-f", "railz-v2", "-t", "rutter", "--require-refs", "-o", str(out),
        "--refs", str(fixtures / "references/xero/accounts.json"),
        str(fixtures / "railz-v2/xero-list.json"),
    )  # fmt: skip
    assert status == 1
    problems = [line for line in err.splitlines() if "references are required" in line]
    assert len(problems) == 5
    assert problems[0].endswith(
        "xero-list.json: $.data[0].customerRef.id: the platform's id of customer"
        " 'a7d3f1e0-2b4c-4d6e-8f0a-1b3c5d7e9f20' is not in the directory; references are required"
    )
    assert not out.exists()


def test_require_refs_with_rejects_sets_aside_only_the_records_it_refuses(cli, fixtures, tmp_path):
    page = json.loads((fixtures / "railz/quickbooks-list.json").read_text())
    known, unknown = page["data"][0], dict(page["data"][0], customerRef={"id": "999"})
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(known) + "\n" + json.dumps(unknown) + "\n")
    rejects = tmp_path / "rejects.jsonl"
    status, out, err = cli(
        "convert", "-f", "railz", "-t", "rutter", "--require-refs", "--synced-at", SYNCED,
        "--refs", str(fixtures / "references/quickbooks.csv"), "--rejects", str(rejects),
        str(source),
    )  # fmt: skip
    assert status == 3, err
    assert len(out.splitlines()) == 1
    (rejected,) = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert rejected["line"] == 2
    assert [p["path"] for p in rejected["problems"]] == ["$.customerRef.id"]


def test_a_dot_net_timestamp_keeps_its_seventh_digit_through_the_command_line(cli, tmp_path):
    refund = json.loads((ROOT / "fixtures/rutter/xero-fetch.json").read_text())
    refund["customer_refund"]["transaction_date"] = "2024-06-30T12:00:00.1234567Z"
    refund["customer_refund"]["updated_at"] = "2024-06-30 12:00:00.000000100+05:45"
    refund["customer_refund"].update(tax_rate_id=None, created_at=None)  # no field in Railz
    source = tmp_path / "refund.json"
    source.write_text(json.dumps(refund))
    status, out, err = cli(
        "convert", "-f", "rutter", "-t", "railz", "--lossless", str(source)
    )  # fmt: skip
    assert status == 0, err
    railz = json.loads(out)
    assert railz["date"] == "2024-06-30T12:00:00.1234567Z"
    assert railz["sourceModifiedDate"] == "2024-06-30T12:00:00.000000100+05:45"
    status, back, _ = cli(
        "convert", "-f", "railz", "-t", "rutter", "--synced-at", SYNCED, "-", stdin=out.encode()
    )
    assert status == 0
    assert json.loads(back)["transaction_date"] == "2024-06-30T12:00:00.1234567Z"


def test_an_output_name_of_up_to_255_bytes_is_written(cli, fixtures, tmp_path):
    # Issue 17: the temporary name added 15 bytes, and names of 241-255 bytes failed.
    for name in ("r" * 250 + ".json", "é" * 122 + ".json"):
        out = tmp_path / name
        status, _, err = cli(
            "convert", "-f", "railz", "-t", "rutter", str(fixtures / "railz/seed-refund.json"),
            "-o", str(out),
        )  # fmt: skip
        assert status == 0, err
        assert json.loads(out.read_text())["platform_id"] == "1"
    assert len(list(tmp_path.iterdir())) == 2


def test_a_folder_that_refuses_new_files_is_explained(cli, fixtures, tmp_path, monkeypatch):
    # A writable file in a read-only folder: the temporary file beside it cannot be made.
    import errno
    import tempfile

    def refuse(**_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "out.json"
    out.write_text("old")
    status, _, err = cli(
        "convert", "-f", "railz", "-t", "rutter", str(fixtures / "railz/seed-refund.json"),
        "-o", str(out),
    )  # fmt: skip
    assert status == 74
    assert err.startswith(f"refundmap: {out}: cannot write: its folder {tmp_path} does not let")
    assert "writes a temporary file beside the output and renames it" in err
    assert out.read_text() == "old"


def test_push_from_the_command_line_needs_connection_uuid(cli, fixtures):
    path = str(fixtures / "rutter/seed-fetch.json")
    status, _, err = cli("convert", "-f", "rutter", "-t", "railz-v2-push", path)
    assert status == 2
    assert "give --connection-uuid" in err
    status, out, _ = cli(
        "convert", "-f", "rutter", "-t", "railz-v2-push", "--connection-uuid", "C", path
    )
    assert status == 0
    assert json.loads(out)["connectionUuid"] == "C"


def test_v1_push_from_the_command_line_needs_business_and_service(cli, fixtures):
    path = str(fixtures / "rutter/seed-fetch.json")
    status, _, err = cli("convert", "-f", "rutter", "-t", "railz-push", path)
    assert status == 2
    assert "--business-name and --service-name" in err
    status, out, _ = cli(
        "convert",
        "-f",
        "rutter",
        "-t",
        "railz-push",
        "--business-name",
        "B",
        "--service-name",
        "xero",
        path,
    )
    assert status == 0
    assert json.loads(out)["connection"] == {"businessName": "B", "serviceName": "xero"}
