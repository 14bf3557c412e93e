"""The fast path (refundmap.mapping.fused) against the detailed path: the same, byte for byte.

Each case converts a document twice, with the fast path on and off, and
compares everything a caller sees: the output text, every report entry, the
counts, ``records``, ``untranslated``, ``missing``, or the error's type and
problems. A difference is named by the first field that differs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import suppress
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap import jsonio
from refundmap.conversion import supported
from refundmap.formats import FORMATS
from refundmap.mapping import fused, fused_map

import golden
import strategies as s
from helpers import HOSTILE

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SYNCED_AT = "2024-06-30T12:00:00.000Z"


def _outcome(document: Any, source: str, target: str, **options: Any) -> tuple[Any, ...]:
    try:
        result = refundmap.convert(document, source, target, synced_at=SYNCED_AT, **options)
    except refundmap.RefundmapError as exc:
        problems = getattr(exc, "problems", None)
        return ("error", type(exc).__name__, str(exc), problems)
    counts = result.counts()  # before the report is read: counted from the rows
    return (
        "ok",
        result.to_json(),
        result.to_json(indent=2),
        result.report,
        counts,
        result.counts(),
        result.records,
        result.untranslated,
        result.missing,
    )


_FIELDS = (
    "status",
    "text",
    "indented text",
    "report",
    "counts",
    "counts once read",
    "records",
    "untranslated",
    "missing",
)


def both(document: Any, source: str, target: str, **options: Any) -> tuple[tuple[Any, ...], bool]:
    """Return the detailed path's outcome, asserting the fast path's is the same.

    Also returns whether the fast path took the document: read and mapped it.
    """
    fused.ENABLED = False
    try:
        detailed = _outcome(document, source, target, **options)
    finally:
        fused.ENABLED = True
    taken, mapped = fused.TALLY.taken, fused.TALLY.mapped
    fast = _outcome(document, source, target, **options)
    for name, a, b in zip(_FIELDS, fast, detailed, strict=False):
        if name == "report" and a != b:
            first = next(
                (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)),
            )
            pytest.fail(
                f"report entry {first} differs: fast {a[first : first + 1]} detailed"
                f" {b[first : first + 1]}"
            )
        assert a == b, f"{name} differs: fast {a!r} detailed {b!r}"
    assert fast == detailed
    return detailed, fused.TALLY.taken > taken and fused.TALLY.mapped > mapped


def _fixture_cases() -> Iterator[tuple[Path, str, str]]:
    for source in FORMATS:
        for path in sorted((FIXTURES / source).glob("*.json")):
            for target in FORMATS:
                if supported(source, target):
                    yield path, source, target


@pytest.mark.parametrize(
    ("path", "source", "target"),
    list(_fixture_cases()),
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_fixtures_the_same_on_both_paths(path: Path, source: str, target: str) -> None:
    both(path.read_bytes(), source, target, **golden.parameters(target))


@pytest.mark.parametrize(
    ("path", "source", "target", "references"),
    list(golden.reference_cases()),
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_fixtures_with_a_directory_the_same_on_both_paths(
    path: Path, source: str, target: str, references: str
) -> None:
    case = (f"{path.parent.name}/{path.name}", source, target, references)
    both(
        path.read_bytes(),
        source,
        target,
        directory=golden.directory(references),
        defaults=golden.DEFAULTS.get(case),
        **golden.parameters(target),
    )


@pytest.mark.parametrize("path", sorted((FIXTURES / "invalid").glob("*/*.json")), ids=str)
def test_invalid_fixtures_fail_alike(path: Path) -> None:
    source = path.parent.name
    for target in FORMATS:
        if supported(source, target) and source != target:
            both(path.read_bytes(), source, target, **golden.parameters(target))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_inputs_fail_alike(name: str) -> None:
    data, _, _ = HOSTILE[name]
    both(data, "rutter", "railz")


SEED_PAGE = json.loads((FIXTURES / "rutter/seed-list.json").read_text())
RAILZ_PAGE = (FIXTURES / "railz/quickbooks-list.json").read_text()

#: Amounts as JSON text: each in an amount of a Rutter page, converted both ways.
AMOUNTS = (
    "1E+2", "1e2", "0E-8", "-0", "-0.0", "0.000000000000000000001", "0.00000000000000000001",
    "1.5e-3", "1e15", "999999999999999.99999999999999999999", "1.0E-20", "1E-25", "-1",
    "100", "100.10", "null", '"12.5"', "true", "[]", "{}",
    # JSON integers, which the fast reader takes as jiter gives them:
    "0", "1000000000000000", "999999999999999", "-999999999999999", "-1000000000000000",
    "1023", "1024", "-1023",
    # The reader's quick reading (at most 15 characters, no exponent) and the rest:
    "99999999999999.9", "9999999999999.99", "-9999999999999.9", "0.1234567890123",
    "-0.123456789012", "0.12345678901234", "1000000000000000.0", "-100000000000000.0",
    "1.00000000000000000000", "1.000000000000000000000", "-999999999999999.99999999999999999999",
    "1E+14", "1E+15", "9.99999999999999E+14", "1E-20", "1e-21", "0E+20", "-0E-21", "0.0000001",
)  # fmt: skip


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("key", ["total_amount", "tax_amount", "unit_amount", "quantity"])
def test_hostile_amounts_alike(amount: str, key: str) -> None:
    text = json.dumps(SEED_PAGE)
    marker = '"__AMOUNT__"'
    page = json.loads(text)
    record = page["customer_refunds"][0]
    holder = record["line_items"][0]["item"] if key in ("unit_amount", "quantity") else record
    holder[key] = "__AMOUNT__"
    data = json.dumps(page).replace(marker, amount)
    for target in ("railz", "railz-v2", "rutter-create"):
        both(data.encode(), "rutter", target, **golden.parameters(target))


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("key", ["totalAmount", "subTotal", "quantity", "unitAmount"])
def test_hostile_railz_amounts_alike(amount: str, key: str) -> None:
    page = json.loads(RAILZ_PAGE)
    holder = page["data"][0] if key in ("totalAmount", "subTotal") else page["data"][0]["lines"][0]
    holder[key] = "__AMOUNT__"
    data = json.dumps(page).replace('"__AMOUNT__"', amount)
    both(data.encode(), "railz", "rutter")


@pytest.mark.parametrize(
    "change",
    [
        lambda t: "\ufeff" + t,  # a byte order mark
        lambda t: t.replace('"account_id"', '"accountId"', 1),  # an unknown key
        lambda t: t.replace('"2', '"+2', 1),  # a date in no form
        lambda t: t.replace(".000Z", "Z"),  # a date in another spelling
        lambda t: t.replace(".000Z", "+00:00"),
        lambda t: t.replace('"description"', '"description": 1, "description"', 1),  # repeated
        lambda t: t.replace('"platform_url"', '"platform_data": {"a": [[[[{"b": 1E+400}]]]]}, "x"'),
        lambda t: t.replace('"item": {', '"item": {}, "y": {', 1),
        lambda t: t.replace('"line_items": [', '"line_items": [{}, ', 1),  # an empty line
        lambda t: t.replace('"currency_code": "USD"', '"currency_code": "usd"'),
        lambda t: "[" + t + "," + t + "]",  # an array of documents
        lambda t: t.replace('"type": null', '"type": "shipping"'),
    ],
)
def test_rare_forms_alike(change: Any) -> None:
    text = change(json.dumps(SEED_PAGE))
    for target in ("railz", "railz-v2", "rutter-create"):
        both(text.encode(), "rutter", target, **golden.parameters(target))
        both(text, "rutter", target, **golden.parameters(target))


#: Options: each with the fast path on and off.
OPTIONS: tuple[dict[str, Any], ...] = (
    {},
    {"strict": True},
    {"lossless": True},
    {"require_refs": True},
    {"fail_on": "warning"},
    {"fail_on": "dropped"},
    {"defaults": {"account": "A-1", "customer": "C-1"}},
    {"platform": "xero"},
    {"business_name": "Northwind", "service_name": "quickbooks"},
)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_options_alike(options: dict[str, Any]) -> None:
    for path, source in (
        (FIXTURES / "rutter/seed-list.json", "rutter"),
        (FIXTURES / "railz/quickbooks-list.json", "railz"),
        (FIXTURES / "railz/xero-no-account-list.json", "railz"),
        (FIXTURES / "railz-v2/xero-list.json", "railz-v2"),
    ):
        for target in ("rutter", "railz", "railz-v2", "rutter-create", "railz-v2-push"):
            if not supported(source, target) or source == target:
                continue
            given = dict(options)
            if given.get("business_name") and (source != "railz" or target != "rutter"):
                continue
            if target.endswith("-push"):
                given.update({k: v for k, v in golden.parameters(target).items() if k not in given})
            both(path.read_bytes(), source, target, **given)


def _as_text(document: Any) -> bytes:
    return jsonio.dumps(document).encode()


@given(
    st.one_of(
        s.rutter_documents(whole=True, dated=True).map(lambda d: ("rutter", d)),
        s.rutter_documents().map(lambda d: ("rutter", d)),
        s.railz_documents(with_account=True).map(lambda d: ("railz", d)),
        s.railz_documents().map(lambda d: ("railz", d)),
        s.railz_v2_documents().map(lambda d: ("railz-v2", d)),
    ),
    st.sampled_from(["rutter", "railz", "railz-v2", "rutter-create"]),
)
def test_any_document_the_same_on_both_paths(drawn: tuple[str, Any], target: str) -> None:
    source, document = drawn
    if not supported(source, target) or source == target:
        return
    both(_as_text(document), source, target, **golden.parameters(target))


def _share(source: str, records: list[Any]) -> float:
    taken = 0
    for record in records:
        _, took = both(_as_text(record), source, "railz" if source == "rutter" else "rutter")
        taken += took
    return taken / len(records)


def _bench() -> Any:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    return generate


def test_the_fast_path_takes_the_common_shapes() -> None:
    # A hook that silently always fell back would pass every test above.
    rutter_page = _bench().rutter_list(3)
    cases = [
        (rutter_page, "rutter", "railz"),
        (rutter_page, "rutter", "railz-v2"),
        *(
            (json.loads((FIXTURES / name).read_text()), source, "rutter")
            for name, source in (
                ("railz/quickbooks-list.json", "railz"),
                ("railz/xero-tax-inclusive.json", "railz"),
                ("railz/quickbooks-discounts.json", "railz"),
                ("railz-v2/quickbooks-refund.json", "railz-v2"),
            )
        ),
    ]
    for page, source, target in cases:
        _, took = both(_as_text(page), source, target)
        assert took, f"{source} -> {target}, the page"
        records = page.get("customer_refunds") or page.get("data") or [page]
        _, took = both(_as_text(records[0]), source, target)
        assert took, f"{source} -> {target}, its first record alone"


def test_the_bench_records_take_the_fast_path() -> None:
    rutter = _bench().rutter_list(40)["customer_refunds"]
    railz = _bench().railz_list(40)["data"]
    assert _share("rutter", rutter) == 1.0
    assert _share("railz", railz) == 1.0


def test_options_the_fast_mapping_does_not_take_are_read_fast() -> None:
    path = FIXTURES / "railz/quickbooks-list.json"
    read, mapped = fused.TALLY.taken, fused.TALLY.mapped
    both(path.read_bytes(), "railz", "rutter", lossless=True)
    assert (fused.TALLY.taken, fused.TALLY.mapped) == (read + 1, mapped)


def test_a_rare_form_falls_back() -> None:
    before = fused.TALLY.fallen_back
    text = f"[{json.dumps(SEED_PAGE)}]"  # an array of documents
    _, took = both(text.encode(), "rutter", "railz")
    assert not took
    assert fused.TALLY.fallen_back > before


def test_the_environment_turns_the_fast_path_off() -> None:
    program = (
        "import refundmap, pathlib; from refundmap.mapping import fused;"
        " refundmap.convert(pathlib.Path('fixtures/railz/quickbooks-list.json').read_bytes(),"
        " 'railz', 'rutter'); print(fused.ENABLED, fused.TALLY.taken, fused.TALLY.fallen_back)"
    )
    for value, expected in (("0", "False 0 0"), ("1", "True 1 0")):
        out = subprocess.run(
            [sys.executable, "-c", program],
            cwd=ROOT,
            env={"REFUNDMAP_FAST": value, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.strip() == expected


def test_the_generated_code_is_inspectable() -> None:
    code = fused.source("railz")
    assert "def read_Refund(d, k, " in code  # then each key it reads, bound to jiter's
    assert re.search(r"_moment\(a[0-9]+\)", code)  # a date read into its local
    assert "_k_totalAmount=_k_totalAmount" in code
    assert "(_k_totalAmount)" in code  # read by name
    assert "_bounded(" in code  # the readers of JSON text, its decimals finite
    assert "_bounded(" not in fused.source("railz", finite=False)  # of a document given decoded
    mapping = fused_map.source("railz", "rutter")
    assert "def map_refund(src, sp, tp, run):" in mapping
    assert "add(_push_" in mapping  # each line's rows against its own paths
    assert "add(_row_" in mapping  # entries with fixed words noted as rows


def test_a_callers_decimal_context_changes_nothing() -> None:
    # Derived amounts (subTotal = total_amount - tax_amount) are exact on both paths.
    page = _bench().rutter_list(5)
    page["customer_refunds"][0]["total_amount"] = Decimal("999999999999999.99999999999999999999")
    with localcontext(prec=5):
        _, took = both(_as_text(page), "rutter", "railz")
    assert took


def test_a_directory_is_read_on_the_fast_mapping() -> None:
    path = FIXTURES / "railz/quickbooks-list.json"
    _, took = both(path.read_bytes(), "railz", "rutter", directory=golden.directory("quickbooks"))
    assert took
    _, took = both(path.read_bytes(), "railz", "rutter", fail_on="untranslated")
    assert took is False  # every id copied fails it: a MappingError, on both paths alike


class _Counting:
    """A caller's own lookup that counts what it is asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def to_platform(self, kind: str, rutter_id: str) -> None:
        self.asked.append((kind, rutter_id))

    def to_rutter(self, kind: str, platform_id: str) -> None:
        self.asked.append((kind, platform_id))


