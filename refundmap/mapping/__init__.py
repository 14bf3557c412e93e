"""The field mapping between the formats: the table as data, and what applies it."""

from typing import TYPE_CHECKING, Any

from refundmap.mapping.table import DEFAULT_KINDS, ENVELOPE, LINE, REFUND, Row

if TYPE_CHECKING:
    from refundmap.mapping.runtime import PAIRS, Run

__all__ = ["DEFAULT_KINDS", "ENVELOPE", "LINE", "PAIRS", "REFUND", "Row", "Run"]


def __getattr__(name: str) -> Any:
    # The runtime is imported when first asked for, not with the package: the
    # modules it imports (refundmap.profiles) import the package's tables.
    if name in ("PAIRS", "Run"):
        from refundmap.mapping import runtime  # noqa: PLC0415

        return getattr(runtime, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
