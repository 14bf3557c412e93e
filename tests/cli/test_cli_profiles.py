"""The command line's --platform, --push-options, response formats and refs learn."""

import json

PUSH = ("--connection-uuid", "CON-1")


def test_validate_with_a_platform_warns_of_what_it_does_not_take(cli, fixtures):
    path = str(fixtures / "rutter-create/xero-create-request.json")
    assert cli("validate", "-f", "rutter-create", path)[1] == ""
    status, out, err = cli("validate", "-f", "rutter-create", "--platform", "QUICKBOOKS", path)
    assert status == 0
    assert (
        f"{path}: $.customer_refund.document_number: warning: QuickBooks Online does not take"
        " document_number in a rutter-create body" in out
    )
    assert err == "refundmap: 1 document, 0 invalid, 5 warnings\n"


def test_convert_with_a_platform_drops_what_it_does_not_take(cli, fixtures, tmp_path):
    report = tmp_path / "report.json"
    status, out, _ = cli(
        "convert",
        "-f",
        "railz-v2",
        "-t",
        "rutter-create",
        "--platform",
        "quickbooks",
        "--report",
        str(report),
        str(fixtures / "railz-v2/quickbooks-refund.json"),
    )
    assert status == 0
    assert "document_number" not in json.loads(out)["customer_refund"]
    entries = json.loads(report.read_text())["entries"]
    assert any(
        e["source_path"] == "$.memo"
        and e["kind"] == "dropped"
        and "QuickBooks Online" in e["message"]
        for e in entries
    )


def test_convert_with_jobs_takes_the_platform(cli, fixtures, tmp_path):
    record = json.loads((fixtures / "railz-v2/quickbooks-refund.json").read_text())
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n".join(json.dumps(record) for _ in range(3)) + "\n")
    status, out, _ = cli(
        "convert", "-f", "railz-v2", "-t", "rutter-create", "--platform", "xero", "-j", "2",
        "-q", str(lines),
    )  # fmt: skip
    assert status == 0
    bodies = [json.loads(line) for line in out.splitlines()]
    assert [b["customer_refund"]["document_number"] for b in bodies] == ["Returned two items"] * 3
    status, out, _ = cli(
        "convert", "-f", "railz-v2", "-t", "rutter-create", "--platform", "quickbooks", "-j", "2",
        "-q", str(lines),
    )  # fmt: skip
    assert status == 0
    assert all(
        "document_number" not in json.loads(line)["customer_refund"] for line in out.splitlines()
    )


def test_push_options_refuse_a_record_without_a_required_field(cli, fixtures, tmp_path):
    output = tmp_path / "out.json"
    status, _, err = cli(
        "convert", "-f", "railz", "-t", "railz-v2-push", *PUSH,
        "--push-options", str(fixtures / "push-options/refunds.json"),
        str(fixtures / "railz/quickbooks-list.json"), "-o", str(output),
    )  # fmt: skip
    assert status == 1
    assert (
        "quickbooks-list.json: $.data[1]: data.customerRef: Railz's pushOptions for quickbooks"
        " mark customerRef required" in err
    )
    assert not output.exists()
    status, _, _ = cli(
        "convert", "-f", "railz", "-t", "railz-v2-push", *PUSH, "--default", "customer=58",
        "--push-options", str(fixtures / "push-options/refunds.json"),
        str(fixtures / "railz/quickbooks-list.json"), "-o", str(output),
    )  # fmt: skip
    assert status == 0
    assert json.loads(output.read_text())[1]["data"]["customerRef"] == {"id": "58"}


def test_bad_platform_flags_are_usage_errors_before_any_input(cli, tmp_path):
    missing = str(tmp_path / "missing.json")
    status, _, err = cli(
        "convert", "-f", "railz", "-t", "railz-v2-push", *PUSH, "--push-options", missing, missing
    )  # fmt: skip
    assert status == 2
    assert err.startswith(f"refundmap: --push-options: cannot read '{missing}'")
    status, _, err = cli("convert", "-f", "railz", "-t", "rutter", "--platform", "xero", missing)
    assert status == 2
    assert "--platform: platform applies to write bodies" in err
    status, _, err = cli("validate", "-f", "rutter-create", "--platform", "sage", missing)
    assert status == 2
    assert "--platform: platform: unknown platform 'sage'" in err


def test_validate_reads_write_responses(cli, fixtures):
    path = str(fixtures / "responses/rutter-async.json")
    status, out, _ = cli("validate", "-f", "rutter-create-response", path)
    assert status == 0
    assert out.startswith(f"{path}: $.async_response: warning: an async response holds no refund")
    status, out, _ = cli("formats")
    assert "rutter-create-response" in out
    assert "railz-push-response" in out


def test_refs_learn_writes_the_pairs_that_the_next_run_reads(cli, fixtures, tmp_path):
    refs = tmp_path / "refs.csv"
    refs.write_text("kind,rutter_id,platform_id,name\naccount,a-1,145,Bank\n")
    status, _, err = cli(
        "refs", "learn", str(fixtures / "responses/rutter-job.json"),
        str(fixtures / "responses/railz-push-status.json"), "-o", str(refs),
    )  # fmt: skip
    assert status == 0
    assert err.endswith("refundmap: 4 refunds in the responses, 1 new pair in " + str(refs) + "\n")
    assert refs.read_text().splitlines() == [
        "kind,rutter_id,platform_id,name",
        "account,a-1,145,Bank",
        "refund,5b0e9c1a-7d3f-4e2b-9a8c-1f2e3d4c5b6a,c8a1f0e2-44b7-4e0a-9b3d-7f1e2a3b4c5d,",
    ]
    railz = tmp_path / "railz.json"
    railz.write_text(
        json.dumps(
            {
                "id": "c8a1f0e2-44b7-4e0a-9b3d-7f1e2a3b4c5d",
                "accountRef": {"id": "145"},
                "date": "2024-01-02",
                "totalAmount": 12.5,
                "lines": [{"description": "x", "totalAmount": 12.5}],
            }
        )
    )
    status, out, _ = cli(
        "convert", "-f", "railz", "-t", "rutter", "--refs", str(refs), "-q", str(railz)
    )
    assert status == 0
    assert json.loads(out)["id"] == "5b0e9c1a-7d3f-4e2b-9a8c-1f2e3d4c5b6a"


def test_refs_learn_leaves_the_output_as_it_was_on_a_bad_response(cli, fixtures, tmp_path):
    refs = tmp_path / "refs.csv"
    bad = tmp_path / "bad.json"
    bad.write_text('{"customer_refunds": []}')
    status, _, err = cli(
        "refs", "learn", str(fixtures / "responses/rutter-job.json"), str(bad), "-o", str(refs)
    )
    assert status == 1
    assert f"{bad}: $: not a write response" in err
    assert not refs.exists()