def test_a_callers_lookup_is_asked_as_on_the_detailed_path() -> None:
    data = (FIXTURES / "railz/quickbooks-list.json").read_bytes()
    asked = []
    for enabled in (False, True):
        fused.ENABLED = enabled
        lookup = _Counting()
        try:
            refundmap.convert(data, "railz", "rutter", directory=lookup)
        finally:
            fused.ENABLED = True
        asked.append(lookup.asked)
    assert asked[0] == asked[1]
    assert asked[0]


@pytest.mark.parametrize(
    ("source", "change"),
    [
        ("rutter", lambda r: r.update(total_amount=str(r["total_amount"]))),  # a numeric string
        ("rutter", lambda r: r.update(extra={"a": 1})),  # an unknown key
        ("rutter", lambda r: r["line_items"][0].update(note="x")),  # one deeper
        ("rutter", lambda r: r.update(transaction_date="2024-06-13 10:00:00+02:00")),
        ("railz", lambda r: r.update(discountAmount=r.pop("totalDiscount"))),  # an alias
        ("railz", lambda r: r["lines"][0].update(quantity=str(r["lines"][0]["quantity"]))),
        ("railz", lambda r: r["lines"].append({})),  # an empty line: left out
        ("railz", lambda r: r.update(id=12345)),  # an id as a number: read as its text
        ("railz", lambda r: r.update(totalAmount="abc")),  # a problem: likewise
        # Unknown keys beside nulls (the reader counts the keys it reads), required keys:
        ("railz", lambda r: r["lines"][0].update(memo=None)),
        ("railz", lambda r: r["accountRef"].update(name=None, extra="x")),
        ("railz", lambda r: r["lines"][1].update(discountPercentage=None, locationRef=None)),
        ("railz", lambda r: r["customerRef"].pop("id")),
        ("rutter", lambda r: r["line_items"][0].update(type=None, note=None)),
        ("rutter", lambda r: r["line_items"][0].update(type="shipping", additional_fields=None)),
        ("rutter", lambda r: r["line_items"][0]["item"].pop("quantity")),
        ("rutter", lambda r: r.pop("class_id")),
    ],
)
def test_a_page_with_an_odd_record_alike(source: str, change: Any) -> None:
    # The odd record is structured alone by the codec; the others stay on the fast path.
    page = _bench().rutter_list(4) if source == "rutter" else _bench().railz_list(4)
    records = page["customer_refunds" if source == "rutter" else "data"]
    change(records[2])
    both(_as_text(page), source, "railz" if source == "rutter" else "rutter")
    both(_as_text(page), source, "railz" if source == "rutter" else "rutter", lossless=True)


