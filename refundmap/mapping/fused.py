"""The fast path's reader: straight-line Python generated per format from its models.

As :mod:`refundmap.mapping.compiler` generates the mapping of a pair of formats,
this module generates, for each model of a read format, a function that reads
the decoded JSON object once and accepts it only when the detailed reader (the
codec's structuring, :func:`refundmap.validation.load`) would read it without a
word: every key known (no alias), every required key present, each value of
its JSON type, amounts within :func:`refundmap.money.in_bounds`, integers
whole, dates as :func:`refundmap.dates.parse_date` reads them, no empty object.
Anything else raises :class:`Fallback`, and the document goes to the detailed
path, which names every problem with its path.

An accepted object is not structured through cattrs: the reader makes a
*view*, a plain object with a slot for each of the model's attributes (made in
one call of the values read, never tracked by the collector: :func:`_view`), holding
the values the codec would give them (the decoded ``Decimal`` and ``str``
objects, an amount sent as a JSON integer as an equal ``Decimal``, integers as
``int``, dates parsed). The compiled mapping, the report and
the checks read a view as they read a model; the source's checks run on it as
on the model, each finding a warning, as on the detailed path. A Rutter record of
JSON text is first given to ``msgspec.convert``, which makes its views in C where
its keys and strings are as the reader takes them (:meth:`_Generator.converted`).

``python -c "from refundmap.mapping.fused import source; print(source('railz'))"``
prints the generated code of a format.
"""

from __future__ import annotations

import json
import linecache
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import date, datetime
from decimal import Clamped, Context, Decimal, InvalidOperation, Overflow, Rounded, localcontext
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

import attrs
import jiter
import msgspec

from refundmap import cjson, jsonio
from refundmap.checks import fast_check
from refundmap.codec.fields import fields, is_list, keys, models_in, without_none
from refundmap.dates import _KEPT, _KEPT_HELD, DateError, Day, Moment, parse_date, parse_day
from refundmap.formats import Format, get_format
from refundmap.jsonio import check_numbers
from refundmap.mapping import fused_map
from refundmap.mapping.compiler import _Function
from refundmap.mapping.fused_map import Fallback
from refundmap.models._base import JSONObject
from refundmap.money import EXACT, MAX_DECIMAL_PLACES, MAX_DIGITS, in_bounds
from refundmap.paths import format_path
from refundmap.report import Entry, Kind, Path, Problem, ValidationError
from refundmap.validation import (
    Decoded,
    Loaded,
    Part,
    _foreign_hint,
    _ids_as_text,
    _numeric_ids,
    _read_as_text,
    _with_empty_lines,
    decode,
)

if TYPE_CHECKING:
    from refundmap.conversion import Conversion, Converter

__all__ = ["ENABLED", "TALLY", "Fallback", "Reader", "Tally", "convert", "load", "reader", "source"]


#: Dates read already (the common ones repeat), as the codec reads them.
_DATES: dict[str, date] = {}
_DATES_HELD = 4096

#: The form :func:`refundmap.dates.format_date` writes a UTC timestamp of whole milliseconds
#: in, hours 00-23 (hour 24 is a day's end, which ``parse_date`` keeps as written): text of
#: ``parse_date``'s ``_CANONICAL`` form, which it reads by ``datetime.fromisoformat``.
_WRITTEN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
).fullmatch
_FROM_ISO = datetime.fromisoformat


def _moment(value: object) -> date:
    """Return a date or timestamp as the codec reads it (:func:`refundmap.dates.parse_date`).

    For a value not held in ``_DATES`` (the generated readers seek it there
    first), which holds it then. Text in the form ``format_date`` writes
    (``_WRITTEN``) is read as ``parse_date`` reads it, by ``fromisoformat``
    alone, and written back as read (:func:`refundmap.dates.keep_text`);
    other text, or a day or second that does not exist, by ``parse_date``.
    """
    if type(value) is not str:
        raise Fallback
    if len(_DATES) >= _DATES_HELD:
        _DATES.clear()
    if _WRITTEN(value) is not None:
        try:
            known = _DATES[value] = _FROM_ISO(value)
        except ValueError:  # 02-30, second 60: parse_date refuses or keeps it
            pass
        else:
            if len(_KEPT) >= _KEPT_HELD:  # keep_text, inline
                _KEPT.clear()
            _KEPT[id(known)] = known, value
            return known
    try:
        read = _DATES[value] = parse_date(value)
    except DateError:
        raise Fallback from None
    return read


def _day(value: object) -> date:
    """Return a calendar date as the codec reads it (:func:`refundmap.dates.parse_day`)."""
    if type(value) is not str:
        raise Fallback
    try:
        return parse_day(value)
    except DateError:
        raise Fallback from None


def _opaque(value: object) -> int:
    """Take opaque JSON (``platform_data``) where the codec takes it as it is; count it.

    Returns its keys and strings, counted (:func:`_walk`).
    """
    if type(value) is not dict:
        raise Fallback
    counted = _walk(value)  # its integers as the detailed reader gives them
    if check_numbers(value) is not None:
        raise Fallback
    return counted


def _walk(node: dict[str, Any] | list[Any]) -> int:
    """Make the integers under ``node`` decimals, in place; return its keys and strings counted.

    The detailed reader's walk (:func:`refundmap.cjson._exact`), noting a 0
    (``_ZERO``), which also counts what :func:`_repeated` compares.
    """
    if type(node) is dict:
        counted = len(node)
        items: Any = node.items()
    else:
        counted = 0
        items = enumerate(node)
    for key, item in items:
        kind = type(item)
        if kind is str:
            counted += 1
        elif kind is int:
            node[key] = Decimal(item)
            if not item:
                _ZERO.seen = True
        elif kind is dict or kind is list:
            counted += _walk(item)
    return counted


#: JSON integers the codec takes as they are lie strictly within this bound (money.in_bounds).
_BOUND = 10**15


def _integer(value: object) -> int:
    """Return a JSON number as the ``int`` a model holds, where the codec takes it as it is."""
    if type(value) is int:  # as jiter gives it (see _decode)
        if -_BOUND < value < _BOUND:
            return value
        raise Fallback
    if in_bounds(value) and value == value.to_integral_value():
        return int(value)
    raise Fallback


#: The decimals of the small JSON integers amounts are (0, quantities, rates), made once:
#: a ``Decimal`` is immutable, and making one of an ``int`` costs three times the lookup.
_SMALL_DECIMALS = tuple(Decimal(i) for i in range(1024))

#: Whether the document this thread reads holds a JSON integer 0 whose sign a value keeps
#: (an amount's ``Decimal``, opaque JSON): only then is its text searched for a -0, which
#: jiter reads as 0 (see :func:`load`). An ``int`` has no -0: integers need no note.
_ZERO = threading.local()


