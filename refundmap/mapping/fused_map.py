"""The fast path's mapping: the compiler's code for a pair, its report noted as rows.

The compiler (:mod:`refundmap.mapping.compiler`) writes each report entry as an
``Entry`` with both paths joined at once. The fast path's compiler is the same
compiler, but an entry whose words are fixed (a dropped or omitted value, an id
copied untranslated) is noted as a constant *row*: its kind, the suffixes of its
paths and its words, joined to the record's paths only when the report is read
(:class:`FusedRows`). Entries with words made at run time (the rules' derived
and synthesized values) are noted as entries, as the compiler notes them.

:func:`convert` maps the records of a document the fast reader took
(:func:`refundmap.mapping.fused.load`) with it, checks each mapped record by
the target's own checks, read off the mapped dict
(:func:`refundmap.checks.fast_check`), and raises :class:`Fallback`
for anything the detailed engine would report beyond the mapping (a failed
target check, an empty line, a record the target cannot hold): the caller then
runs the detailed engine on the same document.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import chain, compress, repeat
from operator import is_, itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, get_origin

from refundmap import dates
from refundmap.checks import FastCheck, Finding, fast_check
from refundmap.codec.fields import without_none
from refundmap.formats import Format, get_format
from refundmap.gate import failures
from refundmap.mapping.compiler import (
    _ALWAYS,
    _INDEXED_HELD,
    _Compiler,
    _Function,
    _Indexed,
    _literal_suffix,
    _suffix,
    _Table,
)
from refundmap.mapping.rules import (
    APPLY,
    APPLY_LINE_KEYS,
    APPLY_REFUND_KEYS,
    MAKE,
    MAKE_KEYS,
    MAKE_NO_LINES,
    WRITE_WHEN,
    sub_total_words,
)
from refundmap.mapping.runtime import Run, _read_directly, _scope
from refundmap.mapping.table import LINES_TOTAL, REFUND, Marker, Row
from refundmap.missing import CopiedIds
from refundmap.paths import format_path
from refundmap.report import Entry, Kind, MappingError
from refundmap.rows import Rows, kinds_counted

if TYPE_CHECKING:
    from refundmap.conversion import Conversion, Converter
    from refundmap.references import Lookup
    from refundmap.validation import Loaded, Part

__all__ = ["Fallback", "FusedRows", "convert", "source"]

#: What a note is when it is no entry: a line's paths start (``(_PUSH, at_s, at_t, index)``:
#: its lists' suffixes and its index, joined to its refund's paths; see :class:`_Pushes`),
#: or the lines' end (``_POP``, once after them: the refund's again), or a run of dropped
#: or omitted values (``(_RUN, rows, kind's text or None, ...)``: see
#: :meth:`_FusedCompiler._run`). Their first
#: items are no Kind. A record's own rows are noted at its paths, given with its notes.
_PUSH = object()
_POP = (object(), None, None)
_RUN = object()
#: The fewest values noted as a run: fewer cost less as rows (a tuple made, when
#: they are mostly absent, costs more than the tests and appends it saves).
_RUN_LEAST = 3
#: The most items (two a copy: its kind, its id) a page's copied ids hold as noted
#: before they are counted (see _Counted): a page of about 37,000 refunds of 3 lines.
_FLAT_HELD = 1 << 20
_first = itemgetter(0)
#: Each Kind, by its text (a run's row notes the text: see _FusedCompiler._run).
_KIND_OF = {kind.value: kind for kind in Kind}
_notes = itemgetter(2)
#: A record's index in its page, as a path's suffix (``[2]``), made once.
_AT = _Indexed("")


class _Pushes(dict[int, tuple[Any, ...]]):
    """The notes that start the lines of a list, by index, made once: the same in every record.

    ``(_PUSH, at_s, at_t, index)``: the line's paths are its refund's joined to its
    lists' suffixes (:class:`~refundmap.mapping.compiler._Indexed`) at ``index``,
    when read (:func:`_entries`). A note made once is no container made a line.
    """

    __slots__ = ("at_s", "at_t")

    def __init__(self, at_s: _Indexed, at_t: _Indexed) -> None:
        super().__init__()
        self.at_s, self.at_t = at_s, at_t

    def __missing__(self, index: int) -> tuple[Any, ...]:
        made = (_PUSH, self.at_s, self.at_t, index)
        if index < _INDEXED_HELD:
            self[index] = made
        return made


class Fallback(Exception):  # noqa: N818 - a signal, not an error: the detailed path takes over
    """The fast path does not accept the document outright: the detailed path converts it."""


@cache
def _conversion_class() -> type[Conversion]:
    """Return :class:`~refundmap.Conversion` (its module imports this one: read once, later)."""
    from refundmap.conversion import Conversion  # noqa: PLC0415

    return Conversion


class _FusedCompiler(_Compiler):
    """The compiler, noting entries with fixed words as constant rows."""

    def __init__(  # noqa: PLR0913 - the pair, and how the code is compiled
        self,
        source: Format,
        target: Format,
        *,
        lookup: bool,
        require_refs: bool,
        counted: bool,
        by_key: bool = False,
    ) -> None:
        super().__init__(source, target, lookup=lookup)
        self.require_refs = require_refs
        #: Whether the generated code notes the ids it copies itself (see :meth:`copied`).
        self.counted = counted
        #: Whether it notes them as ``(kind, id)`` in ``copied_keys`` (JSON Lines
        #: records, :mod:`refundmap.mapping.bare`), not two items in ``copied_flat``.
        self.by_key = by_key
        #: The source suffixes of folded values, per table being compiled: their
        #: check reads the entries noted, so an entry there is noted whole.
        self.folded_now: list[set[str]] = []
        #: Per table being compiled, whether its folded values are checked against
        #: whole entries (see :meth:`noted_at`).
        self.whole_now: list[bool] = [False]
        #: Per table being compiled, the local noting that an entry at a folded
        #: value's suffix was noted, by that suffix (see :meth:`unnoted`).
        self.flags_now: list[dict[str, str]] = [{}]
        #: Per table being compiled, then by its function's name: the keys of its dict
        #: it copies a source value declared a ``Decimal`` into as it is (see :meth:`_copy`).
        self.decimals_now: list[set[str]] = [set()]
        self.decimals: dict[str, frozenset[str]] = {}

    def fixed_entry(self, kind: str, source: str, target: str | None, message: str) -> str:
        """Return the statement noting the entry as a constant row (see the module)."""
        if self.whole_now[-1] and any(source in folded for folded in self.folded_now):
            return super().fixed_entry(kind, source, target, message)
        row = (self.names[kind], source, target, message)
        flag = self.flags_now[-1].get(source)
        noted = "" if flag is None else f"; {flag} = True"
        return f"add({self.name(row, 'row')}){noted}"

    def rule_entry(self, code: _Function, where: str, target: str) -> None:
        """Note the entry of a rule's value as a row: its words made at run time, its suffixes.

        Where the table's folded values are checked against whole entries (see
        :meth:`noted_at`), or the path is made at run time, as an entry.
        """
        suffix = "" if where == "sp" else _literal_suffix(where)
        if suffix is None or self.whole_now[-1]:
            super().rule_entry(code, where, target)
            return
        code("if m.kind is not None:").indent()
        flags = self.flags_now[-1]
        if not flags:
            code(
                f"add((m.kind, '.' + m.source if m.source else {suffix!r}, {target!r}, m.message))"
            )
            code.dedent()
            return
        code(f"_o = '.' + m.source if m.source else {suffix!r}")
        code(f"add((m.kind, _o, {target!r}, m.message))")
        for folded, flag in flags.items():
            code(f"if _o == {folded!r}: {flag} = True")
        code.dedent()

    def _copy(  # noqa: PLR0913 - as the compiler's
        self,
        table: _Table,
        row: Row,
        where: str,
        t: str,
        s: str | None = None,
        *,
        read: bool = False,
    ) -> None:
        """Copy ``v`` as the compiler does; note a key given a source ``Decimal`` as it is.

        The fast path's source is a view of the fast reader or a record the codec
        structured, which hold a ``Decimal`` (never an ``int``) wherever the model
        declares one: such a key's finishing writes it as it is (see
        :func:`_finish_at_writes`).
        """
        if (
            s is not None
            and all(part.isidentifier() for part in t.split("."))
            and (row.ref is None or not self.translates)
            and (
                row.write is None
                or not WRITE_WHEN.get(row.write, _ALWAYS)(self.source, self.target)
            )
            and without_none(self._attributes(table.source_class, s)[1]) is Decimal
        ):
            self.decimals_now[-1].add(t)
        super()._copy(table, row, where, t, s, read=read)

    def _make(self, code: _Function, index: int, row: Row) -> None:
        """Write the rule making a value where the source has none, as the compiler does.

        The refund's ``sub_total`` from Rutter is written here, its words noted
        as its values, said when the report is read (:func:`_entries`): no call,
        no ``Made``, no decimals formatted a record. From another source the rule
        makes nothing. Where entries are noted whole, or compared as noted, the rule's.
        """
        t = row.cell(self.target.name)
        if row.make != "sub_total" or self.whole_now[-1] or self.flags_now[-1]:
            super()._make(code, index, row)
            return
        if self.source.vendor != "rutter":
            return  # the rule's first test: it makes nothing
        assert isinstance(t, str)  # noqa: S101 - only rows with a target key are made
        said = self.name(sub_total_words, "said")
        code(f"if p{index}:").indent()
        code("_a = src.total_amount")
        code("_b = src.tax_amount")
        code("if _a is not None and _b is not None:").indent()
        self._set(code, t, "_a - _b")
        code(f"add((_DERIVED, '.total_amount', {_suffix(t)!r}, {said}, _a, _b))")
        code.dedent()
        code.dedent()

    def line_calls(self, mapper: str, at_s: str, at_t: str) -> str:  # noqa: ARG002 - pushed
        """Return the expression mapping each line, given its refund's paths and its index."""
        return f"[{mapper}(x, sp, tp, i, run) for i, x in enumerate(seq)]"

    def late_lines(self, code: _Function, key: str, finish: str, at: str) -> None:
        """Write the finishing of each line of ``out[key]``: its finisher's body, in a loop.

        The line's finisher given its refund's path and its index (see
        :meth:`late_calls`), inlined: no call a line. Where it has none such, or
        a body that cannot be inlined, each line is finished by a call, as ever.
        """
        call = self.late_calls(finish, at)
        name = f"{finish}_at"
        body = next((f[1:] for f in self.functions if f[0].startswith(f"def {name}(")), None)
        inlined = None if body is None or not call.startswith(f"[{name}(") else _inlined(body, at)
        if inlined is None:
            super().late_lines(code, key, finish, at)
            return
        inlined = self._lines_where_mapped(code.lines, key, inlined)
        inlined = self._wholes_as_made(code.lines, key, inlined)
        code(f"_ls = out.get({key!r})")
        code("if _ls:").indent()
        code("for _li, r in enumerate(_ls):").indent()  # each finished in its place
        for line in inlined:
            code(line)
        code.dedent()
        code.dedent()

    def _wholes_as_made(self, refund: list[str], key: str, late: list[str]) -> list[str]:
        """Finish each object a line's table makes whole as made, in the late loop's body ``late``.

        An object the line's function makes by one display (``_t = out[k] = {...}``), and
        writes only that display's keys into, where no rule given the line or its refund
        names it (the applied rules' :data:`~refundmap.mapping.rules.APPLY_LINE_KEYS`, the
        make rules' :data:`~refundmap.mapping.rules.MAKE_KEYS`, lines made by a rule
        none, :data:`~refundmap.mapping.rules.MAKE_NO_LINES`), is that dict with those
        keys: its finishing is not asked whether it is a dict, nor remade where it has
        more keys, nor stored again; a key of it given a source ``Decimal`` as it is
        (see :meth:`_copy`) is not asked whether it is an ``int``. Left as it is otherwise.
        """
        pattern = rf" +out\[{key!r}\] = \[(map_line_\w+)\(x, sp, tp, i, run\) for i, x in .+"
        mapper = next((m[1] for line in refund if (m := re.fullmatch(pattern, line))), None)
        makes = {
            name: rule
            for name, held in self.names.items()
            if name.startswith("_make_")
            for rule, function in MAKE.items()
            if held is function
        }
        ruled = None if mapper is None else self._lines_ruled(refund, key, pattern, makes)
        if mapper is None or ruled is None:
            return late
        function = next(f for f in self.functions if f[0].startswith(f"def {mapper}("))
        wholes = _wholes(function, makes)
        if wholes is None:
            return late
        displays, into, other, ruled_here = wholes
        decimals = self.decimals.get(mapper, frozenset())
        body = list(late)
        for whole, shown in displays.items():
            keys = re.findall(r"'(\w+)': None", next(iter(shown)))
            if len(shown) != 1 or whole in ruled | ruled_here | other:
                continue
            written = into.get(whole, [])
            if not set(written) <= set(keys):
                continue
            given = {k for k in keys if f"{whole}.{k}" in decimals and written.count(k) == 1}
            body = _as_made(body, whole, len(keys), given)
        return body

    def _lines_ruled(
        self, refund: list[str], key: str, pattern: str, makes: Mapping[str, str]
    ) -> set[str] | None:
        """Return the keys of its lines the rules given a refund's dict name (see above).

        None where a call given it may read its lines (or is no declared rule), or its
        lines are made otherwise than by their table or a rule of ``MAKE_NO_LINES``.
        """
        applied = self._applied(APPLY_LINE_KEYS)
        ruled: set[str] = set()
        made = None  # the make rule whose value m holds
        for line in refund:
            call = re.fullmatch(r" +m = (_make_\d+)\(src, out, run\)", line)
            if call is not None:
                made = makes.get(call[1])
                if made not in MAKE_KEYS or key in MAKE_KEYS[made]:
                    return None  # a rule that may read the lines
                continue
            if re.match(r" +m = ", line):
                made = None  # m holds another rule's value
            if not re.search(r"\bout\b", line) or re.fullmatch(pattern, line):
                continue
            if re.fullmatch(rf" +out\[{key!r}\] = m\.value", line):
                if made not in MAKE_NO_LINES:
                    return None  # lines a rule made
                continue
            called = _APPLIED.fullmatch(line)
            if called is not None and applied.get(called[1]) is not None:
                ruled |= applied[called[1]] or set()
            elif not re.fullmatch(r" +(out\['\w+'\] = .+|out = \{.*\})", line) or re.match(
                rf" +out\[{key!r}\]", line
            ):
                return None
        return ruled

    def _made(self) -> dict[str, frozenset[str] | None]:
        """Return each make rule's name in the generated module, and its keys of ``MAKE_KEYS``."""
        return {
            name: MAKE_KEYS.get(rule)
            for name, held in self.names.items()
            if name.startswith("_make_")
            for rule, function in MAKE.items()
            if held is function
        }

    def _applied(self, declared: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str] | None]:
        """Return each applied rule's name in the generated module, and its keys of ``declared``."""
        return {
            name: declared.get(rule)
            for name, held in self.names.items()
            if name.startswith("_apply_")
            for rule, function in APPLY.items()
            if held is function
        }

    def _lines_where_mapped(self, refund: list[str], key: str, late: list[str]) -> list[str]:
        """Finish each line's keys where its function maps them; return the late loop's body.

        ``late``: the body finishing each line ``r`` after the refund's rules (see
        :func:`_inlined`): first remade where it has more keys than it was made
        with, then each key tested. A key of the line no rule reads or writes
        (:data:`~refundmap.mapping.rules.APPLY_LINE_KEYS`), written at one place
        alone, is finished there (as :func:`_finished_where_mapped` does the
        refund's); the line is then remade only where it holds a key a rule
        adds (one the line is not made with), none where no rule adds one.
        Left as it is unless every call given the refund's dict is such a rule.
        """
        pattern = rf" +out\[{key!r}\] = \[(map_line_\w+)\(x, sp, tp, i, run\) for i, x in .+"
        mapper = next((m[1] for line in refund if (m := re.fullmatch(pattern, line))), None)
        guard = re.fullmatch(r"if len\(r\) != \d+:", late[0]) if late else None
        remade = re.fullmatch(r"    _ls\[_li\] = (finish_\w+)\(r, .+", late[1]) if guard else None
        if mapper is None or remade is None or late[2] != "    continue":
            return late
        applied = self._applied(APPLY_LINE_KEYS)
        ruled: set[str] = set()
        for line in refund:
            called = _APPLIED.fullmatch(line)
            if called is not None and applied.get(called[1]) is not None:
                ruled |= applied[called[1]] or set()
            elif re.search(r"\bout\b", line) and not re.fullmatch(
                r" +(out\['\w+'\] = .+|out = \{.*\})", line
            ):
                return late  # the dict given to a call: its lines may be read
        function = next(f for f in self.functions if f[0].startswith(f"def {mapper}("))
        full = next(f for f in self.functions if f[0].startswith(f"def {remade[1]}("))
        made = re.fullmatch(r"    out = \{(.*)\}", function[1])
        blocks = _blocks([f"    {line}" for line in late[3:]])
        if made is None or function[-1] != "    return out" or blocks is None:
            return late
        keys = set(re.findall(r"'(\w+)': None", made[1]))
        if any(
            re.search(r"\bout\b", line) and not re.fullmatch(r" +out\['(\w+)'\] = .+", line)
            for line in function[2:-1]
        ) or any(k not in keys for k in re.findall(r"\bout\['(\w+)'\]", "\n".join(function))):
            return late  # the line's dict given to a call, or a key added
        decimals = self.decimals.get(mapper, frozenset())
        moved = _finish_at_writes(function, len(function) - 1, blocks, ruled, decimals)
        if not moved:
            return late
        added = sorted(ruled.intersection(re.findall(r"g\('(\w+)'\)", "\n".join(full))) - keys)
        kept = [line[4:] for k, block in blocks.items() if k not in moved for line in block]
        if not added:
            return kept
        test = " or ".join(f"{k!r} in r" for k in added)
        return [f"if {test}:", *late[1:3], *kept]

    def late_calls(self, finish: str, at: str) -> str:
        """Return the expression finishing each line, given its refund's path and its index.

        The line's finisher, written again to take them (``{finish}_at``), joins
        the line's path only where it uses it: where that is only a required key
        missing, the line remade (a rule gave it a key), or a reference that is
        not its id alone finished; else (a nested object finished each time, which
        is given the path) the line's path is joined for each line, as ever.
        """
        name = f"{finish}_at"
        if not any(lines[0].startswith(f"def {name}(") for lines in self.functions):
            made = next(f for f in self.functions if f[0].startswith(f"def {finish}("))
            lines = [f"def {name}(r, run, sp, _at, _li):", *made[1:]]
            _joined_when_used(lines, ("_at", "_at"), only="sp")
            if not all(
                "run.missing(" in line
                or line.lstrip().startswith("return finish_")
                or line.index(" else finish_") < line.index("(sp + _at[_li])")
                if " else finish_" in line
                else "run.missing(" in line or line.lstrip().startswith("return finish_")
                for line in lines[1:]
                if "(sp + _at[_li])" in line
            ):
                return super().late_calls(finish, at)
            self.functions.append(lines)
        return f"[{name}(x, run, sp, {at}, i) for i, x in enumerate(_ls)]"

    def noted_at(self, suffix: str) -> str:
        """Return what a folded value's entry is noted at: its suffix, where rows are noted.

        A table whose rules note entries themselves (an applied rule: whole
        entries, any path) notes its own as entries, at the whole path.
        """
        return super().noted_at(suffix) if self.whole_now[-1] else repr(suffix)

    def unnoted(self, suffix: str) -> str:
        """Return the test that the table noted no entry at a folded value's suffix.

        Where it notes its entries as rows and maps no lines (a line's table),
        the entries at that suffix are its rows and its rules' entries (any other
        is at a whole path): each sets a local flag as it is noted, and the
        test reads the flag; else the entries noted are compared, as ever.
        """
        flag = self.flags_now[-1].get(suffix)
        return super().unnoted(suffix) if flag is None else f"not {flag}"

    def _rows(self, table: _Table) -> None:
        """Write the table's rows, a run of dropped or omitted values as one row (see _run).

        A row whose code notes nothing and reads nothing a run's row writes (a
        value copied as it is, a folded value read) may sit in a run: its code
        comes before the run's row.
        """
        run: list[tuple[int, str, str]] = []
        for index, row in enumerate(table.rows):
            kind = self._fixed_kind(row)
            s = row.cell(self.source.name)
            if kind is not None and isinstance(s, str):
                run.append((index, kind, s))
                continue
            if run and self._silent(row):
                self._row(table, index, row)
                continue
            self._run(table, run)
            run = []
            self._row(table, index, row)
        self._run(table, run)

    def _fixed_kind(self, row: Row) -> str | None:
        """Return the kind's name of a row noted as a flag in a run (``_DROPPED``), or None.

        Such a row reads one value and, where it is not null, notes an entry with
        fixed words at no target path: a dropped or omitted value, not folded.
        """
        s, t = row.cell(self.source.name), row.cell(self.target.name)
        if t is not Marker.DROPPED and t is not Marker.OMITTED:
            return None
        if not isinstance(s, str) or "[" in s or row.lines is not None:
            return None
        if any(_suffix(s) in folded for folded in self.folded_now):
            return None
        return "_DROPPED" if t is Marker.DROPPED else "_OMITTED"

    def _silent(self, row: Row) -> bool:
        """Whether the code of ``row`` (:meth:`_row`) can note no entry and fail nothing.

        A reference is not: it is translated or copied (a warning), or a default stands in.
        """
        s, t = row.cell(self.source.name), row.cell(self.target.name)
        if not isinstance(s, str) or t is Marker.FOLDED or t is LINES_TOTAL:
            return True
        if not isinstance(t, str) or row.lines is not None or "[" in s or "[" in t:
            return row.apply is not None and "[]" in s + str(t)  # the rule runs later
        return row.ref is None and (
            row.write is None or not WRITE_WHEN.get(row.write, _ALWAYS)(self.source, self.target)
        )

    def _run(self, table: _Table, run: list[tuple[int, str, str]]) -> None:
        """Note the values of ``run`` that are there as one row: a kind's text a value, else None.

        The row's entries are made when the report is read (:func:`_entries`),
        its kinds counted as they are (:func:`_kinds`: a Kind is equal to its
        text, and hashes as it). A row holding texts, not Kinds (objects the
        collector tracks), holds no tracked object: the collector's first pass
        over it stops tracking it. Fewer than :data:`_RUN_LEAST` values are
        noted as rows, as ever.
        """
        if not run:
            return
        code = table.code
        if len(run) < _RUN_LEAST:
            for index, _, _ in run:
                self._row(table, index, table.rows[index])
            return
        words = {
            "_DROPPED": f"{self.target.name} has no field for it",
            "_OMITTED": f"{self.source.name} bookkeeping; {self.target.name} has no place for it",
        }
        rows = self.name(tuple((_suffix(s), words[kind]) for _, kind, s in run), "run")
        code("# Each of these, noted where it is there, as one row (entries made when read):")
        code(f"add((_RUN, {rows},")
        code.indent()
        for _, kind, s in run:
            tag = "dropped" if kind == "_DROPPED" else "omitted"
            text = self.names[kind].value
            code(f"{text!r} if {self._there(table, s)} else None,  # {s} -> {tag}")
        code.dedent()
        code("))")

    def _there(self, table: _Table, keypath: str) -> str:
        """Return the test that the source value at ``keypath`` is there, as :meth:`_row` tests."""
        chain_, type_ = self._attributes(table.source_class, keypath)
        base = without_none(type_)
        # An empty list or object carries no value, as _row reads it.
        container = get_origin(base) in (list, dict) or base in (list, dict)
        head = self._head(table.source_class, chain_[0])
        if len(chain_) == 1:
            return head if container else f"{head} is not None"
        # A head read into a local (_h_x) is read again by its name: no store a value.
        held = head.isidentifier()
        tests = [f"{head} is not None" if held else f"(v := {head}) is not None"]
        last = head if held else "v"
        for attribute in chain_[1:-1]:
            tests.append(f"(v := {last}.{attribute}) is not None")
            last = "v"
        tests.append(f"{last}.{chain_[-1]}" if container else f"{last}.{chain_[-1]} is not None")
        return " and ".join(tests)

    def copied(self, code: _Function, kind: str, name: str) -> None:
        """Note the id copied as :meth:`_Counted.copied` does, inline where :attr:`counted`.

        Each copy is :func:`_stride` items of the run's ``copied_flat``: its kind,
        its id, and, from a source whose references have names, its name (or
        None), counted and named only when read (see :class:`_Counted`).
        """
        if not self.counted:
            super().copied(code, kind, name)
            return
        if self.by_key:
            code(f"_k = ({kind!r}, v)")
            code("_key(_k)")
            if name != "None":
                code(f"if {name} is not None and _k not in _names: _names[_k] = {name}")
            return
        if _stride(self.source) == 2:
            code(f"_copy({kind!r}); _copy(v)")
            return
        code(f"_copy3(({kind!r}, v, {name}))")  # one call: the three items made a tuple

    def table(  # noqa: PLR0913 - as the compiler's
        self,
        name: str,
        rows: Sequence[Row],
        src_cls: type,
        tgt_cls: type | None,
        made: type | None = None,
        *,
        ruled: Sequence[str] = (),
        at: tuple[str, str] | None = None,
    ) -> str:
        """Compile the table as the compiler does, its entries noted as rows (see the module).

        A line's function (``at``: the suffixes of its lists) is given its
        refund's paths and its index, and joins its own paths only where it
        uses them (see :meth:`line_calls`).
        """
        folded = {
            format_path(cell.split("."))[1:]
            for row in rows
            if row.cell(self.target.name) is Marker.FOLDED
            and isinstance(cell := row.cell(self.source.name), str)
        }
        self.folded_now.append(folded)
        # Folded values are checked against the entries the table noted: rows where
        # only the table's own code notes them, else entries (an applied rule notes its own).
        applied = any(
            row.apply is not None and any(isinstance(c, str) and "[]" in c for c in row_cells)
            for row in rows
            for row_cells in [(row.cell(self.source.name), row.cell(self.target.name))]
        )
        self.whole_now.append(bool(folded) and applied)
        flagged = not self.whole_now[-1] and all(row.lines is None for row in rows)
        flags = {s: f"_n{i}" for i, s in enumerate(sorted(folded))} if flagged else {}
        self.flags_now.append(flags)
        self.decimals_now.append(set())
        function = super().table(name, rows, src_cls, tgt_cls, made, ruled=ruled)
        self.decimals[function] = frozenset(self.decimals_now.pop())
        self.flags_now.pop()
        self.whole_now.pop()
        self.folded_now.pop()
        # Each table notes its rows against its own paths: a line's against the
        # line's, pushed on entry (a note made once, see _Pushes), popped before
        # returning; the refund's against the record's, given with its notes.
        lines = next(f for f in self.functions if f[0].startswith(f"def {function}("))
        start = lines.index("    add = run.report.append") + 1
        if at is not None:
            _joined_when_used(lines, at)
            pushes = self.name(_Pushes(self.names[at[0]], self.names[at[1]]), "push")
            lines.insert(start, f"    add({pushes}[_li])")
        used = [
            f"{bound} = run.{held}.{method}"
            for bound, held, method in (
                ("_copy", "copied_flat", "append"),
                ("_copy3", "copied_flat", "extend"),
                ("_key", "copied_keys", "append"),
            )
            if any(line.lstrip().startswith(f"{bound}(") for line in lines)
        ]
        if any("_names" in line for line in lines):
            used.append("_names = run.copied_names")
        if used:
            lines.insert(start, f"    {'; '.join(used)}")
        if flags:  # the folded values' flags, not the entries noted since the start
            lines.remove("    start = len(run.report)")
            lines.insert(start, f"    {' = '.join(flags.values())} = False")
        for index in range(len(lines) - 1, start, -1):
            if at is not None and lines[index].startswith("    return "):
                lines.insert(index, "    add(_POP)")
        if at is None:
            self._lines_here(lines)
            self._finished_here(lines, self.decimals[function])
        return function

    def _lines_here(self, lines: list[str]) -> None:
        """Write each line's mapping in its refund's function, a loop over them, not a call a line.

        The line's function's body (see :func:`_inlined_line`) maps ``_x``, each
        line of ``seq``, at index ``_li``, its locals renamed apart from the
        refund's, its result added to the list; its paths' pop (``_POP``) noted
        once after the loop (:func:`_entries`: a push is a line's paths, a pop
        its refund's again). The refund binds what the line's body appends with.
        Left as a call where the body cannot be written so.
        """
        for at, line in enumerate(lines):
            called = re.fullmatch(
                r"( +)out\[('\w+')\] = \[(map_line_\w+)\(x, sp, tp, i, run\) "
                r"for i, x in enumerate\(seq\)\]",
                line,
            )
            if called is None:
                continue
            indent, key, mapper = called.groups()
            made = next(f for f in self.functions if f[0].startswith(f"def {mapper}("))
            body = _inlined_line(made)
            if body is None:
                continue
            bound = [b for b in body if b.startswith("_bind ")]
            body = [b for b in body if not b.startswith("_bind ")]
            start = lines.index("    add = run.report.append") + 1
            bindings = {
                one for held in lines if held[:5] == "    _" for one in held[4:].split("; ")
            }
            missing = [b[len("_bind ") :] for b in bound if b[len("_bind ") :] not in bindings]
            index = at + len(missing)
            lines[start:start] = [f"    {statement}" for statement in missing]
            lines[index : index + 1] = [
                f"{indent}_ml = []",
                f"{indent}for _li, _x in enumerate(seq):",
                *(f"{indent}    {b}" for b in body),
                f"{indent}add(_POP)",
                f"{indent}out[{key}] = _ml",
            ]
            return

    def _finished_here(self, lines: list[str], decimals: frozenset[str] = frozenset()) -> None:
        """Write the refund's finisher's body in its function, in place of calling it.

        ``return finish_X_made(out, run, sp)`` ends the refund's function: the
        finisher's body (its returns the function's) follows ``r = out``. No call
        a record. Left as it is where the function ends otherwise. ``decimals``:
        as :func:`_finish_at_writes`'.
        """
        called = re.fullmatch(r"    return (finish_\w+_made\w*)\(out, run, sp\)", lines[-1])
        if called is None:
            return
        made = next(f for f in self.functions if f[0].startswith(f"def {called[1]}("))
        if made[0] != f"def {called[1]}(r, run, sp):" or any(
            re.search(r"\b(out|src|tp|add|_ls|_f|_li|seq|start)\b", line) for line in made[1:]
        ):
            return
        lines[-1:] = ["    r = out", *made[1:]]
        _finished_where_mapped(lines, self._applied(APPLY_REFUND_KEYS), decimals, self._made())


