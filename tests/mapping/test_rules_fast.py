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

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap.mapping import rules
from refundmap.mapping.context import Made
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
