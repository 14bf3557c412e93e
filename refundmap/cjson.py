"""JSON read by jiter and written by msgspec, where they give exactly what :mod:`jsonio` gives.

Both ends in C, through well-kept libraries. Each takes only what it does the
same as the detailed reader and writer of :mod:`refundmap.jsonio`, which stay
for the rest: :func:`read` refuses (:class:`RefusedError`) whatever jiter refuses (a
repeated key, a lone surrogate, ``NaN``, text that is not JSON or not UTF-8, a
byte order mark, nesting deeper than 200) and an integer ``-0``, whose sign
jiter's integers lose; the detailed reader then names the problem with its
path. :func:`write` gives None where msgspec's text could differ: a decimal it
would print with an exponent, text it cannot encode, a value that is not JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, getcontext
from typing import TYPE_CHECKING, Any, TypeVar

import jiter

if TYPE_CHECKING:
    from msgspec.json import Encoder

__all__ = ["RefusedError", "encode", "read", "write"]

_T = TypeVar("_T")

# -0 not followed by what makes it -0.5, -0e1 or -01 (which jiter refuses anyway), and
# where a value may start: first, or after [ : , or a space (not within an id such as
# "878150-0" or a UUID: those are passed over by the regex, not one by one in Python).
_MINUS_ZERO = re.compile(rb"-0(?![0-9.eE])(?<![^\[:,\s]-0)")
#: msgspec's encoder, made on the first write: msgspec is imported then, not with refundmap.
_ENCODER: list[Encoder] = []
#: Buffers msgspec writes into, each held by one write at a time (a list's ``pop`` and
#: ``append`` are atomic): a text is not grown from msgspec's 32 bytes again each write.
_BUFFERS: list[bytearray] = []
#: The most memory a buffer keeps for the next write (bytes); a bigger one is let go.
_BUFFER_HELD = 1 << 22


class RefusedError(ValueError):
    """The document is not one :func:`read` decodes as the detailed reader would."""


def read(data: str | bytes | bytearray) -> Any:
    """Return JSON ``data`` decoded as :func:`refundmap.jsonio.loads` decodes it.

    Every number is a ``Decimal`` holding its digits as written.

    Raises:
        RefusedError: for anything jiter refuses, or that it would decode otherwise.
    """
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in a str
            raise RefusedError from None
    try:
        value = jiter.from_json(
            bytes(data),
            catch_duplicate_keys=True,
            float_mode="decimal",
            allow_inf_nan=False,
            cache_mode="keys",
        )
    except ValueError:
        raise RefusedError from None
    kind = type(value)
    if kind is dict or kind is list:
        if _exact(value) and _negative_zero(data):
            raise RefusedError
    elif kind is int:
        if not value and _negative_zero(data):
            raise RefusedError
        return Decimal(value)
    return value


def _negative_zero(data: bytes | bytearray) -> bool:
    """Return whether JSON text ``data`` holds an integer -0 (or, rarely, a string like one)."""
    for match in _MINUS_ZERO.finditer(data):
        # Where a value starts, not at the end of an id such as "878150-0".
        i = match.start() - 1
        while i >= 0 and data[i] in b" \t\r\n":
            i -= 1
        if i < 0 or data[i] in b"[:,":
            return True
    return False


def _exact(node: dict[str, Any] | list[Any]) -> bool:
    """Make the integers under ``node`` decimals, in place; return whether one was 0.

    jiter gives JSON integers as ``int``; the detailed reader gives every number
    as a ``Decimal``, and the rules downstream take them so.
    """
    zero = False
    items = node.items() if type(node) is dict else enumerate(node)
    for key, item in items:
        kind = type(item)
        if kind is int:
            node[key] = Decimal(item)  # type: ignore[index]
            zero = zero or not item
        elif kind is dict or kind is list:
            zero = _exact(item) or zero
    return zero


def _encoder() -> Encoder:
    import msgspec  # noqa: PLC0415

    _ENCODER.append(msgspec.json.Encoder(decimal_format="number"))
    return _ENCODER[0]


def write(value: Any) -> str | None:
    """Return the compact text :func:`refundmap.jsonio.dumps` gives ``value``, or None.

    ``value`` is JSON-ready with no float (keys are text; numbers are
    ``Decimal`` or ``int``), as refundmap's readers and conversions give it:
    msgspec writes a float as ``1e-07`` or a non-finite one as ``null``, jsonio
    as its decimal, and msgspec takes an ``int`` key that jsonio refuses. None where msgspec's
    text could differ (jsonio's writer then writes it): a decimal it would
    print with an exponent, a lone surrogate, a value that is not JSON, or a
    decimal context whose ``capitals`` is 0 (``str`` writes an exponent as ``e+n`` then).
    """
    return _written(value, bytearray.decode)


def encode(value: Any) -> bytes | None:
    """Return :func:`write`'s text of ``value`` as UTF-8, or None where :func:`write` gives None.

    For a writer of bytes: the text is not decoded to be encoded again.
    """
    return _written(value, bytes)


def _written(value: Any, made: Callable[[bytearray], _T]) -> _T | None:
    """Return ``made`` of msgspec's text of ``value``, or None where :func:`write` gives None.

    The text is written into a buffer of :data:`_BUFFERS`, given back for the
    next write where it holds at most :data:`_BUFFER_HELD` bytes.
    """
    if not getcontext().capitals:  # msgspec's str(Decimal) would write an exponent as e+n
        return None
    encoder = _ENCODER[0] if _ENCODER else _encoder()
    buffers = _BUFFERS
    try:
        buffer = buffers.pop()
    except IndexError:  # none free
        buffer = bytearray()
    try:
        encoder.encode_into(value, buffer)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return None
    # str(Decimal) writes an exponent as E+n or E-n; text holding either (in a
    # string too) is left to the detailed writer, which never uses one.
    text = None if _exponent(buffer) else made(buffer)
    if buffer.__alloc__() <= _BUFFER_HELD:
        buffers.append(buffer)
    return text


def _exponent(text: bytes | bytearray) -> bool:
    """Return whether ``text`` holds ``E+`` or ``E-``."""
    # Each E sought at C speed (memchr), the byte after it read as an int (no slice
    # made): a third fewer instructions than a slice's `in (b"+", b"-")`. An E
    # that ends the text is followed by no sign.
    end = len(text) - 1
    at = text.find(69, 0, end)  # E
    while at >= 0:
        if text[at + 1] in b"+-":
            return True
        at = text.find(69, at + 1, end)
    return False
