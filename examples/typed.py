"""The typed API end to end, for mypy --strict (CI checks this file; the test runs it).

python examples/typed.py
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import attrs

import refundmap
from refundmap.models import railz, rutter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def total_of_page(text: str) -> Decimal:
    """Sum a Railz page's totals from its typed models."""
    page = refundmap.load(text, "railz")
    records = page.data if isinstance(page, railz.ListResponse) else []
    return sum((r.total_amount for r in records if isinstance(r, railz.Refund)), Decimal(0))


def hour_updated(text: str) -> int | None:
    """Read a timestamp's hour: a Moment is narrowed to datetime first."""
    fetched = refundmap.load(text, "rutter")
    if not isinstance(fetched, rutter.FetchResponse):
        return None
    updated = fetched.customer_refund.updated_at
    return updated.hour if isinstance(updated, datetime) else None


def renamed(text: str, memo: str) -> str:
    """Change a record in code and write it back as the vendor's JSON."""
    refund = refundmap.load(text, "railz")
    if not isinstance(refund, railz.Refund):
        raise TypeError("expected one Railz refund")
    return refundmap.dump(attrs.evolve(refund, memo=memo))


def bodies(text: str, target: refundmap.FormatName = "rutter-create") -> list[str]:
    """Each record's body, ready to send."""
    return refundmap.convert(text, "railz", target).bodies()


def main() -> None:
    """Print what each function gives on the fixtures."""
    page = (FIXTURES / "railz/quickbooks-list.json").read_text()
    print(total_of_page(page))
    print(hour_updated((FIXTURES / "rutter/xero-fetch.json").read_text()))
    print(renamed((FIXTURES / "railz/seed-refund.json").read_text(), "edited")[:40])
    print(len(bodies(page)))
    schema: dict[str, object] = refundmap.json_schema("rutter-create")
    print(schema["title"])


if __name__ == "__main__":
    main()
