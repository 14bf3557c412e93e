"""What the models share: the field-level error and the non-empty rule."""

from __future__ import annotations

from typing import Any

import attrs

from refundmap.report import ValueProblem

__all__ = ["FieldError", "JSONObject", "non_empty"]

#: A JSON object kept as it came (``platform_data``, ``passThrough``).
JSONObject = dict[str, Any]


class FieldError(ValueProblem):
    """A value broke a rule of its model; ``name`` is the attribute's name."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def non_empty(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: the list must hold at least one element."""
    if not value:
        raise FieldError(attribute.name, "expected at least one element, got an empty array")
