"""Compiling the mapping table into straight-line Python, once per pair of formats.

As cattrs generates a structuring function per class, this module generates,
for each (source, target) pair, a function per table (refund, line, envelope)
that reads the source *model's* attributes and writes the target's JSON-ready
dict, with the report entries the table calls for; and a function per target
class that puts a dict in the target's key order, writes null where the
target requires a key that may be null, and writes dates and numeric strings
as the target spells them. A table's own dict is made with the target's keys
in order, each null until written, and finished in place. The table stays the
one source of truth: change a row and the generated code changes with it.

``python -c "from refundmap.mapping.compiler import source; print(source('railz', 'rutter'))"``
prints the generated code of a pair.
"""

from __future__ import annotations

import ast
import linecache
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import Any, cast, get_args, get_origin

import attrs

from refundmap.codec.fields import field_of, fields, omitted_when_none, without_none
from refundmap.formats import Format, get_format
from refundmap.mapping.rules import (
    _WHOLE,
    APPLY,
    MAKE,
    WRITE,
    WRITE_WHEN,
    Unmappable,
    lines_total,
)
from refundmap.mapping.table import DEFAULT_KINDS, ENVELOPE, LINES_TOTAL, REFUND, Marker, Row
from refundmap.mapping.translation import reference_messages
from refundmap.report import Entry, Kind, format_path
from refundmap.values import VALUES, value_of

__all__ = ["Compiled", "compile_pair", "source"]

#: ``(source model, source path, target path, run) -> target dict``
Mapper = Callable[[Any, str, str, Any], dict[str, Any]]


@attrs.frozen
class Compiled:
    """The generated functions of one pair of formats."""

    refund: Mapper
    envelope: Mapper
    finish_envelope: Callable[[dict[str, Any], Any, str], dict[str, Any]]
    omit_envelope: Callable[[Any, str, Any], None]
    code: str


def _suffix(keypath: str) -> str:
    """``accountRef.id`` -> ``.accountRef.id`` (a JSONPath suffix)."""
    return format_path(keypath.split("."))[1:]


def _literal_suffix(where: str) -> str | None:
    """``sp + '.account_id'`` -> ``.account_id``; None for a path made at run time."""
    head, _, literal = where.partition(" + ")
    if head != "sp":
        return None
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return None
    return value if type(value) is str else None


#: The most indexes an :class:`_Indexed` holds the suffix of (a longer list's are made each time).
_INDEXED_HELD = 1024


class _Indexed(dict[int, str]):
    """A list's suffix by index, made once: ``_Indexed(".lines")[2]`` is ``.lines[2]``.

    A line's paths are its refund's and this (a subscript and a join, where an
    f-string formats the index each time, for each path of each line).
    """

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def __missing__(self, index: int) -> str:
        made = f"{self.key}[{index}]"
        if index < _INDEXED_HELD:
            self[index] = made
        return made


def _absence(field: attrs.Attribute[Any]) -> str:
    """Return what the absence of a value of ``field`` is in the target.

    ``omit`` (the key left out), ``missing`` (reported: the field is required)
    or ``null`` (written as null).
    """
    if omitted_when_none(field):
        return "omit"
    if type(None) not in get_args(field.type):
        return "missing"
    return "null"


#: Write rules' values found at once, by the rule's name: a value ``v`` the table
#: holds is written ``table[v]``, silently, as the rule would write it (where the rule
#: is compiled in, :data:`~refundmap.mapping.rules.WRITE_WHEN`); any other is the
#: rule's. Into Railz, a quantity equal to one of the ints 0-1023 is that int.
_AT_ONCE: dict[str, dict[Any, Any]] = {"quantity": {key: m.value for key, m in _WHOLE.items()}}


#: The decimals of the ints 1-1023, made once: an int a model holds where the target
#: writes a decimal (a Railz quantity into Rutter's item) is one of them, most often
#: (a ``Decimal`` is immutable, and making one of an ``int`` costs three times the lookup).
_DECIMALS = {number: Decimal(number) for number in range(1, 1024)}


def _ALWAYS(_source: Format, _target: Format) -> bool:  # noqa: N802 - a constant predicate
    return True


class _Function:
    """The lines of one generated function, with their indentation."""

    def __init__(self, header: str) -> None:
        self.lines = [header]
        self.depth = 1

    def __call__(self, line: str) -> _Function:
        self.lines.append("    " * self.depth + line)
        return self

    def indent(self) -> _Function:
        self.depth += 1
        return self

    def dedent(self) -> None:
        self.depth -= 1

    def block(self, header: str, *body: str) -> None:
        """Add ``header`` and, indented under it, ``body``."""
        self(header)
        self.depth += 1
        for line in body:
            self(line)
        self.depth -= 1


@attrs.frozen
class _Writing:
    """How a finisher writes a value ``v`` (not None) into ``r``, as its model writes it.

    Either a value made where a test holds (``value`` if ``test``, else ``v`` as
    it is; ``test`` false for None too where not ``needs_value``), or ``lines``
    that write ``r[key]``: all of them where ``stored`` (the last line always
    stores), else only where they change ``v``.
    """

    test: str = ""
    value: str = ""
    lines: tuple[str, ...] = ()
    stored: bool = True
    needs_value: bool = True

    def over(self, k: str) -> list[str]:
        """Return the lines writing ``r[k]``, which holds ``v`` already."""
        return [f"if {self.test}: r[{k}] = {self.value}"] if self.test else list(self.lines)

    def stored_in(self, k: str) -> list[str]:
        """Return the lines storing ``v`` in ``r[k]``, written, in one store where they can."""
        if self.test:
            return [f"r[{k}] = {self.value} if {self.test} else v"]
        return list(self.lines) if self.stored else [f"r[{k}] = v", *self.lines]


@attrs.define
class _Table:
    """What compiling one table keeps track of."""

    code: _Function
    source_class: type
    rows: Sequence[Row]
    pending: list[tuple[int, Row]] = attrs.Factory(list)
    applied: list[Row] = attrs.Factory(list)
    #: Lists finished only after the applied rules wrote into their elements:
    #: (target key, source key path, the elements' finisher).
    late: list[tuple[str, str, str]] = attrs.Factory(list)
    #: Folded values, checked last (after the rules that use them): (row index, source key path).
    folded: list[tuple[int, str]] = attrs.Factory(list)


