"""A Railz line's discount found once and worded only where said (refundmap.checks, issue 25)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from refundmap import checks
from refundmap.checks import discount_how, railz_discount, railz_line_discount
from refundmap.mapping.lines import before_tax, booked_discount


def line(**figures):
    names = ("discount_amount", "discount_percentage", "quantity", "unit_amount", "sub_total")
    held: dict[str, object] = dict.fromkeys((*names, "total_amount", "tax_amount"))
    held.update({key: Decimal(str(value)) for key, value in figures.items()})
    return SimpleNamespace(**held)


@pytest.mark.parametrize(
    ("figures", "found", "how"),
    [
        ({"discount_amount": 5}, (Decimal(5), None), "discountAmount 5"),
        (
            {"discount_percentage": 10, "quantity": 2, "unit_amount": 50},
            (Decimal(10), Decimal(10)),
            "discountPercentage 10%",
        ),
        # discountAmount 0 beside a percentage the figures do not apply: none.
        (
            {"discount_amount": 0, "discount_percentage": 10, "quantity": 1, "sub_total": 100}
            | {"unit_amount": 100},
            (Decimal(0), None),
            "discountAmount 0",
        ),
        ({}, (Decimal(0), None), "discountAmount 0"),
    ],
)
def test_the_discount_alone_is_the_worded_ones_figure(figures, found, how):
    got = railz_discount(line(**figures))
    assert got == found
    assert discount_how(got) == how
    assert railz_line_discount(line(**figures)) == (found[0], how)


def test_a_line_without_a_discount_is_not_worded_and_one_with_it_is():
    plain = line(discount_amount=0, quantity=1, unit_amount=10, sub_total=10, total_amount=10)
    assert before_tax(plain) == (
        Decimal(10),
        "subTotal 10: the line before tax and discount",
        "subTotal",
    )
    cut = line(discount_percentage="12.5", quantity=1, unit_amount="34.93", sub_total="30.56")
    assert booked_discount(cut) == (Decimal("4.37"), "discountPercentage 12.5% (4.37)")
    assert before_tax(cut)[1] == (
        "subTotal 30.56 + discountPercentage 12.5% (4.37): the line before tax and discount"
    )


def test_uuids_seen_are_remembered_within_a_bound_and_others_still_found():
    checks._UUIDS.clear()
    ids = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(checks._UUIDS_HELD + 10)]
    assert all(checks._is_uuid(value) for value in ids)
    assert 0 < len(checks._UUIDS) <= checks._UUIDS_HELD
    assert checks._is_uuid(ids[-1])
    assert not checks._is_uuid("878150-2")
    assert "878150-2" not in checks._UUIDS
    assert not checks._is_uuid(ids[-1] + "0")  # whole ids only