def test_an_odd_bare_record_is_read_fast() -> None:
    record = _bench().railz_list(1)["data"][0]
    record["totalAmount"] = str(record["totalAmount"])
    record["lines"][0]["id"] = 1
    _, took = both(_as_text(record), "railz", "rutter")
    assert took


def test_a_page_with_an_odd_record_is_read_fast() -> None:
    page = _bench().railz_list(4)
    page["data"][3]["lines"][0]["unitAmount"] = "12.5"
    page["data"][1]["sourceModifiedData"] = page["data"][1].pop("sourceModifiedDate")
    _, took = both(_as_text(page), "railz", "rutter")
    assert took


@pytest.mark.parametrize(
    "change",
    [
        lambda rs: (rs[1].update(totalAmount="a lot"), rs[3].update(date=None)),
        lambda rs: (rs[0]["lines"].insert(0, {}), rs[0]["lines"][2].update(quantity=1.5)),
        lambda rs: (rs[1].update(id=7), rs[2].update(id=True), rs[2].update(memo=3)),
        # A version 2 record: the detailed reader names what the document looks like.
        lambda rs: (rs[0].update(postedDate=rs[0].pop("date")), rs[0].pop("currencyRef")),
        lambda rs: (rs[3].update(discountAmount="1"), rs[3].update(totalDiscount="2")),
    ],
)
def test_an_invalid_page_fails_alike(change: Any) -> None:
    page = _bench().railz_list(4)
    change(page["data"])
    detailed, _ = both(_as_text(page), "railz", "rutter")
    assert detailed[0] == "error"


