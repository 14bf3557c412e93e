"""detect_format (format "auto"): every fixture told from its keys; ambiguity refused."""

import pytest

from refundmap import FORMATS, ValidationError, detect_format, validate

from helpers import FIXTURES

PAYLOADS = sorted(p for name in FORMATS for p in (FIXTURES / name).glob("*.json"))
INVALID = sorted(p for p in (FIXTURES / "invalid").rglob("*.json") if ".expected." not in p.name)

#: Invalid fixtures that are another format's document, given as their folder's on purpose.
OTHER = {
    "railz/rutter-list.json": "rutter",
    "rutter/railz-record.json": "railz",
    "railz-v2/v1-date-and-bad-lines.json": "railz",
}
#: Invalid fixtures in which there is no format to tell: not JSON, not an object.
UNTOLD = {
    "railz/not-an-object.json": "the format cannot be told",
    "railz/truncated.json": "invalid JSON",
    "rutter/nan-amount.json": "invalid JSON",
    "rutter/duplicate-total.json": "key repeated within one object",
}


def test_the_fixtures_are_all_there():
    assert len(PAYLOADS) >= 20
    assert len(INVALID) >= 15


@pytest.mark.parametrize("path", PAYLOADS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_payload_fixture_is_told_its_format(path):
    assert detect_format(path.read_bytes()).name == path.parent.name
    validate(path.read_bytes(), detect_format(path.read_bytes()).name)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_invalid_fixture_is_told_a_format_that_names_its_problems(path):
    key = f"{path.parent.name}/{path.name}"
    if key in UNTOLD:
        with pytest.raises(ValidationError, match=UNTOLD[key]):
            detect_format(path.read_bytes())
        return
    found = detect_format(path.read_bytes()).name
    assert found == OTHER.get(key, path.parent.name)
    with pytest.raises(ValidationError):
        validate(path.read_bytes(), found, strict=True)


@pytest.mark.parametrize(
    ("document", "candidates"),
    [
        ({"data": []}, "railz or railz-v2"),  # an empty page: both versions' envelope
        ([], "rutter, rutter-create, railz, railz-v2, railz-v2-push or railz-push"),
    ],
)
def test_a_document_formats_fit_equally_is_refused_naming_them(document, candidates):
    with pytest.raises(ValidationError) as caught:
        detect_format(document)
    (problem,) = caught.value.problems
    assert problem.path == "$"
    expected = f"the format cannot be told: it could be {candidates}; give the format"
    assert problem.message == expected


def test_a_document_of_no_format_is_refused():
    with pytest.raises(ValidationError, match="no refund document refundmap knows"):
        detect_format({"accounts": []})


def test_only_the_first_records_of_a_long_page_are_tried():
    page = (FIXTURES / "railz/xero-list.json").read_text()
    import json

    data = json.loads(page)
    data["data"] = data["data"] * 500 + [{"not": "read"}]
    assert detect_format(data).name == "railz"
