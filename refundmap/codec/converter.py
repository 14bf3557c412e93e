"""A codec: one key style's JSON keys, and its models structured and written with them.

One :class:`Codec` per key style and strictness, built once. Structuring runs
cattrs with detailed validation, so every problem of a document is collected;
:func:`Codec.structure` turns cattrs' exception tree into :class:`Problem`
entries whose paths use the vendor's own keys. The cattrs converter and its
hooks (:mod:`refundmap.codec.hooks`) are built when a codec first structures or
writes a model: building a codec, or compiling a mapping with it, imports no cattrs.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from refundmap.codec.fields import Naming, keys
from refundmap.report import Path, Problem, ValueRuleError

if TYPE_CHECKING:
    import attrs
    import cattrs

    from refundmap.codec.hooks import Hooks

__all__ = ["Codec", "KeyRuleError", "UnknownKeysError"]

T = TypeVar("T")


class UnknownKeysError(ValueRuleError):
    """Keys a model does not know (an error only when strict)."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(f"unknown keys {keys!r}")
        self.keys = keys


class KeyRuleError(ValueRuleError):
    """A problem at a key of the object being structured (an alias clash)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class Codec:
    """Structures and unstructures one vendor's models with its JSON keys.

    Args:
        naming: turns an attribute name into its JSON key.
        strict: refuse numeric strings and unknown keys instead of warning.
    """

    def __init__(self, naming: Naming, *, strict: bool) -> None:
        self.naming = naming
        self.strict = strict

    @cached_property
    def _hooks(self) -> Hooks:
        # The converter and the reading of its errors come from one import of cattrs,
        # kept together: a codec outlives a module dropped from sys.modules (pytester).
        from refundmap.codec.hooks import Hooks  # noqa: PLC0415 - cattrs, on first use

        return Hooks(self)

    @property
    def converter(self) -> cattrs.Converter:
        """The cattrs converter with this codec's hooks (built, cattrs imported, on first use)."""
        return self._hooks.converter

    # -- keys -----------------------------------------------------------------

    def key(self, field: attrs.Attribute[Any]) -> str:
        """Return the JSON key of ``field``."""
        return str(field.metadata.get("key") or self.naming(field.name))

    def keys(self, cls: type) -> dict[str, str]:
        """Return ``{attribute name: JSON key}`` for an attrs class."""
        return keys(cls, self.naming)

    # -- public ---------------------------------------------------------------

    def structure(
        self, value: Any, cls: type[T], path: Path = ()
    ) -> tuple[T | None, list[Problem], list[tuple[dict[str, Any], list[str]]]]:
        """Structure ``value`` as ``cls``.

        Returns:
            The instance (None when there were problems), the problems with
            their paths under ``path``, and the objects that held unknown keys
            (only when not strict) with those keys.
        """
        return self._hooks.structure(value, cls, path)

    def unstructure(self, instance: Any) -> Any:
        """Return ``instance`` as JSON-ready data with the vendor's keys."""
        return self._hooks.converter.unstructure(instance)
