"""The fast reader's views (refundmap.mapping.fused): made whole, never tracked by the collector."""

from __future__ import annotations

import gc
import operator
from collections.abc import Iterator
from typing import Any

import pytest

from refundmap.formats import get_format
from refundmap.mapping import fused

from helpers import FIXTURES

TARGETS = {"rutter": "railz", "railz": "rutter"}
PAGES = [
    (vendor, path.name)
    for vendor in TARGETS
    for path in sorted((FIXTURES / vendor).glob("*.json"))
    if not path.name.startswith("seed-create")
]


def _views(value: Any) -> Iterator[Any]:
    """Yield every view under ``value`` (a loaded model), the root first."""
    if type(value) is list:
        for item in value:
            yield from _views(item)
    elif type(value).__module__ == fused.__name__:
        yield value
        for name in type(value).__slots__:
            yield from _views(getattr(value, name))


def _loaded(vendor: str, name: str) -> Any:
    text = (FIXTURES / vendor / name).read_bytes()
    source, target = get_format(vendor), get_format(TARGETS[vendor])
    loaded = fused.load(text, source, target, strict=False)[1]
    if loaded is None:
        pytest.skip("the detailed path reads it")
    return loaded.parts[0].model


@pytest.mark.parametrize(("vendor", "name"), PAGES)
def test_no_view_is_tracked_by_the_collector(vendor: str, name: str) -> None:
    # A view holds no cycle: a page's records, lines and references cost the collector nothing.
    views = list(_views(_loaded(vendor, name)))
    assert views
    assert [type(view).__name__ for view in views if gc.is_tracked(view)] == []


def test_every_fixture_has_views() -> None:
    assert {vendor for vendor, name in PAGES if list(_views(_loaded(vendor, name)))} == {
        "rutter",
        "railz",
    }


def test_a_view_is_equal_only_to_itself_and_hashable() -> None:
    # As the slot objects views were: two views of the same values are two objects.
    record = next(_views(_loaded("railz", "quickbooks-list.json")))
    view = type(record)
    fields = view.__struct_fields__
    one, two = (view(*(getattr(record, f) for f in fields)) for _ in range(2))
    assert operator.eq(one, one)
    assert one != two
    assert hash(one) != hash(two)
    assert {one: 1, two: 2}[two] == 2


def test_a_view_holds_the_model_s_attributes_in_order() -> None:
    cls = get_format("railz").record
    record = _loaded("railz", "quickbooks-list.json").data[0]
    names = tuple(field.name for field in fused.fields(cls))
    assert type(record).__struct_fields__ == names  # the order its class is called with
    assert sorted(type(record).__slots__) == sorted(names)