class _Read(Exception):  # noqa: N818 - a signal: a rule read what a pair alone does not tell
    """A rule asked of :class:`_Compiler._idle` read the record, its dict, or the run's state."""


class _Unread:
    """A record or dict a rule may not read: any reading raises :class:`_Read`.

    And is noted (``read``): a rule that catches the error has read it still.
    """

    __slots__ = ("read",)

    def __init__(self) -> None:
        self.read = False

    def __getattr__(self, name: str) -> Any:
        self.read = True
        raise _Read(name)

    def _read(self, *_: Any) -> Any:
        self.read = True
        raise _Read

    __getitem__ = __contains__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = _read
    __lt__ = __le__ = __gt__ = __ge__ = __add__ = __sub__ = __mul__ = __format__ = _read
    __hash__ = None  # type: ignore[assignment] # unhashable: a key of it raises too


_UNREAD: Any = _Unread()


class _FormatsOnly:
    """A run that tells a rule its formats and their names; anything else raises :class:`_Read`."""

    __slots__ = ("read", "source", "source_name", "target", "target_name")

    def __init__(self, source: Format, target: Format) -> None:
        self.source, self.target = source, target
        self.source_name, self.target_name = source.name, target.name
        self.read = False  # as _Unread's

    def __getattr__(self, name: str) -> Any:
        self.read = True
        raise _Read(name)


def _selector(keypath: str) -> tuple[str, str, str | None]:
    """``trackingCategoryRefs[class].id`` -> (``trackingCategoryRefs``, ``class``, ``id``)."""
    head, _, rest = keypath.partition(".")
    key, _, kind = head.rstrip("]").partition("[")
    return key, kind, rest or None


