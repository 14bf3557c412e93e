"""The dict a table makes: the keys its rows write, and those its finisher must see."""

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import refundmap
from refundmap import jsonio
from refundmap.codec.fields import fields, keys
from refundmap.formats import get_format
from refundmap.mapping import PAIRS, fused_map
from refundmap.mapping.compiler import _absence, _compiled

SYNCED_AT = "2024-06-30T12:00:00Z"


def _made(code: str, function: str) -> list[str]:
    """Return the keys ``function`` of the generated ``code`` makes its dict with, in order."""
    body = code[code.index(f"def {function}(") :]
    display = re.search(r"\n    out = (?:_blank_\d+\(\)  # )?\{(.*)\}\n", body)
    assert display is not None
    return re.findall(r"'(\w+)': None", display[1])


@pytest.mark.parametrize(
    ("source", "target", "function", "left_out"),
    [
        ("rutter", "railz", "map_line_14", {"id", "discountAmount", "taxAmount", "locationRef"}),
        ("rutter", "railz", "map_refund", {"shippingAddress", "allocatedOnDate", "locationRef"}),
        ("railz", "rutter", "map_line_14", {"additional_fields", "type"}),
        ("railz", "rutter", "map_refund", {"platform_data", "additional_fields"}),
    ],
)
def test_a_key_no_row_writes_and_left_out_when_absent_is_not_made(
    source, target, function, left_out
):
    """Such a key is no key to delete again: the fast and the detailed mapping make none."""
    for code in (
        fused_map.source(source, target),
        _compiled(source, target, lookup=False)[1],
    ):
        made = _made(code, function)
        assert not left_out & set(made)
        assert made  # and the keys written are made, in the model's order


@pytest.mark.parametrize(("source", "target"), sorted(PAIRS))
def test_a_made_dict_holds_every_key_its_finisher_must_see(source, target):
    """A key written null or reported missing when absent is made; all in the model's order."""
    fmt = get_format(target)
    names = keys(fmt.record, fmt.naming)
    order = [names[field.name] for field in fields(fmt.record)]
    seen = {names[field.name] for field in fields(fmt.record) if _absence(field) != "omit"}
    for code in (fused_map.source(source, target), _compiled(source, target, lookup=False)[1]):
        made = _made(code, "map_refund")
        assert made == [key for key in order if key in made]
        assert seen <= set(made)


def _one_line_refund() -> bytes:
    """A Rutter refund of one line with a discount and tax: Railz's line gets both."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import generate

    refund = generate.rutter_list(1)["customer_refunds"][0]
    line = refund["line_items"][0]
    line["item"]["quantity"], line["item"]["unit_amount"] = Decimal(1), Decimal(100)
    line["total_amount"] = Decimal(100)
    refund["line_items"] = [line]
    refund["discount_amount"], refund["tax_amount"] = Decimal(10), Decimal(9)
    refund["total_amount"] = Decimal(99)
    return jsonio.dumps(refund).encode()


def test_a_key_a_rule_adds_to_a_made_dict_is_remade_in_the_models_order():
    """The line figures' rule writes a line's discount and tax, keys not made: in order."""
    taken = refundmap.mapping.fused.TALLY.mapped
    result = refundmap.convert(_one_line_refund(), "rutter", "railz", synced_at=SYNCED_AT)
    assert refundmap.mapping.fused.TALLY.mapped == taken + 1  # the fast mapping took it
    (line,) = result.output["lines"]
    assert list(line) == [
        "description",
        "unitAmount",
        "quantity",
        "discountAmount",
        "subTotal",
        "taxAmount",
        "totalAmount",
        "accountRef",
        "taxRateRef",
        "inventoryRef",
        "trackingCategoryRef",
    ]
    assert (line["discountAmount"], line["subTotal"], line["taxAmount"]) == (10, 90, 9)
    assert line["totalAmount"] == 99