#: A refund's dict written at one place: the key, and what is written.
_WRITE = re.compile(r"        out\['(\w+)'\] = (.+)")
#: A finisher's test of a key in place: the key, by ``if r[k] is None:`` or ``v = r[k]``.
_FINISHED = re.compile(r"    (?:if r\['(\w+)'\] is None:|v = r\['(\w+)'\])")
#: A rule given the refund's dict (``_apply_35(src, out, run, sp, tp)``): its name.
_APPLIED = re.compile(r"    (_apply_\d+)\(src, out, run, sp, tp\)")


def _finished_where_mapped(
    lines: list[str],
    applied: Mapping[str, frozenset[str] | None],
    decimals: frozenset[str] = frozenset(),
    made_by: Mapping[str, frozenset[str] | None] | None = None,
) -> None:
    """Finish each of the refund's keys where it is mapped, not after its rules (in place).

    ``lines``: the refund's function, its finisher's body written after ``r = out``
    (see :meth:`_FusedCompiler._finished_here`), which first remakes the dict where
    it has more keys than it was made with (``if len(r) != n:``), then tests each
    key. A key written at one place alone, ``out[k] = ...`` in ``if v is not None:``
    (or ``if v:``), and named nowhere else, is finished there: its finisher's lines
    for a value follow the write, those for none an ``else:``, the value at hand.
    Only where every call given the dict is a rule of ``applied`` (its name, and
    the keys it reads or writes, :data:`~refundmap.mapping.rules.APPLY_REFUND_KEYS`)
    or of ``made_by`` (a make rule's, :data:`~refundmap.mapping.rules.MAKE_KEYS`),
    none of them finished so, and every key written is one the dict was made with:
    then it is never remade (so no ``len`` test) and no key is written after it
    is finished. Left as it is otherwise.
    """
    at = lines.index("    r = out")
    made = re.fullmatch(r"    out = \{(.*)\}", lines[1])
    if made is None or lines[-1] != "    return r" or not lines[at + 1].startswith("    if len("):
        return
    keys = set(re.findall(r"'(\w+)': None", made[1]))
    ruled: set[str] = set()
    for line in lines[2:at]:
        if not re.search(r"\bout\b", line):
            continue
        called = _APPLIED.fullmatch(line)
        if called is not None and applied.get(called[1]) is not None:
            ruled |= applied[called[1]] or set()
            continue
        maker = re.fullmatch(r" +m = (_make_\d+)\(src, out, run\)", line)
        if maker is not None and (keys_read := (made_by or {}).get(maker[1])) is not None:
            ruled |= keys_read
            continue
        late = re.fullmatch(r"    _ls = out\.get\('(\w+)'\)", line)  # the lines finished late
        if late is not None:
            ruled.add(late[1])
            continue
        written = re.fullmatch(r" +out\['(\w+)'\] = .+", line)
        if written is None or written[1] not in keys:
            return  # the dict given to a call, or a key added
    blocks = _blocks(lines[at + 3 : -1])
    if blocks is None:
        return
    moved = _finish_at_writes(lines, at, blocks, ruled, decimals)
    if moved:
        kept = [line for key, block in blocks.items() if key not in moved for line in block]
        lines[lines.index("    r = out") + 1 :] = [*kept, "    return r"]


