"""The project's hypothesis strategies: refundmap.testing's, and the building blocks behind them.

They live in the package (``refundmap/testing/_payloads.py``), so that users'
tests draw the same refunds the project's own tests do; this module names them
for the tests, as they were named before they moved.
"""

from __future__ import annotations

from refundmap.testing._payloads import (
    OFFSETS,
    amounts,
    connections,
    currencies,
    date_text,
    dates,
    directories,
    fraction,
    identifiers,
    json_values,
    maybe,
    money,
    offsets,
    railz_documents,
    railz_lines,
    railz_priced_refunds,
    railz_refunds,
    railz_v2_documents,
    railz_v2_lines,
    railz_v2_refunds,
    reference_ids,
    rutter_create_bodies,
    rutter_documents,
    rutter_ids,
    rutter_lines,
    rutter_priced_refunds,
    rutter_refunds,
    texts,
    timestamp_text,
    timestamps,
)

__all__ = [
    "OFFSETS",
    "amounts",
    "connections",
    "currencies",
    "date_text",
    "dates",
    "directories",
    "fraction",
    "identifiers",
    "json_values",
    "maybe",
    "money",
    "offsets",
    "railz_documents",
    "railz_lines",
    "railz_priced_refunds",
    "railz_refunds",
    "railz_v2_documents",
    "railz_v2_lines",
    "railz_v2_refunds",
    "reference_ids",
    "rutter_create_bodies",
    "rutter_documents",
    "rutter_ids",
    "rutter_lines",
    "rutter_priced_refunds",
    "rutter_refunds",
    "texts",
    "timestamp_text",
    "timestamps",
]
