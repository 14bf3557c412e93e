"""What a mapping rule receives and gives.

The run it asks (:class:`RuleContext`), the value it made (:class:`Made`), or
why the target cannot hold the record (:class:`Unmappable`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from refundmap.report import Kind

if TYPE_CHECKING:
    from refundmap.formats import Format

__all__ = ["Made", "RuleContext", "Unmappable"]


class Unmappable(Exception):  # noqa: N818 - a reason, raised and caught inside the engine
    """The target format cannot hold this record; the message says why."""


class Made(NamedTuple):
    """A value a rule made, and how the report names it (``kind`` None: not reported).

    ``source`` is the key path, in the source object, of the value it was made
    from, when there is one. A tuple: rules make several a record, and a tuple
    is made in half the time of a frozen attrs class.
    """

    value: Any
    kind: Kind | None = None
    message: str = ""
    source: str | None = None


class RuleContext(Protocol):
    """What a rule may ask of the conversion it runs in."""

    @property
    def source(self) -> Format: ...  # noqa: D102
    @property
    def target(self) -> Format: ...  # noqa: D102
    @property
    def source_name(self) -> str: ...  # noqa: D102
    @property
    def target_name(self) -> str: ...  # noqa: D102
    @property
    def synced_at(self) -> str: ...  # noqa: D102
    @property
    def count(self) -> int: ...  # noqa: D102
    @property
    def scope(self) -> str | None: ...  # noqa: D102
    @property
    def failed(self) -> bool: ...  # noqa: D102
    @property
    def unclear_lines(self) -> list[Any]: ...  # noqa: D102
    @property
    def rows(self) -> bool: ...  # noqa: D102
    @property
    def report(self) -> list[Any]: ...  # noqa: D102
    def note(self, kind: Kind, source: str, target: str | None, message: str) -> None: ...  # noqa: D102
    def learned_refund(self, platform_id: str) -> str | None: ...  # noqa: D102
    def change_total(self, source: str, target: str, message: str) -> None: ...  # noqa: D102
    def translate(  # noqa: D102
        self, kind: str, value: str, source: str, target: str, name_target: str | None
    ) -> tuple[str, str | None]: ...