class _Compiler:
    def __init__(self, source: Format, target: Format, *, lookup: bool) -> None:
        self.source = source
        self.target = target
        # Between Rutter and Railz, reference ids change id space (refundmap.references),
        # through the conversion's lookup when it has one.
        self.translates = source.vendor != target.vendor
        self.into_railz = target.vendor == "railz"
        self.lookup = lookup
        self.src_codec = source.codec(strict=False)
        self.tgt_codec = target.codec(strict=False)
        self.functions: list[list[str]] = []
        self.names: dict[str, Any] = {
            "Unmappable": Unmappable,
            **{v.writer.__name__: v.writer for v in VALUES.values() if v.writer is not None},
            "Decimal": Decimal,
            "_decimal": _DECIMALS.get,
            "_DROPPED": Kind.DROPPED,
            "_OMITTED": Kind.OMITTED,
            "_WARNING": Kind.WARNING,
            "_DERIVED": Kind.DERIVED,
            # Entries are made in C: tuple.__new__ skips the named tuple's
            # Python-level constructor, and the report's append is bound once.
            "_Entry": Entry,
            "_new": tuple.__new__,
        }
        self.finishers: dict[tuple[type, tuple[str, ...] | None, frozenset[str]], str] = {}
        #: Whether the generated code refuses ids it cannot translate (``require_refs``);
        #: None: the run says (the engine's code serves both).
        self.require_refs: bool | None = None
        #: The source objects a table function read into locals, by (class, attribute).
        self.heads: dict[tuple[type, str], str] = {}
        self.line_classes: set[type] = set()
        #: The objects in the dict of the table being compiled that it makes whole
        #: (see :meth:`_whole`), by their key: their keys, in order.
        self.nested: dict[str, tuple[str, ...]] = {}
        #: What the table being compiled writes into the objects in its dict, by
        #: their key: (the key written, whether the value is known not null).
        self.into: dict[str, list[tuple[str, bool]]] = {}
        #: The objects each table's dict holds finished as made (see :meth:`_alone`).
        self.alone_of: dict[str, frozenset[str]] = {}
        self.names["_unstructure"] = self.tgt_codec.unstructure
        #: The names of the :class:`_Indexed` suffixes of the lists, by their suffix.
        self.indexes: dict[str, str] = {}
        self.names["_source_data"] = self.src_codec.unstructure

    def fixed_entry(self, kind: str, source: str, target: str | None, message: str) -> str:
        """Return the statement noting an entry at ``sp + source`` (``tp + target``), fixed words.

        ``kind`` is the generated module's name of the kind (``_DROPPED``).
        """
        at = "None" if target is None else f"tp + {target!r}"
        return f"add(_new(_Entry, ({kind}, sp + {source!r}, {at}, {message!r})))"

    def noted_at(self, suffix: str) -> str:
        """Return the expression of the source path that an entry at ``sp + suffix`` is noted at."""
        return f"sp + {suffix!r}"

    def unnoted(self, suffix: str) -> str:
        """Return the test that no entry the table noted (since ``start``) is at ``sp + suffix``."""
        second = self.name(itemgetter(1), "second")
        return f"{self.noted_at(suffix)} not in map({second}, run.report[start:])"

    def name(self, value: Any, hint: str) -> str:
        """Return a global name bound to ``value`` in the generated module."""
        name = f"_{hint}_{len(self.names)}"
        self.names[name] = value
        return name

    def indexed(self, suffix: str) -> str:
        """Return the global name of the :class:`_Indexed` suffixes of the list at ``suffix``."""
        name = self.indexes.get(suffix)
        if name is None:
            name = self.indexes[suffix] = self.name(_Indexed(suffix), "at")
        return name

    def module(self) -> str:
        """Return the generated module: every function, in any order."""
        return "\n\n".join("\n".join(lines) for lines in self.functions) + "\n"

    # -- reading the source model, writing the target dict ---------------------------------

    def _attributes(self, cls: type, keypath: str) -> tuple[list[str], Any]:
        """Return the attribute chain of ``keypath`` on ``cls`` and the type it ends on."""
        chain: list[str] = []
        type_: Any = cls
        for key in keypath.split("."):
            current = without_none(type_)
            names = {k: a for a, k in self.src_codec.keys(current).items()}
            attribute = names[key]
            chain.append(attribute)
            type_ = field_of(current, attribute).type
        return chain, type_

    def _read(self, code: _Function, cls: type, keypath: str, into: str = "v") -> Any:
        chain, type_ = self._attributes(cls, keypath)
        code(f"{into} = {self._head(cls, chain[0])}")
        for attribute in chain[1:]:
            code(f"if {into} is not None:").indent()(f"{into} = {into}.{attribute}").dedent()
        return type_

    def _head(self, cls: type, attribute: str) -> str:
        """Return the expression reading ``src.<attribute>``: a local where the table has one."""
        return self.heads.get((cls, attribute), f"src.{attribute}")

    def _read_heads(
        self, code: _Function, cls: type, rows: Sequence[Row]
    ) -> list[tuple[type, str]]:
        """Read once, into locals, the source objects the table reads more than one value of.

        Returns their keys in :attr:`heads`, to forget when the table's function is written.
        """
        seen: dict[str, int] = {}
        for row in rows:
            cell = row.cell(self.source.name)
            if row.lines is not None or not isinstance(cell, str) or "[" in cell:
                continue
            if "." in cell:
                head = self._attributes(cls, cell)[0][0]
                seen[head] = seen.get(head, 0) + 1
        read = [(cls, head) for head, count in seen.items() if count > 1]
        for key in read:
            self.heads[key] = f"_h_{key[1]}"
            code(f"_h_{key[1]} = src.{key[1]}")
        return read

    def _place(
        self, code: _Function, keypath: str, *, sure: bool = False
    ) -> tuple[str, str, Callable[[str], str]]:
        """Make the objects ``keypath`` sits in; return the one holding it and its key.

        ``sure``: the value written there is known not null (noted in :attr:`into`).

        The third value gives, for a key of the holding object, a Python
        expression of that key's target path.
        """
        if "[" in keypath:
            # Into the one entry of that type, made when it is not there yet.
            key, kind, rest = _selector(keypath)
            code(f"_l = out.get({key!r})")
            code("if _l is None:").indent()(f"_l = out[{key!r}] = []").dedent()
            code(f"_e = next((e for e in _l if e.get('type') == {kind!r}), None)")
            code("if _e is None:").indent()(f"_e = {{'type': {kind!r}}}")("_l.append(_e)").dedent()
            return "_e", rest or "", lambda sub: f"tp + f'.{key}[{{_l.index(_e)}}].{sub}'"
        *parents, last = keypath.split(".")
        if parents:
            self.into.setdefault(parents[0], []).append((last, sure and len(parents) == 1))
        target = "out"
        for step in parents:
            if target == "out" and step in self.nested:
                # Made with every key, null, in order: its finisher finishes it in place.
                whole = "{" + ", ".join(f"{k!r}: None" for k in self.nested[step]) + "}"
                code(f"_t = out[{step!r}]")
                code("if _t is None:").indent()(f"_t = out[{step!r}] = {whole}").dedent()
            else:
                code(f"_t = {target}.get({step!r})")
                code("if _t is None:").indent()(f"_t = {target}[{step!r}] = {{}}").dedent()
            target = "_t"
        return target, last, lambda sub: f"tp + {_suffix('.'.join((*parents, sub)))!r}"

    def _set(self, code: _Function, keypath: str, value: str, *, sure: bool = False) -> None:
        holder, key, _ = self._place(code, keypath, sure=sure)
        code(f"{holder}[{key!r}] = {value}")

    # -- tables ------------------------------------------------------------------------------

    def table(  # noqa: PLR0913 - the table, its classes, and what others write in its dict
        self,
        name: str,
        rows: Sequence[Row],
        src_cls: type,
        tgt_cls: type | None,
        made: type | None = None,
        *,
        ruled: Sequence[str] = (),
        at: tuple[str, str] | None = None,  # noqa: ARG002 - a line's suffixes, for a subclass
    ) -> str:
        """Compile ``rows`` into ``map_<name>``; return the function's name.

        The function returns a dict finished as ``tgt_cls`` (see :meth:`finisher`),
        or, where ``tgt_cls`` is None, unfinished: made with the keys of ``made``
        (by default ``tgt_cls``), each null, in order, for its finisher to finish in place.
        Those keys are the ones its rows write, or another table's rules (``ruled``:
        the keys of a line a refund's rule writes), and every key the finisher must
        see (written null, or reported missing); a key left out when absent that no
        row writes is not made. A rule takes a value out of such a dict by making
        it null, never by deleting its key (which would move the key to the end
        when written again); one that adds a key not made has it remade in order.
        """
        function = f"map_{name}"
        table = _Table(_Function(f"def {function}(src, sp, tp, run):"), src_cls, rows)
        code = table.code
        made = made or tgt_cls
        keys: tuple[str, ...] = ()
        if made is None:
            code("out = {}")
        else:
            # The keys written (see above), in the target's order, null until written.
            keys = self._made_keys(made, rows, ruled)
            code("out = {" + ", ".join(f"{k!r}: None" for k in keys) + "}")
        outer, self.nested = self.nested, self._nested(made, keys)
        into, self.into = self.into, {}
        code("add = run.report.append")
        if any(row.cell(self.target.name) is Marker.FOLDED for row in rows):
            code("start = len(run.report)")
        if self.lookup and self.translates and any(row.ref for row in rows):
            code("known = run.known")
        if any(row.cell(self.target.name) is LINES_TOTAL for row in rows):
            code("lines_total = None")
        heads = self._read_heads(code, src_cls, rows)
        self._rows(table)
        for head in heads:  # locals of this function only
            del self.heads[head]
        self.nested = outer
        for index, row in table.pending:
            self._make(code, index, row)
        for row in table.applied:
            rule = self.name(APPLY[row.apply or ""], "apply")
            code(f"{rule}(src, out, run, sp, tp)")
        alone = self.alone_of[function] = self._alone(made, keys)
        for key in alone:
            _made_at_once(code.lines, key)
        self.into = into
        for key, source_path, finish_line in table.late:
            # Finished now, so that what the rules added sits in the format's key order.
            self.late_lines(code, key, finish_line, self.indexed(_suffix(source_path)))
        if any(row.cell(self.target.name) is LINES_TOTAL for row in rows):
            rule = self.name(lines_total, "total")
            code("if lines_total is not None:").indent()(
                f"{rule}(src, out, run, lines_total, tp)"
            ).dedent()
        for index, s in table.folded:
            message = f"{self.target.name} has no field for it"
            # Said dropped unless an entry of the table's has its path already: the
            # path joined once, the entries' source paths compared in C.
            code(f"if f{index} is not None:").indent()(f"if {self.unnoted(_suffix(s))}:").indent()(
                self.fixed_entry("_DROPPED", _suffix(s), None, message)
            ).dedent()
            code.dedent()
        if tgt_cls is None:
            code("return out")
        else:
            code(f"return {self.finisher(tgt_cls, made=keys, alone=alone)}(out, run, sp)")
        self.functions.append(code.lines)
        return function

    def _made_keys(self, cls: type, rows: Sequence[Row], ruled: Sequence[str]) -> tuple[str, ...]:
        """Return the keys of ``cls`` that a table of ``rows`` makes its dict with (see table)."""
        written = set(ruled)
        for row in rows:
            cell = row.cell(self.target.name)
            given = isinstance(row.cell(self.source.name), str)
            if isinstance(cell, str) and (given or row.make is not None or row.apply is not None):
                written.add(cell.partition(".")[0].partition("[")[0])
        keys = self.tgt_codec.keys(cls)
        return tuple(
            keys[field.name]
            for field in fields(cls)
            if keys[field.name] in written or _absence(field) != "omit"
        )

    def _nested(self, cls: type | None, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Return the objects of ``cls`` among ``keys`` that a table makes whole (see _whole)."""
        if cls is None:
            return {}
        names = self.tgt_codec.keys(cls)
        found = {}
        for field in fields(cls):
            base = without_none(field.type)
            if names[field.name] in keys and attrs.has(base):
                whole = self._whole(base)
                if whole is not None:
                    found[names[field.name]] = whole
        return found

    def _alone(self, cls: type | None, keys: Sequence[str]) -> frozenset[str]:
        """Return the objects of ``cls`` among ``keys`` that the table makes finished.

        That is where the table writes into the object one value alone, known not
        null, at the key its finisher leaves as it is (:meth:`_finished_alone`: a
        Railz reference's id, copied): the object is that one key, or not made.
        No rule writes into such an object (the rules write a record's or a
        line's own keys, Rutter's item's unit amount, and v2's tracking list).
        """
        if cls is None:
            return frozenset()
        names = self.tgt_codec.keys(cls)
        found = set()
        for field in fields(cls):
            key, base = names[field.name], without_none(field.type)
            writes = self.into.get(key)
            if key not in keys or not writes or not attrs.has(base):
                continue
            first = self._finished_alone(base)
            if first is not None and all(sure and k == first for k, sure in writes):
                found.add(key)
        return frozenset(found)

    def _whole(self, cls: type) -> tuple[str, ...] | None:
        """Return the keys of ``cls`` where its dict has every key (its finisher's), else None.

        That is where each key is written as null when absent (none left out, none
        required) and none holds an object or a list: a table makes such an object
        with every key, null, in order, and it is finished in place, given no path
        (its finishers report nothing). Rutter's line item.
        """
        keys = self.tgt_codec.keys(cls)
        for field in fields(cls):
            base = without_none(field.type)
            if _absence(field) != "null" or attrs.has(base) or get_origin(base) is list:
                return None
        return tuple(keys[field.name] for field in fields(cls))

    def _rows(self, table: _Table) -> None:
        """Write the code of each of the table's rows, in order."""
        for index, row in enumerate(table.rows):
            self._row(table, index, row)

    def _row(self, table: _Table, index: int, row: Row) -> None:
        code = table.code
        s, t = row.cell(self.source.name), row.cell(self.target.name)
        if row.apply is not None and any(isinstance(c, str) and "[]" in c for c in (s, t)):
            table.applied.append(row)  # a field at no one place: its rule does the work
            return
        if not isinstance(s, str):
            if isinstance(t, str) and row.make is not None and not self._idle(row.make):
                table.pending.append((index, row))
                code(f"p{index} = True")
            return
        code(f"# {s} -> {t.value if isinstance(t, Marker) else t}")
        if t is Marker.FOLDED:
            # Part of another target value, whose rule reports it where it uses it;
            # dropped where it does not.
            self._read(code, table.source_class, s)
            code(f"f{index} = v")
            table.folded.append((index, s))
            return
        if row.lines is not None:
            self._lines(table, index, row)
            return
        if "[" in s:
            self._selected(table, row, s, t)
            return
        type_ = without_none(self._read(code, table.source_class, s))
        defaulted = row.ref in DEFAULT_KINDS and table.rows is REFUND and isinstance(t, str)
        if defaulted and isinstance(t, str):
            # A default stands in for the refund's missing reference, in the source's id space.
            target = f"tp + {_suffix(t)!r}"
            code("if v is None and run.defaults:").indent()(
                f"v = run.default({row.ref!r}, sp + {_suffix(s)!r}, {target})"
            ).dedent()
        if row.make is not None and isinstance(t, str) and not self._idle(row.make):
            table.pending.append((index, row))
            code(f"p{index} = v is None")
        # An empty list or object carries no value: nothing to copy or to report.
        container = get_origin(type_) in (list, dict) or type_ in (list, dict)
        code("if v:" if container else "if v is not None:").indent()
        where = f"sp + {_suffix(s)!r}"
        if isinstance(t, str):
            self._copy(table, row, where, t, s, read=not defaulted)
        elif t is Marker.DROPPED:
            message = f"{self.target.name} has no field for it"
            code(self.fixed_entry("_DROPPED", _suffix(s), None, message))
        elif t is Marker.OMITTED:
            message = f"{self.source.name} bookkeeping; {self.target.name} has no place for it"
            code(self.fixed_entry("_OMITTED", _suffix(s), None, message))
        elif t is LINES_TOTAL:
            code(f"lines_total = ({where}, v)")
        code.dedent()

    def _selected(self, table: _Table, row: Row, s: str, t: Any) -> None:
        """Read the entries of a typed list: one to copy, or each to report."""
        code = table.code
        key, kind, rest = _selector(s)
        chain, list_type = self._attributes(table.source_class, key)
        element = get_args(without_none(list_type))[0]
        tail = self._attributes(element, rest)[0] if rest else []
        rest_path = _suffix(rest) if rest else ""
        where = f"sp + f'.{key}[{{_i}}]{rest_path}'"
        entries = f"[(_i, x) for _i, x in enumerate(src.{chain[0]} or ()) if x.type == {kind!r}]"
        if isinstance(t, str):
            code(f"_m = {entries}")
            message = f"more than one entry of type {kind}; {self.target.name} holds one"
            code("v = None")
            code("if len(_m) > 1:").indent()(
                f"run.fail(sp + {_suffix(key)!r}, {message!r})"
            ).dedent()
            code("elif _m:").indent()
            code("_i, v = _m[0]")
            for attribute in tail:
                code(f"if v is not None: v = v.{attribute}")
            code.dedent()
            code("if v is not None:").indent()
            self._copy(table, row, where, t)
            code.dedent()
            return
        code(f"for _i, v in {entries}:").indent()
        for attribute in tail:
            code(f"if v is not None: v = v.{attribute}")
        kind_name, message = (
            ("_DROPPED", f"{self.target.name} has no field for it")
            if t is Marker.DROPPED
            else (
                "_OMITTED",
                f"{self.source.name} bookkeeping; {self.target.name} has no place for it",
            )
        )
        code(f"if v is not None: add(_new(_Entry, ({kind_name}, {where}, None, {message!r})))")
        code.dedent()

    def _copy(  # noqa: PLR0913 - the row, its paths, and whether its id was read
        self,
        table: _Table,
        row: Row,
        where: str,
        t: str,
        s: str | None = None,
        *,
        read: bool = False,
    ) -> None:
        """Copy ``v``, not null, to ``t`` (``read``: ``v`` was read at ``s``, not a default)."""
        code = table.code
        if row.ref is not None and self.translates:
            name = self._source_name(table, s)
            self._translate(table, row.ref, where, t, name, held=read)
            return
        if row.write is None or not WRITE_WHEN.get(row.write, _ALWAYS)(self.source, self.target):
            self._set(code, t, "v", sure=True)  # each caller tests v first
            return
        rule = self.name(WRITE[row.write], f"write_{row.write}")
        known = _AT_ONCE.get(row.write)
        if known is not None:
            # The values the rule writes as it is given them, silently: found at once.
            code(f"_w = {self.name(known.get, f'once_{row.write}')}(v)")
            code("if _w is not None:").indent()
            self._set(code, t, "_w")
            code.dedent()
            code("else:").indent()
        code("try:").indent()(f"m = {rule}(v, src, run)").dedent()
        code("except Unmappable as exc:").indent()(f"run.fail({where}, str(exc))").dedent()
        code("else:").indent()
        self._set(code, t, "m.value")
        self.rule_entry(code, where, _suffix(t))
        code.dedent()
        if known is not None:
            code.dedent()

    def rule_entry(self, code: _Function, where: str, target: str) -> None:
        """Write the statements noting the entry of a rule's value ``m``, where it has one.

        At ``sp + '.' + m.source`` (else at ``where``, the row's source path) and
        ``tp + target``.
        """
        code("if m.kind is not None:").indent()
        code(f"origin = sp + '.' + m.source if m.source else {where}")
        code(f"add(_new(_Entry, (m.kind, origin, tp + {target!r}, m.message)))").dedent()

    def _source_name(self, table: _Table, s: str | None) -> list[str]:
        """Return the attributes of the name beside the source's reference id ``s``, if any."""
        parent = (s or "").rpartition(".")[0]
        if not parent:
            return []
        try:
            return self._attributes(table.source_class, f"{parent}.name")[0]
        except KeyError:  # a reference without a name (Rutter's ids stand alone)
            return []

    def _translate(  # noqa: PLR0913 - the reference, its paths, its name, and whether read
        self,
        table: _Table,
        kind: str,
        where: str,
        t: str,
        name_chain: Sequence[str] = (),
        *,
        held: bool = False,
    ) -> None:
        """Copy a reference id across the vendors' id spaces, with its name where one goes.

        ``held``: the id was read from the object that holds the name (no default
        stood in), so that object is there: its name is read without a test.
        """
        code = table.code
        name = "None"
        head = self._head(table.source_class, name_chain[0]) if name_chain else ""
        if name_chain and held:
            name = "_nm"
            code(f"_nm = {'.'.join((head, *name_chain[1:]))}")
        elif name_chain:  # the source's name of the reference (a default has none)
            name = "_nm"
            code(f"_nm = {head}")
            for attribute in name_chain[1:]:
                code(f"if _nm is not None: _nm = _nm.{attribute}")
        # Without a lookup the id is copied as it is (tested not null by the caller).
        holder, key, path = self._place(code, t, sure=not self.lookup)
        parent = t.rpartition(".")[0]
        named = bool(parent) and any(
            r.cell(self.target.name) == parent + ".name" for r in table.rows
        )
        name_path = path("name") if named else "None"
        call = f"run.translate({kind!r}, v, {where}, {path(key)}, {name_path}, {name})"
        if not self.lookup:
            # No directory: the id is copied, and said so here, as a dropped value is.
            message = reference_messages(self.target.name, into_railz=self.into_railz)
            if self.require_refs is None:
                code("if run.require_refs:").indent()(call).dedent()  # refused, by the engine
                code("else:").indent()
            if self.require_refs:
                code(call)
            else:
                self.copied(code, kind, name)
                source = _literal_suffix(where)
                text = message.no_directory[kind]
                if source is not None and "[" not in t:
                    code(self.fixed_entry("_WARNING", source, _suffix(t), text))
                else:
                    code(f"add(_new(_Entry, (_WARNING, {where}, {path(key)}, {text!r})))")
            if self.require_refs is None:
                code.dedent()
            code(f"{holder}[{key!r}] = v")
            return
        # An id the lookup holds is translated here; the engine does the rest
        # (asking a caller's lookup, an id it lacks, refusing one).
        message = reference_messages(self.target.name, into_railz=self.into_railz)
        code(f"_r = known[{kind!r}].get(v)")
        code("if _r is None:").indent()(f"v, _n = {call}")(f"{holder}[{key!r}] = v")
        if named:
            code("if _n is not None:").indent()(f"{holder}['name'] = _n").dedent()
        code.dedent()
        code("else:").indent()
        code(f"{holder}[{key!r}] = _r.{'platform_id' if self.into_railz else 'rutter_id'}")
        entry = f"(_DERIVED, {where}, {path(key)}, {message.translated[kind]!r})"
        code(f"add(_new(_Entry, {entry}))")
        if named:
            code("_n = _r.name")
            code("if _n is not None:").indent()(f"{holder}['name'] = _n")
            entry = f"(_DERIVED, {where}, {path('name')}, {message.named[kind]!r})"
            code(f"add(_new(_Entry, {entry}))").dedent()
        code.dedent()

    def copied(self, code: _Function, kind: str, name: str) -> None:
        """Count the id ``v`` of ``kind`` (named ``name``) as copied untranslated."""
        code(f"run.copied({kind!r}, v, {name})")

    def _lines(self, table: _Table, index: int, row: Row) -> None:
        code = table.code
        s, t = row.cell(self.source.name), row.cell(self.target.name)
        assert isinstance(s, str)  # noqa: S101 - lines map to lines in every format
        assert isinstance(t, str)  # noqa: S101
        list_type = self._read(code, table.source_class, s, into="seq")
        element = get_args(without_none(list_type))[0]
        target_element = self._element(t)
        self.line_classes.add(target_element)
        # A rule that writes into the lines (the refund's department on version 2
        # lines) runs after them: they are finished after it, not by their mapper.
        ruled = [
            cell[len(t) + 3 :].partition(".")[0].partition("[")[0]
            for r in table.rows
            if r.apply is not None
            and isinstance(cell := r.cell(self.target.name), str)
            and cell.startswith(t + "[].")
        ]
        late = bool(ruled)
        at_s, at_t = self.indexed(_suffix(s)), self.indexed(_suffix(t))
        line_mapper = self.table(
            f"line_{index}",
            row.lines or (),
            element,
            None if late else target_element,
            made=target_element,
            ruled=ruled,
            at=(at_s, at_t),
        )
        if late:
            keys = self._made_keys(target_element, row.lines or (), ruled)
            alone = self.alone_of[line_mapper]
            table.late.append((t, s, self.finisher(target_element, made=keys, alone=alone)))
        if row.make is not None and not self._idle(row.make):
            table.pending.append((index, row))
            code(f"p{index} = not seq")
        code("if seq:").indent()
        self._set(code, t, self.line_calls(line_mapper, at_s, at_t))
        code.dedent()

    def late_lines(self, code: _Function, key: str, finish: str, at: str) -> None:
        """Write the finishing of each line of ``out[key]`` by ``finish``, at its own path."""
        code(f"_ls = out.get({key!r})")
        code("if _ls:").indent()(f"out[{key!r}] = {self.late_calls(finish, at)}").dedent()

    def late_calls(self, finish: str, at: str) -> str:
        """Return the expression finishing each line of ``_ls`` by ``finish``, at its own path.

        ``at`` names the :class:`_Indexed` suffixes of the source's list.
        """
        return f"[{finish}(x, run, sp + {at}[i]) for i, x in enumerate(_ls)]"

    def line_calls(self, mapper: str, at_s: str, at_t: str) -> str:
        """Return the expression mapping each line of ``seq`` by ``mapper``, at its own paths.

        ``at_s`` and ``at_t`` name the :class:`_Indexed` suffixes of the lists.
        """
        return f"[{mapper}(x, sp + {at_s}[i], tp + {at_t}[i], run) for i, x in enumerate(seq)]"

    def _element(self, keypath: str) -> type:
        """Return the element class of the target record's list at ``keypath``."""
        names = {k: a for a, k in self.tgt_codec.keys(self.target.record).items()}
        field = field_of(self.target.record, names[keypath])
        return get_args(without_none(field.type))[0]  # type: ignore[no-any-return]

    def _idle(self, make: str) -> bool:
        """Whether the make rule named ``make`` makes nothing for this pair, whatever the record.

        That is where it returns None asked by a run that tells only its formats,
        given a record and a dict it cannot read (:class:`_FormatsOnly`): its
        result follows from the pair alone. Such a rule is not compiled in.
        """
        record, made, formats = _Unread(), _Unread(), _FormatsOnly(self.source, self.target)
        try:
            none = MAKE[make](record, cast("dict[str, Any]", made), formats) is None
        except Exception:  # noqa: BLE001 - read what it may not, raised: compiled in, as ever
            return False
        # A reading the rule caught itself (and made nothing of) is a reading too.
        return none and not (record.read or made.read or formats.read)

    def _make(self, code: _Function, index: int, row: Row) -> None:
        s, t = row.cell(self.source.name), row.cell(self.target.name)
        assert isinstance(t, str)  # noqa: S101 - only rows with a target key are made
        where = f"sp + {_suffix(s)!r}" if isinstance(s, str) else "sp"
        rule = self.name(MAKE[row.make or ""], "make")
        code(f"if p{index}:").indent()
        code("try:").indent()(f"m = {rule}(src, out, run)").dedent()
        code("except Unmappable as exc:").indent()(f"run.fail({where}, str(exc))").dedent()
        code("else:").indent()
        code("if m is not None:").indent()
        self._set(code, t, "m.value")
        self.rule_entry(code, where, _suffix(t))
        code.dedent()
        code.dedent()
        code.dedent()

    # -- finishing the target dict -----------------------------------------------------------

    def _keys(self, cls: type) -> list[str]:
        """Return the JSON keys of the target's ``cls``, in its order."""
        keys = self.tgt_codec.keys(cls)
        return [keys[field.name] for field in fields(cls)]

    def finisher(
        self, cls: type, *, made: Sequence[str] | None = None, alone: frozenset[str] = frozenset()
    ) -> str:
        """Return the name of the generated function that finishes a dict as ``cls``.

        The dict is remade in the model's key order, each value written as the
        model writes it, and keys without a value left out, or reported missing
        where required. A model whose keys are mostly written is remade at once
        (one dict display, then its absent keys deleted); one whose keys are
        mostly left out when absent (Railz's), a key at a time. ``made``: the
        dict is one a table made (see :meth:`table`) with these keys of the
        model's, in order: it is finished in place, those keys alone (remade
        where it has more keys); of them, the objects in ``alone`` are as the
        table made them (see :meth:`_alone`): only left out where null.
        """
        key_ = (cls, None if made is None else tuple(made), alone)
        if key_ in self.finishers:
            return self.finishers[key_]
        made_before = sum(cls is held and given is not None for held, given, _ in self.finishers)
        name = f"finish_{cls.__name__}" + (
            "" if made is None else "_made" + (f"_{made_before}" if made_before else "")
        )
        self.finishers[key_] = name
        keys = self.tgt_codec.keys(cls)
        names = {k: a for a, k in keys.items()}
        parts = [
            (keys[field.name], *self._finish_parts(keys[field.name], field))
            for field in fields(cls)
        ]
        if made is not None:
            for index, (key, _, absent) in enumerate(parts):
                base = without_none(field_of(cls, names[key]).type)
                if key in made and attrs.has(base) and (whole := self._whole(base)) is not None:
                    # Made whole by the table (see _place): finished in place, no path,
                    # by its finisher's body where it can be written here (no call).
                    whole_name = self.finisher(base, made=whole)
                    finish = f"{whole_name}(v, run, None)"
                    data = "if type(v) is not dict: v = _source_data(v)"
                    body = next(
                        f[1:] for f in self.functions if f[0].startswith(f"def {whole_name}(")
                    )
                    inlined = _inlined_whole(body, key)
                    lines = (data, *(inlined or [f"r[{key!r}] = {finish}"]))
                    parts[index] = (key, _Writing(lines=lines), absent)
                elif key in alone:
                    parts[index] = (key, None, absent)
            code = _Function(f"def {name}(r, run, sp):")
            # A key a rule added (one not made, or the model has not): remade in order.
            code.block(f"if len(r) != {len(made)}:", f"return {self.finisher(cls)}(r, run, sp)")
            for key, writing, absent in parts:
                if key in made:
                    self._finish_in_place(code, key, writing, absent)
            code("return r")
            self.functions.append(code.lines)
            return name
        code = _Function(f"def {name}(d, run, sp):")
        code("g = d.get")
        if 2 * sum(absent == "omit" for _, _, absent in parts) > len(parts):
            code("r = {}")
            for key, writing, absent in parts:
                self._finish_inserting(code, key, writing, absent)
        else:
            code("r = {" + ", ".join(f"{key!r}: g({key!r})" for key, _, _ in parts) + "}")
            for key, writing, absent in parts:
                self._finish_in_place(code, key, writing, absent)
        code("return r")
        self.functions.append(code.lines)
        return name

    def _finish_parts(self, key: str, field: attrs.Attribute[Any]) -> tuple[_Writing | None, str]:
        """Return how a value of ``field`` is written (None: as it is), and what its absence is.

        The absence is ``omit`` (the key left out), ``missing`` (reported: the
        field is required) or ``null`` (written as null).
        """
        base = without_none(field.type)
        k = repr(key)
        writing = None
        if attrs.has(base):
            # An object copied whole (pagination) is still a source model: as data first.
            finish = f"{self.finisher(base)}(v, run, sp)"
            if (only := self._finished_alone(base)) is not None:
                # The one value the mapping made it with (a reference's id): finished.
                finish = f"v if len(v) == 1 and v.get({only!r}) is not None else {finish}"
            made = ("if type(v) is not dict: v = _source_data(v)", f"r[{k}] = {finish}")
            writing = _Writing(lines=made)
        elif (value := value_of(base)) is not None and value.writer is not None:
            # Read from the table now: the generated line names the writer itself.
            writing = _Writing("type(v) is not str", f"{value.writer.__name__}(v)")
        elif base is Decimal:
            # A small int (a Railz quantity) is a decimal made once (see _DECIMALS).
            writing = _Writing("type(v) is int", "_decimal(v) or Decimal(v)", needs_value=False)
        elif get_origin(base) is list and attrs.has(get_args(base)[0]):
            element = get_args(base)[0]
            # A list copied whole (links) holds source models: write them as data.
            lines = [f"if v and type(v[0]) is not dict: r[{k}] = v = _unstructure(v)"]
            if element not in self.line_classes:  # lines are finished by their mapper
                lines.append(f"if v: r[{k}] = [{self.finisher(element)}(x, run, sp) for x in v]")
            writing = _Writing(lines=tuple(lines), stored=False)
        return writing, _absence(field)

    def _finished_alone(self, cls: type) -> str | None:
        """Return the first key of ``cls`` where a dict of it alone, not null, is finished.

        That is where the key's value is written as it is, and every other key is
        left out when absent: its finisher gives such a dict back equal. None for
        another class.
        """
        keys = self.tgt_codec.keys(cls)
        first, *others = fields(cls)
        writing, _ = self._finish_parts(keys[first.name], first)
        if writing is not None or not all(omitted_when_none(field) for field in others):
            return None
        return keys[first.name]

    def _missing(self, key: str) -> str:
        message = f"{self.target.name} requires {key}, and there is no value for it"
        return f"run.missing(sp, {message!r})"

    def _finish_in_place(
        self, code: _Function, key: str, writing: _Writing | None, absent: str
    ) -> None:
        """Write the value of ``key`` in ``r``, which holds every key already (see finisher)."""
        k = repr(key)
        gone = {"omit": [f"del r[{k}]"], "missing": [f"del r[{k}]", self._missing(key)]}
        if writing is None:
            if absent != "null":
                code.block(f"if r[{k}] is None:", *gone[absent])
            return
        code(f"v = r[{k}]")
        if absent != "null":
            code.block("if v is None:", *gone[absent])
            code.block("else:", *writing.over(k))
        elif writing.needs_value:
            code.block("if v is not None:", *writing.over(k))
        else:
            for line in writing.over(k):
                code(line)

    def _finish_inserting(
        self, code: _Function, key: str, writing: _Writing | None, absent: str
    ) -> None:
        """Add the value of ``key`` to ``r`` (see finisher), written as the model writes it."""
        k = repr(key)
        code(f"v = g({k})")
        store = [f"r[{k}] = v"] if writing is None else writing.stored_in(k)
        if absent == "omit":
            code.block("if v is not None:", *store)
        elif absent == "missing":
            code.block("if v is None:", self._missing(key))
            code.block("else:", *store)
        else:
            code(f"r[{k}] = v")
            if writing is not None:
                code.block("if v is not None:", *writing.over(k))

    def omit_envelope(self, shapes: Sequence[type]) -> None:
        """Write ``omit_envelope``: report every envelope value as omitted."""
        code = _Function("def omit_envelope(src, sp, run):")
        code("add = run.report.append")
        code("kind = type(src)")
        message = f"envelope metadata; {self.target.name} has no place for it here"
        for cls in shapes:
            code(f"if kind is {self.name(cls, 'shape')}:").indent()
            keys = set(self.src_codec.keys(cls).values())
            for row in ENVELOPE:
                s = row.cell(self.source.name)
                if isinstance(s, str) and s.split(".")[0] in keys:
                    self._read(code, cls, s)
                    entry = f"(_OMITTED, sp + {_suffix(s)!r}, None, {message!r})"
                    code(f"if v is not None: add(_new(_Entry, {entry}))")
            code("return")
            code.dedent()
        self.functions.append(code.lines)


#: One key written into the object ``_t``: the key, quoted, and the value.
_WRITTEN = re.compile(r"_t\[('\w+')\] = (.+)")
_HELD = re.compile(r"\b_t\b")


#: A quoted string of generated code (its words are not names).
_QUOTED = re.compile(r"('[^']*')")
#: The names a whole object's finisher uses, as its holder's finisher names them.
_WHOLE_NAMES = {"r": "v", "v": "_w", "sp": "None"}


def _inlined_whole(body: list[str], key: str) -> list[str] | None:
    """Return the lines finishing ``v``, the object at ``r[key]``, as its made finisher does.

    The finisher of an object a table makes whole (``body``: ``r`` remade where
    a key was added, else its values written in place, ``r`` returned), its
    names its holder's (``r`` is ``v``, ``v`` is ``_w``, no path): written in
    the holder's finisher, no call. None for a body of any other form.
    """
    if len(body) < 3 or body[-1] != "    return r" or not body[0].startswith("    if len(r) != "):
        return None
    remade = re.fullmatch(r"        return (finish_\w+)\(r, run, sp\)", body[1])
    rest = body[2:-1]
    if remade is None or any("return" in line or "run" in line for line in rest):
        return None

    def renamed(line: str) -> str:
        parts = _QUOTED.split(line)
        parts[::2] = [
            re.sub(r"\b(r|v|sp)\b", lambda m: _WHOLE_NAMES[m[1]], part) for part in parts[::2]
        ]
        return "".join(parts)

    return [
        renamed(body[0])[4:],
        f"    r[{key!r}] = {remade[1]}(v, run, None)",
        "else:",
        *(renamed(line) for line in rest),
        f"    r[{key!r}] = v",
    ]


def _made_at_once(lines: list[str], key: str) -> None:
    """Make each object ``out[key]`` that ``lines`` make empty, then write one key into, at once.

    ``_t = out.get(key)``, made ``{}`` where None, then ``_t[k] = value`` (nothing
    between reading ``_t``) is ``out[key] = {k: value}``: for an object the table
    makes of that one value (see :meth:`_Compiler._alone`), the same dict, made
    in one display, its one key placed at once.
    """
    head = [f"_t = out.get({key!r})", "if _t is None:", f"_t = out[{key!r}] = {{}}"]
    index = 0
    while index < len(lines) - 3:
        if [line.strip() for line in lines[index : index + 3]] != head:
            index += 1
            continue
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        after = next((at for at in range(index + 3, len(lines)) if _HELD.search(lines[at])), 0)
        written = _WRITTEN.fullmatch(lines[after].strip()) if after else None
        if written is None or not lines[after].startswith(indent + "_t["):
            index += 3  # read before it is written, or written where it may not be
            continue
        lines[after] = f"{indent}out[{key!r}] = {{{written[1]}: {written[2]}}}"
        del lines[index : index + 3]


def _envelopes(fmt: Format) -> list[type]:
    return [shape.model for shape in fmt.envelopes]


def _list_model(fmt: Format) -> type | None:
    return next((shape.model for shape in fmt.envelopes if shape.many), None)


@cache
def _compiled(source_name: str, target_name: str, *, lookup: bool) -> tuple[Compiled, str]:
    source, target = get_format(source_name), get_format(target_name)
    compiler = _Compiler(source, target, lookup=lookup)
    compiler.table("refund", REFUND, source.record, target.record)
    source_list, target_list = _list_model(source), _list_model(target)
    envelope, finish = "map_refund", "map_refund"  # unused where no list maps to a list
    if source_list is not None and target_list is not None:
        # Left unfinished: the engine adds the records, then finishes the envelope.
        envelope = compiler.table("envelope", ENVELOPE, source_list, None)
        # Its records were finished by map_refund: not a second time (1-2 µs a record).
        compiler.line_classes.add(target.record)
        finish = compiler.finisher(target_list)
    compiler.omit_envelope(_envelopes(source))
    code = compiler.module()
    filename = f"<refundmap compiled {source_name} -> {target_name}{' with lookup' * lookup}>"
    namespace: dict[str, Any] = dict(compiler.names)
    exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    compiled = Compiled(
        refund=namespace["map_refund"],
        envelope=namespace[envelope],
        finish_envelope=namespace[finish],
        omit_envelope=namespace["omit_envelope"],
        code=code,
    )
    return compiled, code


def compile_pair(source: Format, target: Format, *, lookup: bool = False) -> Compiled:
    """Return the generated mapping functions of ``source`` to ``target``, built once.

    ``lookup``: whether the conversion translates reference ids through a lookup;
    without one, the generated code reports each id it copies across the vendors.
    """
    return _compiled(source.name, target.name, lookup=lookup)[0]


def source(source_name: str, target_name: str, *, lookup: bool = False) -> str:
    """Return the generated code of a pair, for reading."""
    return _compiled(source_name, target_name, lookup=lookup)[1]