def _wholes(
    function: list[str], makes: Mapping[str, str]
) -> tuple[dict[str, set[str]], dict[str, list[str]], set[str], set[str]] | None:
    """Return what a line's function makes whole, or None where it gives its dict otherwise.

    Each object's displays (``_t = out[k] = {...}``) and the keys written into it, by its
    key; the keys written otherwise (``out[k] = ...``); the keys the make rules given the
    line's dict declare (:data:`~refundmap.mapping.rules.MAKE_KEYS`). None where the dict
    or ``_t`` is used any other way, or given to a rule that declares nothing.
    """
    displays: dict[str, set[str]] = {}
    into: dict[str, list[str]] = {}
    other: set[str] = set()
    ruled: set[str] = set()
    current = None
    for line in function[1:]:
        text = line.strip()
        bound = re.fullmatch(r"_t = out\['(\w+)'\]( = \{('\w+': None(, )?)+\})?", text)
        if bound is not None:
            current = bound[1]
            if bound[2]:
                displays.setdefault(current, set()).add(bound[2][3:])
            continue
        written = re.fullmatch(r"_t\['(\w+)'\] = .+", text)
        if written is not None and current is not None:
            into.setdefault(current, []).append(written[1])
            continue
        if re.search(r"\b_t\b", text) and text != "if _t is None:":
            return None
        call = re.fullmatch(r"m = (_make_\d+)\(src, out, run\)", text)
        if call is not None:
            if makes.get(call[1]) not in MAKE_KEYS:
                return None
            ruled |= MAKE_KEYS[makes[call[1]]]
        elif (one := re.fullmatch(r"out\['(\w+)'\] = .+", text)) is not None:
            other.add(one[1])
        elif (
            re.search(r"\bout\b", text) and not text.startswith("out = {") and text != "return out"
        ):
            return None
    return displays, into, other, ruled