@pytest.mark.parametrize("text", ["5", "-0", "0", "[5]", '{"a": -0}', "[-0.0]", " -0 "])
def test_whole_documents_of_numbers_alike(text: str) -> None:
    for source, target in (("rutter", "railz"), ("railz", "rutter")):
        both(text.encode(), source, target)
        both(text, source, target)


def test_integers_in_platform_data_alike() -> None:
    page = _bench().rutter_list(2)
    page["customer_refunds"][1]["platform_data"] = {"n": 5, "z": [0, {"m": -3}], "d": 1.5}
    text = _as_text(page).replace(b'"d": 1.5', b'"d": 15e-1')
    _, took = both(text, "rutter", "railz")
    assert took


@pytest.mark.parametrize(
    "change",
    [
        # An amount's -0 the reader took (jiter reads it as 0): the text read again.
        lambda text: text.replace(b'"unitAmount": 56.62', b'"unitAmount": -0', 1),
        lambda text: text.replace(b'"effectiveTaxRate": 13', b'"effectiveTaxRate": -0', 1),
        lambda text: text.replace(b'"effectiveTaxRate": 13', b'"effectiveTaxRate": 0', 1),
        # A whole number -0 has no sign to keep; nor has an id's "-0".
        lambda text: text.replace(b'"quantity": 1', b'"quantity": -0', 1),
        lambda text: text.replace(b'"offset": 0', b'"offset": -0', 1),
        lambda text: text.replace(b'"id": "1"', b'"id": "878150-0"', 1),
        # A -0 in a record the codec structures alone (its quantity a numeric string).
        lambda text: text.replace(
            b'"quantity": 1', b'"quantity": "1", "totalAmount": -0', 1
        ).replace(b', "totalAmount": 63.98', b"", 1),
        # A -0 in a page the reader leaves to the detailed path (an unknown key).
        lambda text: text.replace(b'"Northwind"', b'"Northwind", "x": 1', 1).replace(
            b'"unitAmount": 56.62', b'"unitAmount": -0', 1
        ),
    ],
)
def test_a_railz_minus_zero_alike(change: Any) -> None:
    bench = _bench()
    text = bench.dumps(bench.railz_list(4))
    changed = change(text)
    assert changed != text
    both(changed, "railz", "rutter")
    both(changed.decode(), "railz", "rutter")


