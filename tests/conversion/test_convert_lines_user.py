"""Converter.convert_lines as a user calls it: every pair and shape, the options, bad lines.

Each result must be what ``converter.convert(document)`` gives for the document
alone: its text, report, counts, records, untranslated and missing ids, or the
same error. ``test_conversion_lines`` proves the bare records of four pairs;
these are the documents a user's JSON Lines hold besides: envelopes and arrays
as text, push bodies as targets, lines ending in CRLF, the options that send a
line to the detailed path, and bad lines across a run of 256.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from refundmap import FORMATS, Conversion, Converter
from refundmap.conversion import supported

import golden
from helpers import FIXTURES, ROOT, records_of, seen, seen_alone
from helpers import lines_alike as alike

SYNCED_AT = golden.SYNCED_AT
RAILZ = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())["data"]
RUTTER = json.loads((FIXTURES / "rutter/xero-fetch.json").read_text())["customer_refund"]


def _lines(path: Path, source: str) -> list[bytes]:
    """The lines a user's file of ``path``'s documents holds: its records, itself, an array."""
    document = json.loads(path.read_text())
    records = records_of(path, source)
    texts = [json.dumps(record, ensure_ascii=False).encode() for record in records]
    return [
        *texts,
        *(text + b"\r\n" for text in texts),  # a CRLF file's lines, read in binary mode
        json.dumps(document).encode(),  # the whole document: a page, an envelope, a record
        json.dumps(records).encode(),  # an array of records
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in FORMATS for t in FORMATS if supported(s, t)],
)
def test_every_pair_and_shape_as_converted_alone(source: str, target: str) -> None:
    converter = Converter(source, target, synced_at=SYNCED_AT, **golden.parameters(target))
    for path in sorted((FIXTURES / source).glob("*.json")):
        alike(converter, _lines(path, source))


DIRECTORY = golden.directory("xero")


@pytest.mark.parametrize(
    "options",
    [
        {"require_refs": True},
        {"require_refs": True, "directory": DIRECTORY},
        {"directory": DIRECTORY, "defaults": {"account": "13918178-849a-4823-9a31-57b7eac713d7"}},
        {"defaults": {"account": "ACC-1", "customer": "CUS-1"}},
        {"strict": True},
        {"lossless": True},
        {"fail_on": "untranslated"},
        {"fail_on": "warning,total"},
    ],
    ids=repr,
)
def test_options_as_converted_alone(options: dict[str, Any]) -> None:
    railz = [json.dumps(record) for record in RAILZ]
    no_account = json.dumps({k: v for k, v in RAILZ[0].items() if k != "accountRef"})
    alike(Converter("railz", "rutter", synced_at=SYNCED_AT, **options), [*railz, no_account])
    rutter = [json.dumps(RUTTER), json.dumps(dict(RUTTER, account_id=None))]
    alike(Converter("rutter", "railz", synced_at=SYNCED_AT, **options), rutter)


def test_push_options_as_converted_alone() -> None:
    converter = Converter(
        "railz",
        "railz-v2-push",
        synced_at=SYNCED_AT,
        connection_uuid=golden.CONNECTION,
        platform="quickbooks",
        push_options=FIXTURES / "push-options/refunds.json",
    )
    alike(converter, [json.dumps(record) for record in RAILZ])
    create = Converter("railz", "rutter-create", synced_at=SYNCED_AT, platform="xero")
    alike(create, [json.dumps(record) for record in RAILZ])


def _minus_zero() -> str:
    text = json.dumps(dict(RAILZ[0], totalAmount=0)).replace(
        '"totalAmount": 0', '"totalAmount": -0'
    )
    assert "-0" in text
    return text


#: A user's bad lines: (what, the line), each one a conversion alone fails or warns of.
BAD = [
    ("not JSON", b"{not json"),
    ("minus zero", _minus_zero().encode()),
    ("an unknown key", json.dumps(dict(RAILZ[0], surprise=1)).encode()),
    ("an id sent as a number", json.dumps(dict(RAILZ[0], id=20417)).encode()),
    ("no account", json.dumps(dict(RAILZ[0], accountRef=None)).encode()),
    ("an amount with a comma", json.dumps(dict(RAILZ[0], totalAmount="12,50")).encode()),
    ("an empty line object", json.dumps(dict(RAILZ[0], lines=[{}, *RAILZ[0]["lines"]])).encode()),
    ("a duplicate key", json.dumps(RAILZ[0])[:-1].encode() + b', "id": "twice"}'),
    ("not UTF-8", b'{"id": "\xff"}'),
    ("a byte order mark", b"\xef\xbb\xbf" + json.dumps(RAILZ[0]).encode()),
    ("an empty object", b"{}"),
    ("null", b"null"),
    ("empty", b""),
    ("a page", json.dumps({"data": RAILZ, "count": len(RAILZ)}).encode()),
]


@pytest.mark.parametrize(("what", "bad"), BAD, ids=[what for what, _ in BAD])
def test_a_bad_line_among_good_ones_across_runs(what: str, bad: bytes) -> None:
    """A bad line at each edge of a run of 256, between records that copy ids untranslated."""
    good = [json.dumps(RAILZ[n % len(RAILZ)]).encode() for n in range(600)]
    lines = list(good)
    for at in (0, 255, 256, 511, 599):
        lines[at] = bad
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    results = alike(converter, lines)
    assert all(type(results[n]) is Conversion for n in (1, 254, 257, 598)), what
    assert results[1].missing_counts() == converter.convert(good[1]).missing_counts() != {}


@pytest.mark.parametrize("strict", [False, True])
def test_an_unknown_key_and_a_number_id_as_converted_alone(strict: bool) -> None:  # noqa: FBT001
    lines = [
        json.dumps(dict(RAILZ[0], surprise=1)),
        json.dumps(dict(RAILZ[0], customerRef={"id": 1187, "name": "N"})),
        json.dumps(dict(RUTTER, surprise=1)),
    ]
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT, strict=strict)
    results = alike(converter, lines)
    kinds = [type(r).__name__ for r in results]
    assert kinds[:2] == (["ValidationError"] * 2 if strict else ["Conversion"] * 2)


def test_a_lone_surrogate_as_converted_alone() -> None:
    line = json.dumps(dict(RAILZ[0], memo="\ud800"), ensure_ascii=False)
    alike(Converter("railz", "rutter", synced_at=SYNCED_AT), [line, json.dumps(RAILZ[0])])


def test_two_runs_of_one_converter_interleaved_keep_their_own_ids() -> None:
    converter = Converter("rutter", "railz", synced_at=SYNCED_AT)
    rutter = [json.dumps(RUTTER), json.dumps(dict(RUTTER, account_id="other"))]
    railz_texts = [json.dumps(record) for record in RAILZ]
    first = converter.convert_lines(rutter * 300)
    second = converter.convert_lines(list(reversed(rutter)) * 300)
    for n in range(600):
        a, b = next(first), next(second)
        assert seen(a) == seen_alone(converter, rutter[n % 2])
        assert seen(b) == seen_alone(converter, rutter[(n + 1) % 2])
    back = Converter("railz", "rutter", synced_at=SYNCED_AT)
    assert [seen(r) for r in back.convert_lines(railz_texts)] == [
        seen_alone(back, text) for text in railz_texts
    ]


def test_a_users_script_type_checks(tmp_path: Path) -> None:
    """The library page's example, and a caller narrowing each result, pass mypy --strict."""
    api = pytest.importorskip("mypy.api")
    page = (ROOT / "docs/library.md").read_text()
    (block,) = [
        b for b in re.findall(r"```python\n(.*?)```", page, re.DOTALL) if "convert_lines" in b
    ]
    script = tmp_path / "lines.py"
    script.write_text(
        "import refundmap\n"
        "def send(body: str) -> None: ...\n"
        f"{block}\n"
        "def texts(lines: list[str]) -> list[str]:\n"
        "    bodies: list[str] = []\n"
        "    for result in refundmap.Converter('railz', 'rutter').convert_lines(lines):\n"
        "        if isinstance(result, (refundmap.ValidationError, refundmap.MappingError)):\n"
        "            problems: list[refundmap.Problem] = list(result.problems)\n"
        "            bodies.append(str(problems))\n"
        "        else:\n"
        "            missing: dict[tuple[str, str], int] = result.missing_counts()\n"
        "            bodies.append(result.to_json() + str(missing))\n"
        "    return bodies\n"
    )
    out, _, status = api.run(["--strict", "--no-incremental", str(script)])
    assert status == 0, out