def _as_made(late: list[str], key: str, size: int, decimals: set[str]) -> list[str]:
    """Return the late loop's body ``late`` finishing ``r[key]`` as made (see ``_wholes_as_made``).

    Its block, as the compiler inlines a whole object's finisher: ``v = r[key]``,
    tested for a dict and for ``size`` keys, its values written in place, stored
    again. ``decimals``: its keys whose ``int`` test is left out. Left as it is
    where the block is of another form.
    """
    head = [
        f"v = r[{key!r}]",
        "if v is not None:",
        "    if type(v) is not dict: v = _source_data(v)",
    ]
    if head[0] not in late:
        return late
    at = late.index(head[0])
    end = at + 6
    if (
        late[at : at + 3] != head
        or late[at + 3 : at + 6 : 2] != [f"    if len(v) != {size}:", "    else:"]
        or not re.fullmatch(rf"        r\[{key!r}\] = finish_\w+\(v, run, None\)", late[at + 4])
    ):
        return late
    while end < len(late) and late[end].startswith("        "):
        end += 1
    if late[end - 1] != f"        r[{key!r}] = v":
        return late
    kept: list[str] = []
    inner = late[at + 6 : end - 1]
    index = 0
    while index < len(inner):
        one = re.fullmatch(r"        _w = v\['(\w+)'\]", inner[index])
        test = (
            f"        if type(_w) is int: v[{one[1]!r}] = _decimal(_w) or Decimal(_w)"
            if one
            else ""
        )
        if one is not None and one[1] in decimals and inner[index + 1 : index + 2] == [test]:
            index += 2  # a Decimal as made
            continue
        kept.append(inner[index][4:])
        index += 1
    block = [head[0], head[1], *kept] if kept else []
    return [*late[:at], *block, *late[end:]]


