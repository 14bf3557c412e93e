"""The fast reader's proof that no key is repeated (refundmap.mapping.fused._repeated).

jiter decodes without its repeated-key check (a repeated key keeps its last
value); the readers count the keys and strings they read, and where the text
escapes no quote mark, half its quote marks equal to that count proves that no
key was repeated. Anything else is decoded again with the check. A document
with a repeated key is refused, on the fast path, exactly as the detailed
reader refuses it (``json`` with an ``object_pairs_hook``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import jiter
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import refundmap
from refundmap import jsonio
from refundmap.formats import get_format
from refundmap.mapping import fused
from refundmap.report import ValidationError

import strategies as s
from helpers import ROOT

SYNCED_AT = "2024-06-30T12:00:00.000Z"
TARGET = {"rutter": "railz", "railz": "rutter", "railz-v2": "rutter"}


def _bench() -> Any:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    return generate


def _outcome(text: bytes | str, source: str, *, fast: bool) -> tuple[Any, ...]:
    fused.ENABLED = fast
    try:
        result = refundmap.convert(text, source, TARGET[source], synced_at=SYNCED_AT)
    except refundmap.RefundmapError as exc:
        return ("error", type(exc).__name__, str(exc), getattr(exc, "problems", None))
    finally:
        fused.ENABLED = True
    return ("ok", result.to_json(), result.report, result.counts(), result.untranslated)


def _alike(text: bytes | str, source: str) -> tuple[Any, ...]:
    """Return the detailed path's outcome, asserting the fast path's is the same."""
    detailed = _outcome(text, source, fast=False)
    assert _outcome(text, source, fast=True) == detailed
    return detailed


def _refused_as_json_sees_it(text: bytes | str, source: str) -> None:
    """Assert that the fast reader refuses ``text`` with the repeats the stdlib's hook finds."""
    with pytest.raises(ValidationError) as expected:
        jsonio.loads_detailed(text)
    assert any("repeated" in problem.message for problem in expected.value.problems)
    with pytest.raises(ValidationError) as found:
        fused.load(text, get_format(source), get_format(TARGET[source]), strict=False)
    assert found.value.problems == expected.value.problems
    assert _alike(text, source)[0] == "error"


