"""Deprecated: the run of a conversion is :mod:`refundmap.mapping.runtime`."""

from refundmap.mapping.runtime import PAIRS, Run

__all__ = ["PAIRS", "Run"]
