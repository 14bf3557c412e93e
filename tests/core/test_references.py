"""References: the directory, and translating ids between Rutter and the platform (issue 10)."""

from __future__ import annotations

import copy
import json
import pickle
import time
from collections import Counter
from pathlib import Path
from typing import ClassVar

import attrs
import pytest

import refundmap.references
from refundmap import (
    Directory,
    Kind,
    Lookup,
    MappingError,
    Reference,
    UsageError,
    ValidationError,
    convert,
    convert_each,
    validate,
)

import golden
from helpers import ROOT

SYNCED = "2024-06-30T12:00:00.000Z"
ACCOUNT = "8a2e4c6b-0d1f-4a3e-b7c9-5e8f1a2d3c4b"
CUSTOMER = "c71d5e9f-2a4b-4c6d-8e0f-1a3b5c7d9e2f"
LINE_ACCOUNT = "e5f7a9b1-c3d5-4e7f-9a1b-3c5d7e9f1a2b"
ITEM = "a9b1c3d5-e7f9-4a1b-8c3d-5e7f9a1b3c5d"


def rutter_refund(**changes):
    refund = {
        "id": "3f6c9d2a-1b7e-4c8f-a5d0-2e9b4a7c1f63",
        "platform_id": "1047",
        "account_id": ACCOUNT,
        "class_id": None,
        "customer_id": CUSTOMER,
        "department_id": None,
        "tax_rate_id": None,
        "transaction_date": "2024-03-14",
        "total_amount": 75,
        "discount_amount": None,
        "document_number": None,
        "tax_amount": None,
        "line_items": [
            {
                "account_id": LINE_ACCOUNT,
                "class_id": None,
                "tax_rate_id": None,
                "total_amount": 75,
                "description": "Keyboard",
                "item": {"id": ITEM, "quantity": 3, "unit_amount": 25},
            }
        ],
        "created_at": None,
        "updated_at": None,
        "last_synced_at": "2024-03-15T09:45:27.318Z",
        "platform_url": None,
    }
    refund.update(changes)
    return refund


def seed():
    """The Railz refund of the fixtures."""
    return json.loads((ROOT / "fixtures/railz/seed-refund.json").read_text())


def directory():
    refs = Directory()
    refs.add("account", ACCOUNT, "35", "Checking")
    refs.add("account", LINE_ACCOUNT, "79", "Sales of Product Income")
    refs.add("customer", CUSTOMER, "58", "Amy's Bird Sanctuary")
    refs.add("item", ITEM, "11", "Keyboard")
    return refs


def by_target(result):
    return {e.target_path: e for e in result.report if e.target_path}


# -- reading Rutter's reference responses ---------------------------------------------------


def test_a_list_response_names_its_kind_and_only_ids_and_names_are_read(fixtures):
    refs = Directory.from_documents((fixtures / "references/quickbooks/accounts.json").read_text())
    assert list(refs) == [
        Reference("account", ACCOUNT, "35", "Checking"),
        Reference("account", LINE_ACCOUNT, "79", "Sales of Product Income"),
    ]
    assert refs.to_platform("account", ACCOUNT).path == "$.accounts[0]"


def test_a_fetch_response_and_a_customer_name_falling_back_to_the_contact():
    fetch = {"customer": {"id": CUSTOMER, "platform_id": "58", "customer_name": None,
                          "contact_name": "Amy Lauterbach", "email": "a@b.c"}}  # fmt: skip
    refs = Directory.from_documents(fetch)
    assert refs.to_rutter("customer", "58") == Reference(
        "customer", CUSTOMER, "58", "Amy Lauterbach"
    )


def test_documents_may_be_text_bytes_decoded_or_an_array_of_them():
    accounts = {"accounts": [{"id": ACCOUNT, "platform_id": "35", "name": "Checking"}]}
    classes = {"classes": [{"id": "c", "platform_id": "7", "name": "Retail"}]}
    refs = Directory.from_documents(json.dumps(accounts), json.dumps(classes).encode())
    assert refs == refs  # noqa: PLR0124 - a directory is an ordinary object
    assert len(refs) == 2
    assert len(Directory.from_documents([accounts, classes])) == 2


