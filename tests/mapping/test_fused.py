"""The fast reader's generated checks (refundmap.mapping.fused) against the rules they inline."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from refundmap import cjson
from refundmap.formats import get_format
from refundmap.mapping import fused
from refundmap.money import in_bounds, parse_amount

from helpers import ROOT


def _amount(*, finite: bool = False) -> Callable[[Any], Any]:
    """Return the generated amount check as a function: the value as the view holds it."""
    body = "".join(f"    {line}\n" for line in fused._amount_lines(finite=finite))
    namespace = dict(fused._Generator(get_format("railz")).names)
    exec(f"def amount(v):\n{body}    return v\n", namespace)  # noqa: S102 - the reader's own lines
    function: Callable[[Any], Any] = namespace["amount"]
    return function


AMOUNT = _amount()
#: The check of a document decoded from JSON text, whose decimals are finite.
FINITE_AMOUNT = _amount(finite=True)


def _taken(value: Any) -> bool:
    """Whether the amount check takes ``value``: the same for both forms of it."""
    taken = []
    for amount in (AMOUNT, FINITE_AMOUNT):
        try:
            amount(value)
        except fused.Fallback:
            taken.append(False)
        else:
            taken.append(True)
    assert taken[0] is taken[1]
    return taken[0]


@pytest.mark.parametrize("finite", [False, True])
@pytest.mark.parametrize("name", ["railz", "rutter", "railz-v2"])
def test_the_readers_check_amounts_with_these_lines(name: str, *, finite: bool) -> None:
    lines = fused._amount_lines(finite=finite)
    # Each value is read and checked as the local its view is made of (a0, a1, ...): as v.
    code = re.sub(r"(?<![.\w])a[0-9]+\b", "v", fused.source(name, finite=finite))
    # A nullable amount's check takes None in a branch of its own, after the decimal's.
    nullable = re.compile(r"\n *elif v is None: [^\n]*")
    assert nullable.search(code)
    indent = " " * 4  # a record's amount, required or nullable
    assert "\n".join(indent + line for line in lines) in nullable.sub("", code)


#: Decimals of every digit count and exponent around the bounds, as jiter makes them (text).
decimals = st.builds(
    lambda sign, digits, exponent: Decimal(f"{sign}{digits}E{exponent}"),
    st.sampled_from(["", "-"]),
    st.integers(1, 40).flatmap(lambda n: st.integers(10 ** (n - 1) - (n == 1), 10**n - 1)).map(str)
    | st.text("0123456789", min_size=1, max_size=40),
    st.integers(-45, 25),
)


@given(decimals | st.decimals(allow_nan=False, allow_infinity=False))
@example(Decimal("999999999999999.99999999999999999999"))  # 15 digits, 20 places
@example(Decimal("-999999999999999.99999999999999999999"))
@example(Decimal("999999999999999.999999999999999999999"))  # 21 places
@example(Decimal("1000000000000000.0"))  # 16 digits
@example(Decimal(10**15))  # 16 characters, no point
@example(Decimal(-(10**14)))  # 16 characters, within
@example(Decimal("0.12345678901234"))
@example(Decimal("99999999999999.9"))  # 16 characters, within
@example(Decimal("9999999999999.99"))
@example(Decimal("-9999999999999.9"))
@example(Decimal("0.1234567890123"))  # 15 characters
@example(Decimal("-0.123456789012"))
@example(Decimal("1.00000000000000000000"))  # 20 places
@example(Decimal("1.000000000000000000000"))  # 21
@example(Decimal("0.00000000000000000001"))
@example(Decimal("0.000000000000000000001"))
@example(Decimal("1E+14"))
@example(Decimal("1E+15"))
@example(Decimal("9.99999999999999E+14"))
@example(Decimal("1E-20"))
@example(Decimal("1E-21"))
@example(Decimal("1.0E-20"))
@example(Decimal("0E+20"))
@example(Decimal("0E-20"))
@example(Decimal("-0E-21"))
@example(Decimal("-0"))
@example(Decimal("-0.0"))
@example(Decimal("0.0000001"))  # str() gives 1E-7
@example(Decimal("0E+14"))  # a zero's exponent: 14 within, 15 not (Clamped)
@example(Decimal("0E+15"))
@example(Decimal("123456789012345.123456"))  # 21 digits: at once
@example(Decimal("123456789012345.1234567"))  # 22 digits, within: as in_bounds says
@example(Decimal("-1.000000000000000000000"))  # 22 digits, 21 places
@example(Decimal("1.00000000000000000000E-1"))  # 21 digits, 21 places
@example(Decimal("999999999999999.5"))
@example(Decimal("9999999999999995E-1"))
@example(Decimal("1000000000000000E-1"))
def test_a_decimal_amount_is_taken_where_in_bounds_takes_it(value: Decimal) -> None:
    assert _taken(value) is in_bounds(value)
    if _taken(value):
        assert AMOUNT(value) is value  # the decimal as decoded, as the codec keeps it
        assert FINITE_AMOUNT(value) is value


@given(st.integers(-(10**16), 10**16) | st.integers(-2000, 2000))
@example(10**15 - 1)
@example(10**15)
@example(-(10**15) + 1)
@example(-(10**15))
@example(0)
@example(1023)
@example(1024)
@example(-1)
def test_an_integer_amount_is_the_codecs_decimal(value: int) -> None:
    within = -(10**15) < value < 10**15
    assert _taken(value) is within
    if within:
        for made in (AMOUNT(value), FINITE_AMOUNT(value)):
            assert type(made) is Decimal
            assert made.as_tuple() == parse_amount(value).as_tuple()  # digits, sign, exponent


@pytest.mark.parametrize("value", [True, False, "1", 1.5, None, [], {}])
def test_anything_else_is_not_an_amount_here(value: Any) -> None:
    assert not _taken(value)


def _read(fmt: str, model: str, obj: Any) -> Any:
    """Read ``obj`` with the generated reader of the model named ``model``; None on Fallback."""
    readers = fused._generated(fmt, finite=False)[0]
    read = next(function for cls, function in readers.items() if cls.__name__ == model)
    try:
        return read(obj, [0])
    except fused.Fallback:
        return None


@pytest.mark.parametrize(
    ("fmt", "model", "obj", "taken"),
    [
        # Railz's objects, their keys mostly optional: counted down as absent or null.
        ("railz", "Ref", {"id": "a", "name": "b"}, True),
        ("railz", "Ref", {"id": "a"}, True),
        ("railz", "Ref", {"id": "a", "name": None}, True),  # a null: the keys compared
        ("railz", "Ref", {"id": "a", "x": "b"}, False),
        ("railz", "Ref", {"id": "a", "name": None, "x": None}, False),
        ("railz", "Ref", {"id": "a", "name": "b", "x": None}, False),
        ("railz", "Ref", {"name": "b"}, False),  # the required id absent
        ("railz", "Ref", {"id": None, "name": "b"}, False),
        ("railz", "Ref", {}, False),
        ("railz", "Ref", ["a"], False),
        ("railz", "RefundLine", {"id": None}, True),  # not empty
        ("railz", "RefundLine", {"id": None, "x": 1}, False),
        ("railz", "RefundLine", {"description": "d", "x": None}, False),
        ("railz", "RefundLine", {}, False),  # an empty line: the detailed path warns
        # Rutter's, their keys mostly required: an optional key found counted up.
        ("rutter", "Item", {"id": None, "quantity": None, "unit_amount": None}, True),
        ("rutter", "Item", {"id": None, "quantity": None}, False),
        ("rutter", "Item", {"id": None, "quantity": None, "unit_amount": None, "x": 1}, False),
        ("rutter", "LineAdditionalFields", {"sales_taxable": True}, True),
        ("rutter", "LineAdditionalFields", {"sales_taxable": None}, True),
        ("rutter", "LineAdditionalFields", {"sales_taxable": None, "x": None}, False),
        ("rutter", "LineAdditionalFields", {"x": True}, False),
    ],
)
def test_unknown_and_required_keys_as_the_codec_sees_them(
    fmt: str, model: str, obj: Any, *, taken: bool
) -> None:
    assert (_read(fmt, model, obj) is not None) is taken


def _rutter_line(**changes: Any) -> dict[str, Any]:
    line = {
        "account_id": None, "class_id": None, "tax_rate_id": None, "total_amount": 5,
        "description": None, "item": None,
    }  # fmt: skip
    line.update(changes)
    return line


@pytest.mark.parametrize(
    ("line", "taken"),
    [
        (_rutter_line(), True),
        (_rutter_line(type=None), True),
        (_rutter_line(type="shipping"), True),
        (_rutter_line(type="sales_item"), False),  # not a value of the model's
        (_rutter_line(type=None, x=None), False),
        (_rutter_line(additional_fields=None, type=None), True),
        (_rutter_line(x=None), False),
        ({k: v for k, v in _rutter_line().items() if k != "item"}, False),
    ],
)
def test_a_rutter_line_counts_its_optional_keys(line: dict[str, Any], *, taken: bool) -> None:
    assert (_read("rutter", "LineItem", line) is not None) is taken


def _checked(lines: list[str]) -> Callable[[Any], Any]:
    """Return ``lines``, checking ``v`` and counting ``s``, as a function: (v, s) or None."""
    body = "".join(f"    {line}\n" for line in lines)
    namespace = dict(fused._Generator(get_format("railz")).names)
    exec(f"def check(v, s=0):\n{body}    return v, s\n", namespace)  # noqa: S102 - the reader's own
    check: Callable[[Any], Any] = namespace["check"]

    def checked(value: Any) -> Any:
        try:
            return check(value)
        except fused.Fallback:
            return None

    return checked


@pytest.mark.parametrize(
    "check",
    [
        ["if type(v) is not str: raise Fallback"],
        ["if type(v) is not bool: raise Fallback"],
        fused._amount_lines(finite=False),
        fused._amount_lines(finite=True),
    ],
)
@pytest.mark.parametrize("null", [[], ["s -= 1"], ["s -= 2"]])
@given(
    value=st.none()
    | st.text(max_size=3)
    | st.booleans()
    | st.integers()
    | st.decimals(places=None)
    | st.sampled_from([[], {}, Decimal("1E+15"), Decimal("-0"), 0, 1023, 1024, 10**15])
)
def test_a_check_taking_null_reads_as_one_under_a_test_for_it(
    check: list[str], null: list[str], value: Any
) -> None:
    folded = fused._or_null(check, null)
    assert folded is not None
    nested = ["if v is not None:", *(f"    {line}" for line in check)]
    unfolded = [*nested, *(["else:", *(f"    {line}" for line in null)] if null else [])]
    assert _checked(folded)(value) == _checked(unfolded)(value)


class _Known(frozenset[str]):
    """A reader's known keys, noting each time an object's keys are compared with them."""

    compared: list[object] = []  # noqa: RUF012 - one list, the test's

    def issuperset(self, other: Any) -> bool:
        self.compared.append(other)
        return super().issuperset(other)


@given(
    st.sets(st.sampled_from(["additional_fields", "type"])),
    st.sets(st.sampled_from(["currency_code", "currency_rate", "platform_data"])),
    st.sampled_from([None, "line", "record"]),
)
def test_an_optional_key_sent_null_is_counted_without_comparing_keys(
    line_nulls: set[str], record_nulls: set[str], unknown: str | None
) -> None:
    # Rutter's newest lines always send `type`, mostly null: such a line's keys are all
    # known without comparing them, and each null key counted (half the quote marks).
    page = json.loads((ROOT / "fixtures/rutter/seed-list.json").read_text())
    record = page["customer_refunds"][0]
    record.update(dict.fromkeys(record_nulls))
    for line in record["line_items"]:
        line.update(dict.fromkeys(line_nulls))
    if unknown:
        (record["line_items"][0] if unknown == "line" else record)["x"] = None
    text = json.dumps(record).encode()
    fmt = get_format("rutter")
    read = fused.reader(fmt, fmt.record, finite=True)
    defaults = read.__defaults__ or ()
    read.__defaults__ = tuple(_Known(v) if type(v) is frozenset else v for v in defaults)
    _Known.compared.clear()
    count = [0]
    try:
        view = read(fused._decode(text), count)
    except fused.Fallback:
        view = None
    finally:
        read.__defaults__ = defaults
    if unknown:
        assert view is None  # an unknown key beside the nulls: compared, refused
        assert _Known.compared
    else:
        assert view is not None
        assert _Known.compared == []
        assert 2 * count[0] == text.count(b'"')
        assert all(getattr(line, "type", None) is None for line in view.line_items)
        assert all(getattr(view, key) is None for key in record_nulls)


@attrs.define
class _Inner:
    d: str | None = None  # named as the reader's own names are
    v: str | None = None


@attrs.define
class _Outer:
    o: _Inner | None = None
    n: _Inner | None = None


def test_an_inlined_object_keeps_its_keys_and_attributes() -> None:
    generator = fused._Generator(get_format("railz"))
    name = generator.reader(_Outer)
    namespace = dict(generator.names)
    exec(generator.module(), namespace)  # noqa: S102 - the generated readers
    assert "read__Inner(v" not in generator.module()  # read inline, not called
    view = namespace[name]({"o": {"d": "x", "v": "y"}, "n": {"v": "z"}}, [0])
    assert (view.o.d, view.o.v, view.n.d, view.n.v) == ("x", "y", None, "z")
    with pytest.raises(fused.Fallback):
        namespace[name]({"o": {"d": "x", "w": "y"}}, [0])


def _page(vendor: str) -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    return bytes(generate.dumps(getattr(generate, f"{vendor}_list")(2)))


def _loaded(text: bytes | str, source: str, target: str) -> Any:
    loaded = fused.load(text, get_format(source), get_format(target), strict=False)[1]
    assert loaded is not None
    return loaded.parts[0].model


def test_a_minus_zero_amount_keeps_its_sign() -> None:
    # jiter reads an integer -0 as 0: where the reader keeps a sign, the text is read again.
    text = _page("railz").replace(b'"unitAmount": 56.62', b'"unitAmount": -0', 1)
    for document in (text, text.decode()):
        line = _loaded(document, "railz", "rutter").data[0].lines[0]
        assert str(line.unit_amount) == "-0"


def test_a_minus_zero_in_platform_data_keeps_its_sign() -> None:
    page = json.loads(_page("rutter"))
    page["customer_refunds"][1]["platform_data"] = {"z": [1, {"m": "__Z__"}]}
    text = json.dumps(page).replace('"__Z__"', "-0")
    record = _loaded(text, "rutter", "railz").customer_refunds[1]
    assert str(record.platform_data["z"][1]["m"]) == "-0"


def test_the_text_is_searched_for_a_minus_zero_only_where_a_zero_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searched: list[bytes] = []
    search = cjson._negative_zero
    monkeypatch.setattr(cjson, "_negative_zero", lambda data: searched.append(data) or search(data))
    rutter = _page("rutter")
    _loaded(rutter, "rutter", "railz")
    assert searched == []  # no JSON integer 0 in it
    railz = _page("railz")
    _loaded(railz, "railz", "rutter")
    assert searched == []  # its offset 0: an integer, which has no -0
    _loaded(
        railz.replace(b'"effectiveTaxRate": 13', b'"effectiveTaxRate": 0', 1), "railz", "rutter"
    )
    assert len(searched) == 1


def _readers(fmt: str, whole: int, *, short: bool = True) -> dict[str, Any]:
    """Return the generated readers of ``fmt`` by model name, ``_WHOLE`` and ``_SHORT`` set."""
    generator = fused._Generator(get_format(fmt))
    saved, fused._WHOLE, fused._SHORT = (fused._WHOLE, fused._SHORT), whole, short
    try:
        pages = (shape.model for shape in generator.fmt.envelopes if shape.many)
        for cls in (generator.fmt.record, *pages):  # as fused._generated
            generator.reader(cls)
    finally:
        fused._WHOLE, fused._SHORT = saved
    namespace = dict(generator.names)
    exec(generator.module(), namespace)  # noqa: S102 - the generated readers
    return {cls.__name__: namespace[name] for cls, name in generator.done.items()}


WHOLE = {fmt: _readers(fmt, fused._WHOLE) for fmt in ("railz", "rutter", "railz-v2")}
EACH = {fmt: _readers(fmt, 0) for fmt in ("railz", "rutter", "railz-v2")}


def _read_whole(fmt: str, name: str) -> bool:
    function = fused.source(fmt).split(f"def read_{name}(d")[1].split("\n\n")[0]
    # Read by subscript where it has every key (not: its optional keys all None where it has
    # only its required ones, `if (w := len(d)) == 6:` then `a6 = a7 = None`).
    return re.search(r"\n    if len\(d\) == [0-9]+:\n        try:", function) is not None


SMALL = [(fmt, name) for fmt in WHOLE for name in WHOLE[fmt] if _read_whole(fmt, name)]


def _as_read(read: Any, obj: Any) -> Any:
    count = [0]
    try:
        view = read(obj, count)
    except fused.Fallback:
        return "Fallback"
    return [getattr(view, slot) for slot in type(view).__slots__], count


#: Rutter's readers with every optional key read in every object (no ``if len(d) == 6:``).
LONG = _readers("rutter", fused._WHOLE, short=False)


def test_objects_of_required_keys_alone_skip_the_optional_ones() -> None:
    code = fused.source("rutter")
    assert "    if (w := len(d)) == 6:\n        a6 = a7 = None\n    else:\n        n = 6\n" in code
    assert "if (w_3 := len(d_3)) == 6:" in code  # a refund's lines, read in its loop


_PAGE = json.loads((ROOT / "fixtures/rutter/seed-list.json").read_text())
#: A valid object of each model drawn below, and valid values of their optional keys.
_SEED = {
    "ListResponse": _PAGE,
    "CustomerRefund": _PAGE["customer_refunds"][0],
    "LineItem": _PAGE["customer_refunds"][0]["line_items"][0],
}
_OPTIONAL = {
    "type": "shipping",
    "additional_fields": {},
    "next_cursor": "c",
    "currency_code": "USD",
    "currency_rate": 1,
    "platform_data": {"a": "b"},
}


@given(st.sampled_from(["LineItem", "ListResponse", "CustomerRefund"]), st.data())
def test_an_object_of_required_keys_alone_is_read_as_any_other(
    name: str, data: st.DataObject
) -> None:
    # The same view and count, or Fallback, with the optional keys read or not.
    known = _keys("rutter", name)
    cls = next(cls for cls in fused._generated("rutter", finite=True)[0] if cls.__name__ == name)
    names = fused.keys(cls, get_format("rutter").naming)
    required = {names[f.name] for f in fused.fields(cls) if f.default is not None}
    optional = sorted(set(known) - required)
    keys = required | data.draw(st.sets(st.sampled_from([*optional, "x"])), label="more")
    keys -= data.draw(st.sets(st.sampled_from(sorted(required)), max_size=1), label="gone")
    valid = {**_SEED[name], **_OPTIONAL}
    obj = {
        key: data.draw(st.just(valid.get(key)) | st.just(valid.get(key)) | VALUES, label=key)
        for key in keys
    }
    read, long = WHOLE["rutter"][name], LONG[name]
    if name == "ListResponse":  # a record refused read as a mark

        def refused(_item: Any, index: int, _count: list[int]) -> str:
            return f"refused {index}"

        assert _plain(_as_read(lambda o, c: read(o, refused, c), obj)) == _plain(
            _as_read(lambda o, c: long(o, refused, c), obj)
        )
    else:
        assert _plain(_as_read(read, obj)) == _plain(_as_read(long, obj))


def _plain(value: Any) -> Any:
    """Return ``value`` with each view in it as its class's name and its slots, alike."""
    if hasattr(type(value), "__struct_fields__"):
        return [type(value).__name__, *(_plain(getattr(value, f)) for f in value.__struct_fields__)]
    if type(value) in {list, tuple}:
        return [_plain(item) for item in value]
    return value


