"""A copied id's name, read off the object its id was read from, untested where it is there."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.mapping import fused_map

SYNCED_AT = "2024-06-30T12:00:00Z"
REFS = {"accountRef": "account", "taxRateRef": "tax_rate", "inventoryRef": "item"}


def test_a_lines_names_are_read_without_a_test() -> None:
    """A line's id is read from its reference; the refund's may be a default (no reference)."""
    code = fused_map.source("railz", "rutter")
    line = re.search(r"def map_line_\d+\(.*\n((?:    .*\n)+)", code)
    refund = re.search(r"def map_refund\(.*\n((?:    .*\n)+)", code)
    assert line is not None
    assert refund is not None
    assert re.findall(r"_nm = (_h_\w+)\.name\n", line[1]) == [
        "_h_account_ref",
        "_h_tax_rate_ref",
        "_h_tracking_category_ref",
        "_h_inventory_ref",
    ]
    assert "if _nm is not None: _nm = _nm.name" not in line[1]
    assert re.findall(r"_nm = (_h_\w+)\n        if _nm is not None: _nm = _nm.name", refund[1]) == [
        "_h_account_ref",
        "_h_customer_ref",
    ]


names = st.one_of(st.none(), st.text("abc", min_size=1, max_size=3))


@given(named=st.fixed_dictionaries(dict.fromkeys(REFS, names)))
def test_a_lines_copied_ids_keep_their_names(named: dict[str, str | None]) -> None:
    line: dict[str, object] = {"totalAmount": 10}
    for key, name in named.items():
        line[key] = {"id": key} if name is None else {"id": key, "name": name}
    record = {
        "id": "r1",
        "date": "2024-01-02",
        "totalAmount": 10,
        "accountRef": {"id": "a"},
        "currencyRef": {"id": "USD"},
        "lines": [line],
    }
    text = refundmap.jsonio.dumps(record).encode()
    result = refundmap.convert(text, "railz", "rutter", synced_at=SYNCED_AT)
    expected = {(REFS[key], key): name for key, name in named.items() if name is not None}
    found = {key: name for key, name in result.missing_names().items() if key[1] != "a"}
    assert found == expected