def test_an_object_without_a_platform_id_is_skipped():
    # Older API versions send a null platform_id for customers: nothing to translate with.
    refs = Directory.from_documents(
        {"customers": [{"id": CUSTOMER, "platform_id": None}, {"id": "x"}]}
    )
    assert len(refs) == 0


def test_a_broken_reference_document_is_a_validation_error_with_paths():
    accounts = [{"id": str(n), "platform_id": str(n)} for n in range(3)]
    accounts.append({"id": "3", "platform_id": 35, "name": ["Checking"]})
    with pytest.raises(ValidationError) as exc:
        Directory.from_documents({"accounts": accounts, "next_cursor": None})
    assert [str(p) for p in exc.value.problems] == [
        "$.accounts[3].platform_id: expected a string, got 35",
        "$.accounts[3].name: expected a string, got an array",
    ]
    assert exc.value.source is None


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"customer_refunds": []}, "$: not a Rutter reference list or fetch response"),
        ({"accounts": {"id": "1"}}, "$.accounts: expected an array, got an object"),
        ({"item": {"platform_id": "11"}}, "$.item.id: required key is missing (a string)"),
        ({"items": [{"id": "", "platform_id": "11"}]}, "$.items[0].id: expected an id"),
        ("[1]", "$[0]: not a Rutter reference list or fetch response"),
        ('{"accounts": [', "$: "),
    ],
)
def test_what_is_not_a_reference_document_is_named(document, problem):
    with pytest.raises(ValidationError) as exc:
        Directory.from_documents(document)
    assert str(exc.value.problems[0]).startswith(problem)


def test_several_documents_name_the_one_that_is_broken():
    with pytest.raises(ValidationError) as exc:
        Directory.from_documents({"accounts": []}, {"taxes": []})
    assert exc.value.source == "document 2"
    assert str(exc.value).startswith("document 2: 1 problem")


# -- files: JSON and CSV ------------------------------------------------------------------------


def test_the_csv_fixture_holds_the_same_directory_as_the_json_fixtures(fixtures):
    from_json = golden.directory("quickbooks")
    from_csv = Directory.from_files(fixtures / "references/quickbooks.csv")
    assert list(from_csv) == list(from_json)
    assert len(from_json) == 9
    held = from_csv.to_rutter("class", "200900000000000000000")
    assert held.origin == f"{fixtures / 'references/quickbooks.csv'} at line 9"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_name_is_optional_spaces_around_ids_go_and_a_bom_is_read(tmp_path):
    path = write(tmp_path, "ids.CSV", "\ufeffkind,rutter_id,platform_id\n item , i1 , 11 \n\n")
    assert list(Directory.from_files(path)) == [Reference("item", "i1", "11")]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("", ["line 1: the file is empty; expected the header kind,rutter_id,platform_id,name"]),
        (
            "kind,rutter,platform_id\n",
            ["line 1: expected the header kind,rutter_id,platform_id,name"],
        ),
        (
            "kind,rutter_id,platform_id,name\nacount,a,1,x\nitem,,2,y\nitem,b\n",
            [
                "line 2: kind: expected one of account, customer, item, tax_rate, class,"
                " department, refund, got 'acount' (did you mean 'account'?)",
                "line 3: rutter_id: empty",
                "line 4: expected 4 columns, got 2",
            ],
        ),
    ],
)
def test_a_broken_csv_file_names_the_file_and_each_line(tmp_path, text, problems):
    path = write(tmp_path, "refs.csv", text)
    with pytest.raises(ValidationError) as exc:
        Directory.from_files(path)
    assert exc.value.source == str(path)
    assert [
        str(p)[: len(expected)] for p, expected in zip(exc.value.problems, problems, strict=True)
    ] == problems


