"""Properties of conversion, each its own test (issue 4).

Profiles: ``HYPOTHESIS_PROFILE=ci`` in CI (bounded, derandomized), ``deep`` by hand.
"""

from __future__ import annotations

import contextlib
import decimal
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from refundmap import FORMATS as REGISTRY
from refundmap import Directory, Kind, MappingError, ValidationError, convert, jsonio, validate
from refundmap.dates import DateError, format_date, parse_date
from refundmap.jsonio import normalize
from refundmap.mapping import PAIRS as ENGINE_PAIRS
from refundmap.mapping.table import REFUND, Row
from refundmap.money import AmountError, parse_amount
from refundmap.report import format_path
from refundmap.validation import codec_for, load

import strategies as s

SYNCED = "2024-06-30T12:00:00.000Z"


# -- helpers ---------------------------------------------------------------------------


def records(document: Any, fmt: str) -> list[dict[str, Any]]:
    """The records of a document, unstructured with the vendor's keys."""
    loaded = load(document, fmt)
    codec = codec_for(loaded.format, strict=False)
    return [
        codec.unstructure(record)
        for part in loaded.parts
        for _, record in loaded.format.records(part.model, part.shape, part.path)
    ]


def _get(obj: Any, keypath: str) -> Any:
    """The value at ``keypath``; ``list[type]`` selects typed entries, ``lines[]`` each line."""
    if keypath.startswith("lines[]."):
        return tuple(_get(line, keypath[len("lines[].") :]) for line in obj.get("lines") or ())
    for step in keypath.split("."):
        if "[" in step:
            key, kind = step.rstrip("]").split("[")
            entries = [e for e in (obj or {}).get(key) or () if e.get("type") == kind]
            obj = entries[0] if len(entries) == 1 else None
            continue
        obj = obj.get(step) if isinstance(obj, dict) else None
    return obj


def _normal(value: Any) -> Any:
    if value == {}:
        return None  # an empty object carries no value, and is not carried
    if isinstance(value, str):
        try:
            return format_date(parse_date(value))
        except DateError:
            return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def mapped(
    record: dict[str, Any], fmt: str, other: str, rows: tuple[Row, ...] = REFUND
) -> dict[str, Any]:
    """The fields of ``record`` that the table maps between ``fmt`` and ``other``."""
    view: dict[str, Any] = {}
    for row in rows:
        mine, theirs = row.cell(fmt), row.cell(other)
        if not (isinstance(mine, str) and isinstance(theirs, str)):
            continue
        if row.apply == "line_figures":
            continue  # the line totals, compared by their own rule below

        value = _get(record, mine)
        if row.lines is not None:
            view[mine] = [mapped(line, fmt, other, row.lines) for line in value or []]
        else:
            view[mine] = _normal(value)
    return view


def assert_round_trip_keeps_mapped_fields(
    document: Any, source: str, via: str, directory: Any = None
) -> None:
    """``source`` -> ``via`` -> ``source`` keeps every field the table maps between them."""
    result = convert(document, source, via, synced_at=SYNCED, directory=directory)
    originals = records(document, source)
    if source == "rutter" and via in ("railz", "railz-push"):
        # Over several lines, a refund's discount has no line to go to, and Railz's
        # line figures are net of discounts: the line totals are dropped, and said.
        dropped = {e.source_path for e in result.report if e.kind is Kind.DROPPED}
        shared = [r for r in originals if r.get("discount_amount") and len(r["line_items"]) > 1]
        for where, record in zip(_record_paths(document), originals, strict=True):
            if record in shared:
                for index in range(len(record["line_items"])):
                    assert f"{where}.line_items[{index}].total_amount" in dropped
        if shared:
            return
    back = convert(result.output, via, source, synced_at=SYNCED, directory=directory).output
    before = [mapped(r, source, via) for r in originals]
    after = [mapped(r, source, via) for r in records(back, source)]
    if source.startswith("railz") and via.startswith("rutter"):
        # A Railz line's total comes back as Rutter's line total: before tax and
        # discount (docs/mapping.md, Tax). Compared only where that is the total.
        key = "totalAmount" if source == "railz" else "amount"
        for original, mine, theirs in zip(originals, before, after, strict=True):
            for index, line in enumerate(original.get("lines") or ()):
                if not _line_total_kept(line, source, original):
                    mine["lines"][index].pop(key, None)
                    if index < len(theirs["lines"]):
                        theirs["lines"][index].pop(key, None)
    assert after == before