def _zero() -> Decimal:
    """Return an amount sent as the JSON integer 0, noting that the document holds one."""
    _ZERO.seen = True
    return _SMALL_DECIMALS[0]


def _amount_lines(*, finite: bool = False) -> list[str]:
    """Return the lines that check an amount ``v`` and make it the codec's ``Decimal``.

    A JSON integer within the bounds is made a decimal (0 noted, :func:`_zero`);
    a ``Decimal`` is taken where :func:`refundmap.money.in_bounds` takes it: at
    once where it prints in at most 15 characters without an exponent, without
    an ``N`` and ending in a digit (so finite, below 10^15, with at most 13
    places), else as ``in_bounds`` decides (a decoded document given may hold
    ``Infinity``, ``NaN`` or a NaN with a payload, ``NaN123``, which print
    short). Anything else raises Fallback.

    ``finite``: for the decimals of JSON text (jiter's, or the detailed
    decoder's), never infinite nor NaN: taken at once where :data:`_BOUNDED`
    takes it exactly, else as ``in_bounds`` decides.
    """
    decimal = (
        [
            "    try:",
            "        _bounded(v)",
            "    except ArithmeticError:",
            "        if not _in_bounds(v): raise Fallback from None",
        ]
        if finite
        else [
            f"    if (len(t := str(v)) > {MAX_DIGITS} or 'E' in t or 'N' in t or t[-1] > '9')"
            " and not _in_bounds(v):",
            "        raise Fallback",
        ]
    )
    return [  # a decimal first: most amounts are sent with a point
        "if (c := type(v)) is Decimal:",
        *decimal,
        "elif c is not int: raise Fallback",
        f"elif 0 < v < {len(_SMALL_DECIMALS)}: v = _small[v]",
        "elif not v: v = _zero()",
        f"elif -{_BOUND} < v < {_BOUND}: v = Decimal(v)",
        "else: raise Fallback",
    ]


#: What takes a finite decimal amount at once: ``_BOUNDED.plus(v)`` signals nothing it traps
#: exactly where ``v`` has at most 21 digits (else Rounded), an adjusted exponent of at most 14
#: (below 10^15; else Overflow, or Clamped for a zero) and an exponent of at least Etiny,
#: Emin - prec + 1 = -20 (at most 20 places; else Rounded, or Clamped for a zero): so within
#: ``in_bounds``. An infinity signals nothing: only for decimals of JSON text, never infinite.
_BOUNDED = Context(
    prec=MAX_DECIMAL_PLACES + 1,
    Emax=MAX_DIGITS - 1,
    Emin=0,
    clamp=0,
    traps=[Rounded, Overflow, Clamped, InvalidOperation],
)


#: The quote marks of the text this thread's document was decoded from (:func:`_decode`);
#: None where it was not decoded without the repeated-key check.
_TEXT = threading.local()

#: jiter's options, as the detailed reader's (:func:`refundmap.cjson.read`) but for the
#: repeated-key check (:func:`_repeated`). Strings cached too, not only keys, for both
#: vendors: names, currencies, dates recur from record to record, and a value met again
#: is the same object (2% fewer instructions a Rutter page's conversion than its keys alone).
#: msgspec's untyped decoder (``float_hook=Decimal``), measured in jiter's place, decodes
#: in 0.80-0.84 of the time and 0.88-0.90 of the instructions, but makes every string a
#: new object: the reader, the checks, the mapping, freeing and writing then took 2-28%
#: longer, the whole conversion 1.05-1.11 of the time (1.00 / 0.98 of its instructions).
_JITER: dict[str, Any] = {"float_mode": "decimal", "allow_inf_nan": False, "cache_mode": "all"}


def _decode(document: Any) -> Any:
    """Decode ``document`` as :func:`refundmap.validation.decode` does, JSON integers as ``int``.

    jiter gives JSON integers as ``int``; the detailed reader walks the document
    to make each a ``Decimal`` (:func:`refundmap.cjson.read`). The fast reader
    takes them as they are, and :func:`_as_decoded` walks a document it leaves
    to the detailed path. Text that jiter refuses is decoded by the detailed
    reader. An integer ``-0`` is read as 0 (an ``int`` has no sign): where its
    sign is kept, :func:`load` decodes the text again (:func:`_minus_zero`).

    A repeated key is not sought here: it keeps its last value, and :func:`load`
    proves there was none (:func:`_repeated`), from the quote marks counted here.
    """
    _TEXT.quotes = None
    if not isinstance(document, str | bytes | bytearray):
        return decode(document)
    try:
        data = document.encode("utf-8") if isinstance(document, str) else bytes(document)
    except UnicodeEncodeError:  # a lone surrogate in a str
        return decode(document)
    try:
        raw = jiter.from_json(data, **_JITER)
    except ValueError:
        return decode(document)  # the detailed reader names the problem
    _TEXT.quotes = _quotes(data)
    return raw


def _quotes(data: bytes) -> int:
    r"""Return how many quote marks JSON text ``data`` holds: what :func:`_repeated` compares.

    Each opens or closes a key or a string, or is escaped in one: so at least
    twice as many as the keys and strings of the text, and, where a key is
    repeated in an object, more than twice those of its decoded value, which
    keeps one value of the key (and only what that value holds). A reader
    that counts the keys and strings of the decoded value (the generated
    readers, :func:`_walk`), none twice, so proves that no key was repeated
    (and no quote mark escaped) where the count is half the quote marks.

    The quote marks escaped are not counted where no backslash is escaped
    (``\\``): each backslash then opens an escape, and each ``\"`` is a quote
    mark in a string, not one that closes it. A text with an escaped backslash
    is counted whole (its escaped quote marks, if any, make it checked again).
    """
    quotes = data.count(b'"')
    if b"\\" in data and b"\\\\" not in data:  # a memo saying 12" costs no second decoding
        quotes -= data.count(b'\\"')
    return quotes


def _repeated(document: Any, counted: int) -> bool:
    """Whether the document :func:`_decode` decoded unchecked repeats a key within an object.

    None was repeated where ``counted``, the keys and strings counted in its
    decoded value, is half the quote marks of its text (:func:`_quotes`); else
    (a quote mark escaped, a key repeated) jiter decodes the text again, seeking one.
    """
    found = _TEXT.quotes
    if found is None or found == 2 * counted:
        return False
    data = document.encode("utf-8") if isinstance(document, str) else bytes(document)
    try:
        jiter.from_json(data, catch_duplicate_keys=True, **_JITER)
    except ValueError:  # jiter took it unchecked: a key repeated
        return True
    return False