HEADER = "kind,rutter_id,platform_id,name\n"


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (  # to the end of the file: the rest would be one name
            'item,i1,11,Keyboard\nitem,i2,12,"Mouse\nitem,i3,13,Screen\nitem,i4,14,Pad\n',
            "line 3: a quote opened on this line is not closed: the rest of the file would"
            " be one cell",
        ),
        (  # closed by the next quote, which opens a cell
            'item,i2,12,"Mouse\nitem,i3,13,Screen\nitem,i4,14,"Pad"\n',
            "line 2: not valid CSV on line 4: ',' expected after '\"'; is a quote opened on"
            " this line not closed?",
        ),
        (  # closed by a quote at the end of a cell: the rows between are swallowed
            'item,i2,12,"Mouse\nitem,i3,13,Screen\nitem,i4,14,15"\nitem,i5,15,Pen\n',
            "line 2: a quoted cell runs on to line 4, and a reference is one line; is a quote"
            " opened on this line not closed?",
        ),
        ('item,"i1"x,11\n', "line 2: not valid CSV: ',' expected after '\"'"),
        (
            '"kind,rutter_id,platform_id,name\n',
            "line 1: a quote opened on this line is not closed: the rest of the file would"
            " be one cell",
        ),
    ],
)
def test_an_unclosed_quote_in_a_csv_file_is_named_at_its_line(tmp_path, rows, problem):
    text = rows if rows.startswith('"kind') else HEADER + rows
    path = write(tmp_path, "refs.csv", text)
    with pytest.raises(ValidationError) as exc:
        Directory.from_files(path)
    assert exc.value.source == str(path)
    assert [str(p) for p in exc.value.problems] == [problem]


def test_quoted_cells_on_one_line_are_read_as_csv_says(tmp_path):
    text = HEADER + 'item,i1,11,"Keyboard, wireless"\nitem,i2,12,"5"" screen"\nitem,i3,13,""\n'
    assert [ref.name for ref in Directory.from_files(write(tmp_path, "refs.csv", text))] == [
        "Keyboard, wireless",
        '5" screen',
        None,
    ]


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        ("item,i1,11,Keyboard\nitem,i2,12," + "x" * 140_000 + "\n", 3),
        ('item,i1,11,"Keyboard\n' + "item,i2,12,Mouse\n" * 10_000, 2),  # a quote left open
    ],
)
def test_a_csv_cell_over_the_csv_modules_limit_is_named_at_its_line(tmp_path, rows, line):
    path = write(tmp_path, "refs.csv", HEADER + rows)
    with pytest.raises(ValidationError) as exc:
        Directory.from_files(path)
    assert exc.value.source == str(path)
    assert [str(p) for p in exc.value.problems] == [
        f"line {line}: a cell is longer than 131072 characters, the most a CSV cell may"
        " hold; is a quote opened on this line not closed?"
    ]


def test_a_broken_json_file_names_the_file(tmp_path):
    path = write(tmp_path, "accounts.json", '{"accounts": [{"id": "a", "platform_id": 1}]}')
    with pytest.raises(ValidationError) as exc:
        Directory.from_files(path)
    assert exc.value.source == str(path)
    assert str(exc.value.problems[0]) == "$.accounts[0].platform_id: expected a string, got 1"


def test_a_file_that_cannot_be_read_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        Directory.from_files(tmp_path / "missing.json")


# -- conflicts, merging, adding in code ----------------------------------------------------


def test_one_rutter_id_with_two_platform_ids_names_both_sources(tmp_path, fixtures):
    path = write(tmp_path, "more.csv", f"kind,rutter_id,platform_id\naccount,{ACCOUNT},36\n")
    with pytest.raises(ValidationError) as exc:
        Directory.from_files(fixtures / "references/quickbooks/accounts.json", path)
    (problem,) = exc.value.problems
    assert exc.value.source == str(path)
    assert problem.path == "line 2"
    assert problem.message == (
        f"Rutter account {ACCOUNT!r} has platform id '36' here, and '35' in"
        f" {fixtures / 'references/quickbooks/accounts.json'} at $.accounts[0]"
    )