def _record_paths(document: Any) -> list[str]:
    """The JSON paths of a Rutter document's records."""
    loaded = load(document, "rutter")
    return [
        format_path(path)
        for part in loaded.parts
        for path, _ in loaded.format.records(part.model, part.shape, part.path)
    ]


_HALF_CENT = Decimal("0.005")


def _line_total_kept(line: dict[str, Any], source: str, refund: dict[str, Any]) -> bool:
    """Whether a Railz line's total is its Rutter line total, and comes back as it is.

    That is where it has no tax or discount in it; version 1: and the refund has
    no tax or discount either (back from Rutter, a line's totalAmount is written
    where the refund's own arithmetic decides it: docs/mapping.md, Tax).
    """
    discount = line.get("discountAmount") or 0
    if source == "railz-v2":
        quantity, unit = line.get("quantity"), line.get("unitAmount")
        if not discount or quantity is None or unit is None:
            return True
        return abs(quantity * unit - discount - line["amount"]) > _HALF_CENT
    total, sub_total = line.get("totalAmount"), line.get("subTotal")
    if total is None or discount or line.get("taxAmount"):
        return False
    if refund.get("taxAmount") or refund.get("totalDiscount"):
        return False
    return sub_total is None or sub_total == total


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [
            leaf
            for key, item in value.items()
            # A tracking entry's type says which field it is: carried by where its id goes.
            if not (key == "type" and len(path) > 1 and path[-2] == "trackingCategoryRefs")
            for leaf in leaves(item, (*path, key))
        ]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in leaves(item, (*path, index))]
    return [] if value is None else [(path, value)]


