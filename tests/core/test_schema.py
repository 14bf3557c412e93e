"""JSON Schema of every format (issue 13): valid schemas, fixtures pass, type errors fail."""

import copy
import json
import re
from functools import cache

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import refundmap
from refundmap import FORMATS
from refundmap.codec import camel
from refundmap.models import railz
from refundmap.paths import parse
from refundmap.schema import LOOSER

from conformance import from_schema
from helpers import FIXTURES, ROOT


@cache
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


# -- the schema and validate give one answer (issue 23 item 20) -----------------------

#: The rules of refundmap.schema.LOOSER, as validate words them: a document the
#: schema passes may fail validate for these, and for nothing else.
_UNSAYABLE = re.compile(
    r"^(total_amount|subTotal|discountAmount|totalAmount) \S+ (is not |does not add up)"  # totals
    r"|not a possible (date|time)"  # an impossible date, a leap second at another time
    r"|decimal places"  # a JSON number's, as a binary float
    r"|they are one field"  # an alias given with its field
    r"|^currencyRef\.id .* is not a currency code"  # a currency id no name explains
    r"|holds a number beyond|nested too deeply"
    r"|^this (looks like|is) a"  # another format's document
)
_EXPONENT = re.compile(r"[eE]")


#: A field's key -> its alias: validate names a value given under the alias by the key.
_ALIASES = {
    camel(field.name): alias
    for model in vars(railz).values()
    if isinstance(model, type) and attrs.has(model)
    for field in attrs.fields(model)
    for alias in field.metadata.get("aliases", ())
}


def _value_at(document, path):
    value = document
    for step in parse(path) or ():
        if type(value) is dict and step not in value:
            step = _ALIASES.get(step, step)  # noqa: PLW2901
        value = value[step]
    return value


def _unsayable(problem, document, fmt, strict):
    """Whether ``problem`` is one of the rules the schema documents it cannot say."""
    if _UNSAYABLE.search(problem.message):
        return True
    try:
        value = _value_at(document, problem.path)
    except (KeyError, IndexError, TypeError):
        return False
    if type(value) is str and _EXPONENT.search(value):
        return True  # a numeric string in exponent notation: bounded by validate only
    # A Railz id written as a number that is not plain digits (1.0, 1e2).
    return (
        not strict
        and fmt in ("railz", "railz-v2")
        and problem.path.endswith(".id")
        and type(value) is float
        and value.is_integer()
    )


def _answers(document, fmt, strict):
    """Return the schema's answer, validate's, and validate's problems the schema can say."""
    schema_ok = validator(fmt, strict=strict).is_valid(document)
    try:
        refundmap.validate(document, fmt, strict=strict)
    except refundmap.ValidationError as exc:
        others = [p for p in exc.problems if not _unsayable(p, document, fmt, strict)]
        return schema_ok, False, others
    return schema_ok, True, []


def _agree(document, fmt, strict):
    schema_ok, valid, others = _answers(document, fmt, strict)
    if not schema_ok:
        assert not valid, f"the schema refuses what validate accepts: {json.dumps(document)[:300]}"
    else:
        assert valid or not others, f"validate refuses what the schema passes: {others}"


CASES = [
    # (format, strict, fixture, keys to the value, new value, validate's answer)
    ("rutter-create", False, "seed-create-request.json", ("customer_refund", "line_items"), [],
     False),
    ("railz", False, "seed-refund.json", ("date",), "20240102", False),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02 10:00", False),
    ("railz", False, "seed-refund.json", ("date",), "2024-13-02", False),
    ("railz", False, "seed-refund.json", ("date",), "0000-01-02", False),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02T10:00:00+01:99", False),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02T24:00:00.0000000", True),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02 24:00:00Z", True),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02T240000+0530", True),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02T24:00:01Z", False),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02 10:00:00.1234567+05:30", True),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02T1000+0530", True),
    ("railz", False, "seed-refund.json", ("date",), "2024-01-02T24:00", True),
    ("railz", False, "seed-refund.json", ("lines", 0, "quantity"), "1e2", True),
    ("railz", False, "seed-refund.json", ("lines", 0, "quantity"), "100.000", True),
    ("railz", False, "seed-refund.json", ("lines", 0, "quantity"), "1.5", False),
    ("railz", False, "seed-refund.json", ("lines", 0, "quantity"), 10**15, False),
    ("railz", False, "seed-refund.json", ("totalAmount",), "1000000000000000", False),
    ("railz", False, "seed-refund.json", ("totalAmount",), "0.000000000000000000001", False),
    ("railz", False, "seed-refund.json", ("totalAmount",), "-0.0000000000000000000000", True),
    ("railz", False, "seed-refund.json", ("totalAmount",), -1e15, False),
    ("railz", True, "quickbooks-list.json", ("data", 0, "discountPercentage"), 100.5, False),
    ("railz", True, "quickbooks-list.json", ("data", 0, "discountPercentage"), 100, True),
    ("railz", False, "seed-refund.json", ("discountPercentage",), 100.5, True),  # a warning
    ("railz", True, "quickbooks-list.json", ("data", 0, "lines", 0, "taxRateRef"),
     {"id": "T", "effectiveTaxRate": -1}, False),
    ("rutter", True, "xero-fetch.json", ("customer_refund", "currency_code"), "XYZ", False),
    ("rutter", False, "xero-fetch.json", ("customer_refund", "currency_code"), "XYZ", True),
    ("rutter", True, "xero-fetch.json", ("customer_refund", "currency_code"), "BTC", True),
    ("rutter", True, "xero-fetch.json", ("customer_refund", "account_id"), "145", False),
    ("rutter-create", True, "seed-create-request.json", ("customer_refund", "line_items", 0),
     {"account_id": "00000000-0000-0000-0000-000000000000"}, False),  # no total, no price
    ("rutter-create", True, "seed-create-request.json", ("customer_refund", "line_items", 0),
     {"account_id": "00000000-0000-0000-0000-000000000000", "total_amount": 1}, True),
    ("railz-push", False, "openapi-example-body.json", ("data", "memo"), "m" * 4001, False),
    ("rutter", False, "seed-fetch.json", ("async_response",), {"id": "x"}, False),
]  # fmt: skip