def test_one_platform_id_with_two_rutter_ids_is_refused_and_the_directory_is_unchanged():
    refs = directory()
    with pytest.raises(ValidationError, match="platform account '35' has Rutter id 'other'"):
        refs.update([Reference("class", "c1", "7"), Reference("account", "other", "35")])
    assert refs.to_platform("class", "c1") is None  # all or nothing
    assert len(refs) == 4


def test_the_same_pair_twice_is_one_entry_and_a_missing_name_is_filled_in():
    refs = Directory()
    refs.add("item", ITEM, "11")
    refs.add("item", ITEM, "11", "Keyboard")
    refs.add("item", ITEM, "11", "Another name")
    assert list(refs) == [Reference("item", ITEM, "11", "Keyboard")]


def test_the_same_ids_in_two_kinds_do_not_clash():
    refs = Directory()
    refs.add("class", "x", "1")
    refs.add("department", "x", "2")
    assert refs.to_platform("department", "x").platform_id == "2"


def test_directories_merge_with_or():
    a, b = Directory(), Directory()
    a.add("account", ACCOUNT, "35")
    b.add("customer", CUSTOMER, "58")
    merged = a | b
    assert len(merged) == 2
    assert len(a) == len(b) == 1
    b.add("account", ACCOUNT, "36")
    with pytest.raises(ValidationError):
        a | b


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("acount", "a", "1"), r"unknown kind 'acount' \(did you mean 'account'\?\)"),
        (("account", "", "1"), "rutter_id must be a non-empty string"),
        (("account", "a", 35), "platform_id must be a non-empty string, not 35"),
    ],
)
def test_adding_in_code_checks_the_kind_and_the_ids(args, message):
    with pytest.raises(ValueError, match=message):
        Directory().add(*args)


def test_building_a_directory_is_linear_in_the_entries_added():
    # Each add copied the whole directory: 30,000 adds took 13 s (now about 0.1 s),
    # and each file of many read into one directory did likewise (bench/directory.py).
    refs = Directory()
    start = time.perf_counter()
    for number in range(30_000):
        refs.add("account", f"r{number}", f"p{number}", f"Account {number}")
    assert time.perf_counter() - start < 2
    big = Directory(Reference("item", f"r{n}", f"p{n}") for n in range(100_000))
    start = time.perf_counter()
    for number in range(2_000):  # what from_files does for each file of a folder
        big.update([Reference("class", f"c{number}", f"k{number}")])
    assert time.perf_counter() - start < 2  # a copy of 100,000 entries each: 8 s or more
    assert len(refs) == 30_000
    assert len(big) == 102_000
    assert list(big)[-1] == Reference("class", "c1999", "k1999")


# -- translating ---------------------------------------------------------------------------------


def test_rutter_ids_become_platform_ids_and_railz_names_are_filled_in():
    result = convert(rutter_refund(), "rutter", "railz", directory=directory())
    out = result.output
    assert out["accountRef"] == {"id": "35", "name": "Checking"}
    assert out["customerRef"] == {"id": "58", "name": "Amy's Bird Sanctuary"}
    assert out["lines"][0]["accountRef"] == {"id": "79", "name": "Sales of Product Income"}
    assert out["lines"][0]["inventoryRef"] == {"id": "11", "name": "Keyboard"}
    entries = by_target(result)
    assert entries["$.accountRef.id"] == (
        Kind.DERIVED,
        "$.account_id",
        "$.accountRef.id",
        "the platform's id of this account, from the directory",
    )
    assert entries["$.customerRef.name"] == (
        Kind.DERIVED,
        "$.customer_id",
        "$.customerRef.name",
        "the customer's name, from the directory",
    )
    assert result.untranslated == 0


def test_push_bodies_get_platform_ids_and_no_names():
    push = convert(
        rutter_refund(), "rutter", "railz-push", directory=directory(),
        business_name="B", service_name="quickbooks",
    )  # fmt: skip
    assert push.output["data"]["accountRef"] == "35"
    assert push.output["data"]["lines"][0]["inventoryRef"] == "11"
    v2 = convert(rutter_refund(), "rutter", "railz-v2-push", directory=directory(),
                 connection_uuid="CON-1")  # fmt: skip
    assert v2.output["data"]["accountRef"] == {"id": "35"}


