"""Bare records converted one after another (refundmap.mapping.bare): each as it converts alone.

Each case converts records with :class:`BareRecords` and each alone with
``Converter.convert``, and compares what the command reads of them: the
output text, the report's entries and counts, the ids copied untranslated
and their names. A record the shared work does not take gives None, and
leaves nothing behind.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap import Converter
from refundmap.formats import get_format
from refundmap.mapping import bare as bare_module
from refundmap.mapping import fused
from refundmap.mapping.bare import BareRecords, Converted

import golden
import strategies as s
from helpers import FIXTURES, records_of

SYNCED_AT = "2024-06-30T12:00:00.000Z"
#: The pairs the shared work takes: a read format into the other vendor's read formats.
PAIRS = [
    ("railz", "rutter"),
    ("railz-v2", "rutter"),
    ("rutter", "railz"),
    ("rutter", "railz-v2"),
]


def _records(path: Path, source: str) -> list[bytes]:
    """Return the records of a fixture document, each as its own JSON text."""
    return [json.dumps(record).encode() for record in records_of(path, source)]


def _alone(converter: Converter, text: bytes) -> tuple[Any, ...]:
    result = converter.convert(text)
    return (
        result.to_json(),
        result.report,
        result.counts(),
        result.records,
        result.untranslated,
        result.missing_counts(),
        # As the command keeps them (an empty name is none).
        {key: name for key, name in result.missing_names().items() if name},
    )


def _shared(bare: BareRecords, made: Converted) -> tuple[Any, ...]:
    named: dict[tuple[str, str], str] = {}
    for key, name in bare.named:
        named.setdefault(key, name)
    shared = (
        made.text,
        tuple(bare.entries(made)),
        bare.counts([made]),
        1,
        made.untranslated,
        dict(Counter(bare.copied)),
        {key: name for key, name in named.items() if name},
    )
    bare.copied.clear()
    bare.named.clear()
    return shared


def alike(converter: Converter, texts: list[bytes], *, taken: bool = False) -> int:
    """Check each text alike shared and alone; return how many the shared work took.

    Each is converted in a call of its own, then all of them in one call, whose
    ids are those of the records taken, summed.
    """
    count = 0
    summed: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    for text in texts:
        bare = BareRecords(converter)
        (one,) = bare.convert([text])
        if one is None:
            assert not taken, text
            assert (bare.copied, bare.named) == ([], [])  # nothing left behind
            continue
        count += 1
        alone = _alone(converter, text)
        assert _shared(bare, one) == alone
        summed.update(alone[5])
        names = {**alone[6], **names}  # the first met kept
    bare = BareRecords(converter)
    made = bare.convert(texts)
    assert len(made) == len(texts)
    assert sum(one is not None for one in made) == count
    assert Counter(bare.copied) == summed
    assert dict(bare.named) == names
    assert len(bare.named) == len(names)  # each once
    taken = [text for text, one in zip(texts, made, strict=True) if one is not None]
    summed_kinds = sum((Counter(_alone(converter, text)[2]) for text in taken), Counter())
    assert bare.counts([one for one in made if one is not None]) == summed_kinds
    return count


def _fixtures() -> list[tuple[Path, str, str]]:
    return [
        (path, source, target)
        for source, target in PAIRS
        for path in sorted((FIXTURES / source).glob("*.json"))
    ]


@pytest.mark.parametrize(("path", "source", "target"), _fixtures(), ids=str)
def test_fixture_records_alike(path: Path, source: str, target: str) -> None:
    converter = Converter(source, target, synced_at=SYNCED_AT)
    alike(converter, _records(path, source))


@pytest.mark.parametrize(
    ("path", "source", "target", "references"),
    list(golden.reference_cases()),
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_fixture_records_with_a_directory_alike(
    path: Path, source: str, target: str, references: str
) -> None:
    directory = golden.directory(references)
    params = golden.parameters(target)
    converter = Converter(source, target, synced_at=SYNCED_AT, directory=directory, **params)
    if BareRecords.takes(converter):
        alike(converter, _records(path, source))


@given(
    st.one_of(
        s.rutter_refunds().map(lambda r: ("rutter", r)),
        s.railz_refunds().map(lambda r: ("railz", r)),
        s.railz_refunds(with_account=True).map(lambda r: ("railz", r)),
        s.railz_v2_refunds().map(lambda r: ("railz-v2", r)),
    ),
    st.sampled_from(["rutter", "railz", "railz-v2"]),
)
def test_any_record_alike(drawn: tuple[str, Any], target: str) -> None:
    source, record = drawn
    if get_format(source).vendor == get_format(target).vendor:
        return
    converter = Converter(source, target, synced_at=SYNCED_AT)
    alike(converter, [refundmap.jsonio.dumps(record).encode()])


def test_the_bench_records_are_all_taken() -> None:
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    texts = [json.dumps(record).encode() + b"\n" for record in page["data"]] * 3
    assert alike(Converter("railz", "rutter", synced_at=SYNCED_AT), texts, taken=True) == 6


def test_the_ids_copied_are_summed_in_the_order_met() -> None:
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    texts = [json.dumps(record).encode() for record in page["data"]] * 2
    bare = BareRecords(converter)
    assert None not in bare.convert(texts)
    whole = converter.convert({**page, "data": page["data"] * 2})
    assert dict(Counter(bare.copied)) == whole.missing_counts()
    assert list(Counter(bare.copied)) == list(whole.missing_counts())


@pytest.mark.parametrize(
    "change",
    [
        lambda r: {**r, "totalAmount": "12.5"},  # a numeric string: through the codec alone
        lambda r: {**r, "lines": [{}, *r["lines"]]},  # an empty line object
        lambda r: {**r, "unknown": 1},  # an unknown key
        lambda r: {**r, "customerRef": {"id": 5, "name": "x"}},  # an id sent as a number
        lambda r: {**r, "totalAmount": True},  # invalid
        lambda r: {"data": [r]},  # a page, not a bare record
        lambda r: [r],  # an array
        lambda _: 5,
    ],
)
def test_a_record_the_shared_work_does_not_take_is_none(change: Any) -> None:
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    good = json.dumps(page["data"][0]).encode()
    odd = json.dumps(change(page["data"][0])).encode()
    bare = BareRecords(Converter("railz", "rutter", synced_at=SYNCED_AT))
    made = bare.convert([good, odd, good])
    assert made[1] is None
    assert None not in (made[0], made[2])


@pytest.mark.parametrize("text", [b"{", b'{"id": "1", "id": "2"}', b'{"a": -0}', b"-0", b""])
def test_text_the_shared_work_does_not_read_is_none(text: bytes) -> None:
    bare = BareRecords(Converter("railz", "rutter", synced_at=SYNCED_AT))
    assert bare.convert([text]) == [None]


def test_a_record_refused_after_its_ids_were_counted_leaves_none_behind() -> None:
    # require_refs: each id is counted as copied, then the record is refused.
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT, require_refs=True)
    assert BareRecords.takes(converter)
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    bare = BareRecords(converter)
    assert bare.convert([json.dumps(page["data"][0]).encode()]) == [None]
    assert (bare.copied, bare.named) == ([], [])
    with pytest.raises(refundmap.MappingError):
        converter.convert(json.dumps(page["data"][0]))


def test_a_decimal_context_of_the_callers_changes_nothing() -> None:
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    texts = [json.dumps(record).encode() for record in page["data"]]
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    with localcontext() as context:
        context.prec = 3
        alike(converter, texts, taken=True)


@pytest.mark.parametrize(
    ("source", "target", "options"),
    [
        ("railz", "rutter", {"strict": True}),
        ("railz", "rutter", {"lossless": True}),
        ("railz", "rutter", {"fail_on": "warning"}),
        ("railz", "rutter", {"defaults": {"account": "A-1"}}),
        ("rutter", "rutter-create", {}),
        ("rutter", "rutter", {}),
        ("railz", "railz-push", {"business_name": "B", "service_name": "xero"}),
    ],
)
def test_takes_only_what_the_fast_path_converts(
    source: str, target: str, options: dict[str, Any]
) -> None:
    assert not BareRecords.takes(Converter(source, target, synced_at=SYNCED_AT, **options))


def test_takes_the_common_conversions() -> None:
    for source, target in PAIRS:
        assert BareRecords.takes(Converter(source, target, synced_at=SYNCED_AT))


def test_the_fast_path_turned_off_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fused, "ENABLED", False)
    assert not BareRecords.takes(Converter("railz", "rutter", synced_at=SYNCED_AT))


@pytest.mark.parametrize("zero", ["-0", " -0", "-0.0", "-0E2", "0"])
def test_a_record_holding_minus_zero_is_alike(zero: str) -> None:
    # jiter's integers lose the sign of -0: such a text is the detailed reader's.
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    record = dict(page["data"][0], totalDiscount="__ZERO__")
    text = json.dumps(record).replace('"__ZERO__"', zero).encode()
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    taken = alike(converter, [text])
    assert taken == (zero not in {"-0", " -0"})


def test_a_record_is_searched_for_minus_zero_only_where_it_keeps_a_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searched: list[bytes] = []
    search = bare_module._negative_zero
    monkeypatch.setattr(
        bare_module, "_negative_zero", lambda text: searched.append(text) or search(text)
    )
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    record = dict(page["data"][0], totalDiscount="__ZERO__")
    assert record["lines"][1]["discountAmount"] == 0
    record["lines"][1]["discountAmount"] = 0.0  # its one JSON integer 0 written 0.0
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    texts = [json.dumps(record).replace('"__ZERO__"', zero).encode() for zero in ("1.5", "0")]
    assert alike(converter, texts) == 2
    assert searched == texts[1:] * 2  # alone, then together; not the one without a 0


def test_a_record_refused_by_the_mapping_leaves_no_name_behind() -> None:
    # Its customer's id is counted and named before its missing account refuses it.
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    refused = json.dumps(dict(page["data"][0], accountRef=None)).encode()
    good = json.dumps(page["data"][0]).encode()
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    with pytest.raises(refundmap.MappingError):
        converter.convert(refused)
    assert alike(converter, [refused, good]) == 1
    bare = BareRecords(converter)
    bare.convert([refused, good])
    assert ("customer", page["data"][0]["customerRef"]["id"]) in dict(bare.named)


def test_without_texts_the_rest_is_the_same() -> None:
    page = json.loads((FIXTURES / "railz/quickbooks-list.json").read_text())
    texts = [json.dumps(record).encode() for record in page["data"]]
    converter = Converter("railz", "rutter", synced_at=SYNCED_AT)
    written, unwritten = BareRecords(converter), BareRecords(converter, texts=False)
    for made, bare in zip(written.convert(texts), unwritten.convert(texts), strict=True):
        assert made is not None
        assert bare == made._replace(text="")
    assert (written.copied, written.named) == (unwritten.copied, unwritten.named)


@pytest.mark.parametrize(
    ("value", "taken"),
    [
        (b'{"n": 18446744073709551616, "m": -0.0, "e": 1E400, "f": 1e-400, "s": "\\u0000"}', True),
        (b'{"a": ' + b"[" * 198 + b"1" + b"]" * 198 + b"}", True),  # 200 levels in all: read
        (b'{"a": ' + b"[" * 199 + b"1" + b"]" * 199 + b"}", False),  # deeper: alone
        (b'{"a": ' + b"[" * 950 + b"1" + b"]" * 950 + b"}", False),
        (b'{"a": ' + b"[" * 5000 + b"1" + b"]" * 5000 + b"}", False),
        (b'{"a": "\\ud800"}', False),  # a lone surrogate escape
        (b'{"a": "\xff"}', False),  # bytes that are not UTF-8
        (b'{"a": 1e99999999999999999999}', False),  # beyond what Decimal holds
        (b'{"a": NaN}', False),
    ],
)
def test_what_the_decoder_refuses_is_converted_alone(value: bytes, taken: bool) -> None:  # noqa: FBT001
    # Each line is decoded as the fast path decodes a document: what the decoder
    # refuses (nesting deeper than 200 levels too) is converted alone, as ever.
    record = records_of(FIXTURES / "rutter/seed-list.json", "rutter")[0]
    text = json.dumps(dict(record, platform_data="__DATA__")).encode()
    text = text.replace(b'"__DATA__"', value)
    converter = Converter("rutter", "railz", synced_at=SYNCED_AT)
    assert alike(converter, [text]) == taken
    try:
        converter.convert(text)
    except refundmap.RefundmapError:
        assert not taken


def test_a_rutter_record_is_read_by_msgspec_first() -> None:
    # As a page's records are (fused._Generator.converted): its views made in C where
    # msgspec takes it, the generated reader deciding what it refuses.
    bare = BareRecords(Converter("rutter", "railz", synced_at=SYNCED_AT))
    assert bare._read.__name__ == "convert_CustomerRefund"
    assert BareRecords(Converter("railz", "rutter"))._read.__name__ == "read_Refund"
