"""Real Railz data (issue 22): defaults, stable ids, empty lines, currency ids, 24:00."""

import json
import pickle
import unicodedata
import uuid
from decimal import Decimal

import pytest

from refundmap import (
    Directory,
    Kind,
    MappingError,
    ParameterTypeError,
    UsageError,
    ValidationError,
    convert,
    convert_each,
    validate,
)
from refundmap.dates import format_date, parse_date
from refundmap.mapping.rules import RUTTER_ID_NAMESPACE

from helpers import FIXTURES
from helpers import load_fixture as fixture

SYNCED = "2024-06-30T12:00:00.000Z"
#: The Xero bank account: its platform (Railz) id, and Rutter's (fixtures/references/xero).
BANK = "13918178-849a-4823-9a31-57b7eac713d7"
BANK_RUTTER = "1f3b5d7f-9b1d-4f3b-8d7f-9b1d3f5b7d9f"


def xero_page():
    """Railz's Xero refunds as captured: no accountRef, no lines."""
    return fixture("railz/xero-no-account-list.json")


def kinds_at(result, source):
    return [e.kind for e in result.report if e.source_path == source]


# -- defaults for missing references ---------------------------------------------------------


def test_without_a_default_a_refund_without_an_account_is_a_clear_mapping_error():
    with pytest.raises(MappingError) as caught:
        convert(xero_page(), "railz", "rutter", synced_at=SYNCED)
    assert (caught.value.problems[0].path, caught.value.problems[0].message) == (
        "$.data[0].accountRef.id",
        "Rutter requires account_id, and the refund has no accountRef",
    )


def test_a_default_account_fills_a_refund_without_one_and_the_total_goes_through():
    result = convert(xero_page(), "railz", "rutter", synced_at=SYNCED, defaults={"account": BANK})
    refunds = result.output["customer_refunds"]
    assert [r["account_id"] for r in refunds] == [BANK, BANK]
    assert [r["total_amount"] for r in refunds] == [Decimal("306.56"), Decimal(45)]
    assert [r["line_items"] for r in refunds] == [[], []]
    made, _ = [e for e in result.report if e.kind is Kind.SYNTHESIZED and "default" in e.message]
    assert made.source_path == "$.data[0].accountRef.id"
    assert made.target_path == "$.customer_refunds[0].account_id"
    assert f"the default account {BANK!r}" in made.message
    # No lines: Rutter's own checks find nothing to say (no false warning).
    assert not [e for e in result.report if "fails its own check" in e.message]


def test_a_default_is_in_the_source_id_space_and_translated_by_the_directory():
    result = convert(
        xero_page(),
        "railz",
        "rutter",
        synced_at=SYNCED,
        directory=Directory.from_files(FIXTURES / "references/xero"),
        defaults={"account": BANK},
    )
    assert [r["account_id"] for r in result.output["customer_refunds"]] == [BANK_RUTTER] * 2
    assert kinds_at(result, "$.data[1].accountRef.id") == [Kind.SYNTHESIZED, Kind.DERIVED]
    assert result.untranslated == 0


def test_a_default_is_used_only_where_a_record_has_none():
    page = xero_page()
    page["data"][1]["accountRef"] = {"id": "090", "name": "Petty Cash"}
    result = convert(page, "railz", "rutter", synced_at=SYNCED, defaults={"account": BANK})
    assert [r["account_id"] for r in result.output["customer_refunds"]] == [BANK, "090"]
    assert Kind.SYNTHESIZED not in kinds_at(result, "$.data[1].accountRef.id")


def test_a_default_customer_fills_a_rutter_refund_without_one():
    refund = fixture("rutter/seed-list.json")["customer_refunds"][0]
    refund["customer_id"] = None
    result = convert(refund, "rutter", "railz", synced_at=SYNCED, defaults={"customer": "C-7"})
    assert result.output["customerRef"] == {"id": "C-7"}
    assert kinds_at(result, "$.customer_id")[0] is Kind.SYNTHESIZED


def test_a_default_fills_push_bodies_too():
    result = convert(
        xero_page(),
        "railz",
        "railz-v2-push",
        connection_uuid="CON-1",
        defaults={"account": BANK},
    )
    assert [body["data"]["accountRef"] for body in result.output] == [{"id": BANK}] * 2


