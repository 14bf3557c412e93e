"""The figure rules of refundmap.mapping.figures: a line's tax reading taken once a conversion."""

from __future__ import annotations

import json
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.formats import RAILZ, RAILZ_PUSH, RAILZ_V2, RAILZ_V2_PUSH, RUTTER, RUTTER_CREATE
from refundmap.mapping import figures, lines
from refundmap.mapping.context import Made
from refundmap.mapping.fused_map import _entries
from refundmap.mapping.lines import before_tax, line_tax_reading, rutter_includes_tax, tax_included
from refundmap.models.railz import RefundLine
from refundmap.money import EXACT
from refundmap.report import Entry, Kind

D = Decimal
FIXTURES = Path(__file__).parents[2] / "fixtures" / "railz"


def _inclusive_line() -> RefundLine:
    """A taxed line whose totalAmount, not its subTotal, is quantity x unitAmount."""
    return RefundLine(
        quantity=2,
        unit_amount=D("10.00"),
        sub_total=D("18.00"),
        tax_amount=D("2.00"),
        total_amount=D("20.00"),
    )


def test_a_reading_given_is_the_one_used() -> None:
    line = _inclusive_line()
    assert line_tax_reading(line) is True
    assert before_tax(line) == (
        D("20.00"),
        "totalAmount 20.00: the unit amounts include tax",
        "totalAmount",
    )
    assert before_tax(line, reading=True) == before_tax(line)
    # The caller's reading decides, not the line's figures read again.
    assert before_tax(line, reading=False) == (
        D("18.00"),
        "subTotal 18.00: the line before tax and discount",
        "subTotal",
    )
    unclear = before_tax(line, reading=None, included=False)
    assert unclear is not None
    assert unclear[2] == "subTotal"
    assert tax_included(line, reading=None, otherwise=True) is True
    assert tax_included(line, reading=None) is False
    assert tax_included(line) is True


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize(
    "name", ["quickbooks-list.json", "quickbooks-discounts.json", "seed-refund.json"]
)
def test_each_line_is_read_for_tax_once(
    name: str, fast: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into Rutter, a taxed line is read for tax once, by its rule; its refund's reads that."""
    calls: list[Any] = []
    found = lines._line_tax_reading

    def counted(line: Any) -> bool | None:
        calls.append(line)
        return found(line)

    monkeypatch.setenv("REFUNDMAP_FAST", fast)
    monkeypatch.setattr(figures, "_line_tax_reading", counted)
    monkeypatch.setattr(lines, "_line_tax_reading", counted)
    data = (FIXTURES / name).read_bytes()
    refundmap.convert(data, "railz", "rutter", synced_at="2024-06-30T12:00:00Z")
    document = json.loads(data)
    records = document.get("data", [document])
    taxed = sum(bool(line.get("taxAmount")) for record in records for line in record["lines"])
    # Once, by the line's rule: its refund's (_tax_by_refund) reads what the rule found.
    assert len(calls) == taxed


#: A line whose figures fit both readings of tax (quantity x unitAmount 0.11 is its
#: totalAmount, and its subTotal 0.10 within rounding), and lines that say.
_BOTH = {"unitAmount": "0.11", "quantity": 1, "subTotal": "0.10", "taxAmount": "0.01"}
_SAYS = {"unitAmount": "0.32", "quantity": 1, "subTotal": "0.30", "taxAmount": "0.02"}


def _unclear_refund(number: str, unit: str) -> dict[str, Any]:
    """A Railz refund of a line that fits both readings and one whose ``unit`` says which."""
    return {
        "id": number,
        "accountRef": {"id": "35"},
        "customerRef": {"id": "3"},
        "date": "2022-12-14T00:00:00.000Z",
        "currencyRef": {"id": "USD"},
        "subTotal": 0.40,
        "taxAmount": 0.03,
        "totalAmount": 0.43,
        "lines": [
            {**_BOTH, "totalAmount": "0.11"},
            {**_SAYS, "unitAmount": unit, "totalAmount": "0.32"},
        ],
    }


def _plain_refund(number: str) -> dict[str, Any]:
    """A Railz refund of one taxed line whose figures say it excludes tax."""
    line = {"unitAmount": "5", "quantity": 2, "subTotal": "10", "taxAmount": "1"}
    return {
        "id": number,
        "accountRef": {"id": "35"},
        "customerRef": {"id": "3"},
        "date": "2022-12-14T00:00:00.000Z",
        "currencyRef": {"id": "USD"},
        "totalAmount": 11,
        "lines": [{**line, "totalAmount": "11"}],
    }


def _page(refunds: list[dict[str, Any]]) -> bytes:
    """A Railz list page of ``refunds``."""
    page = json.loads((FIXTURES / "quickbooks-list.json").read_bytes())
    page["data"] = refunds
    page["count"] = page["pagination"]["count"] = len(refunds)
    return json.dumps(page).encode()


def _records(result: refundmap.Conversion) -> list[Any]:
    """The records a conversion into Rutter wrote: a page's, or a list of create bodies."""
    document = json.loads(result.to_json())
    return document if isinstance(document, list) else document["customer_refunds"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("target", ["rutter", "rutter-create"])
def test_unclear_lines_are_read_as_their_own_refunds_in_a_page(
    fast: str, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's refunds read lines that fit both readings as each alone does: none leaks.

    The line rule holds such lines for its refund's rule (``run.unclear_lines``):
    refunds with none, with lines that include tax and lines that exclude it, in
    turn and one twice, convert as each converted alone.
    """
    monkeypatch.setenv("REFUNDMAP_FAST", fast)
    refunds = [
        _plain_refund("1"),
        _unclear_refund("2", "0.32"),  # its other line includes tax
        _plain_refund("3"),
        _unclear_refund("4", "0.30"),  # its other line excludes tax
        _unclear_refund("5", "0.32"),
    ]
    refunds.append(refunds[3])
    synced = "2024-06-30T12:00:00Z"
    whole = refundmap.convert(_page(refunds), "railz", target, synced_at=synced)
    records = _records(whole)
    assert len(records) == len(refunds)
    for index, refund in enumerate(refunds):
        alone = refundmap.convert(_page([refund]), "railz", target, synced_at=synced)
        assert _records(alone) == [records[index]]
        mine = [
            (e.kind, e.message)
            for e in whole.report
            if e.source_path.startswith(f"$.data[{index}].")
        ]
        assert mine == [
            (e.kind, e.message) for e in alone.report if e.source_path.startswith("$.data[0].")
        ]
    said = [
        (e.source_path, e.message.rsplit(", and ", 1)[-1])
        for e in whole.report
        if "both readings of tax" in e.message
    ]
    assert said == [
        ("$.data[1].lines[0].totalAmount", "the refund's lines include it"),
        ("$.data[3].lines[0].subTotal", "the refund's lines exclude it"),
        ("$.data[4].lines[0].totalAmount", "the refund's lines include it"),
        ("$.data[5].lines[0].subTotal", "the refund's lines exclude it"),
    ]
    if target == "rutter":
        totals = [[line["total_amount"] for line in r["line_items"]] for r in records]
        assert totals[1] == totals[4] == [0.11, 0.32]
        assert totals[3] == totals[5] == [0.10, 0.30]


def _detailed_line_amount(value: Any, src: Any, run: Any) -> Made:
    """``figures.line_amount`` of a Railz version 1 line into Rutter, by ``before_tax`` alone."""
    reading = line_tax_reading(src)
    found = before_tax(src, net=run.target.computes_totals, reading=reading)
    assert found is not None
    made, message, key = found
    if reading is None:
        return Made(made)
    if made == value and key == "totalAmount":
        return Made(value)
    return Made(made, Kind.DERIVED, message, key)


#: Amounts of every exponent, as the reader takes them (below 10^15, at most 20 places).
_amounts = st.builds(
    lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
    st.integers(-(10**8), 10**8),
    st.integers(-12, 4),
)
_zeros = st.sampled_from([Decimal(0), Decimal("0.0"), Decimal("-0.00")])
_railz_lines = st.builds(
    SimpleNamespace,
    quantity=st.none() | st.integers(-3, 10**6) | st.sampled_from([0, 1, 3, 10**14]),
    unit_amount=st.none() | _amounts,
    total_amount=_amounts,  # the rule's value: it runs on a line with a totalAmount
    sub_total=st.none() | _zeros | _amounts,
    tax_amount=st.none() | _zeros | _amounts,
    discount_amount=st.none() | _zeros | _amounts,
    discount_percentage=st.none() | _zeros | _amounts,
)
_contexts = st.just(EXACT) | st.builds(
    Context,
    prec=st.integers(3, 12),
    rounding=st.sampled_from([ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_DOWN]),
    traps=st.just([]),
)


def _run(*, create: bool) -> Any:
    """A run from Railz version 1 into Rutter (``create``: a create body)."""
    return SimpleNamespace(
        source=RAILZ, target=RUTTER_CREATE if create else RUTTER, unclear_lines=[]
    )


def _in(context: Context, function: Any, *args: Any) -> tuple[Any, set[Any]]:
    """Return what ``function`` gives in a copy of ``context`` (or the error), and its flags."""
    with localcontext(context) as here:
        here.clear_flags()
        try:
            result = function(*args)
        except (ArithmeticError, TypeError) as error:  # a signal trapped, or an impossible line
            result = type(error)
        return result, {flag for flag, raised in here.flags.items() if raised}


@given(_railz_lines, _contexts, st.booleans())
def test_a_line_amount_is_its_before_tax(line: Any, context: Context, create: bool) -> None:  # noqa: FBT001
    """``line_amount``'s short form (a subTotal, no discount) is ``before_tax``'s, to the exponent.

    The same value (its exponent and sign too), kind, words and key, and the
    same signals raised, in the exact context and in contexts that round.
    """
    run = _run(create=create)
    value = line.total_amount
    new, new_flags = _in(context, figures.line_amount, value, line, run)
    old, old_flags = _in(context, _detailed_line_amount, value, line, run)
    assert new_flags == old_flags
    if isinstance(old, tuple):
        assert isinstance(new, tuple)
        assert [str(part) for part in new] == [str(part) for part in old]
    else:
        assert new is old


def _old_rutter_line_figures(src: Any, out: dict[str, Any], run: Any, sp: str, tp: str) -> None:
    """``figures._rutter_line_figures`` before: a split discount asked for tax too."""
    if run.source.vendor != "rutter" or not run.target.line_figures:
        return
    lines = out.get("lines") or []
    items = src.line_items or ()
    tax = src.tax_amount or Decimal(0)
    discount = src.discount_amount or Decimal(0)
    included = rutter_includes_tax(src)
    one = len(items) == 1
    only_sub = "subTotal" in run.target.line_figures
    told = "the refund's lines {} tax".format(  # the same for every line
        "include" if included else ("exclude" if tax else "carry no")
    )
    if included is None and tax:
        told = (
            "the refund's total says neither whether its lines include tax nor that they"
            " exclude it, and Rutter's line total is before tax"
        )
    unsplit = None  # what _no_line_figure says of each line, found at the first: the same for all
    for index, (line, item) in enumerate(zip(lines, items, strict=False)):
        amount = item.total_amount
        line["totalAmount"] = None  # none yet (its place kept: a line is finished in place)
        where = f"{sp}.line_items[{index}].total_amount"
        at = f"{tp}.lines[{index}]."
        if discount and not one:
            if unsplit is None:
                unsplit = figures._no_line_figure(
                    run,
                    f"the refund's discount_amount {discount} is not per line, and Railz's line"
                    " figures are net of discounts",
                )
            figures._note_no_figure(run, unsplit, where, at)
            continue
        net = amount - discount
        if included:
            sub, total = (net - tax if one else None), net
        else:
            sub, total = net, (net + tax if one or not tax else None)
        said = told
        if discount:
            said += f"; total_amount {amount} less the refund's discount_amount {discount}"
        if one and tax:
            said += f"; the refund's tax_amount {tax} is its one line's"
        if total is None and not (only_sub and sub is not None):
            if unsplit is None:
                unsplit = figures._no_line_figure(
                    run,
                    f"the refund's tax_amount {tax} is not per line, and a {run.target_name}"
                    " line's only figure, totalAmount, includes tax",
                )
            figures._note_no_figure(run, unsplit, where, at)
            continue
        if only_sub and sub is not None:
            line["subTotal"] = sub
            run.note(Kind.DERIVED, where, at + "subTotal", f"subTotal, as {said}")
        if total is not None:
            line["totalAmount"] = total
            run.note(Kind.DERIVED, where, at + "totalAmount", f"totalAmount, as {said}")
        if only_sub and one:
            if discount:
                line["discountAmount"] = discount
                run.note(
                    Kind.DERIVED,
                    sp + ".discount_amount",
                    at + "discountAmount",
                    "the refund's discount, of its one line",
                )
            if tax:
                line["taxAmount"] = tax
                run.note(
                    Kind.DERIVED,
                    sp + ".tax_amount",
                    at + "taxAmount",
                    "the refund's tax, of its one line",
                )


class _Noted:
    """A run from Rutter into ``target`` that keeps what the rule notes.

    With ``rows``, as the fast mapping's run: its report takes rows (a note's
    paths' suffixes) beside entries, each made an entry when read.
    """

    def __init__(self, target: Any, *, rows: bool = False) -> None:
        self.source, self.target, self.target_name = RUTTER, target, target.name
        self.rows = rows
        self.report: list[Any] = []

    def note(self, kind: Kind, source: str, target: str | None, message: str) -> None:
        self.report.append(Entry(kind, source, target, message))

    def notes(self, sp: str, tp: str) -> list[tuple[Any, ...]]:
        """Return the report's entries as tuples, its rows' paths joined to ``sp`` and ``tp``."""
        return [tuple(entry) for entry in _entries([(sp, tp, self.report)])]


_rutter_refunds = st.builds(
    lambda totals, tax, discount, total: SimpleNamespace(
        line_items=None if totals is None else [SimpleNamespace(total_amount=t) for t in totals],
        tax_amount=tax,
        discount_amount=discount,
        total_amount=total,
        currency_code="USD",
    ),
    st.none() | st.lists(_amounts, max_size=4),
    st.none() | _zeros | _amounts,
    st.none() | _zeros | _amounts,
    _amounts,
)


@given(
    _rutter_refunds,
    st.sampled_from([RAILZ, RAILZ_PUSH, RAILZ_V2, RAILZ_V2_PUSH]),
    st.integers(-1, 1),
    _contexts,
    st.booleans(),
)
def test_rutter_line_figures_are_as_before(
    refund: Any,
    target: Any,
    more: int,
    context: Context,
    rows: bool,  # noqa: FBT001
) -> None:
    """Rutter line totals into Railz as before: the same figures, notes, order and signals.

    A refund whose discount is over several lines no longer asks whether its lines
    include tax (no figure is written): that arithmetic, whose answer was unused, may
    have raised a signal the new rule does not; it raises none the old did not.
    ``more``: a target line more or fewer. ``rows``: noted as the fast mapping's
    rows where its run takes them, the same entries when read.
    """
    count = max(0, len(refund.line_items or ()) + more)
    results = []
    for rule in (figures._rutter_line_figures, _old_rutter_line_figures):
        out = {"lines": [{} for _ in range(count)]}
        run = _Noted(target, rows=rows)
        done = _in(context, rule, refund, out, run, "$.r", "$.t")
        results.append((done, out, run.notes("$.r", "$.t")))
    (new, new_out, new_notes), (old, old_out, old_notes) = results
    if old[0] is not None:  # the old rule failed (a signal trapped): the new may not get so far
        return
    assert new[0] == old[0]
    assert new[1] <= old[1]
    assert repr(new_out) == repr(old_out)  # exponents too
    assert new_notes == old_notes
