"""Compiling the mapping table into straight-line Python, once per pair of formats.

As cattrs generates a structuring function per class, this module generates,
for each (source, target) pair, a function per table (refund, line, envelope)
that reads the source *model's* attributes and writes the target's JSON-ready
dict, with the report entries the table calls for; and a function per target
class that puts a dict in the target's key order, writes null where the
target requires a key that may be null, and writes dates and numeric strings
as the target spells them. The table stays the one source of truth: change a
row and the generated code changes with it.

``python -c "from refundmap.mapping.compiler import source; print(source('railz', 'rutter'))"``
prints the generated code of a pair.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, get_args, get_origin

import attrs

from refundmap.dates import format_date
from refundmap.formats import Format, get_format
from refundmap.mapping.rules import MAKE, WRITE, Unmappable
from refundmap.mapping.table import ENVELOPE, LINES_TOTAL, REFUND, Marker, Row
from refundmap.models.rutter import DecimalString
from refundmap.money import format_amount
from refundmap.report import Kind, format_path
from refundmap.validation import codec_for

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


def _without_none(type_: Any) -> Any:
    args = [a for a in get_args(type_) if a is not type(None)]
    if type(None) in get_args(type_) and len(args) == 1:
        return args[0]
    return type_


def _suffix(keypath: str) -> str:
    """``accountRef.id`` -> ``.accountRef.id`` (a JSONPath suffix)."""
    return format_path(keypath.split("."))[1:]


class _Writer:
    """Lines of generated code with their indentation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0
        self.names: dict[str, Any] = {}
        self._counter = 0

    def __call__(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def name(self, value: Any, hint: str) -> str:
        """Return a global name bound to ``value`` in the generated module."""
        self._counter += 1
        name = f"_{hint}_{self._counter}"
        self.names[name] = value
        return name

    def indent(self) -> _Writer:
        self.depth += 1
        return self

    def dedent(self) -> None:
        self.depth -= 1


class _Compiler:
    def __init__(self, source: Format, target: Format) -> None:
        self.source = source
        self.target = target
        self.src_codec = codec_for(source, strict=False)
        self.tgt_codec = codec_for(target, strict=False)
        self.out = _Writer()
        self.out.names.update(
            {
                "Unmappable": Unmappable,
                "format_date": format_date,
                "format_amount": format_amount,
                "Decimal": Decimal,
                "date": date,
            }
        )
        self.finishers: dict[type, str] = {}

    # -- reading the source model --------------------------------------------------------

    def _attributes(self, cls: type, keypath: str) -> tuple[list[str], Any]:
        """Return the attribute chain of ``keypath`` on ``cls`` and the type it ends on."""
        chain: list[str] = []
        type_: Any = cls
        for key in keypath.split("."):
            current = _without_none(type_)
            names = {k: a for a, k in self.src_codec.keys(current).items()}
            attribute = names[key]
            chain.append(attribute)
            type_ = attrs.fields_dict(attrs.resolve_types(current))[attribute].type
        return chain, type_

    def _read(self, cls: type, keypath: str, into: str = "v") -> Any:
        chain, type_ = self._attributes(cls, keypath)
        w = self.out
        w(f"{into} = src.{chain[0]}")
        for attribute in chain[1:]:
            w(f"if {into} is not None:")
            w.indent()(f"{into} = {into}.{attribute}")
            w.dedent()
        return type_

    # -- writing the target dict -----------------------------------------------------------

    def _set(self, keypath: str, value: str) -> None:
        *parents, last = keypath.split(".")
        target = "out"
        for step in parents:
            self.out(f"_t = {target}.get({step!r})")
            self.out("if _t is None:")
            self.out.indent()(f"_t = {target}[{step!r}] = {{}}")
            self.out.dedent()
            target = "_t"
        self.out(f"{target}[{last!r}] = {value}")

    # -- one table -------------------------------------------------------------------------

    def table(self, name: str, rows: Sequence[Row], src_cls: type, tgt_cls: type | None) -> str:
        w = self.out
        src_name, tgt_name = self.source.name, self.target.name
        function = f"map_{name}"
        w(f"def {function}(src, sp, tp, run):")
        w.indent()
        w("out = {}")
        pending: list[tuple[int, Row]] = []
        totals: list[str] = []
        for index, row in enumerate(rows):
            s, t = row.cell(src_name), row.cell(tgt_name)
            if not isinstance(s, str):
                if isinstance(t, str) and row.make is not None:
                    pending.append((index, row))
                    w(f"p{index} = True")
                continue
            w(f"# {s} -> {t.value if isinstance(t, Marker) else t}")
            if row.lines is not None:
                self._lines(index, row, src_cls, s, t, pending)
                continue
            self._read(src_cls, s)
            if row.make is not None and isinstance(t, str):
                pending.append((index, row))
                w(f"p{index} = v is None")
            w("if v is not None:")
            w.indent()
            where = f"sp + {_suffix(s)!r}"
            if isinstance(t, str):
                target_path = f"tp + {_suffix(t)!r}"
                if row.write is not None:
                    rule = w.name(WRITE[row.write], "write")
                    w("try:")
                    w.indent()(f"m = {rule}(v, run)")
                    w.dedent()
                    w("except Unmappable as exc:")
                    w.indent()(f"run.fail({where}, str(exc))")
                    w.dedent()
                    w("else:")
                    w.indent()
                    self._set(t, "m.value")
                    w("if m.kind is not None:")
                    w.indent()(f"run.note(m.kind, {where}, {target_path}, m.message)")
                    w.dedent()
                    w.dedent()
                else:
                    self._set(t, "v")
            elif t is Marker.DROPPED:
                w(f"run.note(_DROPPED, {where}, None, {f'{tgt_name} has no field for it'!r})")
            elif t is Marker.OMITTED:
                message = f"{src_name} bookkeeping; {tgt_name} has no place for it"
                w(f"run.note(_OMITTED, {where}, None, {message!r})")
            elif t is LINES_TOTAL:
                totals.append(s)
                w(f"lines_total = ({where}, v)")
            w.dedent()
        for index, row in pending:
            self._make(index, row)
        if totals:
            w("if lines_total is not None:")
            w.indent()("run.lines_total(*lines_total, out, tp)")
            w.dedent()
        if tgt_cls is None:
            w("return out")
        else:
            w(f"return {self.finisher(tgt_cls)}(out, run, sp)")
        w.dedent()
        w("")
        if totals:
            # lines_total must exist before the first row that may set it
            at = self.out.lines.index(f"def {function}(src, sp, tp, run):")
            self.out.lines.insert(at + 2, "    lines_total = None")
        return function

    def _lines(
        self,
        index: int,
        row: Row,
        src_cls: type,
        s: str,
        t: Any,
        pending: list[tuple[int, Row]],
    ) -> None:
        w = self.out
        list_type = self._read(src_cls, s, into="seq")
        element = get_args(_without_none(list_type))[0]
        assert isinstance(t, str)  # noqa: S101 - lines map to lines in every format
        tgt_element = self._target_element(t)
        line_mapper = self.table(f"line_{index}", row.lines or (), element, tgt_element)
        # the line mapper was written into the middle of this function; move it out
        self._hoist(line_mapper)
        if row.make is not None:
            pending.append((index, row))
            w(f"p{index} = not seq")
        w("if seq:")
        w.indent()
        steps = _suffix(s)
        target_steps = _suffix(t)
        self._set(
            t,
            f"[{line_mapper}(x, f'{{sp}}{steps}[{{i}}]', f'{{tp}}{target_steps}[{{i}}]', run)"
            " for i, x in enumerate(seq)]",
        )
        w.dedent()

    def _hoist(self, function: str) -> None:
        """Move the just-written function ``function`` to the top level of the module."""
        lines = self.out.lines
        start = next(
            i for i, line in enumerate(lines) if line.strip().startswith(f"def {function}(")
        )
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        block = [line[indent:] for line in lines[start:end]]
        del lines[start:end]
        first = next(i for i, line in enumerate(lines) if line.startswith("def "))
        lines[first:first] = [*block, ""]

    def _target_element(self, keypath: str) -> type:
        """Return the element class of the target record's list at ``keypath``."""
        names = {k: a for a, k in self.tgt_codec.keys(self.target.record).items()}
        field = attrs.fields_dict(attrs.resolve_types(self.target.record))[names[keypath]]
        return get_args(_without_none(field.type))[0]  # type: ignore[no-any-return]

    def _make(self, index: int, row: Row) -> None:
        w = self.out
        s, t = row.cell(self.source.name), row.cell(self.target.name)
        assert isinstance(t, str)  # noqa: S101 - only rows with a target key are made
        where = f"sp + {_suffix(s)!r}" if isinstance(s, str) else "sp"
        rule = w.name(MAKE[row.make or ""], "make")
        w(f"if p{index}:")
        w.indent()
        w("try:")
        w.indent()(f"m = {rule}(src, out, run)")
        w.dedent()
        w("except Unmappable as exc:")
        w.indent()(f"run.fail({where}, str(exc))")
        w.dedent()
        w("else:")
        w.indent()
        w("if m is not None:")
        w.indent()
        self._set(t, "m.value")
        w("if m.kind is not None:")
        w.indent()
        w(f"origin = sp + '.' + m.source if m.source else {where}")
        w(f"run.note(m.kind, origin, tp + {_suffix(t)!r}, m.message)")
        w.dedent()
        w.dedent()
        w.dedent()
        w.dedent()

    # -- finishing the target dict ---------------------------------------------------------

    def finisher(self, cls: type) -> str:
        """Return the name of the generated function that finishes a dict as ``cls``."""
        if cls in self.finishers:
            return self.finishers[cls]
        name = f"finish_{cls.__name__}_{len(self.finishers)}"
        self.finishers[cls] = name
        keys = self.tgt_codec.keys(cls)
        body = [f"def {name}(d, run, sp):", "    r = {}"]
        for field in attrs.fields(attrs.resolve_types(cls)):
            key = keys[field.name]
            base = _without_none(field.type)
            nullable = type(None) in get_args(field.type)
            required = field.default is attrs.NOTHING
            body.append(f"    v = d.get({key!r})")
            if attrs.has(base):
                nested = self.finisher(base)
                body.append(f"    if v is not None: v = {nested}(v, run, sp)")
            elif base is date:
                body.append("    if v is not None and type(v) is not str: v = format_date(v)")
            elif base is DecimalString:
                body.append("    if v is not None and type(v) is not str: v = format_amount(v)")
            elif base is Decimal:
                body.append("    if type(v) is int: v = Decimal(v)")
            if required and not nullable:
                message = f"{self.target.name} requires {key}, and there is no value for it"
                body.append("    if v is None:")
                body.append(f"        run.missing(sp, {message!r})")
                body.append("    else:")
                body.append(f"        r[{key!r}] = v")
            elif required:
                body.append(f"    r[{key!r}] = v")
            else:
                body.append(f"    if v is not None: r[{key!r}] = v")
        body += ["    return r", ""]
        self.out.lines[0:0] = body
        return name

    def omit_envelope(self, shapes: Sequence[type]) -> None:
        """Write ``omit_envelope``: report every envelope value as omitted."""
        w = self.out
        w("def omit_envelope(src, sp, run):")
        w.indent()
        w("kind = type(src)")
        message = f"envelope metadata; {self.target.name} has no place for it here"
        for cls in shapes:
            w(f"if kind is {w.name(cls, 'shape')}:")
            w.indent()
            keys = set(self.src_codec.keys(cls).values())
            for row in ENVELOPE:
                s = row.cell(self.source.name)
                if isinstance(s, str) and s.split(".")[0] in keys:
                    self._read(cls, s)
                    w(
                        f"if v is not None: run.note(_OMITTED, sp + {_suffix(s)!r}, None, {message!r})"
                    )
            w("return")
            w.dedent()
        w.dedent()
        w("")


def _envelopes(fmt: Format) -> list[type]:
    return [shape.model for shape in fmt.envelopes]


def _list_model(fmt: Format) -> type | None:
    return next((shape.model for shape in fmt.envelopes if shape.many), None)


@cache
def _compiled(source_name: str, target_name: str) -> tuple[Compiled, str]:
    source, target = get_format(source_name), get_format(target_name)
    compiler = _Compiler(source, target)
    compiler.out.names.update({"_DROPPED": Kind.DROPPED, "_OMITTED": Kind.OMITTED})
    compiler.table("refund", REFUND, source.record, target.record)
    source_list, target_list = _list_model(source), _list_model(target)
    if source_list is not None and target_list is not None:
        # Unfinished: the engine adds the records, then finishes the envelope.
        compiler.table("envelope", ENVELOPE, source_list, None)
        finish = compiler.finisher(target_list)
    else:
        compiler.out("def map_envelope(src, sp, tp, run):")
        compiler.out("    raise AssertionError('no list envelope in both formats')")
        compiler.out("")
        finish = "map_envelope"
    compiler.omit_envelope(_envelopes(source))
    code = "\n".join(compiler.out.lines)
    filename = f"<refundmap compiled {source_name} -> {target_name}>"
    namespace: dict[str, Any] = dict(compiler.out.names)
    exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    compiled = Compiled(
        refund=namespace["map_refund"],
        envelope=namespace["map_envelope"],
        finish_envelope=namespace[finish],
        omit_envelope=namespace["omit_envelope"],
        code=code,
    )
    return compiled, code


def compile_pair(source: Format, target: Format) -> Compiled:
    """Return the generated mapping functions of ``source`` to ``target``, built once."""
    return _compiled(source.name, target.name)[0]


def source(source_name: str, target_name: str) -> str:
    """Return the generated code of a pair, for reading."""
    return _compiled(source_name, target_name)[1]