def _blocks(body: list[str]) -> dict[str, list[str]] | None:
    """Return a finisher's body (its tests of each key, in place) as each key's block, or None."""
    starts = [i for i, line in enumerate(body) if _FINISHED.fullmatch(line)]
    if not starts or starts[0] != 0:
        return None
    blocks = {}
    for first, end in zip(starts, [*starts[1:], len(body)], strict=True):
        tested = _FINISHED.fullmatch(body[first])
        assert tested is not None  # noqa: S101 - a start is such a line
        blocks[tested[1] or tested[2]] = body[first:end]
    return blocks


def _finish_at_writes(
    lines: list[str],
    end: int,
    blocks: Mapping[str, list[str]],
    ruled: set[str],
    decimals: frozenset[str] = frozenset(),
) -> list[str]:
    """Write each key's finishing of ``blocks`` at its one write in ``lines[:end]``: the keys moved.

    A key no rule reads or writes (``ruled``), written at one place alone, the last
    statement of ``if v is not None:`` (or ``if v:``), named nowhere else. A key of
    ``decimals`` is given a source value declared a ``Decimal`` as it is (see
    :meth:`_FusedCompiler._copy`): a ``Decimal``, never an ``int``, so its finisher's
    ``if type(v) is int:`` is left out.
    """
    moved = []
    for key, block in blocks.items():
        sites = [i for i in range(2, end) if f"out[{key!r}]" in lines[i]]
        if key in ruled or len(sites) != 1:
            continue
        site = sites[0]
        written = _WRITE.fullmatch(lines[site])
        head = next(i for i in range(site - 1, 0, -1) if not lines[i].startswith("     "))
        after = lines[site + 1] if site + 1 < end else ""
        if written is None or lines[head] not in ("    if v is not None:", "    if v:"):
            continue
        if after.startswith("     ") or after.strip().startswith(("else", "elif")):
            continue  # not the block's last statement
        some, none = _split_block(block, key)
        if some is None or none is None or (some and written[2] != "v"):
            continue
        one = re.fullmatch(rf"        if (.+): out\[{key!r}\] = (.+)", some[0]) if some else None
        if one is not None and len(some) == 1 and key in decimals and one[1] == "type(v) is int":
            some = []  # a Decimal: written as it is
        elif one is not None and len(some) == 1:  # one write: the value as it is, or written
            lines[site] = f"        out[{key!r}] = {one[2]} if {one[1]} else v"
            some = []
        otherwise = ["    else:", *none] if none else []  # a null written as made: nothing
        lines[site + 1 : site + 1] = [*some, *otherwise]
        end += len(some) + len(otherwise)
        moved.append(key)
    return moved


def _split_block(block: list[str], key: str) -> tuple[list[str] | None, list[str] | None]:
    """Return a finisher's block of ``key``: its lines for a value, and for none, the dict ``out``.

    A null written as null (``if v is not None:`` alone, or a test of ``v`` that a
    null fails, ``if type(v) is int:``) has no lines for none. None for a block of
    another form, or one that names ``r`` but as ``r[key]``.
    """
    renamed = [line.replace(f"r[{key!r}]", f"out[{key!r}]") for line in block]
    if any(re.search(r"\br\b", line) for line in renamed):
        return None, None
    if renamed[0] == f"    if out[{key!r}] is None:":
        return [], renamed[1:]
    if renamed[1] == "    if v is not None:" and all(x.startswith("        ") for x in renamed[2:]):
        return renamed[2:], []
    if len(renamed) == 2 and renamed[1].startswith(
        ("    if type(v) is int: ", "    if type(v) is not str: ")
    ):
        return [f"    {renamed[1]}"], []
    if renamed[1] != "    if v is None:":
        return None, None
    split = renamed.index("    else:") if "    else:" in renamed else len(renamed)
    none, some = renamed[2:split], renamed[split + 1 :]
    return some, none


#: The tokens that open and close an f-string, from Python 3.12 (before, one STRING token).
_FSTRING_START: int | None = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END: int | None = getattr(tokenize, "FSTRING_END", None)
#: The names a line's function shares with its refund's, bound alike (see _inlined_line).
_SHARED = frozenset({"sp", "tp", "_li", "run", "add", "_copy", "_copy3", "_key", "_names"})
#: The statements binding what a table's function appends with, once at its start.
_BINDINGS = re.compile(r"    ((_copy|_copy3|_key|_names) = run\.[\w.]+(; )?)+")


