"""Read-only views of mapped records, as their target model reads, for the target's checks.

The target's checks read models; structuring the output into one would cost as
much again as the conversion, and the mapping already writes each value in its
model's type. A view reads the mapped dict itself, and copies nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from refundmap.codec.fields import fields, models_in
from refundmap.formats import Format

__all__ = ["view", "view_class"]


class _Key:
    """A view's attribute whose vendor key is another name (``tax_rate_ref``: ``taxRateRef``)."""

    __slots__ = ("key", "view")

    def __init__(self, key: str, *, view: bool) -> None:
        self.key = key
        self.view = view  # whether it holds a model, or a list of them

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        value = obj.__dict__.get(self.key)
        if not self.view:
            return value
        owner = type(obj)
        if type(value) is dict:
            return view(value, owner)
        if type(value) is list:
            return [view(v, owner) if type(v) is dict else v for v in value]
        return value

    def __set__(self, obj: Any, value: Any) -> None:  # a data descriptor: read-only
        raise AttributeError(self.key)


@cache
def view_class(fmt: Format) -> type:
    """Return the class of ``fmt``'s views: every attribute of every model of the format.

    A view's ``__dict__`` is the mapped record's own dict. An attribute whose key
    is its name and that holds no model is read from it directly (a missing key
    reads the class's None, as on a model); any other goes through a :class:`_Key`.
    One class serves every model of a format: the checks ask each only for its own
    attributes.
    """
    codec = fmt.codec(strict=False)
    attributes: dict[str, Any] = {}
    seen: set[type] = set()
    stack: list[type] = [fmt.record]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        keys = codec.keys(cls)
        for field in fields(cls):
            key, models = keys[field.name], models_in(field.type)
            plain = not models and key == field.name
            attributes[field.name] = None if plain else _Key(key, view=bool(models))
            stack.extend(models)
    return type(f"{fmt.name} view", (), attributes)


def view(data: dict[str, Any], view: type) -> Any:
    """Return a mapped record as its target model reads: ``view.line_items[0].item.quantity``.

    The target's checks read models; structuring the output into one would cost
    as much again as the conversion, and the mapping already writes each value
    in its model's type. A view only reads, and copies nothing.
    """
    obj: Any = object.__new__(view)
    obj.__dict__ = data
    return obj