@pytest.mark.parametrize(
    ("defaults", "error", "message"),
    [
        ({"acount": "1"}, UsageError, "unknown kind 'acount'; a default is for a refund's"),
        ({"tax_rate": "1"}, UsageError, "unknown kind 'tax_rate'"),
        ({"account": " "}, UsageError, "the account id must not be empty"),
        ({"account": 7}, ParameterTypeError, "the account id must be a string, not int"),
        ([("account", "1")], ParameterTypeError, "defaults must be a dict of kind to id"),
    ],
)
def test_a_bad_default_is_a_usage_error_before_the_document_is_read(defaults, error, message):
    for call in (convert, lambda *a, **k: list(convert_each(*a, **k))):
        with pytest.raises(error, match=message) as caught:
            call(b"not JSON at all", "railz", "rutter", defaults=defaults)
        assert caught.value.problems[0].path == "defaults"


def test_a_default_converting_a_format_to_itself_is_a_usage_error():
    with pytest.raises(UsageError, match="railz to itself is copied as it is"):
        convert(xero_page(), "railz", "railz", defaults={"account": BANK})


def test_convert_each_and_dask_take_defaults():
    dask_bag = pytest.importorskip("dask.bag")
    from refundmap.dask import convert_bag

    each = list(convert_each(xero_page(), "railz", "rutter", synced_at=SYNCED,
                             defaults={"account": BANK}))  # fmt: skip
    assert [r.output["account_id"] for r in each] == [BANK, BANK]
    assert [r.report[0].target_path for r in each] == ["$.account_id", "$.account_id"]
    bag = convert_bag(
        dask_bag.from_sequence([xero_page()]),
        "railz",
        "rutter",
        synced_at=SYNCED,
        defaults={"account": BANK},
    )
    assert [r.output for r in bag.compute(scheduler="sync")] == [r.output for r in each]
    with pytest.raises(UsageError):
        convert_bag(dask_bag.from_sequence([]), "railz", "rutter", defaults={"x": "1"})


def test_the_command_takes_defaults_and_translates_them(cli, tmp_path):
    out = tmp_path / "out.json"
    refs = str(FIXTURES / "references/xero")
    status, _, err = cli("convert", "-q", "-f", "railz", "-t", "rutter",
                         "--default", f"account={BANK}", "--refs", refs,
                         str(FIXTURES / "railz/xero-no-account-list.json"), "-o", str(out),
                         "--synced-at", SYNCED)  # fmt: skip
    assert status == 0, err
    refunds = json.loads(out.read_text())["customer_refunds"]
    assert [r["account_id"] for r in refunds] == [BANK_RUTTER, BANK_RUTTER]


def test_the_command_converts_json_lines_with_a_default_in_workers(cli, tmp_path):
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in xero_page()["data"] * 20))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        status, _, err = cli("convert", "-q", "-f", "railz", "-t", "rutter", "-j", jobs,
                             "--default", "account=A-1", str(lines), "-o", str(out),
                             "--synced-at", SYNCED)  # fmt: skip
        assert status == 0, err
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]
    assert {json.loads(line)["account_id"] for line in outputs[0].splitlines()} == {"A-1"}


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--default", "account"], "argument --default: expected KIND=ID, got 'account'"),
        (["--default", "bank=1"], "argument --default: unknown kind 'bank'; the kinds are"),
        (["--default", "account="], "argument --default: the account id is empty"),
        (["--default", "account=1", "--default", "account=2"],
         "--default: account is given twice ('1' and '2')"),
        (["--default", "account=1", "-t", "railz"], "--default: defaults fill records mapped"),
    ],
)  # fmt: skip
def test_a_bad_default_flag_is_a_usage_error_before_any_input(cli, tmp_path, flags, message):
    missing = str(tmp_path / "missing.json")  # never read: the flags are checked first
    status, out, err = cli("convert", "-f", "railz", "-t", "rutter", *flags, missing)
    assert status == 2
    assert message in err
    assert "missing.json" not in err
    assert out == ""


# -- stable Rutter ids -----------------------------------------------------------------------


def _ids(result):
    output = result.output
    return (
        [r["id"] for r in output["customer_refunds"]]
        if "customer_refunds" in output
        else [output["id"]]
    )