def _dumps(value: Any, at: int | None = None, pair: tuple[int, str, Any] | None = None) -> str:
    """Return ``value`` as JSON text; the object whose id is ``at`` given ``pair`` besides.

    ``pair`` is ``(place, key, value)``: written before the object's key at ``place``.
    """
    if type(value) is dict:
        items = [(key, _dumps(item, at, pair)) for key, item in value.items()]
        if id(value) == at and pair is not None:
            place, key, extra = pair
            items.insert(place % (len(items) + 1), (key, jsonio.dumps(extra)))
        return "{" + ", ".join(f"{jsonio.dumps(key)}: {item}" for key, item in items) + "}"
    if type(value) is list:
        return "[" + ", ".join(_dumps(item, at, pair) for item in value) + "]"
    return jsonio.dumps(value)


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Yield every object of ``value`` that holds a key, the root first."""
    if type(value) is dict:
        if value:
            yield value
        for item in value.values():
            yield from _objects(item)
    elif type(value) is list:
        for item in value:
            yield from _objects(item)


RAILZ = _bench().railz_list(3)
RUTTER = _bench().rutter_list(3)


#: Where a key is repeated, and the key: an object of the page (found by a function).
PLACES = [
    ("railz", lambda p: p, "count"),  # the envelope
    ("railz", lambda p: p["meta"], "serviceName"),
    ("railz", lambda p: p["pagination"], "offset"),
    ("railz", lambda p: p["data"][1], "memo"),  # a record
    ("railz", lambda p: p["data"][1], "lines"),
    ("railz", lambda p: p["data"][2]["lines"][1], "description"),  # a line, in an array
    ("railz", lambda p: p["data"][2]["lines"][2], "unitAmount"),
    ("railz", lambda p: p["data"][0]["lines"][0]["taxRateRef"], "id"),  # a reference
    ("railz", lambda p: p["data"][0]["customerRef"], "name"),
    ("railz", lambda p: p["data"][0]["currencyRef"], "id"),
    ("rutter", lambda p: p, "next_cursor"),
    ("rutter", lambda p: p["connection"], "platform"),
    ("rutter", lambda p: p["customer_refunds"][0], "class_id"),  # null
    ("rutter", lambda p: p["customer_refunds"][2], "line_items"),
    ("rutter", lambda p: p["customer_refunds"][1]["line_items"][2], "description"),
    ("rutter", lambda p: p["customer_refunds"][1]["line_items"][0]["item"], "quantity"),
    ("rutter", lambda p: p["customer_refunds"][1]["platform_data"], "a"),  # opaque data
    ("rutter", lambda p: p["customer_refunds"][1]["platform_data"]["b"][1], "c"),  # in an array
]


def _page(source: str) -> dict[str, Any]:
    page = json.loads(jsonio.dumps(RAILZ if source == "railz" else RUTTER), parse_float=Decimal)
    if source == "rutter":
        page["customer_refunds"][1]["platform_data"] = {"a": 1, "b": [2, {"c": "x", "d": 0}]}
    return page


@pytest.mark.parametrize(("source", "where", "key"), PLACES)
@pytest.mark.parametrize("value", ["same", "other", 'a "quoted" \\ value', None, {}, [1, "x"]])
def test_a_repeated_key_is_refused_as_json_sees_it(
    source: str, where: Any, key: str, value: Any
) -> None:
    page = _page(source)
    holder = where(page)
    repeated = holder[key] if value == "same" else "other" if value == "other" else value
    for place in (0, len(holder)):  # before its first, after its last
        text = _dumps(page, id(holder), (place, key, repeated))
        _refused_as_json_sees_it(text.encode(), source)
        _refused_as_json_sees_it(text, source)


@pytest.mark.parametrize("source", ["railz", "rutter"])
def test_a_repeated_key_in_a_bare_record_is_refused(source: str) -> None:
    record = _page(source)["data" if source == "railz" else "customer_refunds"][1]
    key = "memo" if source == "railz" else "currency_code"
    text = _dumps(record, id(record), (3, key, "again")).encode()
    _refused_as_json_sees_it(text, source)
    # Lines of JSON Lines (converted one after another): the same error, the others converted.
    converter = refundmap.Converter(source, TARGET[source], synced_at=SYNCED_AT)
    plain = jsonio.dumps(record).encode()
    results = list(converter.convert_lines([plain, text, plain]))
    assert isinstance(results[1], ValidationError)
    with pytest.raises(ValidationError) as expected:
        jsonio.loads_detailed(text)
    assert results[1].problems == expected.value.problems
    assert [r.to_json() for r in (results[0], results[2])] == [
        converter.convert(plain).to_json()
    ] * 2


#: Texts with escapes: quote marks and backslashes in strings and keys, and other escapes.
ESCAPED = [
    ("railz", lambda p: p["data"][0].update(memo='say "no"')),
    ("railz", lambda p: p["data"][0].update(memo="a \\ b \\")),  # a string ending in a backslash
    ("railz", lambda p: p["data"][0].update(memo='\\"')),
    ("railz", lambda p: p["data"][0]["lines"][0].update(description="caf\u00e9\n\t")),
    ("railz", lambda p: p["data"][0]["customerRef"].update({'"odd" \\ key': "x"})),  # unknown
    ("railz", lambda p: p["meta"].update(businessName='"N"')),
    ("rutter", lambda p: p["customer_refunds"][0].update(document_number='CR "1" \\')),
    ("rutter", lambda p: p["customer_refunds"][0]["platform_data"].update({'k"\\': ['v"\\']})),
]


@pytest.mark.parametrize(("source", "change"), ESCAPED)
def test_escaped_quote_marks_and_backslashes_alike(source: str, change: Any) -> None:
    page = _page(source)
    if source == "rutter":
        page["customer_refunds"][0]["platform_data"] = {"z": "y"}
    change(page)
    text = _dumps(page)
    _alike(text.encode(), source)
    _alike(text, source)
    # And with a key repeated besides: refused, escaped quote marks or not.
    holder = page["data"][2] if source == "railz" else page["customer_refunds"][2]
    key = "memo" if source == "railz" else "platform_url"
    _refused_as_json_sees_it(_dumps(page, id(holder), (1, key, "x")).encode(), source)
    # A repeated key that itself holds escapes.
    odd = '"odd" \\ key'
    holder[odd] = 1
    _refused_as_json_sees_it(_dumps(page, id(holder), (0, odd, 2)).encode(), source)


def _counted(value: Any) -> int:
    """Return the keys and strings of decoded JSON ``value``."""
    if type(value) is dict:
        return len(value) + sum(map(_counted, value.values()))
    if type(value) is list:
        return sum(map(_counted, value))
    return int(type(value) is str)


def _marks(value: Any) -> int:
    """Return the quote marks in the keys and strings of decoded JSON ``value``."""
    if type(value) is dict:
        return sum(key.count('"') + _marks(item) for key, item in value.items())
    if type(value) is list:
        return sum(map(_marks, value))
    return value.count('"') if type(value) is str else 0


@pytest.mark.parametrize("source", ["railz", "rutter"])
def test_a_quote_mark_escaped_is_not_counted_where_no_backslash_is(
    source: str, checked: list[bytes]
) -> None:
    # A description saying 12" is real data: its page is not decoded twice.
    page = _page(source)
    records = page["data" if source == "railz" else "customer_refunds"]
    lines = records[0]["lines" if source == "railz" else "line_items"]
    lines[0]["description"] = '12" pipe, "blue"'
    records[1]["memo" if source == "railz" else "document_number"] = '"'
    text = _dumps(page).encode()
    assert b'\\"' in text
    assert b"\\\\" not in text
    assert _alike(text, source)[0] == "ok"
    del checked[:]
    assert _outcome(text, source, fast=True)[0] == "ok"
    assert _outcome(text.decode(), source, fast=True)[0] == "ok"
    assert checked == []
    # A key repeated beside them is still found: the escaped marks are not counted as keys.
    key = "memo" if source == "railz" else "platform_url"
    for place in (0, 1):
        repeated = _dumps(page, id(records[2]), (place, key, '"x"')).encode()
        _refused_as_json_sees_it(repeated, source)
    # Nor is a string ending in an escaped backslash (its closing mark follows a backslash).
    text_with = _dumps(page, id(records[2]), (0, key, "a\\")).encode()
    _refused_as_json_sees_it(text_with, source)


@pytest.mark.parametrize("source", ["railz", "rutter"])
def test_a_quote_mark_escaped_has_the_text_checked_again(source: str, checked: list[bytes]) -> None:
    # Where a backslash is escaped too, each quote mark escaped is one more than the keys
    # and strings read: nothing to prove.
    page = _page(source)
    record = page["data" if source == "railz" else "customer_refunds"][1]
    record["memo" if source == "railz" else "document_number"] = 'a "b" \\'
    text = _dumps(page).encode()
    assert text.count(b'"') == 2 * _counted(json.loads(text)) + _marks(json.loads(text))
    assert _alike(text, source)[0] == "ok"
    del checked[:]
    assert _outcome(text, source, fast=True)[0] == "ok"
    assert checked == [text]


def _documents() -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        s.rutter_documents(whole=True, dated=True).map(lambda d: ("rutter", d)),
        s.rutter_documents().map(lambda d: ("rutter", d)),
        s.railz_documents(with_account=True).map(lambda d: ("railz", d)),
        s.railz_documents().map(lambda d: ("railz", d)),
        s.railz_v2_documents().map(lambda d: ("railz-v2", d)),
    )


@given(_documents(), st.data())
def test_any_document_with_a_key_repeated_is_refused_as_json_sees_it(
    drawn: tuple[str, Any], data: st.DataObject
) -> None:
    source, document = drawn
    objects = list(_objects(document))
    if not objects:
        return
    holder = data.draw(st.sampled_from(objects), label="object")
    key = data.draw(st.sampled_from(sorted(holder)), label="key")
    value = data.draw(st.sampled_from([holder[key], None, "x", '"', 0]) | s.json_values)
    place = data.draw(st.integers(0, len(holder)), label="place")
    text = _dumps(document, id(holder), (place, key, value))
    _refused_as_json_sees_it(text.encode(), source)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Return the texts jiter decodes with its repeated-key check, as they are decoded."""
    texts: list[bytes] = []
    decode = jiter.from_json

    def spy(data: bytes, **options: Any) -> Any:
        if options.get("catch_duplicate_keys"):
            texts.append(data)
        return decode(data, **options)

    monkeypatch.setattr(jiter, "from_json", spy)
    return texts


