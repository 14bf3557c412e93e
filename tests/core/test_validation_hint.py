"""The foreign-document hint of refundmap.validation: asked only of what may be foreign."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from refundmap import Converter, ValidationError, validation
from refundmap.formats import FACTS, FORMATS, NOT_REFUNDS, Format
from refundmap.mapping import fused

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _objects() -> list[dict[str, Any]]:
    """Every JSON object the fixtures hold at their top, or as an element of their array."""
    found: list[dict[str, Any]] = []
    for path in sorted(FIXTURES.rglob("*.json")):
        try:
            document = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        items = document if isinstance(document, list) else [document]
        found.extend(item for item in items if isinstance(item, dict))
    return found


@pytest.fixture
def hints(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the hint's calls: the format of each document it was asked about.

    The detailed reader's calls: the fast path (refundmap.mapping.fused) is off.
    """
    monkeypatch.setattr(fused, "ENABLED", False)
    asked: list[str] = []
    hint = validation._foreign_hint

    def counted(raw: dict[str, Any], fmt: Format) -> str | None:
        asked.append(fmt.name)
        return hint(raw, fmt)

    monkeypatch.setattr(validation, "_foreign_hint", counted)
    return asked


def test_a_record_of_its_own_keys_is_not_asked_about(hints: list[str]) -> None:
    page = json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text())
    converter = Converter("railz", "rutter", synced_at="2024-06-30T12:00:00Z")
    for record in page["data"]:
        converter.convert(json.dumps(record))
    assert hints == []
    converter.convert(json.dumps(page))  # an envelope: its record may be the other version's
    assert hints == ["railz"]


def test_a_record_with_a_key_not_its_own_is_still_named(hints: list[str]) -> None:
    record = {"id": "1", "postedDate": "2024-01-02", "totalAmount": 1}
    with pytest.raises(ValidationError, match="this looks like a railz-v2 refund"):
        Converter("railz", "rutter").convert(json.dumps(record))
    assert hints == ["railz"]


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=FORMATS)
def test_no_hint_can_name_a_record_of_its_own_keys(fmt: Format) -> None:
    # What the hint looks for: a marker of what is no refund or of another format's
    # envelope, the other version's date key (in a record, or a page's first under
    # "data"). None of them is a key of the format's record.
    own = validation._record_keys(fmt)
    looked_for = set(NOT_REFUNDS) | {
        shape.marker
        for other in FORMATS.values()
        if other is not fmt
        for shape in other.envelopes
        if shape.marker is not None
    }
    other = fmt.facts.other_version
    if other is not None:
        looked_for |= {"data", str(FACTS[other].date_key)}
    assert not own & looked_for
    # And every object of the fixtures with only its own keys is named by none.
    for item in _objects():
        if own.issuperset(item):
            assert validation._foreign_hint(item, fmt) is None, item
