"""The golden conversions: every fixture to every format it converts to.

Run ``python tests/golden.py`` to rewrite ``fixtures/expected/`` after a change
that is meant to alter an output, and read the diff before committing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from refundmap import FORMATS, Directory, MappingError, ValidationError, convert
from refundmap.conversion import supported

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = FIXTURES / "expected"
REFERENCES = FIXTURES / "references"
#: Conversions across the vendors with a directory: (fixture, source, target, references).
#: The references are a folder of Rutter reference responses, or a CSV file.
WITH_REFERENCES = (
    ("rutter/quickbooks-list.json", "rutter", "railz-v2-push", "quickbooks"),
    ("rutter/xero-fetch.json", "rutter", "railz", "xero"),
    ("rutter/xero-fetch.json", "rutter", "railz-v2", "xero"),
    ("railz/quickbooks-list.json", "railz", "rutter", "quickbooks"),
    ("railz/quickbooks-list.json", "railz", "rutter-create", "quickbooks.csv"),
    ("railz/xero-list.json", "railz", "rutter", "xero"),
    ("railz-v2/xero-list.json", "railz-v2", "rutter", "xero"),
    ("railz-v2/quickbooks-refund.json", "railz-v2", "rutter", "quickbooks.csv"),
    ("railz/xero-no-account-list.json", "railz", "rutter", "xero"),
)
SYNCED_AT = "2024-06-30T12:00:00.000Z"
CONNECTION = "CON-00000000-0000-0000-0000-000000000000"
#: What the push bodies need: a Railz connection, or a business and its service.
PUSH_PARAMETERS = {
    "connection_uuid": CONNECTION,
    "business_name": "Northwind Outfitters",
    "service_name": "quickbooks",
}
#: Defaults of golden cases with a directory: Railz's Xero refunds carry no accountRef.
#: The id is the platform's (the source's id space), translated by the directory.
DEFAULTS = {
    ("railz/xero-no-account-list.json", "railz", "rutter", "xero"): {
        "account": "13918178-849a-4823-9a31-57b7eac713d7"
    },
}


def parameters(target: str) -> dict[str, str]:
    """Return the parameters a conversion to ``target`` takes: a push body's connection.

    Into Rutter the same parameters would scope the Rutter ids of Railz records,
    and differ from what the fixtures' pages name: they are given to push bodies only.
    """
    return PUSH_PARAMETERS if target.endswith("-push") else {}


def cases() -> Iterator[tuple[Path, str, str]]:
    """Yield ``(fixture, source format, target format)`` for every golden case."""
    for source in FORMATS:
        for path in sorted((FIXTURES / source).glob("*.json")):
            for target in FORMATS:
                if supported(source, target):
                    yield path, source, target


def reference_cases() -> Iterator[tuple[Path, str, str, str]]:
    """Yield ``(fixture, source, target, references)`` for every golden case with a directory."""
    for fixture, source, target, references in WITH_REFERENCES:
        yield FIXTURES / fixture, source, target, references


def directory(references: str) -> Directory:
    """Return the directory of ``fixtures/references/<references>`` (a folder, or a CSV file)."""
    return Directory.from_files(REFERENCES / references)


def expected_paths(
    path: Path, source: str, target: str, references: str | None = None
) -> tuple[Path, Path]:
    """Return where a case's expected output and report (or mapping error) are kept."""
    folder = EXPECTED / source if references is None else EXPECTED / "with-refs" / references
    stem = path.stem if references is None else f"{source}.{path.stem}"
    return folder / f"{stem}.{target}.json", folder / f"{stem}.{target}.report.json"


def _text(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def run(path: Path, source: str, target: str, references: str | None = None) -> tuple[str, str]:
    """Return a case's output and report, as kept; a mapping error is kept as its problems."""
    refs = None if references is None else directory(references)
    case = (f"{path.parent.name}/{path.name}", source, target, references)
    try:
        result = convert(
            path.read_bytes(),
            source,
            target,
            synced_at=SYNCED_AT,
            directory=refs,
            defaults=DEFAULTS.get(case),  # type: ignore[arg-type]
            **parameters(target),
        )
    except MappingError as exc:
        return _text({"mapping_error": [p.to_dict() for p in exc.problems]}), _text([])
    return result.to_json(indent=2) + "\n", _text([e.to_dict() for e in result.report])


def main() -> None:
    """Rewrite every expected output and report."""
    every = [(*case, None) for case in cases()] + list(reference_cases())
    for path, source, target, references in every:
        output_path, report_path = expected_paths(path, source, target, references)
        output_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            output, report = run(path, source, target, references)
        except ValidationError as exc:
            raise SystemExit(f"{path}: {exc}") from None
        output_path.write_text(output)
        report_path.write_text(report)
        print(f"wrote {output_path.relative_to(FIXTURES)}")  # noqa: T201


if __name__ == "__main__":
    main()
