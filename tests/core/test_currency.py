"""refundmap.currency: ISO 4217 codes, names and minor units."""

from decimal import Decimal

import pytest

from refundmap.currency import minor_unit
from refundmap.money import tolerance


def test_minor_units_come_from_iso_4217():
    from refundmap.currency import code_for_name, minor_unit

    assert [minor_unit(c) for c in ("USD", "JPY", "KWD", "CLF", "XAU", "BTC", None)] == [
        2,
        0,
        3,
        4,
        2,
        8,
        2,
    ]
    assert code_for_name("US Dollar") == code_for_name(" us dollar ") == "USD"
    assert code_for_name("Bolívar Soberano") is None  # VES and VED share it
    assert code_for_name("Dollar") is None


@pytest.mark.parametrize(
    ("currency", "places"), [("USD", 2), ("JPY", 0), ("krw", 0), ("KWD", 3), (None, 2)]
)
def test_minor_units_follow_iso_4217(currency, places):
    assert minor_unit(currency) == places
    assert tolerance(currency) == Decimal(5) / Decimal(10) ** (places + 1)
