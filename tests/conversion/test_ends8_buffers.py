"""The C writer's reused buffers (refundmap.cjson): each text its own, whatever was written before.

msgspec writes into a buffer of ``cjson._BUFFERS``, taken by one write at a time
and given back where it holds at most ``cjson._BUFFER_HELD`` bytes.
"""

import dataclasses
import threading
from decimal import Decimal
from typing import Any

import pytest

from refundmap import cjson, convert
from refundmap.jsonio import dumps, write, write_utf8

from helpers import ROOT

LONG = {"lines": [{"id": f"line-{i}", "amount": Decimal(f"{i}.25")} for i in range(200)]}
SHORT = {"id": "1", "total": Decimal("0.10")}


def test_a_text_after_a_longer_one_is_its_own():
    for value in (LONG, SHORT, [], {}, "", Decimal("7.00"), LONG, SHORT):
        assert cjson.write(value) == dumps(value)
        assert cjson.encode(value) == dumps(value).encode()


def test_a_buffer_is_taken_again_by_the_next_write():
    cjson.write(SHORT)
    held = cjson._BUFFERS[-1]
    assert cjson.encode(LONG) == dumps(LONG).encode()
    assert cjson._BUFFERS[-1] is held
    assert cjson.write(SHORT) == dumps(SHORT)
    assert cjson._BUFFERS[-1] is held


def test_a_buffer_holding_more_than_the_limit_is_let_go(monkeypatch):
    monkeypatch.setattr(cjson, "_BUFFER_HELD", 1024)
    cjson._BUFFERS.clear()
    assert cjson.write(SHORT) == dumps(SHORT)
    (kept,) = cjson._BUFFERS
    assert cjson.write(LONG) == dumps(LONG)
    assert cjson._BUFFERS == []  # grown past 1,024 bytes: not kept
    assert cjson.write(SHORT) == dumps(SHORT)
    assert len(cjson._BUFFERS) == 1
    assert cjson._BUFFERS[0] is not kept


@pytest.mark.parametrize(
    "refused",
    [
        [Decimal("1.5"), "x" * 100, object()],  # a value msgspec cannot write, after some text
        {"a": Decimal("1E+3")},  # an exponent: the detailed writer's
        {"a": "E-mail"},  # text like one
        [Decimal("1.5"), Decimal("sNaN")],  # not finite
        {"a": "\ud800"},  # a lone surrogate
    ],
)
def test_a_text_msgspec_does_not_give_spoils_no_later_one(refused):
    cjson.write(LONG)
    assert cjson.write(refused) is None
    assert cjson.encode(refused) is None
    assert cjson.write(SHORT) == dumps(SHORT)
    assert cjson.encode(SHORT) == dumps(SHORT).encode()


@dataclasses.dataclass
class _Writes:
    """An object whose field, read by msgspec while it writes, writes its value in turn."""

    inner: Any

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        return cjson.write(value) if name == "inner" else value


def test_a_write_within_a_write_takes_its_own_buffer():
    inner = {"b": [Decimal("2.50"), "x" * 300]}
    text = cjson.write({"a": Decimal("1.5"), "n": _Writes(inner), "z": "end"})
    assert text == '{"a":1.5,"n":{"inner":' + dumps(dumps(inner)) + '},"z":"end"}'


def test_threads_write_their_own_texts():
    values = [
        {"id": str(n), "lines": [{"amount": Decimal(n) / 100, "text": "y" * n}] * (n % 7)}
        for n in range(300)
    ]
    expected = [dumps(value) for value in values]
    wrong: list[int] = []

    def run(offset: int) -> None:
        mine = range(offset, len(values), 4)
        for _ in range(3):
            wrong.extend(n for n in mine if write(values[n]) != expected[n])
            wrong.extend(n for n in mine if write_utf8(values[n]) != expected[n].encode())

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_a_conversion_written_twice_and_after_another_writes_the_same():
    rutter = (ROOT / "fixtures/rutter/xero-fetch.json").read_bytes()
    railz = (ROOT / "fixtures/railz/seed-refund.json").read_bytes()
    one = convert(rutter, "rutter", "railz")
    other = convert(railz, "railz", "rutter", synced_at="2024-01-01T00:00:00Z")
    first = one.to_json()
    assert other.to_json() == dumps(other.output)
    assert one.to_json() == first == dumps(one.output)
