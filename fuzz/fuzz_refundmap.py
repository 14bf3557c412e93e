r"""Coverage-guided fuzzing of refundmap with atheris (libFuzzer).

Every input is raw bytes given to ``validate`` and ``convert`` for one pair of
formats (chosen by the last byte, so that fixtures stay valid JSON as seeds).
Anything but ``ValidationError`` or ``MappingError`` is a crash; so is output
that is not UTF-8 text or does not validate again as its target format.

    pip install atheris
    mkdir -p /tmp/refundmap-corpus
    python fuzz/fuzz_refundmap.py /tmp/refundmap-corpus fixtures/rutter fixtures/railz \\
        fixtures/rutter-create fixtures/invalid/rutter fixtures/invalid/railz \\
        fixtures/invalid/rutter-create -max_total_time=1800 -rss_limit_mb=4096

New inputs go to the first folder; crashes to ``crash-*`` files in the current folder.
"""

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from refundmap import FORMATS as REGISTRY
    from refundmap import MappingError, ValidationError, convert, validate
    from refundmap.mapping import PAIRS as CONVERSIONS

FORMATS = tuple(REGISTRY)
PAIRS = sorted({(f, f) for f in FORMATS} | CONVERSIONS)
SYNCED_AT = "2024-06-30T12:00:00.000Z"


def _push_parameters(target: str) -> dict[str, str]:
    """A push body's connection, for push targets; into Rutter they would scope Railz ids."""
    if not target.endswith("-push"):
        return {}
    return {"connection_uuid": "CON-fuzz", "business_name": "Fuzz", "service_name": "xero"}


def test_one_input(data: bytes) -> None:
    """Check one input: only refundmap's errors, and output that is valid again."""
    if not data:
        return
    source, target = PAIRS[data[-1] % len(PAIRS)]
    strict = bool(data[0] & 1)
    with contextlib.suppress(ValidationError):
        validate(data, source, strict=strict)
    try:
        result = convert(
            data,
            source,
            target,
            strict=strict,
            synced_at=SYNCED_AT,
            **_push_parameters(target),
        )
    except (ValidationError, MappingError):
        return
    text = result.to_json()
    text.encode("utf-8")
    validate(text, target)


def main() -> None:
    """Run the fuzzer with libFuzzer's command line."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