def _as_decoded(raw: Any, count: list[int]) -> Any:
    """Return what :func:`_decode` gave as :func:`refundmap.validation.decode` gives it.

    A JSON integer 0 in it is noted (``_ZERO``): its text may have said -0.
    Its keys and strings, all counted (:func:`_walk`), are ``count[0]``.
    """
    kind = type(raw)
    if kind is dict or kind is list:
        count[0] = _walk(raw)
        return raw
    count[0] = int(kind is str)
    if kind is int:
        if not raw:
            _ZERO.seen = True
        return Decimal(raw)
    return raw


def _minus_zero(document: Any) -> bool:
    """Whether JSON text ``document`` holds an integer -0 (which jiter reads as 0)."""
    if isinstance(document, str):
        document = document.encode("utf-8")  # as _decode did, which took it
    return isinstance(document, bytes | bytearray) and cjson._negative_zero(document)  # noqa: SLF001


def _view(cls: type) -> type:
    """Return the class of the views of ``cls``: a slot an attribute, made in one call.

    A ``msgspec.Struct`` made in C of the values read, never tracked by the
    collector (``gc=False``: a view holds no cycle), equal only to itself as a
    slot object is (``eq=False``). Read and freed as a slot object is; made
    with its values, not an attribute at a time.
    """
    names = tuple(f.name for f in fields(cls))
    return msgspec.defstruct(f"{cls.__name__}View", names, module=__name__, gc=False, eq=False)


#: The most keys of an object read by subscript where it has all it knows (see reader).
_WHOLE = 4

#: Whether an object whose optional keys are counted up, each nullable, reads them only
#: where it has more keys than its required ones (see reader; off: read in every object).
_SHORT = True

#: How a key is read: required, or optional and counted when found, or when not.
_How = Literal["required", "up", "down"]


#: A generated reader's own names (not an attribute's, nor ``s``, the count an object read
#: inline shares with its holder), and its quoted keys.
_LOCAL = re.compile(r"(?<![.\w])([vtcwnmodg]|[ah][0-9]+)\b")
_QUOTED = re.compile(r"('[^']*')")