def test_the_small_objects_are_read_whole() -> None:
    assert ("railz", "Ref") in SMALL
    assert ("railz", "TaxRateRef") in SMALL


def _keys(fmt: str, name: str) -> list[str]:
    generator = fused._Generator(get_format(fmt))
    models = [generator.fmt.record, *(shape.model for shape in generator.fmt.envelopes)]
    for cls in models:
        generator.reader(cls)
    cls = next(cls for cls in generator.done if cls.__name__ == name)
    return sorted(fused.keys(cls, generator.fmt.naming).values())


VALUES = st.none() | st.sampled_from(["a", "", True]) | st.integers(-2, 2) | decimals


@given(st.sampled_from(SMALL), st.data())
def test_a_small_object_read_whole_is_read_as_any_other(
    small: tuple[str, str], data: st.DataObject
) -> None:
    # With every key it knows, a reference is read by subscript: the same view, the same count.
    fmt, name = small
    known = _keys(fmt, name)
    keys = data.draw(st.just(known) | st.lists(st.sampled_from([*known, "x"]), unique=True))
    obj = {key: data.draw(VALUES | st.just("a"), label=key) for key in keys}
    assert _as_read(WHOLE[fmt][name], obj) == _as_read(EACH[fmt][name], obj)


def _railz_page(records: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    page: dict[str, Any] = generate.railz_list(records)
    return page


def generate_dumps(document: Any) -> bytes:
    return bytes(sys.modules["generate"].dumps(document))


def test_a_record_with_empty_lines_is_read_fast_without_them() -> None:
    # The readers refuse an empty line; a refused record is read again less its empty lines.
    page = _railz_page(3)
    page["data"][0]["lines"].insert(1, {})
    page["data"][2]["lines"][1:1] = [{}, {}]
    page["data"][2]["extra"] = 1  # an unknown key: structured by the codec, less its empty lines
    lines = [len(record["lines"]) for record in page["data"]]
    loaded = fused.load(
        generate_dumps(page), get_format("railz"), get_format("rutter"), strict=False
    )[1]
    assert loaded is not None
    records = loaded.parts[0].model.data
    record = get_format("railz").record
    assert [type(r) is record for r in records] == [False, False, True]  # views, then a model
    assert [len(r.lines) for r in records] == [lines[0] - 1, lines[1], lines[2] - 2]
    assert loaded.empty_lines == ("$.data[0].lines[1]", "$.data[2].lines[1]", "$.data[2].lines[2]")
    assert [e.source_path for e in loaded.report if "empty line" in e.message] == list(
        loaded.empty_lines
    )
    assert [len(r["lines"]) for r in page["data"]] == lines  # the decoded page is not changed


def test_a_bare_record_with_an_empty_line_is_read_fast_without_it() -> None:
    record = _railz_page(1)["data"][0]
    record["lines"].append({})
    loaded = fused.load(
        generate_dumps(record), get_format("railz"), get_format("rutter"), strict=False
    )[1]
    assert loaded is not None
    model = loaded.parts[0].model
    assert type(model) is not get_format("railz").record
    assert len(model.lines) == len(record["lines"]) - 1
    assert loaded.empty_lines == (f"$.lines[{len(record['lines']) - 1}]",)


@pytest.mark.parametrize("fmt", ["railz", "rutter", "railz-v2"])
def test_the_readers_seek_the_keys_jiter_decodes(fmt: str) -> None:
    """Each key is sought as jiter's own object of it (found without comparing text)."""
    readers, code = fused._generated.__wrapped__(fmt, finite=True)
    record = readers[get_format(fmt).record]
    arguments = record.__code__.co_varnames[2 : record.__code__.co_argcount]
    bound = {
        name: value
        for name, value in zip(arguments, record.__defaults__ or (), strict=True)
        if name.startswith("_k_")
    }
    assert bound
    assert all(name == f"_k_{key}" for name, key in bound.items())
    assert all(f"[{name}]" in code or f"({name})" in code for name in bound)  # read by it
    decoded = fused._decode(json.dumps(dict.fromkeys(bound.values(), 0)))
    same = [key for key in decoded if key is bound[f"_k_{key}"]]
    # jiter's cache holds a string a slot: two keys in one slot are made again each time.
    assert len(same) >= len(bound) - 4


@pytest.mark.parametrize("fmt", ["railz", "rutter", "railz-v2"])
def test_the_readers_read_the_names_they_use_as_locals(fmt: str) -> None:
    code = fused._generated.__wrapped__(fmt, finite=True)[1]
    for function in code.split("\n\ndef "):
        head, body = function.split("\n", 1)
        bound = set(re.findall(r"(\w+)=\1\b", head))
        assert {"type", "Fallback"} <= bound
        assert all(re.search(rf"(?<![.\w]){name}\b", body) for name in bound)  # each used


def test_no_reader_is_made_for_a_fetch_envelope() -> None:
    # A fetch envelope takes the detailed path (fused._load): its reader is not compiled.
    rutter = get_format("rutter")
    assert [shape.many for shape in rutter.envelopes] == [True, False]
    readers = fused._generated("rutter", finite=True)[0]
    assert rutter.envelopes[1].model not in readers
    assert "def read_FetchResponse" not in fused.source("rutter")
    fetch = json.loads((ROOT / "fixtures/rutter/seed-fetch.json").read_text())
    loaded = fused.load(json.dumps(fetch), rutter, get_format("railz"), strict=False)
    assert loaded[1] is None  # the detailed path's
