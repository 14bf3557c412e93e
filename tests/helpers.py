"""Helpers shared by the test modules: where things are, the command in a child, fixture builders.

Tests import them by name (``from helpers import FIXTURES, run_command``): the
``tests`` folder is on ``sys.path`` (pytest puts the folder of ``conftest.py``
there), and ``tests`` is not a package.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SYNCED = "2024-06-30T12:00:00.000Z"


def run_command(
    *argv: object,
    cwd: Path | str | None = None,
    stdin: str | bytes | None = None,
    text: bool = True,
    umask: int | None = None,
    file_size_limit: int | None = None,
    env: dict[str, str] | None = None,
    stdout: Any = subprocess.PIPE,
    timeout: float = 120,
) -> subprocess.CompletedProcess[Any]:
    """Run ``python -m refundmap *argv`` in a child process, as a user runs the command.

    Args:
        argv: the command's arguments; paths are turned into text.
        cwd: the child's working folder.
        stdin: what the child reads on its standard input.
        text: standard output and error as text (else bytes).
        umask: the child's umask, set before it starts.
        file_size_limit: RLIMIT_FSIZE of the child: no file of it may grow past this.
        env: variables added to this process's environment.
        stdout: where the child's standard output goes (captured unless told).
        timeout: seconds before the child is killed and the test fails.
    """

    def child() -> None:  # runs in the child, before exec
        if umask is not None:
            os.umask(umask)
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-m", "refundmap", *map(str, argv)],
        cwd=cwd,
        input=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=text,
        preexec_fn=child,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def load_fixture(name: str) -> Any:
    """The JSON value of ``fixtures/<name>``."""
    return json.loads((FIXTURES / name).read_text())


def rutter_refund(**changes: Any) -> dict[str, Any]:
    """The first refund of ``fixtures/rutter/seed-list.json``, with ``changes`` applied."""
    refund: dict[str, Any] = load_fixture("rutter/seed-list.json")["customer_refunds"][0]
    refund.update(changes)
    return refund


def railz_refund(**changes: Any) -> dict[str, Any]:
    """A small valid Railz refund of one line, with ``changes`` applied."""
    refund: dict[str, Any] = {
        "id": "R-1",
        "accountRef": {"id": "145", "name": "Bank"},
        "date": "2024-01-02",
        "totalAmount": 12.5,
        "lines": [{"description": "x", "totalAmount": 12.5}],
    }
    refund.update(changes)
    return refund


# -- hostile input: read by the library, the stream and the command -----------------------

#: A valid Rutter refund (the first of fixtures/rutter/seed-list.json), and its JSON text.
SEED: dict[str, Any] = rutter_refund()
TEXT = json.dumps(SEED)


def with_description(raw: str) -> str:
    """TEXT with the first line's description replaced by the JSON text ``raw``."""
    return TEXT.replace('"This is a description."', raw)


def with_platform_data(raw: str) -> str:
    """TEXT with the ``id`` in its platform_data replaced by the JSON text ``raw``."""
    return TEXT.replace('"id": 123', f'"id": {raw}')