class _Generator:
    """Writes one reader function per model of a format.

    Each reader also counts, in ``s``, the keys and the strings of the objects
    it reads (see :func:`_repeated`): a figure fixed by the model for an object
    holding the keys it expects (its :attr:`counts`), less what a value absent
    or null would have added, more what an optional value found adds; a list
    of objects adds its items', a list of strings its length. A reader adds
    its count to ``k[0]`` as it returns, not where it raises Fallback.
    """

    def __init__(self, fmt: Format, *, finite: bool = False) -> None:
        self.fmt = fmt
        self.finite = finite  # of JSON text: its decimals finite (see _amount_lines)
        self.functions: list[list[str]] = []
        self.done: dict[type, str] = {}
        self.bodies: dict[type, list[str]] = {}
        #: What an object of a model adds to ``s`` where its required keys and those
        #: counted down are there, not null, and no other (objects held inline too).
        self.counts: dict[type, int] = {}
        self.inlines = 0
        #: The readers by msgspec.convert, of a model that has one (see :meth:`converted`).
        self.converters: dict[type, str] = {}
        self.structs: dict[tuple[type, bool], type | None] = {}
        #: Whether the format's records are read by msgspec first (see converted).
        self.convert = finite and _CONVERT and fmt.name in _CONVERTED
        #: The keys the readers read (see _pinned).
        self.keys: set[str] = set()
        self.names: dict[str, Any] = {
            "Fallback": Fallback,
            "Decimal": Decimal,
            "_in_bounds": in_bounds,
            "_bounded": _BOUNDED.plus,
            "_moment": _moment,
            "_day": _day,
            "_integer": _integer,
            "_dates_get": _DATES.get,
            "_small": _SMALL_DECIMALS,
            "_zero": _zero,
            "_opaque": _opaque,
            "_convert": msgspec.convert,
            "_Invalid": msgspec.ValidationError,
        }

    def name(self, value: Any, hint: str) -> str:
        name = f"_{hint}_{len(self.names)}"
        self.names[name] = value
        return name

    def module(self) -> str:
        return "\n\n".join("\n".join(lines) for lines in self.functions) + "\n"

    def reader(self, cls: type) -> str:  # noqa: C901, PLR0912, PLR0915 - one generated function
        """Return the name of the generated function reading an object of ``cls``."""
        if cls in self.done:
            return self.done[cls]
        name = f"read_{cls.__name__}"
        self.done[cls] = name
        names = keys(cls, self.fmt.naming)
        self.keys.update(names.values())
        # A list page's records are read one by one; ``r`` reads one refused (see _load).
        records = next((s.records for s in self.fmt.envelopes if s.many and s.model is cls), None)
        # Where its records are read by msgspec first, a view is of the class msgspec makes:
        # one class whichever reads it (the code reading views sees one class).
        shared = self._struct(cls, top=cls is self.fmt.record) if self.convert else None
        view = self.name(shared or _view(cls), "view")
        code = _Function(f"def {name}(d{', r' if records else ''}, k):")
        known = frozenset(names.values())
        # Required; or a default other than None, which a view would not read: present.
        required = frozenset(names[f.name] for f in fields(cls) if f.default is not None)
        # An empty object is an empty line where lines are (left out, and warned of).
        code(f"if type(d) is not dict{'' if required else ' or not d'}: raise Fallback")
        counted = required != known
        # The keys are counted as read: as many as the object's keys means none unknown
        # (each counted key is a known one it has); otherwise (a null, an unknown key) the
        # keys are compared. Where most keys are required (Rutter's objects), the optional
        # ones are mostly absent, and those found are counted; else (Railz's, mostly
        # optional and there) all are counted but those found absent or null.
        up = 2 * len(required) > len(known)
        nested = [f for f in fields(cls) if f.name == records or models_in(without_none(f.type))]
        # A small object of optional keys (a reference) with as many keys as it knows has
        # them all (any other would be unknown): read by subscript, none counted.
        whole = counted and not up and not nested and len(known) <= _WHOLE
        if not counted:  # every key required: any other is unknown
            code(f"if len(d) != {len(known)}: raise Fallback")
        if whole:
            self._whole(code, cls, names)
        # Where the optional keys are counted up, each nullable, they are read after the
        # required ones, and only where the object has more keys than those: else none
        # is there (most of Rutter's lines), their locals None without a lookup.
        short = (
            _SHORT
            and counted
            and up
            and all(
                type(None) in get_args(f.type) for f in fields(cls) if names[f.name] not in required
            )
        )
        optional = _Function("")
        optional.depth = code.depth + 1
        if counted:
            (optional if short else code)(f"n = {len(required) if up else len(known)}")
        # An optional key is read by ``d.get``: bound once where there are several.
        get = "g" if len(known - required) > 2 else "d.get"
        if get == "g":
            (optional if short else code)("g = d.get")
        # An object's own values first; the objects and lists it holds are read after its
        # keys are counted, so that an unknown key costs no more than it did before.
        weights: dict[str, tuple[_How, int]] = {}
        nulls: list[tuple[str, str]] = []  # an optional key counted up and nullable, its local
        fixed = 0  # the count of the keys expected, not null, and of their strings
        for index, field in enumerate(fields(cls)):
            key = names[field.name]
            nullable = type(None) in get_args(field.type)
            how: _How = "required" if key in required else "up" if up else "down"
            into = optional if short and how == "up" else code
            if field in nested:
                held = without_none(field.type)
                # An object held is counted with its holder; a list's items as read.
                weight = 1 if is_list(held) else 1 + self.count(models_in(held)[0])
                weights[field.name] = how, weight
                start = len(into.lines)
                _field(into, key, [], how, nullable=nullable, weight=weight, get=get)
                _as_local(into, start, f"a{index}")
            else:
                check, strings = self._check(without_none(field.type), field.metadata)
                weight = 1 + strings
                start = len(into.lines)
                _field(into, key, check, how, nullable=nullable, weight=weight, get=get)
                _as_local(into, start, f"a{index}")
            if how != "up":
                fixed += weight
            elif nullable:
                nulls.append((key, f"a{index}"))
        if short:
            code(f"if (w := len(d)) == {len(required)}:")
            code(f"    {' = '.join(local for _, local in nulls)} = None")
            code("else:")
            code.lines.extend(optional.lines[1:])
            code.indent()
        if counted:
            exact = f"{self.name(known, 'known')}.issuperset(d)"
            _compared(code, exact, nulls, size="w" if short else "len(d)")
        if short:
            code.dedent()
        if whole:
            code.dedent()
        for field in nested:
            if field.name == records:
                # Each record read here, no call between; one it refuses given to ``r``.
                read = self.converters.get(self.fmt.record) or self.reader(self.fmt.record)
                check = [
                    "if type(v) is not list: raise Fallback",
                    "l = []",
                    "for i, x in enumerate(v):",
                    "    try:",
                    f"        l.append({read}(x, k))",
                    "    except Fallback:",
                    "        l.append(r(x, i, k))",
                    "v = l",
                ]
            else:
                check, _ = self._check(without_none(field.type), field.metadata)
            start = len(code.lines)
            if type(None) in get_args(field.type):
                code.block("if v is not None:", *check)
                how, weight = weights[field.name]
                if how == "required" and weight > 1:  # a null: its key alone counted
                    code.block("else:", f"s -= {weight - 1}")
            else:  # every check refuses None
                for line in check:
                    code(line)
            _as_local(code, start, f"a{fields(cls).index(field)}")
        # The view made at once of the values read, in the order of the model's fields.
        order = _order(cls) if shared else range(len(fields(cls)))
        code(f"o = {view}({', '.join(f'a{i}' for i in order)})")
        self.bodies[cls] = [line[4:] for line in code.lines[1:]]
        code("k[0] += s")
        code("return o")
        code.lines.insert(1, f"    s = {fixed}")
        self.counts[cls] = fixed
        self.functions.append(code.lines)
        return name

    def _whole(self, code: _Function, cls: type, names: dict[str, str]) -> None:
        """Write the reading of an object of ``cls`` that has every key it knows, and ``else:``.

        Each key read by subscript, as a required one; the lines after are the
        reading of any other object of ``cls``, indented under the ``else:``.
        """
        code(f"if len(d) == {len(names)}:")
        code.indent()
        for index, field in enumerate(fields(cls)):
            check, strings = self._check(without_none(field.type), field.metadata)
            nullable = type(None) in get_args(field.type)
            key, weight = names[field.name], 1 + strings
            start = len(code.lines)
            _field(code, key, check, "required", nullable=nullable, weight=weight, get="")
            _as_local(code, start, f"a{index}")
        code.dedent()
        code("else:")
        code.indent()

    def converted(self, cls: type) -> str | None:
        """Return the name of a reader of ``cls`` by ``msgspec.convert``; None where none is made.

        msgspec makes the views of the object and of the objects and lists it holds
        in one call, checking in C the keys (none unknown, the required ones there)
        and the values it types (strings, booleans, literals, null where nullable);
        the other values (amounts, dates, opaque JSON, ...) are checked after, by the
        reader's own lines, on the views, and written back where they are made anew.
        What msgspec refuses is read by :meth:`reader`'s function, which decides
        (a view msgspec makes is one that function would make, of the same values).
        The keys and strings are counted after, from the views and the objects' sizes.
        """
        struct = self._struct(cls, top=True)
        if struct is None:
            return None
        name = f"convert_{cls.__name__}"
        code = _Function(f"def {name}(d, k):")
        code.block("try:", f"o = _convert(d, {self.name(struct, 'struct')})")
        code.block("except _Invalid:", f"return {self.reader(cls)}(d, k)")
        code("s = len(d)")
        self._after(code, cls, "o", depth=0)
        code("k[0] += s")
        code("return o")
        self.converters[cls] = name
        self.functions.append(code.lines)
        return name

    def _struct(self, cls: type, *, top: bool) -> type | None:
        """Return the class msgspec makes the views of ``cls`` as; None where it cannot.

        Only where an object of ``cls`` has a key required (so that msgspec refuses
        ``{}``, as the reader does). A held object is made by msgspec where each of its
        keys is required (its size is known), a list of objects only at the top (each
        object's size read from the list); any other value msgspec passes as it is.
        """
        if (cls, top) in self.structs:
            return self.structs[cls, top]
        names = keys(cls, self.fmt.naming)
        specs: list[tuple[Any, ...]] = []
        if all(f.default is None for f in fields(cls)) or any(
            f.default is None and type(None) not in get_args(f.type) for f in fields(cls)
        ):  # no key required; or one optional, not nullable (the reader refuses it absent)
            self.structs[cls, top] = None
            return None
        for field in (fields(cls)[index] for index in _order(cls)):
            kind, made = self._kind(field, top=top)
            typed: Any = made if kind != "any" else Any
            if kind != "any" and type(None) in get_args(field.type):
                typed = typed | None
            spec = (field.name, typed) if field.default is not None else (field.name, typed, None)
            specs.append(spec)
        struct = msgspec.defstruct(
            f"{cls.__name__}View",
            specs,
            module=__name__,
            forbid_unknown_fields=True,
            rename={f.name: names[f.name] for f in fields(cls)},
            gc=False,
            eq=False,
        )
        self.structs[cls, top] = struct
        return struct

    def _kind(self, field: Any, *, top: bool) -> tuple[str, Any]:
        """Return how msgspec makes a field's value (``any``: passed as it is), and its type."""
        type_ = without_none(field.type)
        if "max_length" in field.metadata or "min_items" in field.metadata:
            return "any", None
        if type_ is str or type_ is bool or get_origin(type_) is Literal:
            return "leaf", type_
        models = models_in(type_)
        if not models:
            return "any", None
        held = models[0]
        if is_list(type_):
            made = self._struct(held, top=False) if top else None
            return ("list", list[made]) if made is not None else ("any", None)  # type: ignore[valid-type]
        if type_ is held and all(f.default is not None for f in fields(held)):
            made = self._struct(held, top=False)
            return ("held", made) if made is not None else ("any", None)
        return "any", None

    def _after(self, code: _Function, cls: type, view: str, *, depth: int) -> None:
        """Write what checks and counts an object of ``cls`` made by msgspec, its view ``view``.

        Its size is counted already (``s``); its strings are counted here, its other
        values checked by the reader's lines (:meth:`_check`), those made anew (a
        decimal of an integer, a date, a view) written into the view.
        """
        names = keys(cls, self.fmt.naming)
        strings = 0
        for index, field in enumerate(fields(cls)):
            nullable = type(None) in get_args(field.type) or field.default is None
            kind, _ = self._kind(field, top=depth == 0)
            held = f"{view}.{field.name}"
            if kind == "leaf":
                if without_none(field.type) is bool:
                    continue
                if nullable:
                    code(f"if {held} is not None: s += 1")
                else:
                    strings += 1
            elif kind == "held":
                inner = f"e{depth}_{index}"
                model = without_none(field.type)
                code(f"if ({inner} := {held}) is not None:" if nullable else f"{inner} = {held}")
                if nullable:
                    code.indent()
                code(f"s += {len(fields(model))}")
                self._after(code, model, inner, depth=depth + 1)
                if nullable:
                    code.dedent()
            elif kind == "list":
                model = models_in(without_none(field.type))[0]
                each = f"e{depth}_{index}"
                if nullable:
                    code(f"if {held} is not None:")
                    code.indent()
                code(f"for x in d[{names[field.name]!r}]: s += len(x)")
                code(f"for {each} in {held}:")
                code.indent()
                self._after(code, model, each, depth=depth + 1)
                code.dedent()
                if nullable:
                    code.dedent()
            else:
                self._any(code, field, held, nullable=nullable)
        if strings:
            code(f"s += {strings}")

    def _any(self, code: _Function, field: Any, held: str, *, nullable: bool) -> None:
        """Write the reader's check of a value msgspec passed as it is, ``held``; made anew, set."""
        check, strings = self._check(without_none(field.type), field.metadata)
        code(f"v = {held}")
        lines = [f"s += {strings}"] if strings else []
        folded = _or_null(check, []) if nullable and not strings else None
        body = folded if folded is not None else check
        written = []
        made = False
        for line in body:
            # A branch of one line making it anew (an amount of an integer) sets the view.
            branch = re.fullmatch(r"((?:el)?if .*|else): v = (.*)", line)
            if branch:
                written.append(f"{branch[1]}: {held} = {branch[2]}")
            else:
                made = made or re.match(r"\s*v = ", line) is not None
                written.append(line)
        lines += written
        if made:
            lines.append(f"{held} = v")
        if nullable and folded is None:
            code.block("if v is not None:", *lines)
        else:
            for line in lines:
                code(line)

    def count(self, cls: type) -> int:
        """Return what an object of ``cls`` read inline adds to ``s`` (:attr:`counts`)."""
        self.reader(cls)
        return self.counts[cls]

    def inlined(self, cls: type) -> list[str]:
        """Return lines that read the object ``v`` of ``cls`` into its view ``v``, inline.

        The reader's own lines, its names made its own (``a0`` is ``a0_3``, ...), the
        object read as ``v`` and its view made into ``v``: a reference read in its
        holder's function costs no call. Its count is its holder's (``s``), which
        holds its :attr:`counts` already.
        """
        suffix, body = self._renamed(cls)
        read = re.compile(rf"(?<![.\w])d_{suffix}\b")
        view = body[-1].removeprefix(f"o_{suffix} = ")  # a body ends in making its view
        return [*(read.sub("v", line) for line in body[:-1]), f"v = {view}"]

    def looped(self, cls: type) -> list[str]:
        """Return lines that read the list ``v`` of objects of ``cls`` into a list of views ``v``.

        Each read inline (:meth:`inlined`), its count added to its holder's.
        """
        suffix, body = self._renamed(cls)
        each = [f"s += {self.counts[cls]}"] if self.counts[cls] else []
        made = f"l_{suffix}.append({body[-1].removeprefix(f'o_{suffix} = ')})"
        return [
            "if type(v) is not list: raise Fallback",
            f"l_{suffix} = []",
            f"for d_{suffix} in v:",
            *(f"    {line}" for line in (*each, *body[:-1], made)),
            f"v = l_{suffix}",
        ]

    def _renamed(self, cls: type) -> tuple[str, list[str]]:
        self.reader(cls)
        self.inlines += 1
        suffix = str(self.inlines)

        def renamed(line: str) -> str:
            parts = _QUOTED.split(line)  # the keys, in quotes, as they are
            parts[::2] = [_LOCAL.sub(lambda m: f"{m[1]}_{suffix}", part) for part in parts[::2]]
            return "".join(parts)

        return suffix, [renamed(line) for line in self.bodies[cls]]

    def _check(self, type_: Any, metadata: Any) -> tuple[list[str], int]:  # noqa: PLR0911 - one flat dispatch
        """Return the lines that check a value ``v`` of ``type_``, and what it adds to ``s``.

        A string adds one, an object read inline its :attr:`counts`; a list adds
        its items' in its lines, as opaque JSON does.
        """
        if "max_length" in metadata or "min_items" in metadata:
            return ["raise Fallback"], 0  # a length rule: the detailed path words it
        if type_ is str:
            return ["if type(v) is not str: raise Fallback"], 1
        if type_ is bool:
            return ["if type(v) is not bool: raise Fallback"], 0
        if type_ is Decimal:
            return _amount_lines(finite=self.finite), 0
        if type_ is int:
            # A JSON integer as jiter gives it, within money.in_bounds; else as the codec.
            return [
                "if type(v) is not int: v = _integer(v)",
                f"elif not -{_BOUND} < v < {_BOUND}: raise Fallback",
            ], 0
        if type_ == Moment:
            # A date read already (the common ones repeat), else read and kept (_moment,
            # which refuses what is not a str): only a str equals a key of _DATES.
            # A date is never false: held, it is the lookup's value.
            return [
                "try:",
                "    v = _dates_get(v) or _moment(v)",
                "except TypeError:",  # unhashable: an object or a list
                "    raise Fallback from None",
            ], 1
        if type_ is Day:
            return ["v = _day(v)"], 1
        if get_origin(type_) is Literal:
            allowed = self.name(frozenset(get_args(type_)), "allowed")
            return [f"if type(v) is not str or v not in {allowed}: raise Fallback"], 1
        if type_ == JSONObject:
            return ["s += _opaque(v)"], 0
        models = models_in(type_)
        if is_list(type_) and models:
            return self.looped(models[0]), 0
        if is_list(type_) and get_args(type_) == (str,):
            return [
                "if type(v) is not list or any(type(x) is not str for x in v): raise Fallback",
                "s += len(v)",
            ], 0
        if models and type_ is models[0]:
            return self.inlined(type_), self.count(type_)
        return ["raise Fallback"], 0  # a value type this reader does not know