def canonical(value: Any) -> str:
    """Text by which a value is recognized in the output, whatever its JSON spelling."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        try:
            value = parse_amount(value)  # the create body's currency_rate is a string
        except AmountError:
            return str(_normal(value))
    if isinstance(value, int | Decimal):
        return format(Decimal(value).normalize(), "f")
    return str(_normal(value))


ARITHMETIC = ("does not add up", " is not ", "not a percentage")


# -- 1. round trips keep every mapped field ----------------------------------------------


# Found the unresolved-annotations bug (see test_models): a line's taxRateRef came
# back as an attrs instance. Kept, though that bug also needs a fresh process.
FOUND_TAX_RATE_REF = {
    "id": "0",
    "platform_id": "0",
    "account_id": "0",
    "class_id": None,
    "customer_id": None,
    "department_id": None,
    "tax_rate_id": None,
    "transaction_date": "2000-01-01",
    "total_amount": Decimal("0.00"),
    "discount_amount": None,
    "document_number": None,
    "tax_amount": None,
    "created_at": None,
    "updated_at": None,
    "last_synced_at": "2000-01-01",
    "platform_url": None,
    "currency_code": "USD",
    "currency_rate": None,
    "line_items": [
        {
            "account_id": None,
            "class_id": None,
            "tax_rate_id": "0",
            "total_amount": Decimal("0.00"),
            "description": None,
            "item": None,
        }
    ],
}


@given(s.rutter_documents(whole=True, dated=True))
@example(FOUND_TAX_RATE_REF)
def test_rutter_to_railz_to_rutter_keeps_every_mapped_field(document):
    assert_round_trip_keeps_mapped_fields(document, "rutter", "railz")


@given(s.rutter_documents(whole=True, dated=True, min_lines=1))
def test_rutter_to_railz_v2_to_rutter_keeps_every_mapped_field(document):
    # A refund's department travels on its lines, so every refund here has one.
    assert_round_trip_keeps_mapped_fields(document, "rutter", "railz-v2")


@given(s.railz_v2_documents(carried=True))
def test_railz_v2_to_rutter_to_railz_v2_keeps_every_mapped_field(document):
    assert_round_trip_keeps_mapped_fields(document, "railz-v2", "rutter")


@given(s.railz_documents(with_account=True))
def test_railz_to_railz_v2_to_railz_keeps_every_mapped_field(document):
    assert_round_trip_keeps_mapped_fields(document, "railz", "railz-v2")


@given(
    s.railz_v2_documents(),
    st.sampled_from(["railz", "rutter", "rutter-create", "railz-v2-push", "railz-push"]),
)
def test_no_railz_v2_value_is_lost_silently(document, target):
    _assert_nothing_lost(document, "railz-v2", target)


@given(
    s.rutter_documents(whole=True, dated=True),
    st.sampled_from(["railz-v2", "railz-v2-push", "railz-push"]),
)
def test_no_rutter_value_is_lost_silently_in_railz_v2(document, target):
    _assert_nothing_lost(document, "rutter", target)


@given(s.railz_documents(with_account=True))
def test_railz_to_rutter_to_railz_keeps_every_mapped_field(document):
    assert_round_trip_keeps_mapped_fields(document, "railz", "rutter")


# -- 1b. with a directory, round trips translate every id and give it back ----------------


@given(st.data(), st.sampled_from(["railz", "railz-v2"]))
def test_a_round_trip_through_railz_with_a_directory_gives_back_every_rutter_id(data, via):
    document = data.draw(s.rutter_documents(whole=True, dated=True, min_lines=via == "railz-v2"))
    directory = data.draw(s.directories(document, "rutter"))
    assert_round_trip_keeps_mapped_fields(document, "rutter", via, directory)


@given(st.data())
def test_a_round_trip_through_rutter_with_a_directory_gives_back_every_platform_id(data):
    source = data.draw(st.sampled_from(["railz", "railz-v2"]))
    strategy = (
        s.railz_documents(with_account=True)
        if source == "railz"
        else s.railz_v2_documents(carried=True)
    )
    document = data.draw(strategy)
    assert_round_trip_keeps_mapped_fields(
        document, source, "rutter", data.draw(s.directories(document, source))
    )


@given(st.data(), st.sampled_from(["railz", "railz-v2", "railz-v2-push", "railz-push"]))
def test_no_rutter_id_reaches_a_railz_document_when_the_directory_covers_every_id(data, target):
    document = data.draw(s.rutter_documents(whole=True, dated=True))
    directory = data.draw(s.directories(document, "rutter"))
    try:
        result = convert(document, "rutter", target, directory=directory, **PUSH)
    except MappingError:
        return  # refused as a whole (a refund without a customer into railz-push)
    rutter_ids = {value for _, _, value in s.reference_ids(document, "rutter")}
    assert not rutter_ids & {value for _, value in leaves(result.output)}
    assert result.untranslated == 0
    translated = [e for e in result.report if "from the directory" in e.message]
    assert all(e.kind is Kind.DERIVED for e in translated)


@given(st.data(), st.sampled_from(["rutter", "railz", "railz-v2"]))
def test_require_refs_refuses_exactly_the_ids_the_directory_lacks(data, source):
    strategy = {
        "rutter": s.rutter_documents(whole=True, dated=True),
        "railz": s.railz_documents(with_account=True),
        "railz-v2": s.railz_v2_documents(carried=True),
    }[source]
    document = data.draw(strategy)
    target = "railz-v2" if source == "rutter" else "rutter"
    full = data.draw(s.directories(document, source))
    held = st.lists(st.sampled_from(list(full)), unique=True) if len(full) else st.just([])
    partial = Directory(data.draw(held))
    try:
        result = convert(document, source, target, directory=partial)
    except MappingError:
        return  # the target cannot hold the document at all
    if not result.untranslated:
        convert(document, source, target, directory=partial, require_refs=True)
        return
    with pytest.raises(MappingError) as exc:
        convert(document, source, target, directory=partial, require_refs=True)
    assert all("references are required" in p.message for p in exc.value.problems)
    assert len(exc.value.problems) == result.untranslated


# -- 1c. timestamps keep every fractional digit ------------------------------------------


DATE_KEYS = {
    "transaction_date", "created_at", "updated_at", "last_synced_at",
    "date", "postedDate", "sourceModifiedDate",
}  # fmt: skip
READ_PAIRS = [
    (a, b) for a in ("rutter", "railz", "railz-v2") for b in ("rutter", "railz", "railz-v2")
]
RECORDS = {
    "rutter": s.rutter_refunds(whole=True, dated=True),
    "railz": s.railz_refunds(with_account=True),
    "railz-v2": s.railz_v2_refunds(carried=True),
}


@given(st.data(), st.sampled_from(READ_PAIRS))
def test_timestamps_keep_the_text_of_their_fraction_through_every_pair_and_back(data, pair):
    source, via = pair
    record = data.draw(RECORDS[source])
    if source == "rutter" and via != "rutter" and len(record["line_items"]) > 1:
        # A refund-level discount over several lines is no Railz line's: the lines
        # come back without a total, which Rutter requires. Dates are the subject here.
        record = {**record, "discount_amount": None}
    there = convert(record, source, via, synced_at=SYNCED).output
    back = convert(there, via, source, synced_at=SYNCED).output
    for row in REFUND:
        mine, theirs = row.cell(source), row.cell(via)
        if mine not in DATE_KEYS or not isinstance(theirs, str):
            continue
        written = record.get(mine)
        if not (isinstance(written, str) and len(written) > 10):  # a timestamp, not a day
            continue
        kept = s.fraction(written).ljust(3, "0")  # every digit, at least the milliseconds
        assert s.fraction(there[theirs]) == kept, (mine, written, there[theirs])
        assert s.fraction(back[mine]) == kept, (mine, written, back[mine])


# -- 2. consistent refunds stay consistent ------------------------------------------------


@given(st.data())
def test_consistent_rutter_refunds_convert_without_arithmetic_warnings(data):
    document = data.draw(s.rutter_documents(whole=True, dated=True))
    directory = data.draw(s.directories(document, "rutter"))
    result = convert(document, "rutter", "railz", synced_at=SYNCED, directory=directory)
    assert not [e for e in result.report if e.kind is Kind.WARNING]
    validate(result.output, "railz", strict=True)


@given(st.data())
def test_consistent_railz_refunds_convert_without_arithmetic_warnings(data):
    document = data.draw(s.railz_documents(plain=True, with_account=True))
    directory = data.draw(s.directories(document, "railz"))
    result = convert(document, "railz", "rutter", synced_at=SYNCED, directory=directory)
    assert not [e for e in result.report if e.kind is Kind.WARNING]
    validate(result.output, "rutter", strict=True)


# -- 3. nothing is lost silently --------------------------------------------------------------


PUSH = {
    "synced_at": SYNCED,
    "connection_uuid": "CON-1",
    "business_name": "B",
    "service_name": "xero",
}


def params(target: str) -> dict[str, str]:
    """The conversion time, and a push body's connection for push targets.

    Into Rutter the connection parameters are the scope of the Railz ids, which a
    generated page may name otherwise (a usage error): they go to push targets only.
    """
    return PUSH if target.endswith("-push") else {"synced_at": SYNCED}


def _assert_nothing_lost(document: Any, source: str, target: str) -> None:
    try:
        result = convert(document, source, target, **params(target))
    except MappingError:
        return  # refused as a whole, with every reason: nothing is silently lost
    named = [e.source_path for e in result.report]
    present = {canonical(value) for _, value in leaves(result.output)}
    for path, value in leaves(normalize(document)):
        where = format_path(path)
        reported = any(where == n or where.startswith((n + ".", n + "[")) for n in named)
        assert reported or canonical(value) in present, f"{where} = {value!r} was lost"
    if REGISTRY[source].vendor == REGISTRY[target].vendor:
        return
    # Between the vendors, no reference id is copied without an entry at its own path
    # (a typed entry's: at the entry) saying it was not translated, or where it went.
    for where, _kind, _value in s.reference_ids(document, source):
        entry = where.removesuffix(".id")
        assert where in named or entry in named, f"{where} was copied without a word"
    untranslated = [e for e in result.report if "copied untranslated" in e.message]
    assert result.untranslated == len(untranslated)
    assert all(e.kind is Kind.WARNING for e in untranslated)


@given(s.rutter_documents(whole=True, dated=True), st.sampled_from(["railz", "rutter-create"]))
def test_no_rutter_value_is_lost_silently(document, target):
    _assert_nothing_lost(document, "rutter", target)


@given(
    s.railz_documents(),
    st.sampled_from(["rutter", "rutter-create", "railz-v2", "railz-v2-push", "railz-push"]),
)
def test_no_railz_value_is_lost_silently(document, target):
    _assert_nothing_lost(document, "railz", target)


# -- 4. normalizing is idempotent ----------------------------------------------------------------


@given(
    st.one_of(
        s.rutter_documents().map(lambda d: ("rutter", d)),
        s.railz_documents().map(lambda d: ("railz", d)),
        s.rutter_create_bodies().map(lambda d: ("rutter-create", d)),
    )
)
def test_normalizing_twice_changes_nothing_more(case):
    fmt, document = case
    once = convert(document, fmt, fmt)
    twice = convert(once.output, fmt, fmt)
    assert twice.output == once.output
    assert twice.to_json() == once.to_json()
    assert not twice.report


# -- 5. arbitrary input raises only refundmap's errors ---------------------------------------------

FORMATS = list(REGISTRY)
PAIRS = sorted({(f, f) for f in FORMATS} | ENGINE_PAIRS)


@given(s.json_values, st.sampled_from(PAIRS), st.booleans())
@example(value={"customer_refunds": [{"line_items": 5}]}, pair=("rutter", "railz"), strict=False)
@example(value={"data": {"x": 1}}, pair=("railz", "rutter"), strict=True)
def test_arbitrary_json_raises_only_refundmap_errors(value, pair, strict):
    source, target = pair
    with contextlib.suppress(ValidationError):
        validate(value, source, strict=strict)
    with contextlib.suppress(ValidationError, MappingError):
        convert(
            value,
            source,
            target,
            strict=strict,
            **params(target),
        )


@given(st.binary(max_size=200) | st.text(max_size=200), st.sampled_from(FORMATS))
def test_arbitrary_text_raises_only_validation_errors(text, fmt):
    with contextlib.suppress(ValidationError):
        validate(text, fmt)


# -- 6. the caller's decimal context changes nothing (issue 17) -------------------------------

ROUNDINGS = [getattr(decimal, name) for name in dir(decimal) if name.startswith("ROUND_")]
CONTEXT_CASES = {
    ("rutter", "railz"): s.rutter_documents(whole=True, dated=True),
    ("railz", "rutter"): s.railz_documents(with_account=True),
    ("railz", "rutter-create"): s.railz_documents(with_account=True),
    ("railz-v2", "rutter"): s.railz_v2_documents(),
}


@given(st.data(), st.integers(min_value=1, max_value=40), st.sampled_from(ROUNDINGS))
def test_output_does_not_depend_on_the_callers_decimal_context(data, precision, rounding):
    source, target = data.draw(st.sampled_from(sorted(CONTEXT_CASES)))
    document = data.draw(CONTEXT_CASES[source, target])

    def outcome() -> Any:
        try:
            result = convert(document, source, target, synced_at=SYNCED)
        except MappingError as exc:
            return exc.problems
        return result.to_json(), result.report

    expected = outcome()
    with decimal.localcontext(decimal.Context(prec=precision, rounding=rounding)):
        assert outcome() == expected


ALL_PAIRS = sorted(ENGINE_PAIRS)


@given(st.data(), st.sampled_from(ALL_PAIRS))
def test_normalizing_any_conversions_output_leaves_its_bytes_alone(data, pair):
    # Issue 17: rutter -> railz-v2 put a line's trackingCategoryRefs after its accountRef,
    # and railz-v2 -> railz-v2 moved it back.
    source, target = pair
    strategy = {
        "rutter": s.rutter_documents(whole=True, dated=True),
        "railz": s.railz_documents(with_account=True),
        "railz-v2": s.railz_v2_documents(),
    }.get(source)
    if strategy is None:
        return
    document = data.draw(strategy)
    try:
        once = convert(document, source, target, **params(target)).to_json()
    except MappingError:
        return
    assert convert(once, target, target, **params(target)).to_json() == once


# -- 5. totals survive every conversion the target can express (issue 22) ---------------------


def _target_total(body: dict[str, Any], target: str) -> Decimal:
    """The refund's total as the target computes it from a converted record."""
    if target == "rutter-create":
        # Rutter computes each line as quantity (default 1) x unit amount, else takes
        # its total, and adds the tax where the lines exclude it.
        refund = body["customer_refund"]
        total = Decimal(0)
        for line in refund["line_items"]:
            item = line.get("item") or {}
            unit = item.get("unit_amount")
            quantity = item.get("quantity")
            total += line["total_amount"] if unit is None else (quantity or 1) * unit
        return total
    if target == "rutter":
        return body["total_amount"]  # type: ignore[no-any-return]
    data = body.get("data", body)
    return data["totalAmount"]  # type: ignore[no-any-return]


