"""Deterministic Rutter and Railz list responses for benchmarks.

``python bench/generate.py rutter 1000 > rutter-1000.json`` writes one list
response of 1000 refunds, 3 lines each, with realistic values; the same
arguments always give the same bytes. ``--jsonl`` writes one refund a line.

The refunds are one company's: their references are drawn from its accounts,
customers, items, tax rates, classes and departments (:func:`company`), whose
Rutter reference list responses :func:`reference_documents` gives.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

CURRENCIES = ["USD", "EUR", "GBP", "CAD", "JPY"]
PRODUCTS = ["Ergonomic keyboard", "Wireless mouse", "USB-C dock", "Monitor arm", "Café crème"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


#: How many objects of each kind the company's refunds refer to.
POOLS = {"account": 40, "customer": 500, "item": 200, "tax_rate": 8, "class": 20, "department": 10}
#: Rutter's list key of each kind.
LIST_KEYS = {
    "account": "accounts",
    "customer": "customers",
    "item": "items",
    "tax_rate": "tax_rates",
    "class": "classes",
    "department": "departments",
}


@cache
def company(seed: int = 3) -> dict[str, list[tuple[str, str, str]]]:
    """The company's objects of each kind: ``(Rutter id, platform id, name)``."""
    rng = random.Random(seed)
    return {
        kind: [
            (_uuid(rng), str(rng.randint(1, 10**6)) + f"-{n}", f"{kind} {n}") for n in range(size)
        ]
        for kind, size in POOLS.items()
    }


def reference_documents() -> list[dict[str, Any]]:
    """Rutter's list responses of every object of :func:`company`, one a kind."""
    documents = []
    for kind, objects in company().items():
        name_key = "customer_name" if kind == "customer" else "name"
        rows = [
            {"id": rutter_id, "platform_id": platform_id, name_key: name, "status": "active"}
            for rutter_id, platform_id, name in objects
        ]
        documents.append({LIST_KEYS[kind]: rows, "next_cursor": None})
    return documents


def _pick(rng: random.Random, kind: str) -> tuple[str, str, str]:
    return rng.choice(company()[kind])


def _money(rng: random.Random, low: int, high: int, places: int) -> Decimal:
    return Decimal(rng.randint(low * 10**places, high * 10**places)).scaleb(-places)


def _day(rng: random.Random) -> str:
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _stamp(rng: random.Random) -> str:
    hour, minute, second = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return f"{_day(rng)}T{hour:02d}:{minute:02d}:{second:02d}.000Z"


def _ref(obj: tuple[str, str, str]) -> dict[str, str]:
    """A Railz reference: the platform's id and the name."""
    return {"id": obj[1], "name": obj[2]}


