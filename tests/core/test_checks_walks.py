"""The checks' walks ask a rule only where its first tests do not pass: they find what they found.

:func:`refundmap.checks._rutter` and :func:`refundmap.checks._railz` call a
line's rule (``_rutter_line``, ``_railz_line``), the refund's totals'
(``_rutter_total``, ``_railz_totals``) and a currency's (``_currency``, ``_currency_ref``) only
where the figures are not exactly as the rule expects, and ask of a Rutter
record's reference ids all at once whether each is a UUID found before. The
walks before, which asked every rule of every line, are kept here as the
reference: on records of figures of every exponent, exact and off, as read
(attributes) and as mapped (JSON keys), the same findings, at the same paths,
in the same words and order.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, localcontext
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refundmap import checks
from refundmap.checks import (
    _REFUND_REFS,
    _UUIDS,
    Finding,
    _currency,
    _currency_ref,
    _off_percentage,
    _percentage,
    _railz_line,
    _railz_totals,
    _rutter_line,
    _rutter_ref,
    _rutter_total,
)
from refundmap.money import EXACT, tolerance
from refundmap.report import Path

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_LINE_REFS = ("account_id", "tax_rate_id")
PATH: Path = ("data", 4)


def _old_rutter(  # noqa: PLR0912 - the walk as it was
    refund: Any, path: Path, *, refs: bool, create: bool, mapped: bool
) -> list[Finding] | None:
    """``checks._rutter`` before: every rule asked of every line."""
    if mapped:
        currency, items = refund.get("currency_code"), refund.get("line_items")
    else:
        currency, items = refund.currency_code, refund.line_items
    found = _currency(None, currency, path)
    if refs:
        known = _UUIDS
        for key in _REFUND_REFS:
            value = refund.get(key) if mapped else getattr(refund, key)
            if value is not None and value not in known:
                found = _rutter_ref(found, value, (*path, key))
        for index, line in enumerate(items or ()):
            for key in _LINE_REFS:
                value = line.get(key) if mapped else getattr(line, key)
                if value is not None and value not in known:
                    found = _rutter_ref(found, value, (*path, "line_items", index, key))
            item = line.get("item") if mapped else line.item
            if item is not None:
                value = item.get("id") if mapped else item.id
                if value is not None and value not in known:
                    found = _rutter_ref(found, value, (*path, "line_items", index, "item", "id"))
    half = tolerance(currency)
    lines = _ZERO
    for index, line in enumerate(items or ()):
        if mapped:
            total, item = line.get("total_amount"), line.get("item")
            quantity, unit = (
                (None, None) if item is None else (item.get("quantity"), item.get("unit_amount"))
            )
        else:
            total, item = line.total_amount, line.item
            quantity, unit = (None, None) if item is None else (item.quantity, item.unit_amount)
        found = _rutter_line(
            found, path, index, half, total, item is not None, quantity, unit, create=create
        )
        if not create:
            lines += total
    if create or not items:
        return found
    if mapped:
        discount, tax, total = (
            refund.get("discount_amount"),
            refund.get("tax_amount"),
            refund.get("total_amount"),
        )
    else:
        discount, tax, total = refund.discount_amount, refund.tax_amount, refund.total_amount
    return _rutter_total(found, path, half, lines, discount, tax, total)


def _old_railz(refund: Any, path: Path, *, mapped: bool, currency: bool) -> list[Finding] | None:
    """``checks._railz`` before: every rule asked of every line and of the refund."""
    if mapped:
        ref = refund.get("currencyRef")
        code, name = (None, None) if ref is None else (ref.get("id"), ref.get("name"))
        percentage = refund.get("discountPercentage")
        lines = refund.get("lines")
    else:
        ref = refund.currency_ref
        code, name = (None, None) if ref is None else (ref.id, ref.name)
        percentage = refund.discount_percentage
        lines = refund.lines
    found = None
    if _off_percentage(percentage):
        found = _percentage(found, percentage, (*path, "discountPercentage"))
    half = tolerance(code)
    summed: Decimal | None = _ZERO if lines else None
    for index, line in enumerate(lines or ()):
        if mapped:
            get = line.get
            percentage, ref = get("discountPercentage"), get("taxRateRef")
            rate = None if ref is None else ref.get("effectiveTaxRate")
            quantity, unit, sub_total = get("quantity"), get("unitAmount"), get("subTotal")
            total, amount, tax = get("totalAmount"), get("discountAmount"), get("taxAmount")
        else:
            percentage, ref = line.discount_percentage, line.tax_rate_ref
            rate = None if ref is None else ref.effective_tax_rate
            quantity, unit, sub_total = line.quantity, line.unit_amount, line.sub_total
            total, amount, tax = line.total_amount, line.discount_amount, line.tax_amount
        if percentage is not None and not _ZERO <= percentage <= _HUNDRED:
            found = _percentage(found, percentage, (*path, "lines", index, "discountPercentage"))
        if rate is not None and not _ZERO <= rate <= _HUNDRED:
            at = (*path, "lines", index, "taxRateRef", "effectiveTaxRate")
            found = _percentage(found, rate, at)
        found = _railz_line(
            found, path, index, half, quantity, unit, sub_total, total, amount, percentage, tax
        )
        if summed is not None:
            summed = None if sub_total is None else summed + sub_total
    if mapped:
        sub_total, tax, total = (
            refund.get("subTotal"),
            refund.get("taxAmount"),
            refund.get("totalAmount"),
        )
    else:
        sub_total, tax, total = refund.sub_total, refund.tax_amount, refund.total_amount
    found = _railz_totals(found, path, half, sub_total, tax, total, summed)
    return _currency_ref(found, code, name, path) if currency else found


#: Amounts of every exponent, as the reader takes them (below 10^15, at most 20 places).
amounts = st.builds(
    lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
    st.integers(-(10**8), 10**8),
    st.integers(-12, 4),
)
zeros = st.sampled_from([_ZERO, Decimal("0.0"), Decimal("-0.00"), Decimal("0E+2")])
maybe = st.none() | amounts
#: How far a figure is from what its others make: exact (in other exponents too), or off.
offsets = st.sampled_from(
    [_ZERO, Decimal("0.00"), Decimal("0E+3"), Decimal("0.004"), Decimal("-0.005"), Decimal(7)]
)
codes = st.sampled_from([None, "USD", "JPY", "BHD", "XAU", "ETH", "usd", "ZZZ", "1", "77"])
ids = st.sampled_from(
    [
        None,
        "123",
        "x-1",
        "8a2e4c6b-0d1f-4a3e-b7c9-5e8f1a2d3c4b",
        "8A2E4C6B-0D1F-4A3E-B7C9-5E8F1A2D3C4B",
    ]
) | st.uuids().map(str)
percentages = st.none() | zeros | st.sampled_from([Decimal(10), Decimal("33.3"), Decimal(-1)])


def _near(data: st.DataObject, *exact: Any, plain: bool = False) -> Any:
    """Return one of ``exact`` give or take an offset, or another figure, or None.

    ``plain``: the first of ``exact`` as it is, in another exponent at most (most lines).
    """
    candidates = [figure for figure in exact if figure is not None]
    if plain and candidates:
        return candidates[0] + data.draw(zeros)
    if not candidates or data.draw(st.integers(0, 3)) == 0:
        return data.draw(maybe)
    return data.draw(st.sampled_from(candidates)) + data.draw(offsets)


def _snake(key: str) -> str:
    return re.sub(r"[A-Z]", lambda found: "_" + found.group().lower(), key)


def _read(value: Any, attributes: dict[str, tuple[str, ...]], kind: str) -> Any:
    """Return a mapped record (JSON keys) as read: attributes of its snake-case names."""
    if not isinstance(value, dict):
        return value
    made = SimpleNamespace(**dict.fromkeys(attributes[kind]))
    for key, item in value.items():
        name = _snake(key)
        if isinstance(item, list):
            setattr(made, name, [_read(x, attributes, name) for x in item])
        else:
            setattr(made, name, _read(item, attributes, name))
    return made


_RUTTER = {
    "refund": (
        "currency_code",
        "line_items",
        *_REFUND_REFS,
        "discount_amount",
        "tax_amount",
        "total_amount",
    ),
    "line_items": ("account_id", "tax_rate_id", "total_amount", "item"),
    "item": ("id", "quantity", "unit_amount"),
}
_RAILZ = {
    "refund": (
        "currency_ref",
        "discount_percentage",
        "lines",
        "sub_total",
        "tax_amount",
        "total_amount",
    ),
    "currency_ref": ("id", "name"),
    "lines": (
        "discount_percentage",
        "tax_rate_ref",
        "quantity",
        "unit_amount",
        "sub_total",
        "total_amount",
        "discount_amount",
        "tax_amount",
    ),
    "tax_rate_ref": ("effective_tax_rate",),
}


@st.composite
def rutter_records(draw: st.DrawFn) -> dict[str, Any]:
    """A Rutter record's figures and ids (mapped: its JSON keys), exact or off, any exponent."""
    data = draw(st.data())
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        line: dict[str, Any] = {key: draw(ids) for key in _LINE_REFS}
        if draw(st.integers(0, 4)):
            plain = draw(st.booleans())  # quantity x unit amount is the total exactly
            quantity = draw(
                st.integers(-3, 10**6) | amounts | (st.none() if not plain else st.nothing())
            )
            unit = draw(amounts if plain else maybe)
            line["item"] = {"id": draw(ids), "quantity": quantity, "unit_amount": unit}
            product = None if quantity is None or unit is None else quantity * unit
            line["total_amount"] = _near(data, product, plain=plain)
        else:
            line["total_amount"] = draw(st.none() | amounts)
        lines.append(line)
    record: dict[str, Any] = {key: draw(ids) for key in _REFUND_REFS}
    record["currency_code"] = draw(codes)
    record["line_items"] = draw(st.none()) if not lines and draw(st.booleans()) else lines
    record["discount_amount"] = draw(st.none() | zeros | amounts)
    record["tax_amount"] = draw(st.none() | zeros | amounts)
    # The refund's total: the lines less the discount plus the tax (most refunds), exactly
    # or give or take an offset, or another figure.
    totals = [line["total_amount"] for line in lines]
    exact = (
        None
        if None in totals
        else sum(totals, _ZERO)
        - (record["discount_amount"] or _ZERO)
        + (record["tax_amount"] or _ZERO)
    )
    total = _near(data, exact, plain=draw(st.booleans()))
    record["total_amount"] = draw(amounts) if total is None else total
    return record