def _order(cls: type) -> list[int]:
    """Return the indexes of the fields of ``cls``, its required ones first (a view's order)."""
    found = fields(cls)
    required = [index for index, field in enumerate(found) if field.default is not None]
    return [*required, *(index for index in range(len(found)) if index not in required)]


def _field(  # noqa: PLR0913 - what a key is, as the generator knows it
    code: _Function,
    key: str,
    check: list[str],
    how: Literal["required", "up", "down"],
    *,
    nullable: bool,
    weight: int,
    get: str,
) -> None:
    """Read the value ``v`` of ``key`` and ``check`` it, counting an optional key as ``how`` says.

    An optional key found adds one to ``n`` (``up``), or one absent or null takes
    one (``down``); ``s`` gains or loses alike ``weight``, what the key and its
    value add to the keys and strings counted. A required key's null value
    takes its value's part. Every check refuses None, so a key that is not
    nullable needs no test of its own. With no ``check``, the value is read and
    counted only (a required key's null value is then counted by the caller).
    An optional key is read by ``get``, ``d.get`` or its name bound.
    """
    if how == "required":
        code.block("try:", f"v = d[{key!r}]")
        code.block("except KeyError:", "raise Fallback from None")
        if check and nullable:
            null = [f"s -= {weight - 1}"] if weight > 1 else []
            if folded := _or_null(check, null):
                for line in folded:
                    code(line)
                return
            code.block("if v is not None:", *check)
            if null:
                code.block("else:", *null)
        else:
            for line in check:
                code(line)
        return
    code(f"v = {get}({key!r})")
    if not nullable:  # absent or null, refused by the check
        for line in (*check, "n += 1", f"s += {weight}") if how == "up" else check:
            code(line)
    elif how == "up":
        code.block("if v is not None:", "n += 1", f"s += {weight}", *check)
    elif not check:
        code.block("if v is None:", "n -= 1", f"s -= {weight}")
    elif folded := _or_null(check, ["n -= 1", f"s -= {weight}"]):
        for line in folded:
            code(line)
    else:
        code.block("if v is not None:", *check)
        code.block("else:", "n -= 1", f"s -= {weight}")