@pytest.mark.parametrize("key", ["id", "currency_code", "description"])
def test_a_minus_zero_in_a_refused_page_is_worded_alike(key: str) -> None:
    # The codec's problem shows the value: -0 as sent, not the 0 jiter read.
    page = _bench().rutter_list(3)
    record = page["customer_refunds"][1]
    (record["line_items"][0] if key == "description" else record)[key] = "__Z__"
    detailed, _ = both(_as_text(page).replace(b'"__Z__"', b"-0"), "rutter", "railz")
    assert detailed[0] == "error"


#: Where the fast path's decoding (fused._decode) and the detailed reader (jiter with its
#: repeated-key check, then Python's ``json``) might differ, or a decoder put in its place
#: (msgspec's was measured): each is put in a page (a line's description or unit amount,
#: Rutter's platform_data) and converted on both paths, as bytes and as str.
DECODER_CASES: tuple[tuple[str, bytes], ...] = (
    ("description", rb'"\ud800"'),  # a lone surrogate escape
    ("description", rb'"\udc00x"'),
    ("description", rb'"\ud800\u0041"'),
    ("description", rb'"\ud83d\ude00 \u0000 \/ \u00e9"'),  # a pair, NUL, escapes: taken
    ("description", b'"caf\xc3\xa9 \x7f"'),  # DEL is no control character
    ("description", b'"descr\xffption"'),  # bytes that are not UTF-8
    ("description", b'"\xc0\xaf"'),  # an overlong form
    ("description", b'"\xed\xa0\x80"'),  # a surrogate encoded in UTF-8
    ("description", b'"\xf4\x90\x80\x80"'),  # beyond U+10FFFF
    ("description", b'"a\x01b"'),  # control characters
    ("description", b'"a\tb"'),
    ("description", b"NaN"),
    ("amount", b"NaN"),
    ("amount", b"Infinity"),
    ("amount", b"-Infinity"),
    ("amount", b"18446744073709551616"),  # beyond 64 bits
    ("amount", b"-9223372036854775809"),
    ("amount", b"123456789012345678901234567890"),
    ("amount", b"9" * 4300),
    ("amount", b"9" * 4301),
    ("amount", b"-0"),
    ("amount", b"-0.0"),
    ("amount", b"-0e0"),
    ("amount", b"1E400"),
    ("amount", b"1e-400"),
    ("amount", b"1e99999999999999999999"),  # beyond what Decimal holds
    ("amount", b"+1"),
    ("amount", b".5"),
    ("amount", b"1."),
    ("amount", b"01"),
    ("data", b'{"n": 18446744073709551616, "m": -0.0, "z": -0, "e": 1E400, "f": 1e-400}'),
    ("data", b'{"n": [' + b"9" * 4300 + b"]}"),
    ("data", b"{1: 2}"),  # a number where a key belongs
    ("data", b'{"a": 1,}'),
    ("data", b'{"a": 1, "a": 2}'),
    ("data", b'{"a": "\\"", "b": "\\\\"}'),
)


