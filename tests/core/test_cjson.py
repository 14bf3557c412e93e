"""The C ends (refundmap.cjson) against the detailed reader and writer (refundmap.jsonio).

The two readers must give the same value, digit for digit, or the same error;
the two writers the same text wherever the C writer takes a value.
"""

import json
import re
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from refundmap import RefundmapError, ValidationError, cjson, convert
from refundmap.jsonio import dumps, loads, loads_detailed, write, write_utf8

import strategies as s
from helpers import ROOT
from strategies import json_values

FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".json", ".jsonl"))


def exact(value: Any) -> Any:
    """``value`` with every number's type and digits showing (Decimal('1.1') == Decimal('1.10'))."""
    kind = type(value)
    if kind is dict:
        return ("{", [(key, exact(item)) for key, item in value.items()])
    if kind is list:
        return ("[", [exact(item) for item in value])
    if kind is Decimal:
        return ("D", str(value))
    return (kind.__name__, value)


def outcome(read: Any, data: bytes | str) -> Any:
    """What a reader gives: ("ok", the exact value) or ("error", its problems)."""
    try:
        return ("ok", exact(read(data)))
    except ValidationError as exc:
        return ("error", [(p.path, p.message) for p in exc.problems])


def readers_agree(data: bytes | str) -> bool:
    """Check both readers give the same; return whether the C reader took ``data`` itself."""
    assert outcome(loads, data) == outcome(loads_detailed, data)
    try:
        fast = cjson.read(data)
    except cjson.RefusedError:
        return False
    assert exact(fast) == exact(loads_detailed(data))
    return True


def writers_agree(value: Any) -> bool:
    """Check both writers give the same text; return whether the C writer took ``value``."""
    text = cjson.write(value)
    assert write(value) == dumps(value)
    # The writers of bytes: the same text, in UTF-8.
    data = cjson.encode(value)
    assert data == (None if text is None else text.encode())
    if text is not None or not _surrogate(dumps(value)):
        assert write_utf8(value) == dumps(value).encode()
    if text is None:
        return False
    assert text == dumps(value)
    return True