#: A check of a value's type alone (a str, a bool), and an amount's first line.
_TYPE_CHECK = re.compile(r"if type\(v\) is not (\w+): raise Fallback")
_AMOUNT_TEST = "if (c := type(v)) is Decimal:"


def _or_null(check: list[str], null: list[str]) -> list[str] | None:
    """Return ``check`` taking None too, running ``null`` for it; None where it is not so written.

    A value not null is checked without a test of its own for None: a type
    test alone is one that None fails, an amount's dispatch on its type one
    with a branch for None (most values are not null).
    """
    if len(check) == 1 and (test := _TYPE_CHECK.fullmatch(check[0])):
        if not null:
            return [f"if type(v) is not {test[1]} and v is not None: raise Fallback"]
        return [f"if type(v) is not {test[1]}:", "    if v is not None: raise Fallback"] + [
            f"    {line}" for line in null
        ]
    if check[0] == _AMOUNT_TEST and "elif c is not int: raise Fallback" in check:
        at = check.index("elif c is not int: raise Fallback")
        return [*check[:at], f"elif v is None: {'; '.join(null) or 'pass'}", *check[at:]]
    return None


def _compared(code: _Function, exact: str, nulls: list[tuple[str, str]], size: str) -> None:
    """Write the test that an object has no key but those counted in ``n``, and its count.

    ``exact`` compares its keys with those known; ``nulls``, the optional keys
    counted up (in ``n`` where found, not null) that may be null, and their locals.
    A key whose value is null is counted in ``s`` as a key only. One of ``nulls``
    there, null (Rutter's line ``type``, always sent, mostly null), is counted
    with ``n`` into ``m``: as many keys as ``m`` are all known, not compared.
    ``size`` is the object's number of keys (``len(d)``, or a local holding it).
    """
    found = [f"if {local} is None and {key!r} in d: m += 1" for key, local in nulls]
    first = ["m = n", *found, f"if {size} != m and not {exact}: raise Fallback"]
    code.block(
        f"if {size} != n:",
        *(first if nulls else [f"if not {exact}: raise Fallback"]),
        f"s += {size} - n",
    )


#: The value a field's lines read and check (``v``), outside the keys they quote.
_VALUE = re.compile(r"(?<![.\w])v\b")


def _as_local(code: _Function, start: int, name: str) -> None:
    """Make the lines of ``code`` from ``start`` read and check their value as ``name``, not ``v``.

    A value read straight into the local the view is made of: no ``name = v`` a field.
    """
    for at in range(start, len(code.lines)):
        parts = _QUOTED.split(code.lines[at])
        parts[::2] = [_VALUE.sub(name, part) for part in parts[::2]]
        code.lines[at] = "".join(parts)


#: A generated reader: the decoded object in (and, for a list page, what reads a record
#: its reader refuses), its view out; Fallback where the detailed reader has something to say.
Reader = Callable[..., Any]


@cache
def _generated(name: str, *, finite: bool) -> tuple[dict[type, Reader], str]:
    fmt = get_format(name)
    generator = _Generator(fmt, finite=finite)
    # A page's envelope, not a fetch envelope's: that takes the detailed path (see _load).
    generator.reader(fmt.record)
    if finite and _CONVERT and name in _CONVERTED:
        generator.converted(fmt.record)
    for cls in (shape.model for shape in fmt.envelopes if shape.many):
        generator.reader(cls)
    filename = f"<refundmap fast reader {name}>"
    pinned = _jiter_keys(generator.keys)
    namespace: dict[str, Any] = {
        bound: frozenset(pinned.get(key, key) for key in value)
        if type(value) is frozenset
        else value
        for bound, value in generator.names.items()
    }
    # A dict finds a key that is the very object sought without comparing text: each key
    # is read by an argument whose default is jiter's object of it (a constant would be
    # interned: another object), found so in what jiter decodes while its cache holds it.
    names = {key: f"_k_{key}" for key in pinned if key.isidentifier()}
    namespace.update({bound: pinned[key] for key, bound in names.items()})
    code = _QUOTED.sub(lambda m: names.get(m[1][1:-1], m[1]), generator.module())
    bindable = {*namespace, *_BUILTINS}
    code = _DEF.sub(lambda function: _with_names(function, bindable), code)
    exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    return {cls: namespace[function] for cls, function in generator.done.items()}, code