def _mutated(fmt, name, keys, value):
    document = json.loads((FIXTURES / fmt / name).read_text())
    holder = document
    for key in keys[:-1]:
        holder = holder[key]
    holder[keys[-1]] = value
    return document


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[4]!r:.30}")
def test_the_schema_says_what_validate_says(case):
    # Issue 23 item 20: each of these passed the schema and failed validate, or the reverse.
    fmt, strict, name, keys, value, valid = case
    document = _mutated(fmt, name, keys, value)
    assert validator(fmt, strict=strict).is_valid(document) is valid
    if valid:
        refundmap.validate(document, fmt, strict=strict)
    else:
        with pytest.raises(refundmap.ValidationError):
            refundmap.validate(document, fmt, strict=strict)


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        (("id",), 1.0),
        (("id",), 1e2),
        (("date",), "2023-02-30"),
        (("date",), "2024-01-02T10:00:60Z"),
    ],
)
def test_where_the_schema_is_looser_it_says_so(keys, value):
    document = _mutated("railz", "seed-refund.json", keys, value)
    assert validator("railz").is_valid(document)
    with pytest.raises(refundmap.ValidationError) as exc:
        refundmap.validate(document, "railz")
    assert all(_unsayable(p, document, "railz", strict=False) for p in exc.value.problems)
    readme = " ".join((FIXTURES.parent / "docs/library.md").read_text().split())
    assert all(f"- {rule}" in readme for rule in LOOSER)  # each is documented


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(max_examples=max(settings.default.max_examples // 4, 10))
@given(data=st.data())
def test_payloads_generated_from_the_schema_get_one_answer(fmt, strict, data):
    schema = refundmap.json_schema(fmt, strict=strict)
    document = data.draw(from_schema({"anyOf": schema["anyOf"]}, schema["$defs"]))
    _agree(document, fmt, strict)


#: Values that have split the schema from validate, or might.
TRICKY = [
    None, True, 0, -1, 1.0, 1e2, 0.5, 100.5, 10**15, 999999999999999, -1e15, 1e-21, 2**63,
    "", "x", "1", "1e2", "1.5e3", "1.0", "12.50", "-0", "0.0", "1000000000000000", "1e15",
    "20240102", "2024-01-02", "2024-01-02 10:00", "2024-01-02T10:00", "2024-01-02T10",
    "2024-01-02T24:00:00", "2024-01-02T10:00:00.1234567Z", "2024-02-30", "2024-13-01",
    "0000-01-01", "2024-01-02T10:00:00+01:99", "2024-01-02t10:00:00z", "2024-1-2",
    "EUR", "XYZ", "BTC", "0c4f1e2a-7d3b-4b8e-a1f6-9e2d5c8b4a71", "m" * 4001, "quickbooks",
    [], [{}], [None], {}, {"id": "1"}, {"id": 1},
]  # fmt: skip


def _places(value, at=()):
    yield at
    if type(value) is dict:
        for key, item in value.items():
            yield from _places(item, (*at, key))
    elif type(value) is list:
        for index, item in enumerate(value):
            yield from _places(item, (*at, index))


def _valid_documents():
    return [(fmt, path) for fmt, path in _documents() if fmt in FORMATS]


@pytest.mark.parametrize("strict", [False, True])
@settings(max_examples=max(settings.default.max_examples, 50))
@given(data=st.data())
def test_fixtures_with_a_value_changed_or_removed_get_one_answer(strict, data):
    fmt, path = data.draw(st.sampled_from(_valid_documents()))
    document = json.loads(path.read_text())
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(list(_places(document))[1:] or [()]))
        if not place:
            break
        holder = _value_at(
            document, "$" + "".join(f"[{k}]" if type(k) is int else f".{k}" for k in place[:-1])
        )
        if type(holder) is dict and data.draw(st.booleans()):
            del holder[place[-1]]
        else:
            holder[place[-1]] = copy.deepcopy(data.draw(st.sampled_from(TRICKY)))
    _agree(document, fmt, strict)


@pytest.mark.parametrize(
    ("fmt", "path"),
    [
        ("railz-v2-push", "fixtures/expected/rutter/xero-fetch.railz-v2-push.json"),
        ("railz-push", "fixtures/expected/rutter/xero-fetch.railz-push.json"),
    ],
)
def test_an_empty_line_object_is_what_validate_says_it_is(fmt, path):
    """Left out and warned of (valid) as by validate; refused under --strict, as by validate."""
    document = json.loads((ROOT / path).read_text(encoding="utf-8"))
    document["data"]["lines"].append({})
    assert validator(fmt, strict=False).is_valid(document)
    (warning,) = refundmap.validate(document, fmt)
    assert "empty line object" in warning.message
    assert not validator(fmt, strict=True).is_valid(document)
    with pytest.raises(refundmap.ValidationError):
        refundmap.validate(document, fmt, strict=True)
