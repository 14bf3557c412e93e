"""refundmap.jsonscan: the incremental scanner keeps every rule of the whole-document reader."""

import io
import json

import pytest

from refundmap import ValidationError, jsonio, jsonscan, stream

from helpers import FIXTURES

PAGE = (FIXTURES / "railz/quickbooks-list.json").read_bytes()
PRETTY = json.dumps(
    json.loads(PAGE.replace(b"Northwind", "Nörthwind €".encode())), indent=2, ensure_ascii=False
).encode()


def loads_outcome(data: bytes):
    try:
        return "ok", jsonio.loads(data)
    except ValidationError as exc:
        return "error", [(p.path, p.message) for p in exc.problems]


def scan_outcome(data: bytes, key="data"):
    try:
        layout = stream.scan(io.BytesIO(data), key)
    except ValidationError as exc:
        return "error", [(p.path, p.message) for p in exc.problems]
    if layout.kind == "value":
        return "ok", layout.value
    return "ok", stream.decoded(layout, stream.read_spans(io.BytesIO(data), layout.spans))


def test_the_scanner_is_its_own_module_and_stream_offers_it_as_before():
    assert (stream.scan, stream.read_spans, stream.Layout) == (
        jsonscan.scan,
        jsonscan.read_spans,
        jsonscan.Layout,
    )


BROKEN = [
    b"",
    b"  \n ",
    b'{"data": [1,]}',
    b'{"data": [], }',
    b'{"data": [] "x": 1}',
    b'{"data": []} x',
    b'{"data" []}',
    b"{data: []}",
    b'{"data": ["\\ud800"], "\\udc00": 1}',
    b'{"data": [1e99999999999999999999]}',
    b'{"data": [NaN]}',
    b'{"data": [-Infinity]}',
    b"[" * 50_000,
    b'{"data": ["\xff"]}',
    b'\xef\xbb\xbf{"data": [1, 2]}',
    b'{"data":\n [1,\n 2 3]}',
    b'[1, 2, {"a": 1, "a": [{"b": 1, "b": 2}]}]',
    b'{"count": 12345678901234567890.5, "data": [1e5, 0.1]}',
    b'{"data": [{"a": "\x01"}]}',
    b'{"data": "not an array", "x": [1]}',
    b'"refund"',
    b"12.5",
    b"{}",
    b"[]",
]


@pytest.mark.parametrize("read", [1, 7, 64, 1 << 20])
def test_scanning_keeps_every_rule_of_loads_wherever_the_buffer_ends(monkeypatch, read):
    monkeypatch.setattr(jsonscan, "_READ", read)
    cuts = [PAGE[:n] for n in range(0, len(PAGE), 53)] + [PRETTY[:n] for n in range(0, 3000, 41)]
    for data in [PAGE, PRETTY, *BROKEN, *cuts]:
        assert scan_outcome(data) == loads_outcome(data), data[-60:]
