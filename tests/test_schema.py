"""JSON Schema of every format (issue 13): valid schemas, fixtures pass, type errors fail."""

import json
from pathlib import Path

import jsonschema
import pytest

import refundmap
from refundmap import FORMATS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def validator(fmt, *, strict=False):
    schema = refundmap.json_schema(fmt, strict=strict)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_schema_is_a_valid_2020_12_schema(fmt, strict):
    schema = refundmap.json_schema(fmt, strict=strict)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _documents():
    for fmt in FORMATS:
        for path in sorted((FIXTURES / fmt).glob("*.json")):
            yield fmt, path
    # Every golden conversion output is a document of its target format.
    for path in sorted((FIXTURES / "expected").rglob("*.json")):
        if path.name.endswith(".report.json") or '"mapping_error"' in path.read_text()[:40]:
            continue  # a report, or a golden mapping error
        target = path.name.rsplit(".", 2)[-2]
        yield target, path


@pytest.mark.parametrize(("fmt", "path"), list(_documents()), ids=lambda v: str(v)[-60:])
def test_every_valid_fixture_and_golden_output_passes_its_schema(fmt, path):
    document = json.loads(path.read_text())
    refundmap.validate(document, fmt)  # valid for refundmap: then for the schema too
    errors = [e.message for e in validator(fmt).iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize(
    ("fmt", "name", "strict"),
    [
        ("rutter", "number-ids", False),
        ("rutter", "bad-amounts", False),
        ("rutter", "list-missing-keys", False),
        ("railz", "missing-required", False),
        ("railz", "not-an-object", False),
        ("railz", "strict-string-amount", True),
        ("rutter-create", "empty-lines", True),
    ],
)
def test_type_errors_fail_the_schema(fmt, name, strict):
    document = json.loads((FIXTURES / "invalid" / fmt / f"{name}.json").read_text())
    assert not validator(fmt, strict=strict).is_valid(document)


def test_strictness_is_in_the_schema():
    record = json.loads((FIXTURES / "railz/seed-refund.json").read_text())
    loose, strict = validator("railz"), validator("railz", strict=True)
    stringy = dict(record, totalAmount="322")
    assert loose.is_valid(stringy)
    assert not strict.is_valid(stringy)
    unknown = dict(record, note="x")
    assert loose.is_valid(unknown)
    assert not strict.is_valid(unknown)
    numeric_id = dict(record, id=17)
    assert loose.is_valid(numeric_id)
    assert not strict.is_valid(numeric_id)


def test_the_command_prints_the_schema(cli):
    status, out, _ = cli("schema", "Railz-V2", "--strict")
    assert status == 0
    assert json.loads(out) == refundmap.json_schema("railz-v2", strict=True)