def test_a_bare_v1_record_with_its_business_gets_the_id_it_gets_in_its_page():
    page = fixture("railz/xero-list.json")
    scope = {"business_name": page["meta"]["businessName"], "service_name": "xero"}
    in_page = _ids(convert(page, "railz", "rutter", synced_at=SYNCED))
    bare = _ids(convert(page["data"][0], "railz", "rutter", synced_at=SYNCED, **scope))
    assert bare == in_page
    assert bare[0] == str(
        uuid.uuid5(
            RUTTER_ID_NAMESPACE, f"business xero/Maison Lumière SARL/{page['data'][0]['id']}"
        )
    )
    # Without its scope a bare record's id is its Railz id's alone: another id.
    assert _ids(convert(page["data"][0], "railz", "rutter", synced_at=SYNCED)) != in_page
    # The page with its own scope given: the same.
    assert _ids(convert(page, "railz", "rutter", synced_at=SYNCED, **scope)) == in_page


def test_a_bare_v2_record_with_its_connection_gets_the_id_it_gets_in_its_page():
    page = fixture("railz-v2/xero-list.json")
    connection = page["meta"]["connectionUuid"]
    in_page = _ids(convert(page, "railz-v2", "rutter", synced_at=SYNCED))
    for record, expected in zip(page["data"], in_page, strict=True):
        bare = convert(record, "railz-v2", "rutter", synced_at=SYNCED, connection_uuid=connection)
        assert _ids(bare) == [expected]
    each = convert_each(
        json.dumps(page["data"][0]), "railz-v2", "rutter", connection_uuid=connection
    )
    assert [r.output["id"] for r in each] == in_page[:1]


def test_one_scope_spelled_another_way_gives_the_same_ids():
    # A UUID is case-insensitive, a service name is Railz's whatever its case, a
    # business name is its Unicode composed form: one scope, one Rutter id.
    page = fixture("railz/xero-list.json")
    in_page = _ids(convert(page, "railz", "rutter", synced_at=SYNCED))
    decomposed = unicodedata.normalize("NFD", page["meta"]["businessName"])
    assert decomposed != page["meta"]["businessName"]
    scope = {"business_name": decomposed, "service_name": "XERO"}
    assert _ids(convert(page["data"][0], "railz", "rutter", synced_at=SYNCED, **scope)) == [
        in_page[0]
    ]
    assert _ids(convert(page, "railz", "rutter", synced_at=SYNCED, **scope)) == in_page
    page = fixture("railz-v2/xero-list.json")
    in_page = _ids(convert(page, "railz-v2", "rutter", synced_at=SYNCED))
    shouted = page["meta"]["connectionUuid"].swapcase()
    bare = convert(page["data"][0], "railz-v2", "rutter", synced_at=SYNCED, connection_uuid=shouted)
    assert _ids(bare) == in_page[:1]


def test_dask_gives_a_bare_record_the_id_of_its_page():
    dask_bag = pytest.importorskip("dask.bag")
    from refundmap.dask import convert_bag

    page = fixture("railz-v2/xero-list.json")
    in_page = _ids(convert(page, "railz-v2", "rutter", synced_at=SYNCED))
    bag = convert_bag(
        dask_bag.from_sequence([json.dumps(r) for r in page["data"]], npartitions=2),
        "railz-v2",
        "rutter",
        connection_uuid=page["meta"]["connectionUuid"],
    )
    assert [r.output["id"] for r in bag.compute(scheduler="sync")] == in_page


@pytest.mark.parametrize(
    ("source", "name", "scope", "named"),
    [
        ("railz", "railz/xero-list.json", {"business_name": "Other", "service_name": "xero"},
         ("business_name", "'Other'", "'Maison Lumière SARL'")),
        ("railz", "railz/xero-list.json",
         {"business_name": "Maison Lumière SARL", "service_name": "quickbooks"},
         ("service_name", "'quickbooks'", "'xero'")),
        ("railz-v2", "railz-v2/xero-list.json", {"connection_uuid": "CON-other"},
         ("connection_uuid", "'CON-other'", "'CON-396d5daa-26b2-4979-89b6-cafb2c298155'")),
    ],
)  # fmt: skip
def test_a_scope_the_document_names_otherwise_is_a_usage_error_naming_both(
    source, name, scope, named
):
    parameter, given, found = named
    with pytest.raises(UsageError) as caught:
        convert(fixture(name), source, "rutter", **scope)
    (problem,) = caught.value.problems
    assert problem.path == parameter
    assert given in problem.message
    assert found in problem.message
    with pytest.raises(UsageError):
        list(convert_each(fixture(name), source, "rutter", **scope))