@st.composite
def railz_records(draw: st.DrawFn) -> dict[str, Any]:
    """A Railz record's figures (mapped: its JSON keys), exact or off, of every exponent."""
    data = draw(st.data())
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        # Most lines: no percentage, subTotal quantity x unitAmount (a discount aside, or
        # not), totalAmount subTotal plus taxAmount, each exactly, or none.
        plain = draw(st.booleans())
        quantity = draw(st.none() | st.integers(-3, 10**6) | st.sampled_from([0, 10**14]))
        unit = draw(maybe)
        amount = draw(st.none() | zeros | amounts | st.sampled_from([Decimal("0.001"), Decimal(5)]))
        gross = None if quantity is None or unit is None else quantity * unit
        discounted = None if gross is None else gross - (amount or _ZERO)
        sub_total = _near(
            data,
            *((gross, discounted) if draw(st.booleans()) else (discounted, gross)),
            plain=plain,
        )
        tax = draw(st.none() | zeros | amounts)
        total = _near(data, None if sub_total is None else sub_total + (tax or _ZERO), plain=plain)
        if plain and draw(st.booleans()):
            total = None
        lines.append(
            {
                "quantity": quantity,
                "unitAmount": unit,
                "discountAmount": amount,
                "discountPercentage": None if plain else draw(percentages | amounts),
                "subTotal": sub_total,
                "taxAmount": tax,
                "totalAmount": total,
                "taxRateRef": draw(
                    st.none() | st.builds(lambda rate: {"effectiveTaxRate": rate}, percentages)
                ),
            }
        )
    sub_totals = [line["subTotal"] for line in lines]
    summed = sum(sub_totals, _ZERO) if lines and None not in sub_totals else None
    plain = draw(st.booleans())
    sub_total = _near(data, summed, plain=plain)
    tax = draw(st.none() | zeros | amounts)
    total = _near(data, None if sub_total is None else sub_total + (tax or _ZERO), plain=plain)
    currency = draw(
        st.none()
        | st.builds(
            lambda code, name: {"id": code, "name": name},
            codes,
            st.sampled_from([None, "", "US Dollar", "CAN"]),
        )
    )
    return {
        "currencyRef": currency,
        "discountPercentage": draw(percentages),
        "lines": lines or draw(st.sampled_from([None, []])),
        "subTotal": sub_total,
        "taxAmount": tax,
        "totalAmount": draw(amounts) if total is None else total,
    }