def _assert_total_kept(refund: dict[str, Any], source: str, target: str) -> None:
    result = convert(refund, source, target, **params(target))
    total = refund["total_amount" if source == "rutter" else "totalAmount"]
    tax = refund["tax_amount" if source == "rutter" else "taxAmount"]
    computed = _target_total(result.output, target)
    if target == "rutter-create":
        included = (result.output["customer_refund"].get("additional_fields") or {}).get(
            "tax_inclusive"
        )
        # Without tax_inclusive, Rutter reads the lines as excluding tax.
        computed += (tax or 0) if included is not True else 0
    warnings = [
        e.message
        for e in result.report
        if e.kind is Kind.WARNING and "untranslated" not in e.message
    ]
    # The source adds up, so a warning is the conversion's own. The one allowed: a
    # Rutter refund's discount, which a create body has no field for, changes the
    # total, and the warning names the difference.
    if source == "rutter" and target == "rutter-create" and refund["discount_amount"]:
        discount = refund["discount_amount"]
        assert computed == total + discount
        (warning,) = warnings
        said = re.match(r"the total changes from (\S+) to (\S+), (\S+) more: ", warning)
        assert said is not None, warning
        assert [Decimal(x) for x in said.groups()] == [total, computed, discount]
        return
    if target == "railz-push" and source == "rutter":
        # A refund-level discount or tax over several lines is no line's: the push line
        # gets no totalAmount, and says so (the refund's totalAmount is kept).
        warnings = [w for w in warnings if "line gets no totalAmount" not in w]
    assert not warnings
    assert abs(computed - total) <= Decimal("0.005"), (computed, total)


