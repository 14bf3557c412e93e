"""Per-format facts read from the registry (refundmap.formats), not from format names."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from refundmap import Converter, UsageError
from refundmap.formats import FACTS, FORMATS
from refundmap.schema import json_schema
from refundmap.validation import _foreign_hint

PACKAGE = Path(__file__).resolve().parents[2] / "refundmap"

#: Where the registry, the mapping table and typing name formats, which is their job.
NAMING_ROOMS = {
    "formats.py",
    "document.py",
    "responses.py",
    "mapping/table.py",
    "mapping/platforms.py",
    "testing/__init__.py",
    "testing/_payloads.py",
}
_NAME = "(rutter|railz)(-create|-v2|-push|-v2-push)?"
#: A test of a format's name: ``fmt.name == "railz"``, ``"railz": ...`` as a dict key.
NAME_TEST = re.compile(rf'(\.name\s*(==|!=|in)\s*\(?"{_NAME}"|^\s*"{_NAME}"\s*:)')


def test_every_fact_is_of_a_format() -> None:
    assert set(FACTS) <= set(FORMATS)
    for fmt in FORMATS.values():
        assert bool(fmt.body_parameters) == bool(fmt.facts.body_subject)


def test_no_module_tests_a_format_by_its_name() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in NAMING_ROOMS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if NAME_TEST.search(line)
    ]
    assert found == []


def _usage(source: str, target: str, **options: str) -> tuple[str, str]:
    with pytest.raises(UsageError) as caught:
        Converter(source, target, **options)  # type: ignore[arg-type]
    problem = caught.value.problems[0]
    return problem.path, problem.message


def test_a_push_target_asks_for_its_body_parameters() -> None:
    assert _usage("rutter", "railz-v2-push") == (
        "connection_uuid",
        "a railz-v2-push body needs the Railz connection it is for: give connection_uuid",
    )
    business = "a railz-push body needs the business it is for: give business_name and service_name"
    assert _usage("rutter", "railz-push") == ("business_name", business)
    assert _usage("rutter", "railz-push", business_name="Acme") == ("service_name", business)


def _set(monkeypatch: pytest.MonkeyPatch, name: str, **facts: object) -> None:
    monkeypatch.setitem(FACTS, name, attrs.evolve(FACTS[name], **facts))


def test_a_body_parameter_is_asked_for_by_the_registry_s_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _set(monkeypatch, "railz-v2-push", body_subject="the connection of the refund")
    wording = "needs the connection of the refund: give connection_uuid"
    with pytest.raises(UsageError, match=wording):
        Converter("rutter", "railz-v2-push")


def test_a_push_body_takes_the_services_its_format_names(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _usage("rutter", "railz-push", business_name="Acme", service_name="sage") == (
        "service_name",
        "railz-push takes service_name xero or quickbooks, not 'sage'",
    )
    _set(monkeypatch, "railz-push", body_services=("xero", "quickbooks", "sage"))
    Converter("rutter", "railz-push", business_name="Acme", service_name="sage")


def test_a_connection_scopes_only_a_format_that_names_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _usage("railz", "rutter", connection_uuid="c-1") == (
        "connection_uuid",
        "railz (version 1) documents name no connection: the Rutter ids of their refunds are"
        " scoped by the business; give business_name and service_name",
    )
    Converter("railz-v2", "rutter", connection_uuid="c-1")
    _set(monkeypatch, "railz", names_connection=True)
    Converter("railz", "rutter", connection_uuid="c-1")


def test_each_railz_version_names_the_other() -> None:
    versions = {name: facts for name, facts in FACTS.items() if facts.other_version is not None}
    assert set(versions) == {"railz", "railz-v2"}
    for name, facts in versions.items():
        other = FACTS[facts.other_version]  # type: ignore[index]
        assert other.other_version == name
        assert facts.date_key != other.date_key
        assert not facts.own_keys & other.own_keys
    v1_record = {"id": "1", "date": "2024-01-02", "totalAmount": 1}
    assert _foreign_hint(v1_record, FORMATS["railz-v2"]) == (
        "this looks like a railz refund (date, not postedDate): validate or convert it as railz"
    )
    v2_record = {"id": "1", "postedDate": "2024-01-02", "totalAmount": 1}
    assert _foreign_hint(v2_record, FORMATS["railz"]) == (
        "this looks like a railz-v2 refund (postedDate, not date): validate or convert it as"
        " railz-v2"
    )
    # A key only the version has: its own problems say more than the hint would.
    assert _foreign_hint({**v2_record, "currencyRef": {}}, FORMATS["railz"]) is None


def _percentage_models(schema: dict[str, object]) -> set[str]:
    definitions = schema["$defs"]
    assert isinstance(definitions, dict)
    return {
        name
        for name, definition in definitions.items()
        for key in ("discountPercentage", "effectiveTaxRate")
        if "maximum: 100" in repr(definition.get("properties", {}).get(key)).replace("'", "")
    }


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=FORMATS)
def test_the_strict_schema_bounds_the_percentages_of_the_registry_s_models(fmt: object) -> None:
    assert fmt is not None
    schema = json_schema(fmt, strict=True)  # type: ignore[arg-type]
    expected = {model.__name__ for model in fmt.facts.percentages}  # type: ignore[attr-defined]
    assert _percentage_models(schema) == expected
    assert _percentage_models(json_schema(fmt, strict=False)) == set()  # type: ignore[arg-type]