def _outcome(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Return the findings, or the kind of error (the old walk's errors are the new one's)."""
    with localcontext(EXACT):
        try:
            return function(*args, **kwargs)
        except (ArithmeticError, TypeError) as error:
            return type(error)


@settings(max_examples=500)  # a few ms an example; the rarer cases need many
@given(rutter_records(), st.booleans(), st.booleans(), st.booleans())
def test_a_rutter_walk_finds_what_it_found(
    record: dict[str, Any],
    refs: bool,  # noqa: FBT001
    create: bool,  # noqa: FBT001
    mapped: bool,  # noqa: FBT001
) -> None:
    refund = record if mapped else _read(record, _RUTTER, "refund")
    options = {"refs": refs, "create": create, "mapped": mapped}
    old = _outcome(_old_rutter, refund, PATH, **options)
    walks = [functools.partial(checks._rutter, **options)]
    if not create:  # the fast path's walk of its form (fast_check's)
        walks.append(
            functools.partial(checks._rutter_mapped if mapped else checks._rutter_read, refs=refs)
        )
    for walk in walks:
        assert _outcome(walk, refund, PATH) == old
        _UUIDS.clear()  # none found before (None too): each id asked again
        checks._CODE_HALVES.clear()  # nor any currency code
        assert _outcome(walk, refund, PATH) == old
        _UUIDS.add(None)


@pytest.mark.parametrize(
    "where", [*_REFUND_REFS, *(f"line_items.{key}" for key in _LINE_REFS), "item"]
)
@pytest.mark.parametrize("mapped", [True, False])
@pytest.mark.parametrize("spoiled", ["123", "8a2e4c6b-0d1f-4a3e-b7c9-000000000000"])
def test_a_rutter_walk_finds_each_id_alone(where: str, mapped: bool, spoiled: str) -> None:  # noqa: FBT001
    """One id that is no UUID (or one not found before), the others None: found where it is.

    The fast path's walks read a record's ids in one pass and leave a record with an
    id not found before to the full walk: each place an id is read is one of them.
    """
    line = {
        "account_id": None,
        "tax_rate_id": None,
        "total_amount": Decimal("3.00"),
        "item": {"id": None, "quantity": 2, "unit_amount": Decimal("1.50")},
    }
    record = {
        "currency_code": "USD",
        "line_items": [dict(line), line],
        **dict.fromkeys(_REFUND_REFS),
        "discount_amount": None,
        "tax_amount": None,
        "total_amount": Decimal("6.00"),
    }
    if where == "item":
        line["item"] = {**line["item"], "id": spoiled}
    elif where.startswith("line_items."):
        line[where.removeprefix("line_items.")] = spoiled
    else:
        record[where] = spoiled
    refund = record if mapped else _read(record, _RUTTER, "refund")
    _UUIDS.discard(spoiled)
    old = _outcome(_old_rutter, refund, PATH, refs=True, create=False, mapped=mapped)
    assert (old is None) is (spoiled != "123")  # a UUID is found right, then known
    _UUIDS.discard(spoiled)
    walk = checks._rutter_mapped if mapped else checks._rutter_read
    assert _outcome(walk, refund, PATH, refs=True) == old
    assert spoiled in _UUIDS or spoiled == "123"
    assert _outcome(walk, refund, PATH, refs=False) is None


@settings(max_examples=500)
@given(railz_records(), st.booleans(), st.booleans())
def test_a_railz_walk_finds_what_it_found(
    record: dict[str, Any],
    currency: bool,  # noqa: FBT001
    mapped: bool,  # noqa: FBT001
) -> None:
    refund = record if mapped else _read(record, _RAILZ, "refund")
    old = _outcome(_old_railz, refund, PATH, mapped=mapped, currency=currency)
    assert _outcome(checks._railz, refund, PATH, mapped=mapped, currency=currency) == old
    if currency:  # the fast path's walk of its form (fast_check's)
        walk = checks._railz_mapped if mapped else checks._railz_read
        assert _outcome(walk, refund, PATH) == old
        checks._CODE_HALVES.clear()  # no currency code found before
        assert _outcome(walk, refund, PATH) == old


def test_the_walks_are_asked_of_records_that_speak() -> None:
    """The strategies above reach the rules: a few records each finding something, as before."""
    railz = {
        "currencyRef": {"id": "1", "name": "CAN"},
        "discountPercentage": None,
        "lines": [
            {
                "quantity": 2,
                "unitAmount": Decimal("1.50"),
                "discountAmount": None,
                "discountPercentage": None,
                "subTotal": Decimal("3.10"),
                "taxAmount": Decimal("0.30"),
                "totalAmount": Decimal("3.40"),
                "taxRateRef": None,
            }
        ],
        "subTotal": Decimal("3.10"),
        "taxAmount": Decimal("0.30"),
        "totalAmount": Decimal("3.50"),
    }
    found = _outcome(checks._railz, railz, PATH, mapped=True, currency=True)
    assert [where for where, _ in found] == [
        (*PATH, "lines", 0, "subTotal"),
        (*PATH, "totalAmount"),
        (*PATH, "currencyRef", "id"),
    ]
    assert found == _outcome(_old_railz, railz, PATH, mapped=True, currency=True)
    rutter = {
        "currency_code": "ZZZ",
        "line_items": [
            {
                "account_id": "123",
                "tax_rate_id": None,
                "total_amount": Decimal("3.10"),
                "item": {"id": None, "quantity": 2, "unit_amount": Decimal("1.50")},
            }
        ],
        **dict.fromkeys(_REFUND_REFS),
        "customer_id": "x-1",
        "discount_amount": None,
        "tax_amount": Decimal(0),
        "total_amount": Decimal("3.10"),
    }
    found = _outcome(checks._rutter, rutter, PATH, refs=True, create=False, mapped=True)
    assert [where for where, _ in found] == [
        (*PATH, "currency_code"),
        (*PATH, "customer_id"),
        (*PATH, "line_items", 0, "account_id"),
        (*PATH, "line_items", 0, "total_amount"),
    ]
    assert found == _outcome(_old_rutter, rutter, PATH, refs=True, create=False, mapped=True)


def test_a_rule_that_can_find_nothing_is_not_asked(monkeypatch: Any) -> None:
    """A Railz line without subTotal or discountPercentage, and a Rutter total exactly right.

    ``_railz_line`` finds nothing of a line with neither (each of its findings needs one),
    nor ``_rutter_total`` of a total that is the lines less the discount plus the tax.
    """
    asked: list[str] = []

    def told(rule: Any) -> Any:
        def ask(*args: Any, **kwargs: Any) -> Any:
            asked.append(rule.__name__)
            return rule(*args, **kwargs)

        return ask

    monkeypatch.setattr(checks, "_railz_line", told(_railz_line))
    monkeypatch.setattr(checks, "_rutter_total", told(_rutter_total))
    line = dict.fromkeys(_RAILZ["lines"])
    line |= {"quantity": 2, "unitAmount": Decimal("1.50"), "totalAmount": Decimal(9)}
    railz = {
        "currencyRef": None,
        "discountPercentage": None,
        "lines": [line],
        "subTotal": None,
        "taxAmount": None,
        "totalAmount": Decimal(9),
    }
    rutter = {
        "currency_code": "USD",
        "line_items": [
            {
                "account_id": None,
                "tax_rate_id": None,
                "total_amount": Decimal("3.00"),
                "item": {"id": None, "quantity": 2, "unit_amount": Decimal("1.50")},
            }
        ],
        **dict.fromkeys(_REFUND_REFS),
        "discount_amount": Decimal("0.50"),
        "tax_amount": Decimal("0.25"),
        "total_amount": Decimal("2.75"),
    }
    for mapped in (True, False):
        record = railz if mapped else _read(railz, _RAILZ, "refund")
        assert _outcome(checks._railz, record, PATH, mapped=mapped, currency=True) is None
        record = rutter if mapped else _read(rutter, _RUTTER, "refund")
        options = {"refs": True, "create": False, "mapped": mapped}
        assert _outcome(checks._rutter, record, PATH, **options) is None
    assert asked == []
    # Where they might find something, they are asked (and find what they found).
    line["discountPercentage"] = Decimal(10)
    rutter["total_amount"] = Decimal("2.754")  # within half a cent
    assert _outcome(checks._railz, railz, PATH, mapped=True, currency=True) is None
    assert _outcome(checks._rutter, rutter, PATH, refs=True, create=False, mapped=True) is None
    assert asked == ["_railz_line", "_rutter_total"]


@given(codes)
def test_a_walk_holds_a_currency_s_tolerance(code: str | None) -> None:
    """The walks' tolerance of a code, held while the codes found are a bounded few."""
    with localcontext(EXACT):
        assert checks._tolerance(code) == tolerance(code)
        assert checks._HALVES[code] == tolerance(code)
    for other in range(checks._HALVES_HELD + 1):
        checks._tolerance(str(other))
    assert len(checks._HALVES) <= checks._HALVES_HELD
