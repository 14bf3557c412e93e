"""The rules the mapping table names: values made for a target, values checked on the way in.

A *make* rule runs when the target format's cell is a key and the source has
no value for it; it returns a :class:`Made` (the value and how to report it),
or None when there is nothing to write. A *write* rule receives each value
copied into its cell. Either raises :class:`Unmappable` when the target cannot
hold the record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import attrs

from refundmap.report import Kind

__all__ = ["MAKE", "RUTTER_ID_NAMESPACE", "WRITE", "Context", "Made", "Unmappable"]

#: The namespace of Rutter ids synthesized from Railz ids: ``uuid5(NS, railz_id)``.
#: Fixed, so that converting the same refund twice gives the same id.
RUTTER_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://refundmap.invalid/rutter-id")

# Rutter's connection.platform and Railz's meta.serviceName for the same platform.
_PLATFORMS = {
    "QUICKBOOKS": "quickbooks",
    "QUICKBOOKS_DESKTOP": "quickbooksDesktop",
    "XERO": "xero",
    "NETSUITE": "oracleNetsuite",
    "FRESHBOOKS": "freshbooks",
    "SAGE_BUSINESS_CLOUD": "sageBusinessCloud",
    "SAGE_INTACCT": "sageIntacct",
    "DYNAMICS365": "dynamicsBusinessCentral",
    "WAVE": "wave",
    "ZOHO_BOOKS": "zohoBooks",
}
_SERVICES = {service: platform for platform, service in _PLATFORMS.items()}


class Unmappable(Exception):  # noqa: N818 - a reason, raised and caught inside the engine
    """The target format cannot hold this record; the message says why."""


@attrs.frozen
class Made:
    """A value a rule made, and how the report names it (``kind`` None: not reported).

    ``source`` is the key path, in the source object, of the value it was made
    from, when there is one.
    """

    value: Any
    kind: Kind | None = None
    message: str = ""
    source: str | None = None


@attrs.frozen
class Context:
    """What a rule may look at: the source object, the target so far, the run."""

    source_format: str
    target_format: str
    source: dict[str, Any]
    target: dict[str, Any]
    synced_at: str
    count: int = 0


def _rutter_id(ctx: Context) -> Made | None:
    railz_id = ctx.target.get("platform_id")
    if railz_id is None:
        return None
    made = str(uuid.uuid5(RUTTER_ID_NAMESPACE, railz_id))
    return Made(made, Kind.SYNTHESIZED, f"UUID version 5 of the Railz id {railz_id!r}", "id")


def _required(ctx: Context) -> Made | None:
    if ctx.target_format.startswith("rutter"):
        raise Unmappable("Rutter requires account_id, and the refund has no accountRef")
    return None


def _required_lines(ctx: Context) -> Made | None:
    if ctx.target_format == "rutter-create":
        raise Unmappable("a Rutter create body needs at least one line item, and there is none")
    if ctx.target_format == "rutter":
        return Made([])
    return None


def _sub_total(ctx: Context) -> Made | None:
    total, tax = ctx.source.get("total_amount"), ctx.source.get("tax_amount")
    if ctx.source_format != "rutter" or total is None or tax is None:
        return None
    return Made(
        total - tax, Kind.DERIVED, f"total_amount {total} - tax_amount {tax}", "total_amount"
    )


def _synced_at(ctx: Context) -> Made | None:
    return Made(ctx.synced_at, Kind.SYNTHESIZED, "the conversion time")


def _line_total(ctx: Context) -> Made | None:
    sub_total = ctx.source.get("subTotal")
    if ctx.source_format != "railz":
        return None
    if sub_total is None:
        raise Unmappable(
            "Rutter requires a line total, and the line has neither totalAmount nor subTotal"
        )
    tax = ctx.source.get("taxAmount")
    if tax is None:
        return Made(sub_total, Kind.DERIVED, f"subTotal {sub_total} (no taxAmount)", "subTotal")
    return Made(
        sub_total + tax, Kind.DERIVED, f"subTotal {sub_total} + taxAmount {tax}", "subTotal"
    )


def _pagination(ctx: Context) -> Made | None:
    page = {"offset": 0, "limit": ctx.count, "count": ctx.count}
    return Made(page, Kind.SYNTHESIZED, f"a single page holding all {ctx.count} records")


def _count(ctx: Context) -> Made | None:
    return Made(ctx.count, Kind.DERIVED, "the number of records")


def _quantity(value: Any, ctx: Context) -> Made:
    if ctx.target_format != "railz":
        return Made(value)
    if value != value.to_integral_value():
        raise Unmappable(f"Railz quantities are integers, and {value} is not")
    return Made(int(value))


def _platform(value: Any, ctx: Context) -> Made:
    if ctx.target_format == "railz":
        service = _PLATFORMS.get(value, value.lower())
        return Made(service, Kind.DERIVED, f"Rutter's platform {value!r} is Railz's {service!r}")
    platform = _SERVICES.get(value, value.upper())
    return Made(platform, Kind.DERIVED, f"Railz's service {value!r} is Rutter's {platform!r}")


#: Rules that make a target value the source does not hold, by name.
MAKE: dict[str, Callable[[Context], Made | None]] = {
    "rutter_id": _rutter_id,
    "required": _required,
    "required_lines": _required_lines,
    "sub_total": _sub_total,
    "synced_at": _synced_at,
    "line_total": _line_total,
    "pagination": _pagination,
    "count": _count,
}

#: Rules each copied value passes on its way into the target, by name.
WRITE: dict[str, Callable[[Any, Context], Made]] = {
    "quantity": _quantity,
    "platform": _platform,
}