#: Whether a record of a format in ``_CONVERTED`` is read by ``msgspec.convert`` first (see
#: _Generator.converted; off: by the generated reader alone), in a reader of JSON text.
_CONVERT = True
_CONVERTED = frozenset({"rutter"})


#: A generated reader function: its head (``def read_X(d, k``) and its body.
_DEF = re.compile(r"^(def \w+\([^)]*)\):\n((?:(?: [^\n]*)?\n)*)", re.MULTILINE)


#: The builtins the generated readers call.
_BUILTINS = ("type", "str", "len", "enumerate", "any")
_NAME = re.compile(rf"(?<![.\w])(?:_\w+|Decimal|Fallback|{'|'.join(_BUILTINS)})\b")


def _with_names(function: re.Match[str], bindable: set[str]) -> str:
    """Return a generated function with the names it reads as arguments bound to them.

    Its keys (see :func:`_generated`), and the module's names and builtins it
    uses: read as locals, not looked up as globals.
    """
    used = sorted(set(_NAME.findall(function[2])) & bindable)
    return f"{function[1]}{''.join(f', {name}={name}' for name in used)}):\n{function[2]}"


def _jiter_keys(names: set[str]) -> dict[str, str]:
    """Return each of ``names`` as the ``str`` object jiter decodes it to, by its equal.

    jiter makes each key it decodes once and gives that object again while
    its cache holds it (:data:`_JITER`): these are those objects. (Its cache
    holds one string a slot of a hash table: a key may be let go, and made
    again, another object, found then by comparing its text.)
    """
    text = json.dumps(dict.fromkeys(sorted(names), 0)).encode()
    return {key: key for key in jiter.from_json(text, **_JITER)}


def reader(fmt: Format, cls: type, *, finite: bool = False) -> Reader:
    """Return the generated reader of ``cls``, a model of ``fmt``, built once.

    ``finite``: the reader of a document decoded from JSON text, whose
    decimals are finite (see :func:`_amount_lines`); else of any decoded document.
    """
    return _generated(fmt.name, finite=finite)[0][cls]


def _converter(fmt: Format, cls: type, *, finite: bool) -> Reader:
    """Return the reader of ``cls`` by ``msgspec.convert`` where one is made, else :func:`reader`'s.

    (A page's reader calls it for each record: see :meth:`_Generator.converted`.)
    """
    read = reader(fmt, cls, finite=finite)
    converted: Reader = read.__globals__.get(f"convert_{cls.__name__}", read)
    return converted


def source(name: str, *, finite: bool = True) -> str:
    """Return the generated readers of the format ``name``, for reading.

    Those of a document of JSON text; ``finite=False``: of one given decoded
    (see :func:`reader`).
    """
    return _generated(name, finite=finite)[1]


#: Whether conversions try the fast path (``REFUNDMAP_FAST=0`` in the environment: never,
#: every document takes the detailed path; for debugging, and to compare the two).
ENABLED = os.environ.get("REFUNDMAP_FAST", "1") != "0"


@attrs.define
class Tally:
    """How many documents the fast path read, and how many it left to the detailed path."""

    taken: int = 0
    fallen_back: int = 0
    #: Of those taken, how many the fast mapping converted (the others, the engine).
    mapped: int = 0


#: This process's tally (read by the tests and the bench; never reset by refundmap).
TALLY = Tally()


def _takes(source: Format, target: Format, *, strict: bool) -> bool:
    """Whether the fast path reads documents of ``source`` converted to ``target``."""
    # Within one vendor, objects are copied whole (a page's pagination): as models.
    return (
        ENABLED and not strict and source.vendor != target.vendor and source.name in _READ_FORMATS
    )


#: The formats whose documents the fast path reads: the read formats, not write bodies.
_READ_FORMATS = frozenset({"rutter", "railz", "railz-v2"})


def load(
    document: Any, source: Format, target: Format, *, strict: bool
) -> tuple[Any, Loaded | None]:
    """Read ``document`` as :func:`refundmap.validation.load` would, where it has nothing to say.

    Returns the document (decoded, as :class:`~refundmap.validation.Decoded`,
    so that the detailed path does not decode it again) and the loaded
    document, or None where the detailed path must read it: an array of
    documents, a fetch envelope, ``strict``, or a page whose envelope the
    generated reader does not take outright. A record it does not take
    outright is structured alone by the codec (:func:`_structured`), a page's
    other records staying views; source-check findings, empty line objects,
    ids sent as numbers and unknown keys are warned of as the detailed reader
    warns of them.

    Raises:
        ValidationError: for text that is not JSON, or a document that is not
            valid (as the detailed path does).
    """
    if not _takes(source, target, strict=strict):
        return document, None
    _ZERO.seen = False
    count = [0]  # the keys and strings of the decoded document, counted as read
    # Decoded from JSON text (by jiter, or the detailed decoder): its decimals are finite.
    finite = isinstance(document, str | bytes | bytearray)
    try:
        read = _read(_decode(document), source, target, count, finite=finite)
    except ValidationError:
        if not (_repeated(document, count[0]) or (_ZERO.seen and _minus_zero(document))):
            raise
        # A key repeated: the detailed reader names it. A problem may show a -0: said again.
        read = _read(decode(document), source, target, count, finite=finite)
    else:
        if _repeated(document, count[0]) or (_ZERO.seen and _minus_zero(document)):
            # A key repeated (the detailed reader names it), or a -0 jiter read as 0 where
            # its sign is kept: read as the detailed reader reads it.
            read = _read(decode(document), source, target, count, finite=finite)
    if read[1] is None:
        TALLY.fallen_back += 1
    else:
        TALLY.taken += 1
    return read


def _read(
    raw: Any, source: Format, target: Format, count: list[int], *, finite: bool
) -> tuple[Decoded, Loaded | None]:
    """Return the decoded document, and it loaded where the generated reader takes it.

    Its keys and strings are counted into ``count[0]``: by the readers, or all
    at once where the detailed path is to read it (:func:`_as_decoded`).
    ``finite``: decoded from JSON text (see :func:`reader`).
    """
    try:
        with localcontext(EXACT):
            loaded = _load(raw, source, target, count, finite=finite)
    except (Fallback, ArithmeticError):
        return Decoded(_as_decoded(raw, count)), None
    return Decoded(raw), loaded


