"""The project's hypothesis strategies: refundmap.testing's, and the building blocks behind them.

They live in the package (``refundmap/testing/_payloads.py``), so that users'
tests draw the same refunds the project's own tests do; this module names them
for the tests, as they were named before they moved.

The refunds here have at most ``MAX_LINES`` lines, and the lists and arrays of
documents at most ``MAX_RECORDS`` records, unless a test says otherwise: few in
the profiles a run uses every day (``ci``, ``dev``, ``fast``), the package's
own defaults (20 lines, 3 records) in ``deep``. The sizes that matter (none,
one, several) are all drawn either way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from refundmap.testing import _payloads
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
    railz_lines,
    railz_v2_lines,
    reference_ids,
    rutter_ids,
    rutter_lines,
    texts,
    timestamp_text,
    timestamps,
)
from refundmap.testing._priced import railz_priced_refunds, rutter_priced_refunds

_PROFILE = settings.get_current_profile_name()
#: The most lines of a generated refund, by hypothesis profile (see conftest.py).
MAX_LINES = {"fast": 3, "deep": 20}.get(_PROFILE, 5)
#: The most records of a generated list, and documents of an array.
MAX_RECORDS = {"deep": 3}.get(_PROFILE, 2)


def _sized(options: dict[str, Any]) -> dict[str, Any]:
    return {"max_lines": MAX_LINES, **options}


def _documents(options: dict[str, Any]) -> dict[str, Any]:
    return {"max_lines": MAX_LINES, "max_records": MAX_RECORDS, **options}


def rutter_refunds(**options: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A Rutter read refund whose totals add up, of at most MAX_LINES lines."""
    return _payloads.rutter_refunds(**_sized(options))


def rutter_documents(**options: Any) -> st.SearchStrategy[Any]:
    """A Rutter document of any shape, of MAX_RECORDS refunds of MAX_LINES lines at most."""
    return _payloads.rutter_documents(**_documents(options))


def rutter_create_bodies(**options: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A Rutter create object (bare, or as a request body), of at most MAX_LINES lines."""
    return _payloads.rutter_create_bodies(**_sized(options))


def railz_refunds(**options: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A Railz refund whose totals add up, of at most MAX_LINES lines."""
    return _payloads.railz_refunds(**_sized(options))


def railz_documents(**options: Any) -> st.SearchStrategy[Any]:
    """A Railz document of any shape, of MAX_RECORDS refunds of MAX_LINES lines at most."""
    return _payloads.railz_documents(**_documents(options))


def railz_v2_refunds(**options: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A Railz version 2 refund whose header total adds up, of at most MAX_LINES lines."""
    return _payloads.railz_v2_refunds(**_sized(options))


def railz_v2_documents(**options: Any) -> st.SearchStrategy[Any]:
    """A Railz version 2 document of any shape: MAX_RECORDS refunds of MAX_LINES lines at most."""
    return _payloads.railz_v2_documents(**_documents(options))


__all__ = [
    "MAX_LINES",
    "MAX_RECORDS",
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