def test_platform_ids_become_rutter_ids(fixtures):
    result = convert(
        (fixtures / "railz/quickbooks-list.json").read_bytes(),
        "railz",
        "rutter",
        synced_at=SYNCED,
        directory=golden.directory("quickbooks"),
    )
    refund = result.output["customer_refunds"][0]
    assert (refund["account_id"], refund["customer_id"]) == (ACCOUNT, CUSTOMER)
    assert refund["line_items"][0]["item"]["id"] == ITEM
    # The output is what Rutter expects: its own ids, so no "looks like a platform id".
    assert not [e for e in validate(result.output, "rutter") if "UUID" in e.message]


def test_the_refund_department_is_translated_onto_every_v2_line_and_back():
    refs = directory()
    refs.add("department", "d4e6f8a0-b2c4-4d6e-8f0a-2b4c6d8e0f1a", "1", "Downtown")
    refund = rutter_refund(department_id="d4e6f8a0-b2c4-4d6e-8f0a-2b4c6d8e0f1a")
    there = convert(refund, "rutter", "railz-v2", directory=refs)
    assert there.output["lines"][0]["trackingCategoryRefs"] == [
        {"id": "1", "name": "Downtown", "type": "department"}
    ]
    back = convert(there.output, "railz-v2", "rutter", directory=refs, synced_at=SYNCED)
    assert back.output["department_id"] == refund["department_id"]


def test_an_id_the_directory_lacks_is_copied_and_reported_at_its_source_path():
    refs = directory()
    refund = rutter_refund(class_id="f1a3b5c7-d9e1-4f3a-8b5c-7d9e1f3a5b7c")
    refund["line_items"][0]["tax_rate_id"] = "3b5d7f9b-1d3f-4b5d-9f1b-3d5f7b9d1f3b"
    result = convert(refund, "rutter", "railz", directory=refs)
    assert result.output["lines"][0]["taxRateRef"] == {"id": "3b5d7f9b-1d3f-4b5d-9f1b-3d5f7b9d1f3b"}
    (warning,) = [e for e in result.report if e.kind is Kind.WARNING]
    assert warning.source_path == "$.line_items[0].tax_rate_id"
    assert warning.target_path == "$.lines[0].taxRateRef.id"
    assert "is not in the directory; copied untranslated" in warning.message
    assert result.untranslated == 1


def test_require_refs_makes_every_missing_id_a_mapping_error():
    refund = rutter_refund()
    refund["line_items"][0]["tax_rate_id"] = "3b5d7f9b-1d3f-4b5d-9f1b-3d5f7b9d1f3b"
    refs = Directory()
    refs.add("account", ACCOUNT, "35")
    with pytest.raises(MappingError) as exc:
        convert(refund, "rutter", "railz", directory=refs, require_refs=True)
    assert [p.path for p in exc.value.problems] == [
        "$.customer_id",
        "$.line_items[0].account_id",
        "$.line_items[0].tax_rate_id",
        "$.line_items[0].item.id",
    ]
    assert all("references are required" in p.message for p in exc.value.problems)
    with pytest.raises(MappingError) as exc:
        convert(refund, "rutter", "railz", require_refs=True)  # no directory: every id
    assert len(exc.value.problems) == 5


def test_without_a_directory_every_id_crossing_vendors_is_reported():
    result = convert(rutter_refund(), "rutter", "railz")
    warned = [e.source_path for e in result.report if "copied untranslated" in e.message]
    assert warned == [
        "$.account_id",
        "$.customer_id",
        "$.line_items[0].account_id",
        "$.line_items[0].item.id",
    ]
    assert result.untranslated == 4
    assert result.output["accountRef"] == {"id": ACCOUNT}