def _load(raw: Any, source: Format, target: Format, count: list[int], *, finite: bool) -> Loaded:
    if type(raw) is not dict:
        raise Fallback
    shape = source.shape_of(raw)
    if shape.records is not None and not (
        shape.many and target.request is None and target.list_shape is not None
    ):
        raise Fallback  # an envelope mapped as its records alone: the detailed path
    # Empty line objects are left out, and said so, as by the detailed reader: the
    # generated readers refuse one, so they are sought only in a record refused.
    document, noted = raw, _Noted()
    if shape.many:
        read = reader(source, source.record, finite=finite)
        key = source.naming(shape.records or "")

        def record(item: Any, index: int, count: list[int]) -> Any:  # one read refused
            return _refused(read, item, source, (key, index), noted, count)

        model = reader(source, shape.model, finite=finite)(raw, record, count)
    else:  # a bare record (the only other shape read): the same, at the root
        read = _converter(source, shape.model, finite=finite)
        try:
            model = read(raw, count)
        except Fallback:
            model = _refused(read, raw, source, (), noted, count)
    empty = noted.empty
    if noted.problems:
        _refuse(document, source, empty, noted.problems)
    warnings = [*noted.numbers, *noted.warnings]
    unknown = noted.unknown
    # The source's checks, on the view as on the model: each finding is a warning.
    check = fast_check(source.name, mapped=False) or source.check
    if shape.many:  # each record at its path, as Format.records gives them
        for index, record in enumerate(getattr(model, shape.records or "")):
            if findings := check(record, (key, index)):
                warnings.extend(_warnings(findings))
    elif findings := check(model, ()):
        warnings.extend(_warnings(findings))
    if empty:
        _, warnings, unknown = _with_empty_lines(empty, [], warnings, unknown, strict=False)
    return Loaded(
        source,
        (Part((), shape, model),),
        is_array=False,
        report=tuple(warnings),
        unknown=tuple(unknown),
        empty_lines=tuple(empty),
    )


def _warnings(findings: list[tuple[Path, str]]) -> Iterator[Entry]:
    """Yield the source's check's findings on a record as warnings."""
    for where, message in findings:
        yield Entry(Kind.WARNING, format_path(where), None, message)


def _refused(  # noqa: PLR0913, PLR0917 - the reader's, then _structured's arguments
    read: Callable[..., Any], item: Any, source: Format, path: Path, noted: _Noted, count: list[int]
) -> Any:
    """Return the record ``item`` at ``path``, which ``read`` refused, read otherwise.

    Read again less its empty line objects (their paths noted) where it has
    any, else, or where ``read`` refuses it still, structured alone
    (:func:`_structured`).
    """
    kept = _less_empty_lines(item, source.lines_key, path, noted.empty)
    if kept is not item:
        with suppress(Fallback):
            return read(kept, count)
    return _structured(kept, source, path, noted, count)


def _less_empty_lines(record: Any, key: str, path: Path, empty: list[str]) -> Any:
    """Return ``record`` less its empty line objects, their paths added to ``empty``.

    As :func:`refundmap.validation._without_empty_lines` does for a record at
    ``path``: the copy shares everything but its lines; ``record`` is not changed.
    """
    lines = record.get(key) if type(record) is dict else None
    if type(lines) is not list or {} not in lines:
        return record
    gone = [index for index, line in enumerate(lines) if type(line) is dict and not line]
    empty.extend(format_path((*path, key, index)) for index in gone)
    return {**record, key: [line for index, line in enumerate(lines) if index not in gone]}


def _structured(item: Any, source: Format, path: Path, noted: _Noted, count: list[int]) -> Any:
    """Return a record structured by the codec, as the detailed reader does.

    A record the fast reader does not take outright (a numeric string, an
    alias, an unknown key, a date in a rare form, an id sent as a number) is
    structured alone, its ids sent as numbers read as their text and its
    unknown keys left out, each warned of at its path in the page; the page's
    other records stay views. A record with problems gives None, its problems
    noted, and the page is refused when every record is read.
    """
    if type(item) is not dict:
        raise Fallback
    count[0] += _walk(item)  # its integers as the detailed reader gives them; counted
    codec = source.codec(strict=False)
    model, found, unknown = codec.structure(item, source.record, path)
    if found and source.ids_may_be_numbers and (numbers := _numeric_ids(item, path, found)):
        # Real Railz data has sent ids as JSON integers: read as their text.
        item = _ids_as_text(item, numbers)
        model, found, unknown = codec.structure(item, source.record, path)
        noted.numbers.extend(_read_as_text(numbers))
    if found or model is None:
        noted.problems.extend(found)  # the document is not valid: said when all are read
        return None
    if unknown:
        located = jsonio.locate(item, {id(obj) for obj, _ in unknown})
        message = f"unknown key: not part of the {source.name} format; left out"
        for obj, keys_ in unknown:
            for where in located.get(id(obj), [()]):
                for key in keys_:
                    at = format_path((*path, *where, key))
                    noted.unknown.append(at)
                    noted.warnings.append(Entry(Kind.WARNING, at, None, message))
    return model


def _refuse(document: Any, source: Format, empty: list[str], problems: list[Problem]) -> None:
    """Raise the detailed reader's error for a page whose records have ``problems``.

    The records the fast reader took have none (it takes less than the codec),
    so the page's problems are those of the records the codec structured, in
    order. A page that is plainly not of ``source`` is left to the detailed
    reader, which says so instead.

    Raises:
        ValidationError: the problems, at their paths in the document.
        Fallback: the detailed reader words it otherwise.
    """
    if _foreign_hint(document, source) is not None:
        raise Fallback
    if empty:
        problems = _with_empty_lines(empty, problems, [], [], strict=False)[0]
    raise ValidationError(problems)


@attrs.define
class _Noted:
    """What structuring a page's records alone found, in the detailed reader's order."""

    problems: list[Problem] = attrs.Factory(list)
    numbers: list[Entry] = attrs.Factory(list)
    warnings: list[Entry] = attrs.Factory(list)
    unknown: list[str] = attrs.Factory(list)
    empty: list[str] = attrs.Factory(list)  # the empty line objects left out, their paths


def convert(loaded: Loaded, options: Converter, records: int | None) -> Conversion | None:
    """Convert a document :func:`load` took with the fast mapping, or return None.

    None where the options are ones the fast mapping does not take, or the
    document has more to say than its mapping (see :mod:`refundmap.mapping.fused_map`):
    the detailed engine then converts the loaded document.
    """
    if not fused_map.takes(options):
        return None
    try:
        with localcontext(EXACT):  # derived amounts are exact, as on the detailed path
            conversion = fused_map.convert(loaded, options, records)
    except Fallback:
        return None
    TALLY.mapped += 1
    return conversion