def test_a_scope_railz_version_1_cannot_name_is_a_usage_error():
    with pytest.raises(UsageError, match="name no connection") as caught:
        convert(b"never read", "railz", "rutter", connection_uuid="CON-1")
    assert caught.value.problems[0].path == "connection_uuid"
    with pytest.raises(UsageError, match="give both business_name and service_name"):
        convert(b"never read", "railz", "rutter", business_name="North")


def test_push_bodies_keep_their_own_connection_whatever_the_page_names():
    page = fixture("railz-v2/xero-list.json")
    bodies = convert(page, "railz-v2", "railz-v2-push", connection_uuid="CON-target").output
    assert {body["connectionUuid"] for body in bodies} == {"CON-target"}


def test_json_lines_with_jobs_give_the_ids_of_the_page(cli, tmp_path):
    page = fixture("railz/xero-list.json")
    in_page = _ids(convert(page, "railz", "rutter", synced_at=SYNCED))
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps(page["data"][0]) + "\n" + json.dumps(page) + "\n")
    out = tmp_path / "out.jsonl"
    status, _, err = cli("convert", "-q", "-f", "railz", "-t", "rutter", "-j", "2",
                         "--business-name", "Maison Lumière SARL", "--service-name", "xero",
                         str(lines), "-o", str(out))  # fmt: skip
    assert status == 0, err
    first, second = (json.loads(line) for line in out.read_text().splitlines())
    assert [first["id"], second["customer_refunds"][0]["id"]] == in_page * 2


def test_the_command_refuses_a_scope_the_document_names_otherwise(cli, tmp_path):
    out = tmp_path / "out.json"
    status, _, err = cli("convert", "-q", "-f", "railz", "-t", "rutter",
                         "--business-name", "Other", "--service-name", "xero",
                         str(FIXTURES / "railz/xero-list.json"), "-o", str(out))  # fmt: skip
    assert status == 2
    # The library's words, its parameter named by the command's flag.
    assert "--business-name is 'Other', and the document names 'Maison Lumière SARL'" in err
    assert not out.exists()
    status, _, err = cli("convert", "-f", "railz", "-t", "rutter", "--connection-uuid", "C",
                         str(tmp_path / "missing.json"))  # fmt: skip
    assert status == 2
    assert "--connection-uuid: railz (version 1) documents name no connection" in err


# -- empty line objects ----------------------------------------------------------------------

EMPTY_LINE = "an empty line object, with no field at all; a conversion leaves it out"


def test_an_empty_line_is_a_validate_warning_at_its_path():
    report = validate(fixture("railz/quickbooks-desktop-empty-line.json"), "railz")
    assert [(e.source_path, e.message) for e in report] == [("$.data[0].lines[2]", EMPTY_LINE)]
    with pytest.raises(ValidationError) as caught:
        validate(fixture("railz/quickbooks-desktop-empty-line.json"), "railz", strict=True)
    assert [p.path for p in caught.value.problems] == ["$.data[0].lines[2]"]


@pytest.mark.parametrize("target", ["rutter", "rutter-create", "railz-v2", "railz"])
def test_a_conversion_leaves_an_empty_line_out_and_reports_it_dropped(target):
    document = fixture("railz/quickbooks-desktop-empty-line.json")
    result = convert(document, "railz", target, synced_at=SYNCED)
    text = result.to_json()
    assert text.count('"description"') == 2  # the two lines with fields, no third
    assert kinds_at(result, "$.data[0].lines[2]") == [Kind.WARNING, Kind.DROPPED]
    with pytest.raises(MappingError, match="would be dropped: an empty line object"):
        convert(document, "railz", target, lossless=True)


CASES = {
    "railz": ("railz/quickbooks-desktop-list.json", "$.data[0].lines"),
    "railz-v2": ("railz-v2/quickbooks-refund.json", "$.lines"),
    "rutter": ("rutter/seed-fetch.json", "$.customer_refund.line_items"),
    "rutter-create": ("rutter-create/seed-create-request.json", "$.customer_refund.line_items"),
    "railz-v2-push": ("railz-v2-push/bare-data.json", "$.lines"),
    "railz-push": ("railz-push/openapi-example-body.json", "$.data.lines"),
}


def _lines(document, where):
    holder = document
    for step in where[2:].replace("[0]", ".0").split("."):
        holder = holder[int(step)] if step.isdigit() else holder[step]
    return holder


