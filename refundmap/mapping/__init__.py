"""The field mapping between the formats: the table as data, and what applies it."""

from refundmap.mapping.runtime import PAIRS, Run
from refundmap.mapping.table import DEFAULT_KINDS, ENVELOPE, LINE, REFUND, Row

__all__ = ["DEFAULT_KINDS", "ENVELOPE", "LINE", "PAIRS", "REFUND", "Row", "Run"]
