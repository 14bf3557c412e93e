"""The rules' held results are what the rules made each time (refundmap.mapping.rules).

A rule whose result recurs holds it (a :class:`Made` is a tuple: no one changes
it): a currency code's, the conversion time's, a whole quantity's. Each is the
``Made`` the rule made before, field for field and type for type, the first
time and when held, for every value.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from refundmap.currency import RUTTER_EXTRA, _iso, code_for_name, is_code
from refundmap.formats import RUTTER, get_format
from refundmap.mapping import rules
from refundmap.mapping.context import Made
from refundmap.report import Kind


def _old_currency(value: Any, src: Any, run: Any) -> Made:
    """``rules._currency`` before: a code made a new Made each time."""
    if is_code(value):
        return Made(value)
    if is_code(value.upper()):
        return Made(value.upper(), Kind.DERIVED, f"the currency code {value!r} in upper case")
    what = f"currencyRef.id {value!r} is not a currency code (the platform's own currency id)"
    name = src.currency_ref.name
    code = code_for_name(name) if name else None
    if code is not None:
        return Made(code, Kind.DERIVED, f"{what}; {code} is the one currency named {name!r}")
    why = f"its name {name!r} is no one currency's" if name else "it has no name"
    return Made(None, Kind.DROPPED, f"{what}, and {why}: {run.target_name} gets none")


_codes = st.sampled_from(sorted({*_iso(), *RUTTER_EXTRA}))
_values = (
    _codes
    | _codes.map(str.lower)
    | _codes.map(lambda code: code[:2])
    | st.text(max_size=5)
    | st.sampled_from(["8000006D-1217255359", "1", "usd", "Usd", ""])
)
_names = st.none() | st.sampled_from(["US Dollar", "Euro", "CAN", "", "  euro  "]) | st.text()


@given(_values, _names)
def test_a_currency_is_made_as_before_the_first_time_and_held(value: str, name: str | None) -> None:
    """Every id, a code or not, under every name: the same Made, twice, as the old rule's."""
    src = SimpleNamespace(currency_ref=SimpleNamespace(id=value, name=name))
    run = SimpleNamespace(target=RUTTER, target_name="rutter")
    old = _old_currency(value, src, run)
    for _ in range(2):
        made = rules.WRITE["currency"](value, src, run)
        assert type(made) is Made
        assert made == old
        assert type(made.value) is type(old.value)


def test_only_codes_are_held() -> None:
    """What is held is each code met, as itself: never a value made from another."""
    run = SimpleNamespace(target=RUTTER, target_name="rutter")
    for value in ("usd", "USD", "8000006D-1217255359", "EUR", "eth"):
        src = SimpleNamespace(currency_ref=SimpleNamespace(id=value, name="US Dollar"))
        rules.WRITE["currency"](value, src, run)
    assert all(is_code(code) and made == Made(code) for code, made in rules._CODES.items())


@given(st.lists(st.text(), min_size=1, max_size=40))
def test_the_conversion_time_is_made_as_before_and_held(times: list[str]) -> None:
    """Each run's time, met again or not, past the bound too: Made(time, synthesized, words)."""
    for at in [*times, *times]:
        run = SimpleNamespace(synced_at=at)
        made = rules.MAKE["synced_at"](None, {}, run)
        assert type(made) is Made
        assert made == Made(at, Kind.SYNTHESIZED, "the conversion time")
        assert len(rules._SYNCED) <= rules._SYNCED_HELD


def test_a_whole_quantity_is_held_once_for_every_exponent() -> None:
    """The Made of a whole quantity is the same object for 3, 3.0 and 3E+0: the int 3."""
    run = SimpleNamespace(target=get_format("railz"))
    made = {id(rules.WRITE["quantity"](Decimal(text), None, run)) for text in ("3", "3.0", "3E+0")}
    assert len(made) == 1
    assert rules.WRITE["quantity"](Decimal("3.00"), None, run) == Made(3)
