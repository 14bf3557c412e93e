"""What a model is, read once: its keys in a vendor's naming, and its field types.

The codec, the compiler, the schema and the check views all read models through
these, so that the key of a field, and whether it may be null, have one answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

import attrs

__all__ = [
    "Naming",
    "camel",
    "field_of",
    "fields",
    "is_list",
    "is_literal",
    "is_optional",
    "keys",
    "models_in",
    "omitted_when_none",
    "snake",
    "without_none",
]

#: Turns an attribute name into its JSON key.
Naming = Callable[[str], str]


def snake(name: str) -> str:
    """Rutter's key style: the attribute name itself."""
    return name


def camel(name: str) -> str:
    """Railz's key style: ``tax_rate_ref`` is ``taxRateRef``."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def without_none(type_: Any) -> Any:
    """Return ``X`` for ``X | None`` (and the type itself otherwise)."""
    args = get_args(type_)
    if type(None) in args:
        rest = tuple(a for a in args if a is not type(None))
        return rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 - built at run time
    return type_


def is_optional(type_: Any) -> bool:
    """Whether ``type_`` admits None besides its value type (``X | None``)."""
    args = get_args(type_)
    return len(args) >= 2 and type(None) in args  # X | None, X | Y | None


def is_literal(type_: Any) -> bool:
    """Whether ``type_`` is a ``Literal``."""
    origin: Any = get_origin(type_)
    return origin is Literal


def is_list(type_: Any) -> bool:
    """Whether ``type_`` is a ``list[X]``."""
    origin: Any = get_origin(type_)
    return origin is list


@cache
def keys(cls: type, naming: Naming) -> dict[str, str]:
    """Return ``{attribute name: JSON key}`` for an attrs class, in ``naming``."""
    return {f.name: str(f.metadata.get("key") or naming(f.name)) for f in attrs.fields(cls)}


@cache
def fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """Return the fields of a model, their annotations resolved (models use postponed ones)."""
    return tuple(attrs.fields(attrs.resolve_types(cls)))


def field_of(cls: type, name: str) -> attrs.Attribute[Any]:
    """Return the field ``name`` of a model."""
    return next(field for field in fields(cls) if field.name == name)


def omitted_when_none(field: attrs.Attribute[Any]) -> bool:
    """Whether a model writes no key for ``field`` when its value is None.

    That is a field with a default (None), unless it says ``write_null``; a
    required field that may be None is written as null.
    """
    return field.default is not attrs.NOTHING and not field.metadata.get("write_null")


def models_in(annotation: Any) -> list[type]:
    """Return the attrs classes in a field's type (``list[Line] | None`` -> ``[Line]``)."""
    if isinstance(annotation, type) and attrs.has(annotation):
        return [annotation]
    return [cls for arg in get_args(annotation) for cls in models_in(arg)]
