"""convert_each: one result a record, in order; a bad record does not sink the others."""

import pytest

import refundmap
from refundmap import Kind, MappingError, UsageError, ValidationError, convert, convert_each

from helpers import load_fixture as load

SYNCED = "2024-06-30T12:00:00Z"


def test_each_record_of_a_page_converts_as_the_whole_page_would():
    page = load("railz/quickbooks-list.json")
    whole = convert(page, "railz", "rutter", synced_at=SYNCED).output["customer_refunds"]
    results = list(convert_each(page, "railz", "rutter", synced_at=SYNCED))
    assert [r.index for r in results] == list(range(len(page["data"])))
    assert [r.path for r in results] == [f"$.data[{i}]" for i in range(len(page["data"]))]
    assert [r.output for r in results] == whole
    assert all(r.ok and r.error is None for r in results)


def test_a_page_with_one_bad_record_converts_the_others():
    page = load("railz/quickbooks-list.json")
    del page["data"][0]["accountRef"]  # Rutter requires an account
    first, *rest = convert_each(page, "railz", "rutter", synced_at=SYNCED)
    assert first.output is None
    assert isinstance(first.error, MappingError)
    assert [p.path for p in first.error.problems] == ["$.data[0].accountRef.id"]
    assert all(r.ok for r in rest)
    good = {**page, "data": page["data"][1:]}
    assert [r.output for r in rest] == convert(good, "railz", "rutter", synced_at=SYNCED).output[
        "customer_refunds"
    ]
    with pytest.raises(MappingError):  # convert() stays all or nothing
        convert(page, "railz", "rutter")


def test_an_invalid_record_is_a_validation_error_at_its_own_path():
    page = load("rutter/quickbooks-list.json")
    page["customer_refunds"][1]["total_amount"] = "twelve"
    results = list(convert_each(page, "rutter", "railz"))
    assert results[0].ok
    assert isinstance(results[1].error, ValidationError)
    assert [p.path for p in results[1].error.problems] == ["$.customer_refunds[1].total_amount"]


def test_report_paths_are_the_documents_and_the_outputs():
    page = load("railz/quickbooks-list.json")
    second = list(convert_each(page, "railz", "rutter"))[1]
    sources = {e.source_path for e in second.report}
    assert all(path.startswith("$.data[1]") for path in sources)
    targets = {e.target_path for e in second.report if e.target_path}
    assert targets
    assert all(path.startswith("$.") for path in targets)
    assert "$.account_id" in targets  # within the record, which is the output


def test_the_envelopes_entries_come_with_its_first_record():
    page = load("rutter/quickbooks-list.json")
    results = list(convert_each(page, "rutter", "railz"))
    envelope = [e for e in results[0].report if not e.source_path.startswith("$.customer_refunds")]
    assert ("$.next_cursor", Kind.OMITTED) in {(e.source_path, e.kind) for e in envelope}
    assert all(e.source_path.startswith("$.customer_refunds[1]") for e in results[1].report)


def test_arrays_of_records_and_of_pages_and_a_single_record():
    page = load("rutter/quickbooks-list.json")
    record = page["customer_refunds"][0]
    results = list(convert_each([page, record], "rutter", "rutter-create"))
    assert [r.path for r in results] == [
        "$[0].customer_refunds[0]",
        "$[0].customer_refunds[1]",
        "$[1]",
    ]
    assert all("customer_refund" in r.output for r in results)  # a body each
    (only,) = convert_each(record, "rutter", "railz")
    assert only.path == "$"
    assert only.output == convert(record, "rutter", "railz", synced_at=only.output and None).output


@pytest.mark.parametrize("element", [[], [{}], 5, None, "text"])
def test_an_element_that_is_not_an_object_fails_as_in_convert(element):
    # Issue 23 item 8: [page, []] was an IndexError; [page, [page]] converted the inner page.
    page = load("railz/quickbooks-list.json")
    doc = [page, element, page]
    with pytest.raises(ValidationError) as whole:
        convert(doc, "railz", "rutter")
    results = list(convert_each(doc, "railz", "rutter", synced_at=SYNCED))
    n = len(page["data"])
    assert [r.path for r in results] == [
        *(f"$[0].data[{j}]" for j in range(n)),
        "$[1]",
        *(f"$[2].data[{j}]" for j in range(n)),
    ]
    assert [r.index for r in results] == list(range(2 * n + 1))
    bad = results[n]
    assert isinstance(bad.error, ValidationError)
    assert bad.error.problems == whole.value.problems  # the same answer as convert's
    assert all(r.ok for r in results if r is not bad)
    assert [r.output for r in results[n + 1 :]] == [r.output for r in results[:n]]