@pytest.mark.parametrize("fmt", list(CASES))
def test_an_empty_line_first_is_a_warning_in_every_format_and_later_paths_stay_right(fmt):
    name, where = CASES[fmt]
    document = fixture(name)
    lines = _lines(document, where)
    last = len(lines)  # its index once {} is put first
    lines.insert(0, {})
    lines[-1] = {**lines[-1], "bogus": 1}
    report = validate(document, fmt)
    warned = {(e.source_path, e.message.split(":", maxsplit=1)[0]) for e in report}
    assert (f"{where}[0]", EMPTY_LINE) in warned
    assert (f"{where}[{last}].bogus", "unknown key") in warned


def test_a_later_line_is_reported_at_its_index_in_the_document():
    refund = {
        "id": "R-1",
        "accountRef": {"id": "145"},
        "date": "2024-01-02",
        "totalAmount": 12.5,
        "lines": [{}, {"description": "x", "subTotal": 12.5}],
    }
    result = convert(refund, "railz", "rutter", synced_at=SYNCED)
    assert len(result.output["line_items"]) == 1
    derived = [(e.source_path, e.target_path) for e in result.report if e.kind is Kind.DERIVED]
    assert ("$.lines[1].subTotal", "$.line_items[0].total_amount") in derived
    page = fixture("railz/xero-list.json")
    page["data"] = [refund]
    (each,) = convert_each(page, "railz", "rutter")
    assert each.error is None
    assert ("$.data[0].lines[0]", None) in {(e.source_path, e.target_path) for e in each.report}


def test_a_refund_whose_only_line_is_empty_has_no_line_for_a_create_body():
    refund = {"id": "R", "accountRef": {"id": "1"}, "date": "2024-01-02", "totalAmount": 1,
              "lines": [{}]}  # fmt: skip
    with pytest.raises(MappingError, match="needs at least one line item"):
        convert(refund, "railz", "rutter-create")


# -- currency ids that name no currency ------------------------------------------------------


def test_a_netsuite_currency_id_with_no_currency_name_is_a_validate_warning():
    report = validate(fixture("railz/netsuite-refund.json"), "railz")
    (entry,) = [e for e in report if e.source_path == "$.currencyRef.id"]
    assert entry.kind is Kind.WARNING
    assert "currencyRef.id '1' is not a currency code" in entry.message
    assert "its name 'CAN' is no one currency's" in entry.message
    document = fixture("railz/netsuite-refund.json")
    del document["locationRef"]
    with pytest.raises(ValidationError, match=r"currencyRef\.id '1'"):
        validate(document, "railz", strict=True)


@pytest.mark.parametrize(
    "ref",
    [
        {"id": "8000006D-1217255359", "name": "US Dollar"},  # QuickBooks Desktop
        {"id": "CAD", "name": "Canadian Dollar"},
        {"id": "cad"},
    ],
)
def test_a_currency_code_or_a_platform_id_named_as_one_currency_is_no_warning(ref):
    refund = {"id": "R", "date": "2024-01-02", "totalAmount": 1, "currencyRef": ref}
    assert not [e for e in validate(refund, "railz") if "currencyRef" in e.source_path]


# -- 24:00 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2024-12-31T24:00:00Z", "2024-12-31T24:00:00.000Z"),
        ("2024-12-31T24:00:00.000Z", "2024-12-31T24:00:00.000Z"),
        ("2024-12-31T24:00Z", "2024-12-31T24:00:00.000Z"),
        ("2024-12-31T24:00:00+02:00", "2024-12-31T24:00:00.000+02:00"),
        ("2024-12-31T24:00:00", "2024-12-31T24:00:00.000"),
    ],
)
def test_24_00_is_kept_as_written_the_end_of_its_day(text, written):
    value = parse_date(text)
    assert format_date(value) == written
    assert value.date().isoformat() == "2024-12-31"  # the day it ends
    assert format_date(pickle.loads(pickle.dumps(value))) == written  # noqa: S301 - --jobs, Dask


@pytest.mark.parametrize("text", ["2024-12-31T24:00:01Z", "2024-12-31T24:00:00.5Z",
                                  "2024-12-31T24:30:00Z", "2024-02-30T24:00:00Z"])  # fmt: skip
def test_any_other_hour_24_is_refused_at_its_path(text):
    with pytest.raises(ValidationError) as caught:
        validate({"id": "R", "date": text, "totalAmount": 1}, "railz")
    assert caught.value.problems[0].path == "$.date"