def test_the_bench_documents_are_proven_without_the_check(checked: list[bytes]) -> None:
    # The check costs a sixth of decoding a Railz page: the count proves it needless.
    generate = _bench()
    for source, page, records in (
        ("railz", RAILZ, RAILZ["data"]),
        ("rutter", RUTTER, RUTTER["customer_refunds"]),
    ):
        text = generate.dumps(page)
        lines = [generate.dumps(record) for record in records]
        converter = refundmap.Converter(source, TARGET[source], synced_at=SYNCED_AT)
        assert _alike(text, source)[0] == "ok"  # the detailed path checks: not counted
        del checked[:]
        assert _outcome(text, source, fast=True)[0] == "ok"
        assert _outcome(text.decode(), source, fast=True)[0] == "ok"
        assert all(hasattr(c, "to_json") for c in converter.convert_lines(lines))
        assert checked == []


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # `checked` grows
@given(_documents())
def test_the_readers_count_every_key_and_string(
    checked: list[bytes], drawn: tuple[str, Any]
) -> None:
    # Where no quote mark is escaped (or no backslash), no document is decoded twice: a
    # record the reader leaves to the codec, or a page to the detailed path, is counted
    # as a whole.
    source, document = drawn
    text = jsonio.dumps(document).encode()
    _alike(text, source)
    before = len(checked)
    _outcome(text, source, fast=True)
    assert (len(checked) > before) is (_marks(document) > 0 and b"\\\\" in text)