@pytest.mark.parametrize(
    ("source", "target"), [("rutter", "rutter-create"), ("railz", "railz-v2"), ("rutter", "rutter")]
)
def test_within_one_vendor_ids_stay_as_they_are(fixtures, source, target):
    path = fixtures / (
        "rutter/quickbooks-list.json" if source == "rutter" else "railz/xero-list.json"
    )
    plain = convert(path.read_bytes(), source, target, synced_at=SYNCED)
    with_refs = convert(
        path.read_bytes(),
        source,
        target,
        synced_at=SYNCED,
        directory=golden.directory("quickbooks"),
    )
    assert with_refs.output == plain.output
    assert with_refs.report == plain.report
    assert not [e for e in plain.report if "untranslated" in e.message or "directory" in e.message]


def test_a_lookup_of_the_callers_is_asked_once_per_distinct_id():
    asked: list[tuple[str, str]] = []

    class Api:
        """Ids that live behind an API: the platform id is the Rutter id, upper-cased."""

        def to_platform(self, kind, rutter_id):
            asked.append((kind, rutter_id))
            return Reference(kind, rutter_id, rutter_id.upper())

        def to_rutter(self, kind, platform_id):
            raise AssertionError((kind, platform_id))

    refund = rutter_refund()
    refund["line_items"].append(copy.deepcopy(refund["line_items"][0]))
    result = convert(refund, "rutter", "railz", directory=Api())
    assert isinstance(Api(), Lookup)
    assert result.output["lines"][1]["accountRef"] == {"id": LINE_ACCOUNT.upper()}
    assert sorted(asked) == sorted(
        {("account", ACCOUNT), ("customer", CUSTOMER), ("account", LINE_ACCOUNT), ("item", ITEM)}
    )


class Answering:
    """A caller's lookup that answers whatever ``answer(kind, id)`` gives, both ways."""

    def __init__(self, answer):
        self.answer = answer

    def to_platform(self, kind, rutter_id):
        return self.answer(kind, rutter_id)

    def to_rutter(self, kind, platform_id):
        return self.answer(kind, platform_id)


def unchecked(kind, rutter_id, platform_id, name):
    """A Reference built as a careless lookup might, without its checks."""
    with attrs.validators.disabled():
        return Reference(kind, rutter_id, platform_id, name)


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (
            lambda _kind, _value: "35",
            TypeError,
            f"the lookup Answering.to_platform('account', {ACCOUNT!r}) returned \"35\" (a str);"
            " expected a refundmap.Reference or None",
        ),
        (
            lambda _kind, _value: {"platform_id": "35"},
            TypeError,
            f"the lookup Answering.to_platform('account', {ACCOUNT!r}) returned an object"
            " (a dict); expected a refundmap.Reference or None",
        ),
        (
            lambda _kind, value: Reference("customer", value, "58"),
            ValueError,
            f"the lookup Answering.to_platform('account', {ACCOUNT!r}) returned the customer"
            f" whose Rutter id is {ACCOUNT!r} and platform id '58'; expected the account whose"
            f" Rutter id is {ACCOUNT!r}, or None",
        ),
        (
            lambda kind, _value: Reference(kind, "another", "35"),
            ValueError,
            f"the lookup Answering.to_platform('account', {ACCOUNT!r}) returned the account"
            " whose Rutter id is 'another' and platform id '35'; expected the account whose"
            f" Rutter id is {ACCOUNT!r}, or None",
        ),
        (
            lambda kind, value: unchecked(kind, value, "35", 35),
            TypeError,
            f"the lookup Answering.to_platform('account', {ACCOUNT!r}) returned a name that is"
            " not text: 35 (an int)",
        ),
        (
            lambda kind, value: unchecked(kind, value, 35, "Checking"),
            TypeError,
            f"the lookup Answering.to_platform('account', {ACCOUNT!r}) returned a platform_id"
            " that is not text: 35 (an int)",
        ),
    ],
)
def test_a_lookup_answer_that_is_not_the_reference_asked_for_stops_the_conversion(
    answer, error, message
):
    lookup = Answering(answer)
    for run in (
        lambda: convert(rutter_refund(), "rutter", "railz", directory=lookup),
        lambda: list(convert_each(rutter_refund(), "rutter", "railz", directory=lookup)),
    ):
        with pytest.raises(error) as exc:
            run()
        assert isinstance(exc.value, UsageError)
        assert [(p.path, p.message) for p in exc.value.problems] == [("directory", message)]
        assert str(exc.value) == message