def _inlined_line(function: list[str]) -> list[str] | None:
    """Return a line's function (``map_line_*``) as the body of its refund's loop, or None.

    Its element ``src`` is ``_x``, its other locals renamed apart (``v`` is
    ``v_l``), those it shares with the refund (:data:`_SHARED`) kept; its
    bindings (``_copy = ...``) are given as ``_bind`` lines, for the refund to
    make; its pop is left out (noted once after the loop) and its last
    statement, ``return X``, adds ``X`` to ``_ml``. None for any other return.
    """
    body = function[1:]
    if not body or not body[-1].startswith("    return ") or body[-2] != "    add(_POP)":
        return None
    code = "\n".join(line[4:] for line in body[:-2]) + "\n"
    if re.search(r"\breturn\b|\b_ml\b|\b_x\b|\bseq\b", code):
        return None
    names = {"src": "_x"}
    spots: list[tuple[tokenize.TokenInfo, str]] = []
    previous = None
    inside = 0  # the f-strings open (their own tokens from Python 3.12)
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        text = token.string
        if token.type == _FSTRING_START:
            inside += 1
        elif token.type == _FSTRING_END:
            inside -= 1
        elif token.type == tokenize.OP and text == "=" and inside:
            return None  # an f-string's ``{v=}`` writes the name itself: left a call
        elif token.type == tokenize.NAME and text not in _SHARED:
            # Not an attribute, nor an f-string's conversion (``!r``: its own tokens from 3.12).
            after = previous is not None and previous.string in {".", "!"}
            if not after and not keyword.iskeyword(text) and _local(text, code):
                spots.append((token, names.get(text, f"{text}_l")))
        elif token.type == tokenize.STRING and "f" in text[: text.index(text[-1])].lower():
            # An f-string's names, in its fields (one token before Python 3.12).
            renamed = _renamed_fields(text, code, names)
            if renamed is None:
                return None
            if renamed != text:
                spots.append((token, renamed))
        previous = token
    rows = code.split("\n")
    for token, name in reversed(spots):
        row, column = token.start
        text = rows[row - 1]
        rows[row - 1] = text[:column] + name + text[column + len(token.string) :]
    out: list[str] = []
    for statement in rows[:-1]:
        if statement == "add = run.report.append":
            continue
        if _BINDINGS.fullmatch("    " + statement):
            out += [f"_bind {binding}" for binding in statement.split("; ")]
            continue
        out.append(statement)
    result = body[-1][len("    return ") :]
    out.append(f"_ml.append({'_x' if result == 'src' else _renamed(result)})")
    return out


def _local(name: str, code: str) -> bool:
    """Whether ``name`` is bound in ``code`` (a local of the function), or is ``src``."""
    return name == "src" or name in _bound(code)


@cache
def _bound(code: str) -> frozenset[str]:
    """Return the names ``code`` binds, its locals.

    Assigned (however unpacked, annotated, augmented, by ``:=``), a ``for``
    loop's, a ``with``'s or an ``except``'s; not a comprehension's own (its
    scope is its own).
    """
    tree = ast.parse(code)
    own = {
        id(node)
        for comprehension in ast.walk(tree)
        if isinstance(comprehension, ast.comprehension)
        for node in ast.walk(comprehension.target)
    }
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in own:
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name is not None:
            bound.add(node.name)
    return frozenset(bound)


#: An f-string's literal brace (``{{``, ``}}``), a field of a plain expression (no string,
#: conversion, format spec or ``=``), or a brace of any other field.
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}'\"!:=]*)\}|[{}]")


def _renamed_fields(text: str, code: str, names: dict[str, str]) -> str | None:
    """Return an f-string token with the locals of ``code`` in its fields renamed (see above).

    Its literal braces are text. None where a field holds more than a plain
    expression (a string, a conversion ``!r``, a format spec, a nested field,
    ``=``) and the f-string names a local: its line is left a call.
    """
    other = False

    def field(found: re.Match[str]) -> str:
        nonlocal other
        if found[0] in {"{", "}"}:
            other = True
        return found[0] if found[1] is None else _renamed_in(found[0], code, names)

    renamed = _FIELD.sub(field, text)
    if other and any(
        name not in _SHARED and not keyword.iskeyword(name) and _local(name, code)
        for name in set(re.findall(r"(?<![.\w!])[A-Za-z_]\w*", text))
    ):
        return None
    return renamed


def _renamed_in(expression: str, code: str, names: dict[str, str]) -> str:
    """Return an f-string's braced ``expression``, the locals of ``code`` renamed (see above)."""

    def renamed(found: re.Match[str]) -> str:
        name = found[2]
        if name in _SHARED or keyword.iskeyword(name) or not _local(name, code):
            return found[0]
        return found[1] + names.get(name, f"{name}_l")

    return re.sub(r"(^|[^.\w])([A-Za-z_]\w*)", renamed, expression)


def _renamed(expression: str) -> str:
    """Return a line's returned ``expression`` with its locals renamed as its body's."""
    return "out_l" if expression == "out" else expression


def _inlined(body: list[str], at: str) -> list[str] | None:
    """Return a line finisher's ``body`` as the body of a loop over ``_li, r`` of ``_ls``, or None.

    The finisher's ``_at`` is the list's suffixes, named ``at``; its ``return r``
    at the end leaves ``r``, finished in place, where it is in the list; a
    ``return`` of a remade line in a block puts that in its place and goes on to
    the next line. None for any other ``return``, a name the refund's function
    holds (``_ls``, ``out``, ``src``, ``tp``), or a body that binds ``r`` anew
    (the line it returns is then not the one in the list).
    """
    if "r" in _bound("def finish(r):\n" + "\n".join(body) + "\n"):
        return None
    inlined: list[str] = []
    for line in body:
        text = line[4:]
        stripped = text.lstrip()
        indent = text[: len(text) - len(stripped)]
        if re.search(r"\b(_ls|_f|out|src|tp|seq|add)\b", text):
            return None
        text = text.replace("_at[", f"{at}[")
        if stripped == "return r" and not indent:
            return inlined or None  # its last statement: r stays in its place
        if stripped.startswith("return finish_") and indent:
            inlined.append(f"{indent}_ls[_li] = {text.lstrip()[len('return ') :]}")
            inlined.append(f"{indent}continue")
        elif stripped.startswith("return") or line[:4] != "    ":
            return None
        else:
            inlined.append(text)
    return None


def _joined_when_used(lines: list[str], at: tuple[str, str], only: str = "") -> None:
    """Make a line's function take its refund's paths (``sp``, ``tp``) and its index (``_li``).

    Each use of its own paths in its body joins them there (a failure's path,
    an entry with words made at run time): the common line uses none, and its
    rows are joined to its paths, noted with its push, when read (:func:`_entries`).
    ``only``: the one path to join (a finisher's ``sp``), its header written already.
    """
    if not only:
        lines[0] = lines[0].replace("(src, sp, tp, run):", "(src, sp, tp, _li, run):")
    joined = {"sp": f"(sp + {at[0]}[_li])", "tp": f"(tp + {at[1]}[_li])"}
    if only:
        joined = {only: joined[only]}
    body = "\n".join(lines[1:]) + "\n"
    if re.search(r"\{\s*[st]p\b", body):  # a path formatted in an f-string: not taken apart
        message = "a line's path in an f-string"
        raise NotImplementedError(message)
    spots = [
        token
        for token in tokenize.generate_tokens(io.StringIO(body).readline)
        if token.type == tokenize.NAME and token.string in joined
    ]
    for token in reversed(spots):
        row, column = token.start
        line = lines[row]
        lines[row] = line[:column] + joined[token.string] + line[column + len(token.string) :]


@cache
def _compiled(  # noqa: PLR0913 - the pair, and how the code is compiled
    source_name: str,
    target_name: str,
    *,
    lookup: bool,
    require_refs: bool = False,
    counted: bool = False,
    by_key: bool = False,
) -> tuple[Any, str]:
    """Return the generated mapping of a pair and its code (``counted``, ``by_key``: see above)."""
    compiler = _FusedCompiler(
        get_format(source_name),
        get_format(target_name),
        lookup=lookup,
        require_refs=require_refs,
        counted=counted,
        by_key=by_key,
    )
    compiler.names["_POP"] = _POP
    compiler.names["_PUSH"] = _PUSH
    compiler.names["_RUN"] = _RUN
    function = compiler.table("refund", REFUND, compiler.source.record, compiler.target.record)
    code = compiler.module()
    options = (
        " with lookup" * lookup
        + " requiring references" * require_refs
        + " counting" * counted
        + " by key" * by_key
    )
    filename = f"<refundmap fast mapping {source_name} -> {target_name}{options}>"
    namespace: dict[str, Any] = dict(compiler.names)
    code = _dates(_blanks(code, namespace), namespace)
    exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    import linecache  # noqa: PLC0415 - only to show the generated code in tracebacks

    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    return namespace[function], code


