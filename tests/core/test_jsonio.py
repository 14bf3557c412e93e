from decimal import Decimal

import pytest
from hypothesis import given

from refundmap import ValidationError
from refundmap.jsonio import dumps, loads, locate, normalize

from strategies import json_values


def problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in exc.value.problems]


def test_numbers_are_exact_decimals_as_written():
    assert loads('{"a": 123.45, "b": 1.10, "c": 7}') == {
        "a": Decimal("123.45"),
        "b": Decimal("1.10"),
        "c": Decimal(7),
    }
    assert str(loads("[1.10]")[0]) == "1.10"


def test_exponents_are_written_as_plain_numbers():
    assert dumps(loads("[1E+2, 1.5e-3, 0.10, -0]")) == "[100,0.0015,0.10,-0]"


def test_repeated_key_is_an_error_at_its_path():
    text = '{"lines": [{"totalAmount": 1, "totalAmount": 2}], "id": "1", "id": "1"}'
    with pytest.raises(ValidationError) as exc:
        loads(text)
    assert sorted(p for p, _ in problems(exc)) == ["$.id", "$.lines[0].totalAmount"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literals_are_refused(literal):
    with pytest.raises(ValidationError) as exc:
        loads(f'{{"a": {literal}}}')
    assert problems(exc) == [("$", f"invalid JSON: {literal} is not a JSON number")]


def test_bytes_that_are_not_utf8_are_refused_with_the_offset():
    with pytest.raises(ValidationError) as exc:
        loads(b'{"a": "\xff"}')
    assert problems(exc) == [("$", "not UTF-8 text: byte 7 is 0xff")]


def test_syntax_error_names_line_and_column():
    with pytest.raises(ValidationError) as exc:
        loads('{\n  "a": 1,\n}')
    ((path, message),) = problems(exc)
    assert path == "$"
    assert message.startswith("invalid JSON at line 3 column 1:")


def test_normalize_takes_floats_as_their_shortest_repr():
    assert normalize({"a": 0.1, "b": [1.10, 3], "c": True}) == {
        "a": Decimal("0.1"),
        "b": [Decimal("1.1"), 3],
        "c": True,
    }


def test_normalize_refuses_nan_and_non_json_values_with_paths():
    with pytest.raises(ValidationError) as exc:
        normalize({"a": [float("nan")], "b": {1, 2}, "c": {3: "x"}})
    assert problems(exc) == [
        ("$.a[0]", "nan is not a JSON number"),
        ("$.b", "not a JSON value: set"),
        ("$.c", "object key 3 is not a string"),
    ]


def test_dumps_indents_and_keeps_key_order():
    assert dumps({"b": [1, {}], "a": None}, indent=2) == (
        '{\n  "b": [\n    1,\n    {}\n  ],\n  "a": null\n}'
    )


def test_locate_finds_every_place_of_a_container():
    shared = {"x": 1}
    root = {"a": [shared], "b": shared}
    assert sorted(locate(root, {id(shared)})[id(shared)]) == [("a", 0), ("b",)]


@given(json_values)
def test_dumps_then_loads_gives_the_same_value(value):
    assert loads(dumps(value)) == value
    assert dumps(loads(dumps(value))) == dumps(value)