def _surrogate(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_reads_and_writes_the_same(path):
    data = path.read_bytes()
    documents = data.splitlines() if path.suffix == ".jsonl" else [data]
    for document in documents:
        if readers_agree(document):
            value = loads(document)
            assert writers_agree(value) or "E+" in document.decode() or "E-" in document.decode()


def test_the_c_ends_take_the_fixtures_they_can():
    """Not a path never taken: most fixtures are read and written in C."""
    taken = [readers_agree(p.read_bytes()) for p in FIXTURES if p.suffix == ".json"]
    assert sum(taken) > len(taken) * 3 // 4
    golden = [p for p in FIXTURES if "expected" in p.parts and p.suffix == ".json"]
    assert golden
    assert all(writers_agree(loads(p.read_bytes())) for p in golden)


HOSTILE = [
    b"",
    b"   ",
    b"\xef\xbb\xbf{}",
    b'\xef\xbb\xbf{"a": 1}',
    b'{"a": 1, "a": 2}',
    b'{"x": [{"a": 1, "b": {"c": 1, "c": 2}}]}',
    b'{"a_b": 1, "a\\u005fb": 2}',
    b'["\\ud800"]',
    b'{"\\udfff": 1}',
    b'"\\ud83d\\ude00"',
    b"NaN",
    b'{"a": Infinity}',
    b"[-Infinity]",
    b"-0",
    b"[-0, 0]",
    b'{"a": -0}',
    b'{"a": -0.0, "b": -0e3, "c": "-0"}',
    b"[0, -0.00]",
    b"1E+2",
    b"[1e999999999, -1E-999999999]",
    b"[1e99999999999999999999]",
    b"1" * 5000,
    b"[" + b"9" * 4301 + b"]",
    b"0.1000000000000000000000000000001",
    b"[01]",
    b"[1.]",
    b"[.5]",
    b"[+1]",
    b"[1] [2]",
    b"[1],",
    b'{"a": 1,}',
    b"[1,]",
    b'"a\x01b"',
    b'"tab\there"',
    b'"\xe2\x80\xa8 \xc3\xa9 \xf0\x9f\x98\x80"',
    b'"\xff"',
    b'"\xed\xa0\x80"',
    b"[" * 199 + b"]" * 199,
    b"[" * 200 + b"]" * 200,
    b"[" * 201 + b"]" * 201,
    b"[" * 3000 + b"]" * 3000,
    b'{"a": true, "b": false, "c": null, "d": [], "e": {}}',
    b"true",
    b"null",
    b'"text"',
    b"12",
    b"[18446744073709551616, -9223372036854775809]",
    b" \t\r\n[1]\n",
    b"[1]\x00",
    b"\x00",
]


@pytest.mark.parametrize("data", HOSTILE)
def test_hostile_documents_read_the_same(data):
    readers_agree(data)
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return
    readers_agree(text)


def test_what_jiter_refuses_is_named_by_the_detailed_reader():
    with pytest.raises(cjson.RefusedError):
        cjson.read(b'{"a": 1, "a": 2}')
    with pytest.raises(ValidationError) as exc:
        loads(b'{"x": {"a": 1, "a": 2}}')
    assert [(p.path, p.message) for p in exc.value.problems] == [
        ("$.x.a", "key repeated within one object: which value is meant cannot be told")
    ]


def test_an_integer_minus_zero_keeps_its_sign():
    with pytest.raises(cjson.RefusedError):
        cjson.read(b'{"a": [1, -0]}')
    assert str(loads(b'{"a": [1, -0]}')["a"][1]) == "-0"
    assert str(loads(b"-0")) == "-0"
    assert readers_agree(b"[-0.0, -0e1, 0, -1]")  # a float -0 keeps its sign in jiter too
    # Only a value -0 sends a document to the detailed reader, not an id's end.
    assert readers_agree(b'{"id": "878150-0", "quantity": 0, "d": "2024-01-02"}')
    assert not readers_agree(b'{"id": "878150", "quantity": [0, \n  -0]}')


def _negative_zero_by_every_minus_zero(data: bytes) -> bool:
    """The test of -0 as first written: every -0 looked at in Python, its start found back."""
    for match in re.finditer(rb"-0(?![0-9.eE])", data):
        i = match.start() - 1
        while i >= 0 and data[i] in b" \t\r\n":
            i -= 1
        if i < 0 or data[i] in b"[:,":
            return True
    return False


#: What a -0 may stand after or before, and what an id holds (a UUID's "-0").
_AROUND_MINUS_ZERO = [b"-0", b"0", b"1", b".", b"e", b":", b",", b"[", b" ", b"\n", b"\f", b"a"]


@example([b":", b" ", b"\n", b"-0"])  # a value, after a space
@example([b"a", b"-0", b"]"])  # an id's end
@example([b"a", b"\f", b"-0"])  # \f is no JSON space
@example([b"-0"])  # the whole text
@example([b"-0", b"."])
@given(st.lists(st.sampled_from(_AROUND_MINUS_ZERO), max_size=8))
def test_the_minus_zero_test_passes_over_only_what_is_no_value(pieces):
    data = b"".join(pieces)
    assert cjson._negative_zero(data) is _negative_zero_by_every_minus_zero(data)
    assert (cjson._MINUS_ZERO.search(data) is not None) >= cjson._negative_zero(data)


@pytest.mark.parametrize(
    ("value", "taken"),
    [
        ({"a": Decimal("1.10"), "b": [1, True, None, '\x01\u2028"\\é😀']}, True),
        (Decimal("1E+2"), False),
        ({"a": Decimal("0E-8")}, False),
        ([Decimal("-0"), Decimal("-0.00")], True),
        ({"memo": "E+ in text"}, False),
        ({"currency": "EUR", "memo": "SALE E"}, True),
        ({"currency": "EUR", "memo": "SALE E-1"}, False),
        ("\ud800", False),
        ([10**30, -(10**30)], True),
        ((1, 2), True),
    ],
)
def test_the_c_writer_takes_only_what_it_writes_the_same(value, taken):
    if taken or cjson.write(value) is not None:
        assert writers_agree(value) is taken
    else:
        assert cjson.write(value) is None
        try:
            expected = dumps(value)
        except TypeError:
            return  # not JSON for either writer
        assert write(value) == expected


@pytest.mark.parametrize("value", [Decimal("1E+5"), {"a": [Decimal("1.5E-9"), Decimal("2.50")]}])
def test_a_context_writing_a_small_e_changes_no_text(value):
    # With capitals 0, str(Decimal) (which msgspec writes) gives 1e+5; dumps gives 100000.
    expected = dumps(value)
    with localcontext() as context:
        context.capitals = 0
        assert cjson.write(value) is None
        assert cjson.encode(value) is None
        assert write(value) == expected
        assert write_utf8(value) == expected.encode()
        assert dumps(value) == expected


def test_deep_values_fall_back_to_the_detailed_writer():
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    assert write(deep) == "[" * 5001 + "]" * 5001


@given(json_values)
def test_any_json_value_reads_and_writes_the_same(value):
    writers_agree(value)
    readers_agree(dumps(value).encode())
    readers_agree(json.dumps(exact(value), indent=1))  # other numbers and shapes of text


@given(
    st.recursive(
        st.integers() | st.floats(allow_nan=True) | st.text(max_size=5) | st.none(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=5), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_json_text_python_writes_reads_the_same(value):
    readers_agree(json.dumps(value))


@given(
    st.one_of(
        s.rutter_documents().map(lambda d: ("rutter", "railz", d)),
        s.railz_documents().map(lambda d: ("railz", "rutter", d)),
    )
)
def test_documents_and_their_conversions_read_and_write_the_same(case):
    source, target, document = case
    text = dumps(document).encode()
    readers_agree(text)
    writers_agree(loads(text))
    try:
        result = convert(text, source, target, synced_at="2024-01-02T03:04:05Z")
    except RefundmapError:  # invalid, or the target cannot hold it
        return
    assert result.to_json() == dumps(result.output)
    assert all(body == dumps(loads_detailed(body)) for body in result.bodies())