#: A dict made with every key null, in order, in a statement of its own (``out = {'a': None,
#: 'b': None, ...}``, as the compiler makes a record or a line to finish in place).
_BLANK = re.compile(r"^( +)(\w+) = (\{'\w+': None(?:, '\w+': None){3,}\})$", re.MULTILINE)


def _blanks(code: str, namespace: dict[str, Any]) -> str:
    """Return ``code`` making each dict :data:`_BLANK` finds as a copy of one made once.

    Copying a dict is a third of the time of its display, which inserts each key
    (about 60 against 220 ns for a line's nine keys): the same keys, in the same
    order, each null. The copied dict is bound as ``_blank_<n>`` in ``namespace``, and
    the display stays beside it as a comment, for the reader of :func:`source`.
    """
    made: dict[str, str] = {}

    def copied(found: re.Match[str]) -> str:
        display = found[3]
        name = made.get(display)
        if name is None:
            name = made[display] = f"_blank_{len(made)}"
            namespace[name] = dict.fromkeys(ast.literal_eval(display)).copy
        return f"{found[1]}{found[2]} = {name}()  # {display}"

    return _BLANK.sub(copied, code)


#: A date written by :func:`~refundmap.dates.format_date`, where the value is not a text already:
#: as a conditional expression (the value's name), or a key's store under ``type(v) is not str``.
_FORMATTED = re.compile(r"format_date\((\w+)\) if type\(\1\) is not str else \1")
_FORMATTED_STORE = re.compile(r"(if type\((\w+)\) is not str: \w+\['\w+'\] = )format_date\(\2\)")


def _dates(code: str, namespace: dict[str, Any]) -> str:
    """Return ``code`` writing a date whose text ``format_date`` holds by lookups, no call.

    A timestamp read from the text it is written as is held by identity
    (``dates._KEPT``, see ``keep_text``), a calendar day written before by value
    (``dates._DAYS``): each is one lookup here (``_kept(_id(v))``, then ``_day(v)``),
    as ``format_date`` looks it up; any other value is written by calling it. The
    identity first: a timestamp not hashed (a new one's hash is dear).
    """
    namespace["_day"] = dates._DAYS.get  # noqa: SLF001 - format_date's own, read as it reads it
    namespace["_kept"] = dates._KEPT.get  # noqa: SLF001 - as keep_text notes it
    namespace["_id"] = id

    def held(name: str, otherwise: str) -> str:
        kept = f"(_kt := _kept(_id({name}))) is not None and _kt[0] is {name}"
        return f"_kt[1] if {kept} else (_day({name}) or {otherwise})"

    code = _FORMATTED.sub(lambda found: held(found[1], f"({found[0]})"), code)
    return _FORMATTED_STORE.sub(
        lambda found: found[1] + held(found[2], f"format_date({found[2]})"), code
    )


def source(
    source_name: str, target_name: str, *, lookup: bool = False, require_refs: bool = False
) -> str:
    """Return the generated mapping of a pair that :func:`convert` runs, for reading.

    (JSON Lines records converted one after another, :mod:`refundmap.mapping.bare`,
    run the same code.)
    """
    return _compiled(
        source_name, target_name, lookup=lookup, require_refs=require_refs, counted=True
    )[1]


class FusedRows(Rows):
    """A report noted as rows per record (see the module), made entries when first read."""

    __slots__ = ("_envelope", "_reading", "_records")

    def __init__(
        self,
        reading: Sequence[Entry],
        records: list[tuple[str, str, list[Any]]],
        envelope: Sequence[Entry],
    ) -> None:
        super().__init__()
        self._reading = reading
        self._records = records
        self._envelope = envelope

    def entries(self) -> tuple[Entry, ...]:
        """Return the report: the records' entries, then the envelope's; built on the first call."""
        if self._report is None:
            self._report = (*self._reading, *_entries(self._records), *self._envelope)
            self._records = []
        return self._report

    def counts(self) -> dict[Kind, int]:
        """Return how many entries there are of each kind found, without making them."""
        if self._report is not None:
            return super().counts()
        kinds = [*map(_first, self._reading)]
        kinds += _kinds([*chain.from_iterable(map(_notes, self._records))])
        kinds += map(_first, self._envelope)
        return kinds_counted(kinds)


def _kinds(notes: list[Any]) -> list[Any]:
    """Return the kinds of the entries ``notes`` make, in C: with items that are no Kind.

    Each note's first item (the paths' marks too: no Kind, never counted), then
    every item of each run of values (:meth:`_FusedCompiler._run`): a kind's text
    (counted as the Kind it equals) or None a value, and its marks.
    """
    kinds = [*map(_first, notes)]
    if _RUN in kinds:
        runs = [*compress(notes, map(is_, kinds, repeat(_RUN)))]
        kinds += chain.from_iterable(runs)
    return kinds


def _entries(records: list[tuple[str, str, list[Any]]]) -> list[Entry]:
    """Return the entries of the records' rows, in the order noted."""
    made: list[Entry] = []
    add = made.append
    new = tuple.__new__
    for record_sp, record_tp, notes in records:
        sp, tp = record_sp, record_tp
        for note in notes:
            kind = note[0]
            if kind is _PUSH:  # a line's: its lists' suffixes, its index (lines hold no lines)
                sp = record_sp + note[1][note[3]]
                tp = record_tp + note[2][note[3]]
            elif note is _POP:  # its refund's again
                sp, tp = record_sp, record_tp
            elif type(note) is Entry:
                add(note)
            elif kind is _RUN:  # the values of a run that are there: their kinds, else None
                for (source, message), found in zip(note[1], note[2:], strict=True):
                    if found is not None:
                        add(new(Entry, (_KIND_OF[found], sp + source, None, message)))
            else:  # a noted row: kind, the paths' suffixes, words (or what says them, its values)
                if len(note) == 4:
                    _, source, target, message = note
                else:
                    _, source, target, said, *values = note
                    message = said(*values)
                at = None if target is None else tp + target
                add(new(Entry, (kind, sp + source, at, message)))
    return made


def _warn(findings: list[Finding], sp: str, tp: str, notes: list[Any], target: str) -> None:
    """Note where a mapped record fails its format's own checks, as the engine does.

    A failure at a target path the record's report warns of already (an id
    copied untranslated) is not said twice.
    """
    warned = {
        entry.target_path
        for entry in _entries([(sp, tp, notes)])
        if entry.kind is Kind.WARNING and entry.target_path is not None
    }
    for at, message in findings:
        where = format_path(at)
        if where not in warned:
            text = f"the {target} output fails its own check: {message}"
            notes.append(Entry(Kind.WARNING, sp, where, text))


def takes(options: Converter) -> bool:
    """Whether the fast mapping takes a conversion with these options (else the engine does)."""
    # A directory's tables are read as they are; a caller's own lookup is asked once
    # per id and run, which a fallback would ask again: the engine takes those.
    return (
        (options.directory is None or _read_directly(options.directory))
        and not options.defaults
        and not options.lossless
        and options.platform is None
        and options.push_options is None
        and options.target.request is None
    )


def _stride(source: Format) -> int:
    """Return how many items of a run's ``copied_flat`` a copy of ``source`` is noted as.

    Three (kind, id, name) where the source's references have names beside their
    ids (Railz's), else two (kind, id).
    """
    return 3 if source.vendor == "railz" else 2


