"""Platform profiles: what each platform's write body takes, one row a field, one column a platform.

Read it as the contract of a write body with a known platform behind it. A
row is one field of one write format (its key path in the record, a line's
under ``line_items[]`` or ``lines[]``); a cell says what that platform does
with it:

- ``TAKES``: the platform takes the field;
- ``REQUIRED``: the platform refuses a body without it (``unless`` names the
  field of the same object that stands in for it);
- ``REFUSED``: the platform does not take it: a conversion leaves the value
  out and reports it as ``dropped``, saying ``why``;
- ``GENERIC``: no source says: the format's generic rules apply.

``when_from`` restricts a row to values that come from that field of the
source (Railz ``memo`` written from Rutter's ``document_number``), for a
field the platform takes but, from that source, means something else.
``source`` says where each row's facts come from. A platform refundmap does
not profile, or none known, is written by the generic rules alone.
:mod:`refundmap.profiles` applies the table.
"""

from __future__ import annotations

from enum import Enum

import attrs

__all__ = [
    "GENERIC",
    "PLATFORMS",
    "REFUSED",
    "REQUIRED",
    "ROWS",
    "TAKES",
    "Platform",
    "PlatformRow",
    "Rule",
    "platform_named",
]


class Rule(Enum):
    """What a platform does with one field of a write body."""

    TAKES = "takes"
    REQUIRED = "required"
    REFUSED = "refused"
    GENERIC = "-"


TAKES = Rule.TAKES
REQUIRED = Rule.REQUIRED
REFUSED = Rule.REFUSED
GENERIC = Rule.GENERIC


@attrs.frozen
class Platform:
    """A profiled accounting platform and its names at each vendor."""

    #: The attribute of :class:`PlatformRow` holding its column.
    column: str
    name: str
    #: Rutter's ``connection.platform``.
    rutter: str
    #: Railz's ``serviceName``: the platform's name in refundmap's reports and parameters.
    railz: str


#: The profiled platforms, in column order.
PLATFORMS: tuple[Platform, ...] = (
    Platform("quickbooks", "QuickBooks Online", "QUICKBOOKS", "quickbooks"),
    Platform("xero", "Xero", "XERO", "xero"),
    Platform("netsuite", "NetSuite", "NETSUITE", "oracleNetsuite"),
    Platform("quickbooks_desktop", "QuickBooks Desktop", "QUICKBOOKS_DESKTOP", "quickbooksDesktop"),
)


def platform_named(text: str) -> Platform | None:
    """Return the profiled platform ``text`` names (Rutter's or Railz's name, any case), or None."""
    folded = text.strip().casefold()
    for platform in PLATFORMS:
        if folded in (platform.rutter.casefold(), platform.railz.casefold()):
            return platform
    return None


@attrs.frozen
class PlatformRow:
    """One field of one write format across the platforms."""

    format: str
    field: str
    quickbooks: Rule
    xero: Rule
    netsuite: Rule
    quickbooks_desktop: Rule
    source: str
    why: str = ""
    unless: str | None = None
    when_from: str | None = None

    def rule(self, platform: Platform) -> Rule:
        """Return this row's cell for ``platform``."""
        return getattr(self, platform.column)  # type: ignore[no-any-return]


_RUTTER = "Rutter spec 2024-08-31, create field description"
_RAILZ = "Railz docs, refunds push"
_RAILZ_REF = "Railz docs, reference types"

# fmt: off
ROWS: tuple[PlatformRow, ...] = (
    #           format           field                                            QuickBooks  Xero      NetSuite  QB Desktop
    PlatformRow("rutter-create", "currency_code",                                 TAKES,      TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes currency_code for QuickBooks and Xero only"),
    PlatformRow("rutter-create", "currency_rate",                                 REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes currency_rate for Xero only"),
    PlatformRow("rutter-create", "tax_rate_id",                                   TAKES,      TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes tax_rate_id for QuickBooks (over the location's rate) and Xero only"),
    PlatformRow("rutter-create", "document_number",                               REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes document_number for Xero only; a QuickBooks memo is a customer message, no document number"),
    PlatformRow("rutter-create", "additional_fields.tax_inclusive",               REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes additional_fields.tax_inclusive for Xero only"),
    PlatformRow("rutter-create", "passthrough",                                   TAKES,      TAKES,    TAKES,    TAKES,
                _RUTTER + " (the request's root, merged into the platform's request)"),
    PlatformRow("rutter-create", "line_items[].account_id",                       REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes a line's account_id for Xero only"),
    PlatformRow("rutter-create", "line_items[].class_id",                         TAKES,      REFUSED,  REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes a line's class_id for QuickBooks only"),
    PlatformRow("rutter-create", "line_items[].tax_rate_id",                      TAKES,      TAKES,    GENERIC,  GENERIC,
                _RUTTER + " (on QuickBooks, outside the US only)"),
    PlatformRow("rutter-create", "line_items[].additional_fields.sales_taxable",  REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RUTTER, why="Rutter takes a line's additional_fields.sales_taxable for Xero only"),
    PlatformRow("railz-v2-push", "memo",                                          REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RAILZ + " (memo: QuickBooks' customer message, Xero's reference)", when_from="document_number",
                why="Rutter's document_number is the platform's memo on Xero only; on QuickBooks a memo is the customer message, and no source says the two are one elsewhere"),
    PlatformRow("railz-v2-push", "passThrough",                                   TAKES,      TAKES,    TAKES,    TAKES,
                _RAILZ + " (push body schema)"),
    PlatformRow("railz-v2-push", "lines[].accountRef.id",                         GENERIC,    REQUIRED, GENERIC,  GENERIC,
                _RAILZ_REF + ": Xero requires accountRef where no inventoryRef is used", unless="inventoryRef.id",
                why="Xero requires a line's accountRef where the line has no inventoryRef"),
    PlatformRow("railz-push",    "memo",                                          REFUSED,    TAKES,    REFUSED,  REFUSED,
                _RAILZ + " (memo: QuickBooks' customer message, Xero's reference)", when_from="document_number",
                why="Rutter's document_number is the platform's memo on Xero only; on QuickBooks a memo is the customer message, and no source says the two are one elsewhere"),
    PlatformRow("railz-push",    "passThrough",                                   TAKES,      TAKES,    TAKES,    TAKES,
                _RAILZ + " (push body schema)"),
)
# fmt: on
