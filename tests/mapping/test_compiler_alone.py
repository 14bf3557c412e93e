"""A reference a table makes of its copied id alone is left as made by its finisher."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import refundmap
from refundmap.formats import get_format
from refundmap.mapping import fused_map
from refundmap.mapping.compiler import _compiled, _Compiler
from refundmap.mapping.table import REFUND

from helpers import every_conversion

SYNCED_AT = "2024-06-30T12:00:00Z"
LINE_REFS = ("accountRef", "taxRateRef", "inventoryRef", "trackingCategoryRef")


def _alone(*, lookup: bool) -> dict[str, frozenset[str]]:
    """Return the references each table of Rutter into Railz leaves as made, where any."""
    rutter, railz = get_format("rutter"), get_format("railz")
    compiler = _Compiler(rutter, railz, lookup=lookup)
    compiler.table("refund", REFUND, rutter.record, railz.record)
    return {name: alone for name, alone in compiler.alone_of.items() if alone}


def test_which_references_are_finished_as_made() -> None:
    """The references copied by id alone; the refund's account too (into Railz no rule makes it)."""
    alone = _alone(lookup=False)
    assert sorted(alone.values(), key=len) == [
        frozenset({"customerRef", "currencyRef", "accountRef"}),
        frozenset(LINE_REFS),
    ]
    # A lookup may write a name, or no id: only the currency (no reference to translate).
    assert _alone(lookup=True) == {"map_refund": frozenset({"currencyRef"})}


def _namespaces(*, lookup: bool) -> list[dict[str, Any]]:
    mapper, _ = fused_map._compiled("rutter", "railz", lookup=lookup, counted=True)
    compiled, _ = _compiled("rutter", "railz", lookup=lookup)
    return [mapper.__globals__, compiled.refund.__globals__]


def test_the_made_finishers_do_not_look_into_them() -> None:
    _, code = fused_map._compiled("rutter", "railz", lookup=False, counted=True)
    for name in ("finish_RefundLine_made", "finish_RefundLine_made_at", "finish_Refund_made"):
        body = re.search(rf"def {name}\(.*\n((?:    .*\n)+)", code)
        assert body is not None
        finished = re.findall(r"r\['(\w+)'\] = v if len\(v\) == 1", body[1])
        assert finished == []  # the refund's account too: the rule that may make its id is idle
    _, code = fused_map._compiled("rutter", "railz", lookup=True, counted=True)
    assert "r['inventoryRef'] = v if len(v) == 1" in code


ids = st.one_of(st.none(), st.text(min_size=1, max_size=3))


@given(refs=st.fixed_dictionaries(dict.fromkeys(LINE_REFS, ids)))
def test_a_line_is_finished_as_the_finisher_that_looks(refs: dict[str, str | None]) -> None:
    """A line's references as its table makes them: finished as the full finisher does."""
    for namespace in _namespaces(lookup=False):
        made_at = namespace["finish_RefundLine_made"]
        _, code = fused_map._compiled("rutter", "railz", lookup=False, counted=True)
        display = re.search(
            r"def map_line_\d+\(.*\n    out = (?:_blank_\d+\(\)  # )?\{(.*)\}", code
        )
        assert display is not None
        made = dict.fromkeys(re.findall(r"'(\w+)': None", display[1]))
        made["totalAmount"] = 1
        for key, value in refs.items():
            made[key] = None if value is None else {"id": value}
        expected = namespace["finish_RefundLine"](_copy(made), None, "$")
        assert made_at(_copy(made), None, "$") == expected


def _copy(line: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if type(v) is dict else v for k, v in line.items()}


def test_a_rutter_refund_converts_as_before() -> None:
    """Its references copied, each its id alone; none made where there is no id."""
    refund = {
        "id": "r",
        "platform_id": "p",
        "account_id": "a1",
        "customer_id": "c1",
        "currency_code": "USD",
        "transaction_date": "2024-01-02",
        "total_amount": 5,
        "line_items": [
            {
                "total_amount": 5,
                "account_id": "a2",
                "tax_rate_id": "t",
                "class_id": None,
                "description": None,
                "item": {"id": "i", "quantity": None, "unit_amount": None},
            },
        ],
        "last_synced_at": "2024-06-30T12:00:00.000Z",
        **dict.fromkeys(
            ("class_id", "department_id", "tax_rate_id", "discount_amount", "document_number"),
        ),
        **dict.fromkeys(("tax_amount", "created_at", "updated_at", "platform_url")),
    }
    text = refundmap.jsonio.dumps(refund).encode()
    result = refundmap.convert(text, "rutter", "railz", synced_at=SYNCED_AT)
    railz = refundmap.jsonio.loads(result.to_json())
    assert railz["customerRef"] == {"id": "c1"}
    assert railz["accountRef"] == {"id": "a1"}
    assert railz["currencyRef"] == {"id": "USD"}
    line = railz["lines"][0]
    assert line["accountRef"] == {"id": "a2"}
    assert line["taxRateRef"] == {"id": "t"}
    assert line["inventoryRef"] == {"id": "i"}
    assert "trackingCategoryRef" not in line


_EVERY_PAIR = r"""
from refundmap.mapping.compiler import _Compiler


if sys.argv[2] == "looked":  # every reference finished as the finisher that looks
    _Compiler._alone = lambda self, cls, keys: frozenset()
print(json.dumps(list(every_conversion({}, {"directory": REFS}, {"defaults": DEFAULTS}))))
"""


def test_no_pair_converts_otherwise_with_its_references_left_as_made() -> None:
    """Every fixture, every pair, with and without a directory or defaults: the same text.

    A rule that wrote into a reference a table made of a copied id alone would be
    trusted silently by the finisher that leaves it as made: this compares the two.
    """
    outcomes = [every_conversion(_EVERY_PAIR, how) for how in ("as made", "looked")]
    assert len(outcomes[0]) > 100
    assert outcomes[0] == outcomes[1]
