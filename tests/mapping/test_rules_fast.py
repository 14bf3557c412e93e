"""The rules' cheaper forms give what the plain ones gave (refundmap.mapping.rules, figures, lines).

A rule's words write a figure as ``{figure!s}`` (``str``), not ``{figure}``
(``format(figure, "")``, three times dearer for a ``Decimal``): the same text
for decimals of every exponent, sign and context. A synthesized Rutter id
hashes with CPython's own SHA-1 where there is one: the same id as OpenSSL's,
as ``uuid.uuid5``'s.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Context, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap.formats import get_format
from refundmap.mapping import rules
from refundmap.mapping.context import Made, Unmappable
from refundmap.report import Kind

#: Decimals of every exponent and sign, zeros and special values among them.
decimals = (
    st.builds(
        lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
        st.integers(-(10**30), 10**30),
        st.integers(-40, 40),
    )
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.sampled_from([Decimal("-0"), Decimal("0E+5"), Decimal("-0E-30"), Decimal("1E+2")])
)


@given(decimals, st.integers(0, 1), st.integers(1, 80))
def test_a_figure_is_written_by_str_as_by_format(
    figure: Decimal, capitals: int, precision: int
) -> None:
    """``f"{figure!s}"`` is ``f"{figure}"``, in any context (capitals and precision)."""
    with localcontext(Context(prec=precision, capitals=capitals)):
        assert f"{figure!s}" == f"{figure}"


@given(st.text())
def test_a_rutter_id_from_either_sha1_is_uuid5(name: str) -> None:
    """The id from CPython's SHA-1 (or OpenSSL's, where there is none) is uuid5's, as text."""
    expected = str(uuid.uuid5(rules.RUTTER_ID_NAMESPACE, name))
    assert rules.rutter_uuid(name) == expected
    openssl = hashlib.sha1(rules.RUTTER_ID_NAMESPACE.bytes, usedforsecurity=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "_NAMESPACED", openssl)
        assert rules.rutter_uuid(name) == expected


def test_the_conversion_time_is_made_as_made() -> None:
    """``_synced_at`` (a tuple made without ``Made.__new__``) is ``Made(...)``, field for field."""
    run = type("Run", (), {"synced_at": "2024-06-30T12:00:00.000Z"})()
    made = rules.MAKE["synced_at"](None, {}, run)
    assert type(made) is Made
    assert made == Made("2024-06-30T12:00:00.000Z", Kind.SYNTHESIZED, "the conversion time")
    assert made.source is None


def _old_quantity(value: Any, _src: Any, run: Any) -> Made:
    """``rules._quantity`` before: every decimal asked whether it is integral, then made an int."""
    if not run.target.whole_quantities or type(value) is int:
        return Made(value)
    assert isinstance(value, Decimal)
    if value != value.to_integral_value():
        raise Unmappable(f"Railz quantities are integers, and {value} is not")
    return Made(int(value))


def _made_or_said(function: Any, *args: Any) -> Any:
    """Return what ``function`` made (its value's type too), or its error and words."""
    try:
        made = function(*args)
    except (Unmappable, ArithmeticError, ValueError) as error:  # infinities, NaN: as before
        return type(error), str(error)
    assert type(made) is Made
    return (type(made.value), *made)


@given(
    decimals.filter(lambda figure: not figure.is_snan())
    | st.integers(-(10**6), 10**6).map(Decimal)
    | st.integers(-3, 1030)
    | st.builds(
        lambda whole, exponent: Decimal(whole).scaleb(-exponent).scaleb(exponent),
        st.integers(0, 1030),
        st.integers(0, 3),
    ),
    st.sampled_from(["railz", "railz-v2", "rutter"]),
)
def test_a_quantity_is_made_whole_as_before(quantity: Decimal | int, target: str) -> None:
    """A quantity into a format of whole quantities: the same int (or error) for every decimal."""
    run = type("Run", (), {"target": get_format(target)})()
    old = _made_or_said(_old_quantity, quantity, None, run)
    assert _made_or_said(rules.WRITE["quantity"], quantity, None, run) == old


def test_every_whole_quantity_held_is_made_as_before() -> None:
    """Each decimal equal to one of the ints held (and about them), in several exponents."""
    run = type("Run", (), {"target": get_format("railz")})()
    for number in range(-3, 1030):
        for quantity in (Decimal(number), Decimal(f"{number}.00"), Decimal(number * 10).scaleb(-1)):
            old = _made_or_said(_old_quantity, quantity, None, run)
            assert _made_or_said(rules.WRITE["quantity"], quantity, None, run) == old