def test_a_lookup_answer_is_checked_into_rutter_too():
    lookup = Answering(lambda kind, value: Reference(kind, value, "other"))
    with pytest.raises(
        UsageError, match=r"expected the account whose platform id is '145', or None"
    ):
        convert(seed(), "railz", "rutter", directory=lookup)


@pytest.mark.parametrize(
    ("args", "error", "parameter", "message"),
    [
        ((5, "a", "1"), TypeError, "kind", "kind must be a string, not 5"),
        (("account", 35, "1"), TypeError, "rutter_id", "rutter_id must be a non-empty string"),
        (("account", "a", None), TypeError, "platform_id", "platform_id must be a non-empty"),
        (("account", "a", "1", 5), TypeError, "name", "name must be a string or None, not 5"),
        (("account", "a", "1", b"x"), TypeError, "name", "name must be a string or None"),
        (("account", "a", ""), ValueError, "platform_id", "platform_id must be a non-empty"),
    ],
)
def test_adding_a_value_that_is_not_text_names_the_parameter(args, error, parameter, message):
    refs = Directory()
    with pytest.raises(error, match=message) as exc:
        refs.add(*args)
    assert isinstance(exc.value, UsageError)
    assert exc.value.problems[0].path == parameter
    assert len(refs) == 0


def test_a_directory_subclass_is_asked_through_its_own_methods():
    class WithFallback(Directory):
        """Held ids first, then an API (here: made up), as a subclass might."""

        asked: ClassVar[list[tuple[str, str]]] = []

        def to_platform(self, kind, rutter_id):
            self.asked.append((kind, rutter_id))
            held = super().to_platform(kind, rutter_id)
            return held or Reference(kind, rutter_id, f"api-{rutter_id[:4]}")

        def to_rutter(self, kind, platform_id):
            self.asked.append((kind, platform_id))
            held = super().to_rutter(kind, platform_id)
            return held or Reference(kind, f"rutter-{platform_id}", platform_id)

    refs = WithFallback(directory())
    refs.add("account", "unused", "0")
    refund = rutter_refund()
    refund["line_items"][0]["account_id"] = "f00d0000-0000-4000-8000-000000000000"
    out = convert(refund, "rutter", "railz", directory=refs).output
    assert out["accountRef"] == {"id": "35", "name": "Checking"}
    assert out["lines"][0]["accountRef"] == {"id": "api-f00d"}
    assert sorted(WithFallback.asked) == sorted(
        {
            ("account", ACCOUNT),
            ("customer", CUSTOMER),
            ("account", refund["line_items"][0]["account_id"]),
            ("item", ITEM),
        }
    )
    WithFallback.asked.clear()
    back = convert(seed(), "railz", "rutter", directory=refs)
    assert back.output["account_id"] == "rutter-" + seed()["accountRef"]["id"]
    assert WithFallback.asked


class Counting:
    """A lookup behind an API that counts its questions; it knows no id ending in 0."""

    def __init__(self):
        self.asked = Counter()

    def to_platform(self, kind, rutter_id):
        self.asked[kind, rutter_id] += 1
        return None if rutter_id.endswith("0") else Reference(kind, rutter_id, f"p-{rutter_id}")

    def to_rutter(self, kind, platform_id):
        self.asked[kind, platform_id] += 1
        return (
            None if platform_id.endswith("0") else Reference(kind, f"r-{platform_id}", platform_id)
        )


def many_refunds(count, ids=6):
    """``count`` Rutter refunds whose accounts and customers come from ``ids`` of each."""
    refunds = []
    for number in range(count):
        refund = rutter_refund(
            id=f"refund-{number}",
            account_id=f"account-{number % ids}",
            customer_id=f"customer-{number * 7 % ids}",
        )
        refunds.append(refund)
    return refunds


