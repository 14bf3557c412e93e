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
    "is_list",
    "is_literal",
    "is_optional",
    "keys",
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