@pytest.mark.parametrize(
    "text",
    [b'"x"', b"5", b"[]", b'["a", {"b": "c"}]', b'{"a": 1, "a": 2}', b"[{}, {}]", b"null"],
)
def test_documents_that_are_not_pages_alike(text: bytes) -> None:
    for source in ("railz", "rutter"):
        _alike(text, source)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_documents(), st.data())
def test_no_reader_counts_more_than_the_decoded_value_holds(
    monkeypatch: pytest.MonkeyPatch, drawn: tuple[str, Any], data: st.DataObject
) -> None:
    # The proof's one premise: a count above the keys and strings decoded could hide a
    # repeated key. Held on documents spoiled at a random object, valid or not.
    source, document = drawn
    objects = list(_objects(document))
    if objects:
        holder = data.draw(st.sampled_from(objects), label="object")
        key = data.draw(st.sampled_from(sorted(holder)), label="key")
        spoiled = [None, "", "x", [], {}, [{}], ["a"], 1, {"id": "1"}, [None]]
        value = data.draw(st.sampled_from(spoiled) | s.json_values, label="value")
        if data.draw(st.booleans(), label="delete"):
            del holder[key]
        else:
            holder[key] = value
    text = jsonio.dumps(document).encode()
    seen: list[tuple[int, int]] = []
    repeated = fused._repeated

    def spy(decoded: Any, counted: int) -> bool:
        seen.append((counted, _counted(jiter.from_json(text, float_mode="decimal"))))
        return repeated(decoded, counted)

    monkeypatch.setattr(fused, "_repeated", spy)
    _outcome(text, source, fast=True)
    assert all(counted <= decoded for counted, decoded in seen), seen
