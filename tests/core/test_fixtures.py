"""Every fixture: the valid ones validate, the invalid ones give their problems."""

import json

import pytest

from refundmap import FORMATS, ValidationError, validate

from helpers import FIXTURES

VALID = sorted(
    path
    for name in FORMATS
    if (FIXTURES / name).is_dir()
    for path in (FIXTURES / name).iterdir()
    if path.suffix in {".json", ".jsonl"}
)
INVALID = sorted(
    path
    for path in (FIXTURES / "invalid").glob("*/*.json")
    if not path.name.endswith(".expected.json")
)


def documents(path):
    if path.suffix == ".jsonl":
        return [line for line in path.read_bytes().splitlines() if line.strip()]
    return [path.read_bytes()]


def test_there_are_fixtures_of_every_format_and_invalid_ones():
    assert {path.parent.name for path in VALID} == set(FORMATS)
    assert {path.parent.name for path in INVALID} == set(FORMATS)


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_fixture_validates(path):
    for document in documents(path):
        validate(document, path.parent.name)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_fixture_gives_its_problems(path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    with pytest.raises(ValidationError) as exc:
        validate(path.read_bytes(), path.parent.name, strict=expected["strict"])
    assert [p.to_dict() for p in exc.value.problems] == expected["problems"]


def test_every_invalid_fixture_has_its_expected_problems():
    for path in INVALID:
        assert path.with_name(path.stem + ".expected.json").exists(), path


SEED_RUTTER = {
    "id": "00000000-0000-0000-0000-000000000000",
    "platform_id": "12345678",
    "transaction_date": "2023-01-02",
    "total_amount": 123.45,
    "discount_amount": 20,
    "document_number": "CUSTRFD-1",
    "tax_amount": 23.45,
}


@pytest.mark.parametrize("name", ["seed-list.json", "seed-fetch.json", "seed-create-response.json"])
def test_rutter_seed_examples_are_kept_verbatim(name):
    document = json.loads((FIXTURES / "rutter" / name).read_text())
    record = (
        document["customer_refunds"][0]
        if "customer_refunds" in document
        else document["customer_refund"]
    )
    assert {key: record[key] for key in SEED_RUTTER} == SEED_RUTTER
    assert record["platform_data"] == {"id": 123, "data": "Varies by platform"}


def test_railz_seed_example_is_kept_verbatim():
    document = json.loads((FIXTURES / "railz/seed-refund.json").read_text())
    assert document["totalDiscount"] == 322
    assert document["discountPercentage"] == 322
    assert document["lines"][0]["discountPercentage"] == 10.5
    assert list(document)[-1] == "sourceModifiedDate"