def _decoder_text(source: str, where: str, value: bytes) -> bytes:
    marker = b'"__VALUE__"'
    if source == "rutter":
        page = _bench().rutter_list(3)
        record = page["customer_refunds"][1]
        if where == "data":
            record["platform_data"] = "__VALUE__"
        elif where == "amount":
            record["line_items"][0]["item"]["unit_amount"] = "__VALUE__"
        else:
            record["line_items"][0]["description"] = "__VALUE__"
    else:
        page = _bench().railz_list(3)
        line = page["data"][1]["lines"][0]
        line["unitAmount" if where == "amount" else "description"] = "__VALUE__"
    return _as_text(page).replace(marker, value)


@pytest.mark.parametrize(("where", "value"), DECODER_CASES, ids=repr)
@pytest.mark.parametrize("source", ["rutter", "railz"])
def test_what_the_decoders_might_read_otherwise_alike(
    source: str, where: str, value: bytes
) -> None:
    if source == "railz" and where == "data":
        return  # Railz has no opaque data
    text = _decoder_text(source, where, value)
    target = "railz" if source == "rutter" else "rutter"
    both(text, source, target)
    try:
        as_str = text.decode()
    except UnicodeDecodeError:
        return
    both(as_str, source, target)


@pytest.mark.parametrize(
    "text",
    [
        b"", b" ", b"\t\r\n ", b"\x0c{}", b"\xc2\xa0{}", b"\xef\xbb\xbf{}", b"{} x", b"{}\x00",
        b"[] []", b"\x00", b"tru", b"nul", b"[1,]", b'{"a"}', b'"\\x"', b'["\\ud800"]',
    ],
)  # fmt: skip
def test_whole_texts_the_decoders_might_read_otherwise_alike(text: bytes) -> None:
    for source, target in (("rutter", "railz"), ("railz", "rutter")):
        both(text, source, target)
        with suppress(UnicodeDecodeError):
            both(text.decode(), source, target)


def test_a_page_with_a_bom_alike() -> None:
    page = _as_text(_bench().railz_list(3))
    # The decoder refuses the mark; the detailed reader skips it, and the reader reads its value.
    detailed, took = both(b"\xef\xbb\xbf" + page, "railz", "rutter")
    assert detailed[0] == "ok"
    assert took
    both("\ufeff" + page.decode(), "railz", "rutter")


def test_a_str_holding_a_lone_surrogate_alike() -> None:
    text = _decoder_text("rutter", "description", b'"__S__"').decode().replace("__S__", "\ud800")
    detailed, _ = both(text, "rutter", "railz")
    assert detailed[0] == "error"


@pytest.mark.parametrize("depth", [*range(195, 206), 500, *range(880, 1000), 1_000, 5_000, 100_000])
def test_platform_data_nested_deep_alike(depth: int) -> None:
    # jiter reads 200 levels, Python's json as deep as the recursion limit lets it (about
    # 1,000, less the depth of the stack): both paths alike at each side of either limit.
    nested = b"[" * depth + b"1" + b"]" * depth
    text = _decoder_text("rutter", "data", b'{"a": ' + nested + b"}")
    both(text, "rutter", "railz")
    both(nested, "rutter", "railz")