# A line whose figures fit both readings of tax follows the refund's other lines.
_BOTH_READINGS = {
    "id": "1",
    "accountRef": {"id": "35"},
    "customerRef": {"id": "3"},
    "date": "2022-12-14T00:00:00.000Z",
    "currencyRef": {"id": "USD"},
    "lines": [
        {
            "unitAmount": Decimal("0.11"),
            "quantity": 1,
            "subTotal": Decimal("0.10"),
            "taxAmount": Decimal("0.01"),
            "totalAmount": Decimal("0.11"),
        },
        {
            "unitAmount": Decimal("0.32"),
            "quantity": 1,
            "subTotal": Decimal("0.30"),
            "taxAmount": Decimal("0.02"),
            "totalAmount": Decimal("0.32"),
        },
    ],
    "subTotal": Decimal("0.40"),
    "taxAmount": Decimal("0.03"),
    "totalAmount": Decimal("0.43"),
}
# A discountAmount 0 beside 33 % fits a discount and none: totalDiscount says which.
_ZERO_AND_PERCENTAGE = {
    **_BOTH_READINGS,
    "lines": [
        {
            "unitAmount": Decimal("0.02"),
            "quantity": 1,
            "discountPercentage": Decimal(33),
            "discountAmount": Decimal(0),
            "subTotal": Decimal("0.01"),
            "taxAmount": Decimal("0.00"),
            "totalAmount": Decimal("0.01"),
        }
    ],
    "subTotal": Decimal("0.01"),
    "taxAmount": Decimal("0.00"),
    "totalAmount": Decimal("0.01"),
    "totalDiscount": Decimal("0.01"),
}