class _Counted(Run):
    """A run that notes each reference id copied untranslated as items, in the order met.

    The generated code notes them inline (:meth:`_FusedCompiler.copied`); the
    engine's code it calls (``run.translate``), by :meth:`copied`. They are
    counted and named only when read (:meth:`counted_ids`, :meth:`names_when_read`;
    a conversion's ``missing``), or where a page holds :data:`_FLAT_HELD` items
    (:meth:`fold`): a page whose ids no one reads is not counted, and its copies
    are held as :func:`_stride` pointers each.
    """

    rows = True  # a record's report is its rows (see Run.rows)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The kind, the id (and the name), each time an id was copied untranslated
        #: (since :meth:`fold`).
        self.copied_flat: list[str | None] = []
        #: How many items a copy is (see :func:`_stride`).
        self.stride = _stride(self.source)
        self._counted: Counter[tuple[str, str]] = Counter()
        self._folded = 0

    def fold(self) -> None:
        """Count and name the ids noted in ``copied_flat`` (in C, first met first); empty it."""
        flat = self.copied_flat
        if flat:
            self._folded += len(flat) // self.stride
            _fold(flat, self.stride, self._counted, self.copied_names)
            flat.clear()

    def copies(self) -> int:
        """Return how many times an id was copied untranslated, counting none of them."""
        return self._folded + len(self.copied_flat) // self.stride

    def counted_ids(self) -> dict[tuple[str, str], int]:
        """Return each id copied untranslated, by (kind, id): how many times, in order met."""
        self.fold()
        return dict(self._counted)

    def counted_when_read(self) -> Mapping[tuple[str, str], int]:
        """Return what :meth:`counted_ids` returns, counted when first read (the run is done)."""
        return _CountedWhenRead(self._counted, self.copied_flat, self.stride)

    def names_when_read(self) -> Mapping[tuple[str, str], str]:
        """Return each copied id's name, its first given, by (kind, id): found when first read."""
        return _NamedWhenRead(self.copied_names, self.copied_flat, self.stride)

    def copied(self, kind: str, value: str, name: str | None = None) -> None:
        """Note a reference id copied untranslated, with its name, as the generated code does."""
        if self.stride == 3:
            self.copied_flat += (kind, value, name)
            return
        self.copied_flat += (kind, value)
        key = kind, value
        if name is not None and key not in self.copied_names:
            self.copied_names[key] = name


def _pairs(flat: list[Any], stride: int) -> Iterator[tuple[str, str]]:
    """Return the ``(kind, id)`` pairs of a run's ``copied_flat``, in order."""
    return zip(flat[::stride], flat[1::stride], strict=True)


def _fold(
    flat: list[Any],
    stride: int,
    counted: Counter[tuple[str, str]] | None,
    names: dict[tuple[str, str], str] | None,
) -> None:
    """Add the copies of ``flat`` to ``counted``, and their first names to ``names``."""
    if counted is not None:
        counted.update(_pairs(flat, stride))
    if names is not None and stride == 3:
        for key, name in zip(_pairs(flat, stride), flat[2::3], strict=True):
            if name is not None and key not in names:
                names[key] = name


class _CountedWhenRead(Mapping[tuple[str, str], int]):
    """A run's ids copied untranslated, ``{(kind, id): times}`` in order met, counted when read."""

    __slots__ = ("_counted", "_flat", "_stride")

    def __init__(self, counted: Counter[tuple[str, str]], flat: list[Any], stride: int = 2) -> None:
        """Hold the ids counted already (a fold's), and those noted since (``copied_flat``)."""
        self._counted = counted
        self._flat: list[Any] | None = flat
        self._stride = stride

    def _counts(self) -> Counter[tuple[str, str]]:
        flat = self._flat
        if flat is not None:
            _fold(flat, self._stride, self._counted, None)
            self._flat = None
        return self._counted

    def __getitem__(self, key: tuple[str, str]) -> int:
        found = self._counts().get(key)
        if found is None:  # a Counter's own subscript gives 0
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._counts())

    def __len__(self) -> int:
        return len(self._counts())


class _NamedWhenRead(Mapping[tuple[str, str], str]):
    """A run's copied ids' names, ``{(kind, id): name}``: the first given, found when read."""

    __slots__ = ("_flat", "_names", "_stride")

    def __init__(self, names: dict[tuple[str, str], str], flat: list[Any], stride: int) -> None:
        """Hold the names found already (a fold's), and the copies noted since (``copied_flat``)."""
        self._names = names
        self._flat: list[Any] | None = flat
        self._stride = stride

    def _found(self) -> dict[tuple[str, str], str]:
        flat = self._flat
        if flat is not None:
            _fold(flat, self._stride, None, self._names)
            self._flat = None
        return self._names

    def __getitem__(self, key: tuple[str, str]) -> str:
        return self._found()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())


_R = TypeVar("_R", bound=_Counted)


def target_check(target: Format, lookup: Lookup | None) -> FastCheck | None:
    """Return the check of a mapped record of ``target``: on the dict itself, as the engine checks.

    Without a directory each id copied untranslated is warned of already: a Rutter
    target's reference ids are not checked again. None for a format without the form.
    """
    return fast_check(
        target.name, mapped=True, refs=not (target.vendor == "rutter" and lookup is None)
    )


def start_run(options: Converter, records: int | None, kind: type[_R]) -> _R:
    """Return a ``kind`` of run of a fast conversion with ``options`` (records: as convert's)."""
    return kind(
        options.source,
        options.target,
        synced_at=options.synced_at,
        params=options.params,
        lookup=options.directory,
        require_refs=options.require_refs,
        records=records,
        answers=options._answers,  # noqa: SLF001 - a run's answers, as the engine takes them
    )


def _map_records(
    part: Part, run: _Counted, mapper: Callable[..., dict[str, Any]], key: str
) -> tuple[list[tuple[str, str, list[Any]]], list[dict[str, Any]]]:
    """Map the records of ``part``: each one's rows, and its mapped record, in order."""
    source, target = run.source, run.target
    check = target_check(target, run.lookup)
    if check is None:
        raise Fallback  # a target without it: the engine checks views of its records
    lines_key = target.lines_key
    shape = part.shape
    noted: list[tuple[str, str, list[Any]]] = []
    mapped_records: list[dict[str, Any]] = []
    add_noted, add_mapped = noted.append, mapped_records.append
    copied = run.copied_flat
    many = shape.many and shape.records is not None
    if many:
        # A page's records: their list's paths formatted once, joined to each one's index.
        records = getattr(part.model, shape.records or "")
        source_list = format_path((*part.path, source.naming(shape.records or "")))
        target_list = format_path((*part.path, key))
        head = (*part.path, key)
    else:
        ((path, record),) = source.records(part.model, shape, part.path)
        records = [record]
        sp, tp, target_path = format_path(path), format_path(part.path), part.path
    for index, record in enumerate(records):
        if many:
            at = _AT[index]
            sp, tp, target_path = source_list + at, target_list + at, (*head, index)
        notes: list[Any] = []
        run.report = notes
        mapped = mapper(record, sp, tp, run)
        if run.unmappable:
            raise Fallback  # the target cannot hold it: the engine says why
        lines = mapped.get(lines_key)
        if lines and not all(lines):
            raise Fallback  # an empty line, left out and said so by the engine
        if findings := check(mapped, target_path):
            _warn(findings, sp, tp, notes, target.name)
        add_noted((sp, tp, notes))
        add_mapped(mapped)
        if len(copied) > _FLAT_HELD:
            run.fold()  # counted as it goes: a big page's copies are not all held
    return noted, mapped_records


def convert(loaded: Loaded, options: Converter, records: int | None) -> Conversion:
    """Convert a document the fast reader took, as the detailed engine would.

    Raises:
        Fallback: the engine has more to say (see the module).
    """
    if loaded.empty_lines:  # the engine moves the paths of the lines after them
        raise Fallback

    source, target = options.source, options.target
    (part,) = loaded.parts
    lookup = options.directory
    run = start_run(options, records, _Counted)
    mapper = _compiled(
        source.name,
        target.name,
        lookup=lookup is not None,
        require_refs=options.require_refs,
        counted=True,
    )[0]
    into_rutter = target.vendor == "rutter" and source.vendor == "railz"
    run.scope = _scope(part.model, options.params if into_rutter else {})
    many = part.shape.many
    key = target.naming((target.list_shape.records or "") if many and target.list_shape else "")
    noted, mapped_records = _map_records(part, run, mapper, key)
    envelope: list[Entry] = []
    run.report = envelope
    if many:
        run.count = len(mapped_records) if records is None else records
        where = format_path(part.path)
        compiled = run.compiled
        out = compiled.envelope(part.model, where, where, run)
        out[key] = mapped_records
        output = compiled.finish_envelope(out, run, where)
    else:
        (output,) = mapped_records
    if run.unmappable:
        raise Fallback
    untranslated = run.copies()
    conversion = _conversion_class()(output, (), len(mapped_records), untranslated, target.name)
    rows = FusedRows(loaded.report, noted, envelope)
    if options.fail_on and (failed := failures(rows.entries(), options.fail_on)):
        raise MappingError(failed)
    object.__setattr__(conversion, "_rows", rows)
    counted = run.counted_when_read()
    copied = CopiedIds(counted, from_rutter=source.vendor == "rutter", names=run.names_when_read())
    object.__setattr__(conversion, "_missing", copied)  # its rows made when read
    return conversion
