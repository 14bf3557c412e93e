"""fail_on= (refundmap.gate): each kind fails exactly when the report holds it; missing refs."""

import json

import pytest

from refundmap import Directory, MappingError, UsageError, ValidationError, convert, validate
from refundmap.gate import FAIL_KINDS, failures, kinds_of
from refundmap.missing import (
    MissingReference,
    add_missing,
    describe_missing,
    missing_csv,
    missing_references,
)

from helpers import FIXTURES


def read(name):
    if name == UNKNOWN_KEY:
        page = json.loads((FIXTURES / "railz/xero-list.json").read_bytes())
        page["data"][0]["locationRefs"] = [{"id": "7"}]  # a key no format has
        return json.dumps(page).encode()
    return (FIXTURES / name).read_bytes()


#: A Railz page with a key the format does not have (made by read()).
UNKNOWN_KEY = "railz/xero-list.json, with an unknown key"


# (fixture, source, target): the kinds its report holds, taken from the fixtures.
CASES = {
    "total": ("rutter/quickbooks-list.json", "rutter", "rutter-create"),
    "untranslated": ("railz/xero-list.json", "railz", "rutter-create"),
    "dropped": ("railz/xero-list.json", "railz", "railz-v2"),
    "warning": ("railz/netsuite-refund.json", "railz", "railz"),
    "unknown-key": (UNKNOWN_KEY, "railz", "railz"),
}
HOLDS = {
    "total": {"total", "dropped", "warning"},
    "untranslated": {"untranslated", "dropped", "warning"},
    "dropped": {"dropped"},
    "warning": {"warning"},
    "unknown-key": {"unknown-key", "warning"},
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", FAIL_KINDS)
def test_each_kind_fails_exactly_when_the_report_holds_it(case, kind):
    name, source, target = CASES[case]
    plain = convert(read(name), source, target)
    assert set().union(*map(kinds_of, plain.report)) == HOLDS[case]
    if kind in HOLDS[case]:
        with pytest.raises(MappingError) as caught:
            convert(read(name), source, target, fail_on=[kind])
        expected = [e for e in plain.report if kind in kinds_of(e)]
        assert [p.path for p in caught.value.problems] == [e.source_path for e in expected]
        assert all(p.message.startswith(f"fail_on {kind}: ") for p in caught.value.problems)
    else:
        assert convert(read(name), source, target, fail_on=[kind]).report == plain.report


def test_a_total_that_changes_is_named_with_both_figures():
    with pytest.raises(MappingError) as caught:
        convert(read("rutter/quickbooks-list.json"), "rutter", "rutter-create", fail_on="total")
    (problem,) = caught.value.problems
    assert problem.path.startswith("$.customer_refunds[")
    assert problem.message.startswith("fail_on total: the total changes from ")


def test_kinds_may_be_one_comma_separated_string():
    with pytest.raises(MappingError) as caught:
        convert(read("railz/xero-list.json"), "railz", "railz-v2", fail_on="total, dropped")
    assert all(p.message.startswith("fail_on dropped: ") for p in caught.value.problems)


def test_an_unknown_kind_is_refused_before_the_document_is_read():
    with pytest.raises(UsageError) as caught:
        convert(b"not json", "railz", "railz-v2", fail_on=["totals"])
    assert str(caught.value) == (
        "fail_on: unknown kind 'totals'; the kinds are total, untranslated, dropped, warning,"
        " unknown-key"
    )
    with pytest.raises(UsageError):
        validate(b"{}", "railz", fail_on="warnings")


def test_validate_fails_on_warnings_and_unknown_keys():
    assert validate(read("railz/seed-refund.json"), "railz", fail_on="unknown-key")
    with pytest.raises(ValidationError) as caught:
        validate(read("railz/seed-refund.json"), "railz", fail_on="warning")
    assert caught.value.problems
    with pytest.raises(ValidationError) as caught:
        validate(read(UNKNOWN_KEY), "railz", fail_on=["unknown-key"])
    assert all("fail_on unknown-key: unknown key" in str(p) for p in caught.value.problems)
    assert validate(read("railz/quickbooks-list.json"), "railz", fail_on=FAIL_KINDS) == ()


def test_failures_names_each_entry_once_by_its_first_kind():
    report = convert(read(UNKNOWN_KEY), "railz", "railz").report
    found = failures(report, {"warning", "unknown-key"})
    assert len(found) == len(report)


def test_missing_references_are_distinct_with_counts_and_railz_names():
    document = json.loads(read("railz/xero-list.json"))
    done = convert(document, "railz", "rutter-create")
    missing = missing_references(done.report, document, from_rutter=False)
    assert sum(m.count for m in missing) == done.untranslated
    assert len({(m.kind, m.id) for m in missing}) == len(missing)
    sales = next(m for m in missing if m.platform_id == "200")
    assert sales == MissingReference("account", "", "200", "Sales", count=2)
    assert sales.row() == ("account", "", "200", "Sales")


def test_missing_references_completed_make_the_conversion_pass_fail_on_untranslated():
    document = json.loads(read("railz/xero-list.json"))
    done = convert(document, "railz", "rutter-create")
    directory = Directory()
    for number, missing in enumerate(missing_references(done.report, document, from_rutter=False)):
        directory.add(missing.kind, f"00000000-0000-4000-8000-{number:012}", missing.platform_id)
    translated = convert(
        document, "railz", "rutter-create", directory=directory, fail_on="untranslated"
    )
    assert translated.untranslated == 0


def test_missing_references_from_rutter_fill_the_rutter_side():
    document = json.loads(read("rutter/seed-list.json"))
    done = convert(document, "rutter", "railz", directory=Directory())
    missing = missing_references(done.report, document, from_rutter=True)
    assert missing
    assert all(m.rutter_id and not m.platform_id and not m.name for m in missing)
    assert sum(m.count for m in missing) == done.untranslated


def test_the_missing_csv_completed_is_a_refs_file_that_translates_every_id(tmp_path):
    document = json.loads(read("railz/xero-list.json"))
    done = convert(document, "railz", "rutter-create")
    missing = missing_references(done.report, document, from_rutter=False)
    text = missing_csv(missing)
    assert text.splitlines()[0] == "kind,rutter_id,platform_id,name"
    assert "account,,200,Sales" in text.splitlines()
    path = tmp_path / "missing.csv"
    path.write_text(text)
    with pytest.raises(ValidationError, match="rutter_id: empty"):
        Directory.from_files(path)  # the Rutter side is to be filled in first
    rows = [line.split(",", 3) for line in text.splitlines()]
    for number, row in enumerate(rows[1:]):
        row[1] = f"00000000-0000-4000-8000-{number:012}"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n")
    directory = Directory.from_files(path)
    assert convert(document, "railz", "rutter-create", directory=directory, fail_on="untranslated")


def test_describe_missing_names_five_most_copied_first_and_counts_the_rest():
    missing = [
        MissingReference("account", "", "200", "Sales", count=833),
        *(MissingReference("tax_rate", "", f"T{n}", count=1) for n in range(6)),
    ]
    assert describe_missing(missing) == (
        '7 distinct: account "200" (Sales) 833 times, tax rate "T0" once, tax rate "T1" once,'
        ' tax rate "T2" once, tax rate "T3" once, and 2 more'
    )
    together: dict = {}
    add_missing(together, missing[:2])
    add_missing(together, missing[:1])
    assert together["account", "200"].count == 1666


def test_conversion_missing_counts_each_copied_id_as_missing_references_does():
    document = json.loads(read("railz/xero-list.json"))
    done = convert(document, "railz", "rutter-create")
    named = missing_references(done.report, document, from_rutter=False)
    assert [(m.kind, m.platform_id, m.count) for m in done.missing] == [
        (m.kind, m.platform_id, m.count) for m in named
    ]
    assert all(m.rutter_id == "" for m in done.missing)
    assert sum(m.count for m in done.missing) == done.untranslated == 7
    assert convert(document, "railz", "rutter-create", directory=Directory()).missing == tuple(
        done.missing
    )
    rutter = convert(json.loads(read("rutter/seed-list.json")), "rutter", "railz")
    assert {m.kind for m in rutter.missing} == {"account", "customer", "tax_rate", "class", "item"}
    assert all(m.platform_id == "" and m.rutter_id for m in rutter.missing)
