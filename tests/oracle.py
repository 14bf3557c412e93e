"""The fuzz oracle: only refundmap's errors, and output that is text that validates again.

One oracle for the two fuzzers: ``tests/properties/test_fuzz.py`` (hypothesis,
in the suite) and ``fuzz/fuzz_refundmap.py`` (atheris, run by hand).
"""

from __future__ import annotations

import contextlib
from typing import Any

from refundmap import FORMATS as REGISTRY
from refundmap import MappingError, ValidationError, convert, validate
from refundmap.mapping import PAIRS as CONVERSIONS

FORMATS = tuple(REGISTRY)
PAIRS = sorted({(f, f) for f in FORMATS} | CONVERSIONS)
SYNCED_AT = "2024-06-30T12:00:00.000Z"


def push_parameters(target: str) -> dict[str, str]:
    """A push body's connection, for push targets; into Rutter they would scope Railz ids."""
    if not target.endswith("-push"):
        return {}
    return {"connection_uuid": "CON-fuzz", "business_name": "Fuzz", "service_name": "xero"}


def oracle(data: bytes | str | Any, source: str, target: str, *, strict: bool) -> None:
    """Only refundmap's errors; a conversion's output is text that validates again."""
    with contextlib.suppress(ValidationError):
        validate(data, source, strict=strict)
    try:
        result = convert(
            data,
            source,
            target,
            strict=strict,
            synced_at=SYNCED_AT,
            **push_parameters(target),
        )
    except (ValidationError, MappingError):
        return
    text = result.to_json()
    text.encode("utf-8")
    validate(text, target)
