"""The C writer's exponent test (refundmap.cjson._exponent): ``E+`` or ``E-`` anywhere."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from refundmap import cjson

#: Bytes of E, the signs and one other: every way they can neighbour each other.
_FOUR = bytes(b"E+-x"[i % 4] for i in range(256))
TEXTS = st.binary(max_size=40).map(lambda data: data.translate(_FOUR))


@given(TEXTS)
@example(b"")
@example(b"E")
@example(b"E+")
@example(b"xE-")
@example(b"E+x")
@example(b"EEx-E")
@example(b"+E")
@example(b"xxE")
def test_an_exponent_is_e_and_a_sign_anywhere(text):
    expected = b"E+" in text or b"E-" in text
    assert cjson._exponent(text) is expected
    assert cjson._exponent(bytearray(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"a":1E+3}', True),
        (b'{"a":1.5E-7}', True),
        (b'{"currency":"EUR","name":"Ergonomic"}', False),
        (b'{"a":"E-mail"}', True),
        (b'"E"', False),
        (b'{"e":1e+3}', False),
    ],
)
def test_json_texts(text, expected):
    assert cjson._exponent(text) is expected
