"""A line's folded value is said dropped unless its table noted an entry at it: read off a flag.

The flag is set where the line's function notes an entry at the value's suffix
(a rule's entry, or a row); the detailed path compares the entries noted. Both
say the same, whatever figures a Railz line sends.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.mapping import fused, fused_map

SYNCED_AT = "2024-06-30T12:00:00Z"

amounts = st.one_of(st.none(), st.sampled_from([0, 10, 90, 100, 110, "100.00", "99.99"]))


def _converted(text: str, *, fast: bool) -> tuple[str, list[Any]]:
    fused.ENABLED = fast
    mapped = fused.TALLY.mapped
    try:
        conversion = refundmap.convert(text, "railz", "rutter", synced_at=SYNCED_AT)
    except refundmap.RefundmapError as error:
        return type(error).__name__, [str(error)]
    finally:
        fused.ENABLED = True
    TAKEN.append(fused.TALLY.mapped > mapped)
    return conversion.to_json(), list(conversion.report)


#: Whether the fast mapping took each conversion made (fast or not).
TAKEN: list[bool] = []


@given(
    st.fixed_dictionaries(
        {"quantity": st.sampled_from([1, 2])},
        optional={
            "subTotal": amounts,
            "totalAmount": amounts,
            "taxAmount": amounts,
            "unitAmount": amounts,
            "discountAmount": amounts,
        },
    )
)
def test_a_lines_folded_subtotal_is_said_as_on_the_detailed_path(line: dict[str, Any]) -> None:
    line = {key: value for key, value in line.items() if value is not None}
    refund = {
        "id": "1",
        "accountRef": {"id": "A"},
        "date": "2024-06-13",
        "totalAmount": 110,
        "lines": [line, line],
    }
    text = json.dumps(refund).replace('"100.00"', "100.00").replace('"99.99"', "99.99")
    assert _converted(text, fast=True) == _converted(text, fast=False)


def test_the_flag_is_read_not_the_entries_noted() -> None:
    code = fused_map.source("railz", "rutter")
    line = code[: code.index("\ndef ", 1)]
    assert "run.report[start:]" not in line
    assert "start = len(run.report)" not in line
    assert line.count("if _o == '.subTotal': _n0 = True") == 2  # the line amount's, its total's
    assert line.count("_n0 = False") == 1


def test_the_fast_mapping_takes_most_such_lines() -> None:
    TAKEN.clear()
    test_a_lines_folded_subtotal_is_said_as_on_the_detailed_path()
    assert sum(TAKEN) > len(TAKEN) // 4