def test_empty_documents_have_no_records():
    page = load("railz/quickbooks-list.json")
    assert list(convert_each([], "railz", "rutter")) == []
    assert list(convert_each({**page, "data": []}, "railz", "rutter")) == []
    assert list(convert_each([{**page, "data": []}], "railz", "rutter")) == []


def test_parameters_are_checked_before_any_record():
    with pytest.raises(UsageError, match="unknown format 'rutterr' \\(did you mean rutter"):
        convert_each({}, "rutterr", "railz")
    with pytest.raises(UsageError, match="connection_uuid must not be empty"):
        convert_each({}, "rutter", "railz-v2-push", connection_uuid="")
    with pytest.raises(ValidationError):
        convert_each(b"{", "rutter", "railz")


class Unreadable(dict):
    """A document that fails the test if anything reads it."""

    def _read(self, *_args):
        raise AssertionError("the document was read")

    __iter__ = __getitem__ = __len__ = keys = items = values = get = _read


PUSH_WITHOUT_PARAMETERS = [
    ("railz", "railz-v2-push", {}),
    ("rutter", "railz-v2-push", {"connection_uuid": None}),
    ("rutter", "railz-push", {}),
    ("railz", "railz-push", {"business_name": "Maison"}),
    ("rutter", "railz-push", {"service_name": "xero"}),
]


@pytest.mark.parametrize(("source", "target", "given"), PUSH_WITHOUT_PARAMETERS)
def test_a_missing_push_parameter_is_refused_before_the_document_is_read(source, target, given):
    # Issue 23 item 16: convert("{}", "railz", "railz-v2-push") was a ValidationError, and
    # convert_each raised only while iterating.
    for call in (convert, convert_each):
        with pytest.raises(UsageError, match="body needs the"):
            call(Unreadable(), source, target, **given)
    with pytest.raises(UsageError, match="connection_uuid"):
        convert("{}", "railz", "railz-v2-push")


def test_a_push_body_to_itself_needs_the_parameter_only_for_a_bare_record():
    body = load("railz-v2-push/openapi-example-body.json")
    (only,) = convert_each(body, "railz-v2-push", "railz-v2-push")
    assert only.ok
    assert only.output["connectionUuid"] == body["connectionUuid"]
    results = convert_each(body["data"], "railz-v2-push", "railz-v2-push")  # no raise yet
    with pytest.raises(UsageError, match="connection_uuid"):
        next(results)


def test_a_record_result_crosses_a_process_boundary():
    import pickle

    page = load("railz/quickbooks-list.json")
    del page["data"][0]["accountRef"]
    results = list(convert_each(page, "railz", "rutter"))
    assert {r.ok for r in results} == {True, False}  # a failed result and converted ones
    for result in results:
        copy = pickle.loads(pickle.dumps(result))  # noqa: S301 - our own bytes
        # A result with an error never equals another (errors compare by identity).
        assert (copy.index, copy.path, copy.ok, copy.output) == (
            result.index,
            result.path,
            result.ok,
            result.output,
        )
        assert list(copy.report) == list(result.report)
        assert type(copy.error) is type(result.error)
        if result.error is not None:
            assert copy.error.problems == result.error.problems


def test_usage_errors_are_refundmap_errors_and_value_errors():
    for call in (
        lambda: convert({}, "rutter", "nope"),
        lambda: convert({}, "railz-v2-push", "rutter"),
        lambda: convert({}, "rutter", "railz-push", business_name="B", service_name="sage"),
    ):
        with pytest.raises(UsageError) as exc:
            call()
        assert isinstance(exc.value, refundmap.RefundmapError)
        assert isinstance(exc.value, ValueError)
    with pytest.raises(refundmap.ParameterTypeError) as exc:
        convert({}, "rutter", "railz", connection_uuid=5)
    assert isinstance(exc.value, TypeError)


def test_format_names_in_any_case():
    record = load("rutter/quickbooks-list.json")["customer_refunds"][0]
    assert (
        convert(record, "Rutter", "RAILZ-V2", synced_at=SYNCED).output
        == convert(record, "rutter", "railz-v2", synced_at=SYNCED).output
    )