def test_24_00_converts_to_itself_and_into_rutter_unmoved_and_a_push_day_is_the_day_it_ends():
    refund = {"id": "R", "accountRef": {"id": "1"}, "date": "2024-12-31T24:00:00Z",
              "totalAmount": 1, "lines": [{"totalAmount": 1}]}  # fmt: skip
    same = convert(refund, "railz", "railz").output
    assert same["date"] == "2024-12-31T24:00:00.000Z"
    rutter = convert(refund, "railz", "rutter", synced_at=SYNCED)
    assert rutter.output["transaction_date"] == "2024-12-31T24:00:00.000Z"
    back = convert(rutter.output, "rutter", "railz", synced_at=SYNCED)
    assert back.output["date"] == "2024-12-31T24:00:00.000Z"
    push = convert(refund, "railz", "railz-v2-push", connection_uuid="CON-1")
    assert push.output["data"]["postedDate"] == "2024-12-31"
    (day,) = [e for e in push.report if e.source_path == "$.date"]
    assert day.message == "the calendar day of 2024-12-31T24:00:00.000Z, in its own offset"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_streamed_page_with_empty_lines_is_its_whole_conversion(cli, tmp_path, jobs):
    page = fixture("railz/quickbooks-desktop-empty-line.json")
    refund = page["data"][0]
    page["data"] = [
        {
            **refund,
            "id": f"x{n}",
            "lines": [{}, *refund["lines"]] if n % 7 == 0 else refund["lines"],
        }
        for n in range(60)
    ]
    page["count"] = page["pagination"]["count"] = 60
    (tmp_path / "in.json").write_text(json.dumps(page))
    whole = convert(json.dumps(page), "railz", "rutter", synced_at=SYNCED)
    out, report = str(tmp_path / "out.json"), str(tmp_path / "report.json")
    status, _, err = cli("convert", "-q", "-f", "railz", "-t", "rutter", "-j", jobs,
                         str(tmp_path / "in.json"), "-o", out, "--report", report,
                         "--synced-at", SYNCED)  # fmt: skip
    assert status == 0, err
    assert (tmp_path / "out.json").read_text() == whole.to_json() + "\n"
    rows = json.loads((tmp_path / "report.json").read_text())["entries"]
    got = sorted((row["kind"], row["source_path"], row["message"]) for row in rows)
    assert got == sorted((e.kind.value, e.source_path, e.message) for e in whole.report)
    assert ("dropped", "$.data[7].lines[0]") in {(kind, path) for kind, path, _ in got}
    assert ("dropped", "$.data[7].lines[3]") in {(kind, path) for kind, path, _ in got}


def test_netsuite_keys_and_a_total_with_an_unstated_tax_are_no_false_warnings():
    # Real NetSuite data: lines summing to 24.46 under a total of 26.43, no taxAmount;
    # a locationRef on the refund and its lines, and an allocatedOnDate.
    line = {"description": "Widget", "unitAmount": 4.89, "quantity": 5, "subTotal": 24.46,
            "totalAmount": 24.46, "accountRef": {"id": "54"},
            "locationRef": {"id": "2", "name": "East"}}  # fmt: skip
    refund = {"id": "e63799bf-184", "accountRef": {"id": "1"}, "date": "2023-01-05",
              "currencyRef": {"id": "CAD"}, "lines": [line], "totalAmount": 26.43,
              "locationRef": {"id": "2", "name": "East"},
              "allocatedOnDate": "2023-01-05T00:00:00.000Z"}  # fmt: skip
    assert [e for e in validate(refund, "railz") if e.kind is Kind.WARNING] == []
    result = convert(refund, "railz", "rutter", synced_at=SYNCED)
    own = [e for e in result.report if e.kind is Kind.WARNING and "untranslated" not in e.message]
    assert own == []
    checked = validate(result.output, "rutter", strict=False)
    assert [e for e in checked if "add up" in e.message] == []
    dropped = {e.source_path for e in result.report if e.kind is Kind.DROPPED}
    assert {"$.locationRef.id", "$.allocatedOnDate", "$.lines[0].locationRef.name"} <= dropped
    # A stated total short of the lines is still off, tax or no tax.
    short = convert({**refund, "totalAmount": 20}, "railz", "rutter", synced_at=SYNCED)
    assert any("no tax_amount is stated" in e.message for e in short.report)
