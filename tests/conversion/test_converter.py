"""refundmap.Converter: the formats and options checked once; convert, each, partial; pickles."""

import json
import pickle

import pytest

from refundmap import (
    Converter,
    MappingError,
    ParameterTypeError,
    Reference,
    UsageError,
    ValidationError,
    convert,
    convert_each,
    jsonio,
)

from helpers import load_fixture as load

SYNCED = "2024-06-30T12:00:00Z"


def test_it_converts_as_convert_and_each_as_convert_each():
    page = load("railz/quickbooks-list.json")
    converter = Converter("railz", "rutter", synced_at=SYNCED)
    assert converter.convert(page) == convert(page, "railz", "rutter", synced_at=SYNCED)
    assert list(converter.each(page)) == list(
        convert_each(page, "railz", "rutter", synced_at=SYNCED)
    )


def test_every_conversion_says_the_time_the_converter_was_made():
    page = load("railz/quickbooks-list.json")
    converter = Converter("railz", "rutter")
    first, second = converter.convert(page), converter.convert(page)
    times = {r["last_synced_at"] for r in [*first.output["customer_refunds"]]}
    assert times == {converter.synced_at}
    assert first == second


@pytest.mark.parametrize(
    ("keywords", "parameter"),
    [
        ({"target": "railz-v2-push"}, "connection_uuid"),
        ({"target": "railz-push"}, "business_name"),
        ({"target": "railz-push", "business_name": "Acme"}, "service_name"),
        ({"synced_at": "soon"}, "synced_at"),
        ({"defaults": {"vendor": "V1"}}, "defaults"),
        ({"connection_uuid": " "}, "connection_uuid"),
        ({"source": "rutter-create"}, "target"),
    ],
)
def test_a_mistake_is_refused_when_made_naming_the_parameter_and_no_flag(keywords, parameter):
    arguments = {"source": "rutter", "target": "railz", **keywords}
    source, target = arguments.pop("source"), arguments.pop("target")
    with pytest.raises(UsageError) as caught:
        Converter(source, target, **arguments)
    assert caught.value.problems[0].path == parameter
    assert "--" not in str(caught.value)  # the command line names its own flags
    with pytest.raises(UsageError) as again:  # the same mistake, the same words
        convert({}, source, target, **arguments)
    assert str(again.value) == str(caught.value)


def test_a_parameter_of_the_wrong_type_is_a_type_error():
    with pytest.raises(ParameterTypeError, match="directory must be"):
        Converter("rutter", "railz", directory=object())  # type: ignore[arg-type]


def test_it_pickles_and_converts_the_same_after():
    page = load("railz/quickbooks-list.json")
    converter = Converter("railz", "rutter", defaults={"account": "A1"})
    copy = pickle.loads(pickle.dumps(converter))  # noqa: S301 - our own bytes
    assert copy == converter
    assert copy.convert(page).to_json() == converter.convert(page).to_json()


def test_a_page_with_bad_records_converts_the_good_ones_and_sets_the_others_apart():
    page = load("railz/quickbooks-list.json")
    page["data"] = json.loads(json.dumps(page["data"] * 2))  # four records
    del page["data"][0]["accountRef"]  # Rutter requires an account
    page["data"][2]["totalAmount"] = "twelve"
    converter = Converter("railz", "rutter", synced_at=SYNCED)
    partial = converter.partial(page)
    assert [r.path for r in partial.rejects] == ["$.data[0]", "$.data[2]"]
    assert partial.rejects[0].input == jsonio.loads(json.dumps(page["data"][0]))  # exact
    assert isinstance(partial.rejects[0].error, MappingError)
    assert isinstance(partial.rejects[1].error, ValidationError)
    assert [p.path for p in partial.rejects[1].error.problems] == ["$.data[2].totalAmount"]
    good = {**page, "data": [page["data"][1], *page["data"][3:]]}
    expected = converter.convert(good)
    assert partial.conversion is not None
    assert partial.conversion.output == expected.output
    # Report paths are the whole page's: $.data[1] of the good page is $.data[3] of it.
    moved = {e.source_path.replace("$.data[1]", "$.data[3]", 1) for e in expected.report}
    assert {e.source_path for e in partial.conversion.report} >= {
        path for path in moved if path.startswith("$.data[3]")
    }


def test_a_document_that_converts_whole_has_no_rejects():
    page = load("railz/quickbooks-list.json")
    converter = Converter("railz", "rutter", synced_at=SYNCED)
    partial = converter.partial(json.dumps(page))
    assert partial.rejects == ()
    assert partial.conversion == converter.convert(page)


def test_a_document_with_nothing_to_keep_is_one_reject_at_its_root():
    converter = Converter("railz", "rutter", synced_at=SYNCED)
    partial = converter.partial({"data": "not records", "pagination": {}})
    assert partial.conversion is None
    assert [r.path for r in partial.rejects] == ["$"]
    assert partial.rejects[0].input == {"data": "not records", "pagination": {}}
    with pytest.raises(ValidationError):  # not JSON at all: nothing to set apart
        converter.partial(b"{")


class Api:
    """A caller's lookup that counts what it is asked."""

    def __init__(self):
        self.asked = []

    def to_platform(self, kind, rutter_id):
        self.asked.append((kind, rutter_id))
        return Reference(kind, rutter_id, rutter_id.upper())

    def to_rutter(self, kind, platform_id):
        self.asked.append((kind, platform_id))


def test_a_run_asks_a_callers_lookup_once_per_id_and_each_conversion_asks_afresh():
    refund = load("rutter/seed-fetch.json")
    api = Api()
    converter = Converter("rutter", "railz", directory=api)
    converter.convert(refund)
    once = len(api.asked)
    assert once
    converter.convert(refund)
    assert len(api.asked) == 2 * once  # a conversion alone: its own answers
    run = converter.for_run()
    run.convert(refund)
    run.convert(refund)
    assert len(api.asked) == 3 * once  # a run: asked once per distinct id
    assert run == converter


def test_the_command_line_says_the_librarys_words_with_its_own_flags(cli, fixtures):
    wording = "a railz-v2-push body needs the Railz connection it is for: give --connection-uuid"
    fetch = str(fixtures / "rutter/seed-fetch.json")
    status, _, err = cli("convert", "-f", "rutter", "-t", "railz-v2-push", fetch)
    assert status == 2
    assert err == f"refundmap: --connection-uuid: {wording}\n"
    bare = str(fixtures / "railz-v2-push/bare-data.json")  # found when the record is read
    status, _, err = cli("convert", "-f", "railz-v2-push", "-t", "railz-v2-push", bare)
    assert status == 2
    assert err == f"refundmap: {bare}: {wording}\n"
    status, _, err = cli("convert", "-f", "railz", "-t", "rutter", "--synced-at", "soon", fetch)
    assert status == 2
    assert err.startswith("refundmap: --synced-at: ")
    assert "synced_at" not in err