HOSTILE: dict[str, tuple[bytes, str, str]] = {
    # name: (input, path of the first problem, what its message says)
    "NaN literal": (TEXT.replace("123.45", "NaN", 1).encode(), "$", "NaN is not a JSON number"),
    "Infinity literal": (TEXT.replace("123.45", "Infinity", 1).encode(), "$", "Infinity is not"),
    "-Infinity literal": (TEXT.replace("123.45", "-Infinity", 1).encode(), "$", "-Infinity is not"),
    "1e999999999 amount": (
        TEXT.replace("123.45", "1e999999999", 1).encode(),
        "$.total_amount",
        "smaller than 10^15",
    ),
    "1e999999999 in platform_data": (
        with_platform_data("1e999999999").encode(),
        "$.platform_data",
        "beyond 10^\u00b11000 at .id",
    ),
    "0e6666... beyond what Decimal holds": (
        TEXT.replace("123.45", "0e" + "6" * 40, 1).encode(),
        "$",
        "a number is beyond 10^",
    ),
    "5,000-digit integer amount": (
        TEXT.replace("123.45", "9" * 5000, 1).encode(),
        "$.total_amount",
        "smaller than 10^15",
    ),
    "100,000 levels at the top": (b"[" * 100_000 + b"]" * 100_000, "$", "nested too deeply"),
    "100,000 levels in platform_data": (
        with_platform_data("[" * 100_000 + "]" * 100_000).encode(),
        "$",
        "nested too deeply",
    ),
    "duplicate keys": (
        TEXT.replace(
            '"total_amount": 123.45,', '"total_amount": 1, "total_amount": 2,', 1
        ).encode(),
        "$.total_amount",
        "key repeated",
    ),
    "bytes that are not UTF-8": (
        TEXT.encode().replace(b"description", b"descr\xffption"),
        "$",
        "not UTF-8",
    ),
    "lone surrogate": (
        with_description('"\\ud800"').encode(),
        "$.line_items[0].description",
        "lone UTF-16 surrogate",
    ),
    "control character": (with_description('"a\x01b"').encode(), "$", "Invalid control character"),
    "empty file": (b"", "$", "the document is empty"),
    "truncated JSON": (TEXT[: len(TEXT) // 2].encode(), "$", "invalid JSON"),
    "top-level string": (b'"refund"', "$", "expected a JSON object or array"),
    "top-level number": (b"12.5", "$", "expected a JSON object or array"),
    "envelope of the other vendor": (
        (ROOT / "fixtures/railz/quickbooks-list.json").read_bytes(),
        "$",
        "this is a railz list document, not rutter",
    ),
}


def seen(result: Any) -> tuple[Any, ...]:
    """Everything a caller reads of a conversion, or of the error given in its place."""
    import refundmap

    if isinstance(result, refundmap.RefundmapError):
        return ("error", type(result).__name__, str(result), result.problems)
    counts = result.counts()  # before the report is read: counted from the rows
    return (
        result.output,
        result.to_json(),
        result.to_json(indent=2),
        result.bodies(),
        result.report,
        counts,
        result.records,
        result.untranslated,
        result.target,
        result.missing,
        result.missing_counts(),
        result.missing_names(),
    )


def seen_alone(converter: Any, document: Any) -> tuple[Any, ...]:
    """What a caller reads of ``converter.convert(document)``, or of its error."""
    import refundmap

    try:
        return seen(converter.convert(document))
    except (refundmap.ValidationError, refundmap.MappingError) as exc:
        return seen(exc)


def lines_alike(converter: Any, documents: list[Any]) -> list[Any]:
    """Check ``convert_lines`` gives each document what converting it alone gives; return them."""
    results = list(converter.convert_lines(documents))
    assert len(results) == len(documents)
    for number, (document, result) in enumerate(zip(documents, results, strict=True), 1):
        assert seen(result) == seen_alone(converter, document), f"document {number}"
    return results


def records_of(path: Path, source: str) -> list[Any]:
    """Return the records of the fixture document at ``path``, decoded: its list's, or itself."""
    from refundmap.formats import get_format

    document = json.loads(path.read_text())
    fmt = get_format(source)
    key = fmt.naming(fmt.list_shape.records or "") if fmt.list_shape else ""
    held = document.get(key) if type(document) is dict else None
    return held if type(held) is list else [document]


#: Child-process code (``python -c``, the fixtures folder its first argument) defining
#: ``every_conversion(*options)``: each fixture of each format converted into every other
#: format it is supported into, once with each of ``options`` (keywords of
#: ``refundmap.convert``; ``REFS`` a directory, ``DEFAULTS`` defaults), giving each outcome:
#: ``[text, report]``, or the refusal's words. Code put before it patches what it compares.
EVERY_CONVERSION = r"""
import json, sys
from pathlib import Path
import refundmap
from refundmap.formats import FORMATS
from refundmap.options import supported

FIXTURE_FOLDER = Path(sys.argv[1])
REFS = refundmap.Directory.from_files(FIXTURE_FOLDER / "references" / "xero")
DEFAULTS = {"account": "A-1", "customer": "C-1"}  # a refund without them gets these


def every_conversion(*options):
    for folder in sorted(p for p in FIXTURE_FOLDER.iterdir() if p.name in FORMATS):
        for path in sorted(folder.glob("*.json")):
            for target in sorted(FORMATS):
                if target == folder.name or not supported(folder.name, target):
                    continue
                for keywords in options:
                    try:
                        result = refundmap.convert(
                            path.read_bytes(), folder.name, target,
                            synced_at="2024-06-30T12:00:00Z", **keywords,
                        )
                        yield [result.to_json(), [list(e) for e in result.report]]
                    except refundmap.RefundmapError as exc:
                        yield str(exc)
"""


def every_conversion(code: str, *argv: str) -> Any:
    """Run ``code`` after :data:`EVERY_CONVERSION` in a child; return what it prints, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", EVERY_CONVERSION + code, str(FIXTURES), *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)
