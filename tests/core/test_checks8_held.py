"""A tolerance held by ``checks._tolerance`` is ``money.tolerance``'s, whoever asks first.

It is made in the exact context, so that a caller computing in a context that
rounds or clamps (``lines._includes_tax`` computes in its caller's) neither holds
a rounded tolerance for later callers nor has a flag raised by making it.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

import pytest

from refundmap import checks
from refundmap.currency import RUTTER_EXTRA
from refundmap.mapping import lines
from refundmap.money import EXACT, tolerance

#: A context in which 5E-19 (ETH's tolerance) made by ``scaleb`` is rounded to 0.
_TINY = Context(prec=1, Emin=-1, Emax=1, traps=[])
_CODES = [None, "USD", "JPY", "BHD", "XAU", "xyz", *RUTTER_EXTRA]


@pytest.fixture
def nothing_held() -> None:
    checks._HALVES.clear()


@pytest.mark.usefixtures("nothing_held")
@pytest.mark.parametrize("code", _CODES)
def test_a_tolerance_held_first_in_a_context_that_rounds_is_the_exact_one(code: str | None) -> None:
    with localcontext(_TINY) as here:
        here.clear_flags()
        held = checks._tolerance(code)
        assert not any(here.flags.values())
    with localcontext(EXACT):
        expected = tolerance(code)
    assert str(held) == str(expected)
    assert str(checks._HALVES[code]) == str(expected)


@pytest.mark.usefixtures("nothing_held")
def test_lines_include_tax_by_the_exact_tolerance_asked_first_in_a_context_that_clamps() -> None:
    refund = type("Refund", (), {"tax_amount": Decimal(1), "total_amount": Decimal("4E-19")})
    with localcontext(_TINY):
        lines._includes_tax(refund, Decimal(0), "ETH")
    assert str(checks._HALVES["ETH"]) == "5E-19"
    with localcontext(EXACT):
        # A total 4E-19 from the lines is within half a wei of them: they include the tax.
        assert lines._includes_tax(refund, Decimal(0), "ETH") is True