def rutter_refunds(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """Yield ``count`` Rutter refunds whose totals add up."""
    rng = random.Random(seed)
    for number in range(count):
        currency = rng.choice(CURRENCIES)
        places = 0 if currency == "JPY" else 2
        lines = []
        for _ in range(3):
            quantity = rng.randint(1, 5)
            unit = _money(rng, 1, 500, places)
            lines.append(
                {
                    "account_id": _pick(rng, "account")[0],
                    "class_id": rng.choice([None, _pick(rng, "class")[0]]),
                    "tax_rate_id": _pick(rng, "tax_rate")[0],
                    "total_amount": quantity * unit,
                    "description": rng.choice(PRODUCTS),
                    "item": {
                        "id": _pick(rng, "item")[0],
                        "quantity": quantity,
                        "unit_amount": unit,
                    },
                }
            )
        summed = sum((line["total_amount"] for line in lines), Decimal(0))
        tax = (summed * Decimal("0.08")).quantize(Decimal(1).scaleb(-places))
        discount = rng.choice([None, Decimal(5).quantize(Decimal(1).scaleb(-places))])
        yield {
            "id": _uuid(rng),
            "platform_id": str(10_000 + number),
            "account_id": _pick(rng, "account")[0],
            "class_id": None,
            "customer_id": _pick(rng, "customer")[0],
            "department_id": rng.choice([None, _pick(rng, "department")[0]]),
            "tax_rate_id": None,
            "transaction_date": _day(rng),
            "total_amount": summed - (discount or 0) + tax,
            "currency_code": currency,
            "currency_rate": Decimal(1) if currency == "USD" else _money(rng, 0, 2, 4),
            "discount_amount": discount,
            "document_number": f"CR-{number:06d}",
            "tax_amount": tax,
            "line_items": lines,
            "created_at": _stamp(rng),
            "updated_at": _stamp(rng),
            "last_synced_at": _stamp(rng),
            "platform_url": f"https://app.example.com/refund?id={10_000 + number}",
        }


def railz_refunds(count: int, seed: int = 2) -> Iterator[dict[str, Any]]:
    """Yield ``count`` Railz refunds whose totals add up."""
    rng = random.Random(seed)
    for number in range(count):
        currency = rng.choice(CURRENCIES)
        places = 0 if currency == "JPY" else 2
        lines = []
        for index in range(3):
            quantity = rng.randint(1, 5)
            unit = _money(rng, 1, 500, places)
            tax = (quantity * unit * Decimal("0.13")).quantize(Decimal(1).scaleb(-places))
            lines.append(
                {
                    "id": str(index + 1),
                    "description": rng.choice(PRODUCTS),
                    "unitAmount": unit,
                    "quantity": quantity,
                    "discountAmount": Decimal(0),
                    "subTotal": quantity * unit,
                    "taxAmount": tax,
                    "totalAmount": quantity * unit + tax,
                    "accountRef": _ref(_pick(rng, "account")),
                    "taxRateRef": {**_ref(_pick(rng, "tax_rate")), "effectiveTaxRate": 13},
                    "inventoryRef": _ref(_pick(rng, "item")),
                }
            )
        sub_total = sum((line["subTotal"] for line in lines), Decimal(0))
        tax_total = sum((line["taxAmount"] for line in lines), Decimal(0))
        yield {
            "id": str(20_000 + number),
            "customerRef": _ref(_pick(rng, "customer")),
            "accountRef": _ref(_pick(rng, "account")),
            "date": _stamp(rng),
            "currencyRef": {"id": currency, "name": currency},
            "currencyRate": _money(rng, 0, 2, 4),
            "lines": lines,
            "subTotal": sub_total,
            "taxAmount": tax_total,
            "totalDiscount": Decimal(0),
            "totalAmount": sub_total + tax_total,
            "memo": f"Refund {number}",
            "sourceModifiedDate": _stamp(rng),
        }


def rutter_list(count: int) -> dict[str, Any]:
    """A Rutter list response of ``count`` refunds."""
    connection = {"id": "6f1c2a7e-4b1d-4f7a-9c55-0f3b8d2e9a10", "orgId": "b2d9", "platform": "XERO"}
    return {
        "customer_refunds": list(rutter_refunds(count)),
        "next_cursor": "MTcxMDc2MTEwMA==",
        "connection": connection,
    }


def railz_list(count: int) -> dict[str, Any]:
    """A Railz list response of ``count`` refunds."""
    return {
        "pagination": {"offset": 0, "limit": count, "count": count},
        "count": count,
        "meta": {"serviceName": "quickbooks", "businessName": "Northwind"},
        "data": list(railz_refunds(count)),
    }


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)  # the generator's decimals have few digits: repr is exact
    raise TypeError(value)


def dumps(value: Any) -> bytes:
    """JSON bytes as a vendor sends them."""
    return json.dumps(value, default=_default, ensure_ascii=False).encode()


def main() -> None:
    """Write a list response (or JSON Lines with --jsonl) to stdout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("vendor", choices=["rutter", "railz"])
    parser.add_argument("count", type=int)
    parser.add_argument("--jsonl", action="store_true")
    args = parser.parse_args()
    out = sys.stdout.buffer
    if args.jsonl:
        records = rutter_refunds if args.vendor == "rutter" else railz_refunds
        for record in records(args.count):
            out.write(dumps(record) + b"\n")
    else:
        out.write(dumps((rutter_list if args.vendor == "rutter" else railz_list)(args.count)))


if __name__ == "__main__":
    main()