# subTotal 0.03 is 0.04, and 0.04 less 33 % (0.0132), within rounding: no finding.
_FITS_THE_PERCENTAGE_TOO = {
    **_BOTH_READINGS,
    "lines": [
        {
            "unitAmount": Decimal("0.04"),
            "quantity": 1,
            "discountAmount": Decimal(0),
            "discountPercentage": Decimal(33),
            "subTotal": Decimal("0.03"),
            "taxAmount": Decimal("0.00"),
            "totalAmount": Decimal("0.03"),
        }
    ],
    "subTotal": Decimal("0.03"),
    "taxAmount": Decimal("0.00"),
    "totalAmount": Decimal("0.03"),
}
# In version 2, lines[1] fits no discount with tax included, and 15 % with it excluded.
_FOLLOWS_EXCLUDING = {
    **_BOTH_READINGS,
    "lines": [
        {
            "unitAmount": Decimal("0.10"),
            "quantity": 2,
            "subTotal": Decimal("0.20"),
            "taxAmount": Decimal("0.02"),
            "totalAmount": Decimal("0.22"),
        },
        {
            "unitAmount": Decimal("0.11"),
            "quantity": 1,
            "discountAmount": Decimal(0),
            "discountPercentage": Decimal(15),
            "subTotal": Decimal("0.09"),
            "taxAmount": Decimal("0.01"),
            "totalAmount": Decimal("0.10"),
        },
    ],
    "subTotal": Decimal("0.29"),
    "taxAmount": Decimal("0.03"),
    "totalAmount": Decimal("0.32"),
}


