"""Line facts found once (refundmap.mapping.lines): the same results as found each time."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, Inexact, localcontext

import pytest

from refundmap.mapping import lines
from refundmap.mapping.lines import line_tax_reading, rounding_slack
from refundmap.models.railz import RefundLine
from refundmap.money import EXACT, unit_tolerance

D = Decimal


def _line(unit: str, total: str, sub_total: str | None = None) -> RefundLine:
    return RefundLine(
        quantity=3,
        unit_amount=D(unit),
        tax_amount=D(1),
        total_amount=D(total),
        sub_total=None if sub_total is None else D(sub_total),
    )


@pytest.mark.parametrize(
    ("line", "reading"),
    [
        (_line("12345.68", "37037.04"), True),  # the total is quantity x unitAmount
        (_line("12345.68", "37038.04", "37037.04"), False),  # the subTotal is
        (_line("12345.68", "37037.04", "37037.04"), None),  # both are: either reading
    ],
)
def test_a_reading_found_again_is_the_same(line: RefundLine, reading: bool | None) -> None:  # noqa: FBT001
    with localcontext(EXACT):
        assert line_tax_reading(line) is reading
        assert line_tax_reading(line) is reading  # found before: the same
        assert lines._line_tax_reading(line) is reading


def test_a_reading_is_found_again_in_another_precision() -> None:
    """A reading found in one precision or rounding is not taken in another: products may round."""
    line = _line("12345.68", "37037.04")
    with localcontext(EXACT):
        assert line_tax_reading(line) is True
    with localcontext(prec=5):  # 3 x 12345.68 rounds to 37037: 0.04 off, more than 0.02
        assert line_tax_reading(line) is False
    with localcontext(EXACT):
        assert line_tax_reading(line) is True
    line = _line("12345.68", "37038")
    with localcontext(prec=5, rounding=ROUND_FLOOR):  # 3 x 12345.68 is 37037 here: 1 off
        assert line_tax_reading(line) is False
    with localcontext(prec=5, rounding=ROUND_CEILING):  # and 37038 here
        assert line_tax_reading(line) is True


def test_a_reading_is_found_again_with_the_contexts_traps_and_flags() -> None:
    """Nothing held: a context that traps what finding a reading signals raises, each time.

    A reading held by the context's precision and rounding alone would be given
    where the same precision now traps its Inexact, and would not set its flags.
    """
    line = _line("12345.68", "37037.04")
    for _ in range(2):
        with localcontext(prec=5) as context:  # 3 x 12345.68 rounds to 37037
            assert line_tax_reading(line) is False
            assert context.flags[Inexact]
        with localcontext(prec=5, traps=[Inexact]), pytest.raises(Inexact):
            line_tax_reading(line)
    with localcontext(EXACT) as context:  # exact: no signal
        assert line_tax_reading(line) is True
        assert not any(context.flags.values())


def test_a_line_without_tax_reads_as_excluding_it() -> None:
    line = RefundLine(quantity=3, unit_amount=D(10), total_amount=D(30))
    assert line_tax_reading(line) is False


@pytest.mark.parametrize("quantity", [0, 1, 3, -2, 10**14, D(3), D("3.0"), D("2.5"), D(-1)])
def test_rounding_slack_is_the_unit_tolerance(quantity: int | Decimal) -> None:
    for _ in range(2):  # found, then as found before
        slack = rounding_slack(quantity)
        assert slack == unit_tolerance(None, quantity)
        assert str(slack) == str(unit_tolerance(None, quantity))  # its places too


@pytest.mark.parametrize("quantity", [123456789, -123456789, 10**15 - 1, 10**20])
def test_rounding_slack_is_the_callers_contexts(quantity: int) -> None:
    """A slack held from one context is what the caller's context gives, not the other's."""
    low = Context(prec=5, rounding=ROUND_FLOOR)
    for first, then in ((EXACT, low), (low, EXACT), (low, Context(prec=5))):
        lines._SLACKS.clear()
        with localcontext(first):
            rounding_slack(quantity)
        with localcontext(then) as context:
            slack = rounding_slack(quantity)
            context.clear_flags()
            expected = unit_tolerance(None, quantity)
            flags = {flag for flag, raised in context.flags.items() if raised}
            context.clear_flags()
            assert str(rounding_slack(quantity)) == str(slack) == str(expected)
            assert {flag for flag, raised in context.flags.items() if raised} == flags