def test_convert_each_asks_a_lookup_once_per_distinct_id_over_the_whole_run():
    refunds = many_refunds(600)
    lookup = Counting()
    results = list(convert_each(refunds, "rutter", "railz", synced_at=SYNCED, directory=lookup))
    # 6 accounts, 6 customers, the line's account and item: 14 ids, not 3,200 questions.
    assert len(lookup.asked) == 14
    assert set(lookup.asked.values()) == {1}
    # The same answers as a lookup asked afresh for each record, None (account-0) too.
    for refund, result in zip(refunds[:12], results, strict=False):
        alone = convert(refund, "rutter", "railz", synced_at=SYNCED, directory=Counting())
        assert result.output == alone.output
        assert [e[::3] for e in result.report] == [e[::3] for e in alone.report]
    assert results[0].output["accountRef"] == {"id": "account-0"}
    assert results[1].output["accountRef"] == {"id": "p-account-1"}


def test_a_runs_answers_are_held_up_to_a_bound_then_asked_again(monkeypatch):
    monkeypatch.setattr(refundmap.references, "ANSWERS_HELD", 3)
    lookup = Counting()
    refunds = [rutter_refund(account_id=f"account-{n}") for n in (1, 2, 3, 4, 1, 4)]
    for refund in refunds:
        refund["line_items"] = []
        refund["customer_id"] = None
    results = list(convert_each(refunds, "rutter", "railz", synced_at=SYNCED, directory=lookup))
    # Held: 1; 1 2; 1 2 3; 2 3 4 (1 let go); 3 4 1 (asked again); 4 was used last, held.
    assert lookup.asked == {("account", f"account-{n}"): 1 + (n == 1) for n in (1, 2, 3, 4)}
    assert [r.output["accountRef"]["id"] for r in results] == [
        f"p-account-{n}" for n in (1, 2, 3, 4, 1, 4)
    ]
    # One document converted whole holds its answers within the same bound.
    lookup = Counting()
    whole = convert(refunds, "rutter", "railz", synced_at=SYNCED, directory=lookup)
    assert lookup.asked == {("account", f"account-{n}"): 1 + (n == 1) for n in (1, 2, 3, 4)}
    assert whole.output == [r.output for r in results]


def test_a_directory_that_is_not_a_lookup_is_a_type_error():
    with pytest.raises(TypeError, match=r"directory must be a refundmap\.Directory"):
        convert(rutter_refund(), "rutter", "railz", directory={"account": {}})


# -- validation ---------------------------------------------------------------------------


def test_a_rutter_reference_that_is_not_a_uuid_looks_like_a_platform_id():
    refund = rutter_refund(account_id="35")
    refund["line_items"][0]["class_id"] = "Retail"  # a line's class_id is not declared a UUID
    (entry,) = validate(refund, "rutter")
    assert entry.source_path == "$.account_id"
    assert entry.message.startswith("account_id '35' is not a UUID: it looks like a platform id")
    with pytest.raises(ValidationError):
        validate(refund, "rutter", strict=True)
    body = {"account_id": "35", "line_items": [{"total_amount": 1, "item": {"id": "11"}}]}
    assert [e.source_path for e in validate(body, "rutter-create")] == [
        "$.account_id",
        "$.line_items[0].item.id",
    ]


def test_errors_pickle_and_copy_with_their_problems_and_source():
    with pytest.raises(ValidationError) as exc:
        Directory.from_documents({"accounts": 5}, {"items": []})
    for copied in (pickle.loads(pickle.dumps(exc.value)), copy.copy(exc.value)):  # noqa: S301
        assert type(copied) is ValidationError
        assert copied.problems == exc.value.problems
        assert copied.source == "document 1"
        assert str(copied) == str(exc.value)


def test_a_folder_stands_for_its_json_and_csv_files(tmp_path, fixtures):
    folder = fixtures / "references/xero"
    files = sorted(folder.glob("*.json"))
    assert list(Directory.from_files(folder)) == list(Directory.from_files(*files))
    write(tmp_path, "notes.txt", "not read")
    write(tmp_path, "ids.csv", "kind,rutter_id,platform_id\nitem,i1,11\n")
    assert len(Directory.from_files(tmp_path)) == 1