@given(
    s.railz_priced_refunds(),
    st.sampled_from(["rutter-create", "rutter", "railz-v2-push", "railz-push"]),
)
@example(refund=_BOTH_READINGS, target="rutter-create")
@example(refund=_ZERO_AND_PERCENTAGE, target="rutter")
@example(refund=_FITS_THE_PERCENTAGE_TOO, target="rutter-create")
def test_a_railz_refunds_total_survives_every_target(refund, target):
    assert not [e for e in validate(refund, "railz") if e.kind is Kind.WARNING]
    _assert_total_kept(refund, "railz", target)


@given(s.railz_priced_refunds(), st.sampled_from(["rutter-create", "rutter"]))
@example(refund=_ZERO_AND_PERCENTAGE, target="rutter")
@example(refund=_FOLLOWS_EXCLUDING, target="rutter")
def test_a_railz_refunds_total_survives_version_2_into_rutter(refund, target):
    # railz -> railz-v2 makes each amount the line's totalAmount, tax included.
    v2 = jsonio.loads(convert(refund, "railz", "railz-v2").to_json())
    assert not [e for e in validate(v2, "railz-v2") if e.kind is Kind.WARNING]
    _assert_total_kept(v2, "railz-v2", target)


@given(s.rutter_priced_refunds(), st.sampled_from(["rutter-create", "railz", "railz-push"]))
def test_a_rutter_refunds_total_survives_every_target(refund, target):
    assert not [e for e in validate(refund, "rutter") if e.kind is Kind.WARNING]
    _assert_total_kept(refund, "rutter", target)
