"""Currency codes: ISO 4217 from the ``iso4217`` package, and the codes Rutter adds.

ISO 4217's current list (codes, names, minor units) comes from the maintained
``iso4217`` package rather than a table of ours. Rutter's ``currency_code`` enum
also takes codes ISO has withdrawn, and two that were never ISO's.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iso4217 import Currency

__all__ = ["RUTTER_EXTRA", "code_for_name", "is_code", "minor_unit"]

#: Codes Rutter's ``currency_code`` takes that ISO 4217's current list does not:
#: withdrawn ones, and ``ETH`` and ``BTC``. Their minor units (None: none defined).
RUTTER_EXTRA: dict[str, int | None] = {
    "BYR": 0,  # Belarusian ruble, replaced by BYN in 2016
    "HRK": 2,  # Croatian kuna, replaced by the euro in 2023
    "LTL": 2,  # Lithuanian litas, 2015
    "LVL": 2,  # Latvian lats, 2014
    "MRO": 2,  # Mauritanian ouguiya, replaced by MRU in 2018
    "SLL": 2,  # Sierra Leonean leone, replaced by SLE
    "STD": 2,  # Sao Tome and Principe dobra, replaced by STN in 2018
    "VEF": 2,  # Venezuelan bolivar fuerte, replaced by VES in 2018
    "XFU": None,  # UIC franc, withdrawn in 2013
    "BTC": 8,  # not ISO: satoshis
    "ETH": 18,  # not ISO: wei
}

#: ISO 4217's codes and minor units, filled on first use by :func:`_iso`.
_ISO: dict[str, int | None] = {}


def _currencies() -> type[Currency]:
    # iso4217 builds its table when imported (7 ms): only once a currency is looked at.
    from iso4217 import Currency  # noqa: PLC0415

    return Currency


def _iso() -> dict[str, int | None]:
    """Return ISO 4217's codes with their minor units (None: none defined)."""
    if not _ISO:
        _ISO.update({currency.code: currency.exponent for currency in _currencies()})
    return _ISO


def is_code(code: str) -> bool:
    """Return whether ``code`` is a currency code Rutter takes: ISO 4217's or one it adds."""
    return code in (_ISO or _iso()) or code in RUTTER_EXTRA


def minor_unit(code: str | None) -> int:
    """Return the number of minor digits of ``code``: 2 when unknown or undefined (gold)."""
    if code is None:
        return 2
    code = code.upper()
    exponent = (_ISO or _iso()).get(code, RUTTER_EXTRA.get(code))
    return 2 if exponent is None else exponent


@cache
def _names() -> dict[str, str | None]:
    """ISO 4217 names, case-folded, to their code; None for a name two currencies share."""
    currencies = _currencies()
    counts = Counter(currency.currency_name.casefold() for currency in currencies)
    return {
        currency.currency_name.casefold(): currency.code
        if counts[currency.currency_name.casefold()] == 1
        else None
        for currency in currencies
    }


def code_for_name(name: str) -> str | None:
    """Return the code of the one ISO 4217 currency named ``name`` (``US Dollar``: ``USD``).

    The name is compared without regard to case or surrounding spaces; None when
    no currency, or more than one (``Bolívar Soberano``), has that name.
    """
    return _names().get(name.strip().casefold())
