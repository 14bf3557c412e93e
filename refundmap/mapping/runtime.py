"""The run of a conversion: documents, shapes and envelopes around the compiled records.

Each record is mapped by the functions :mod:`refundmap.mapping.compiler`
generates from the table for the pair of formats; this module decides which
records go where (a list stays a list, a fetch response becomes a bare record,
a create body is written per record) and keeps the report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

import attrs

from refundmap.checks import Finding
from refundmap.formats import CONVERSIONS, FORMATS, Format
from refundmap.mapping.compiler import Compiled, compile_pair
from refundmap.mapping.rules import SERVICE_NAMES
from refundmap.mapping.translation import ReferenceMessages, reference_messages
from refundmap.mapping.views import view, view_class
from refundmap.profiles import PushOptions, apply_profile, platform_for
from refundmap.references import KINDS, Answers, Directory, Lookup, Reference
from refundmap.report import Entry, Kind, Path, Problem, UsageError, format_path
from refundmap.validation import Loaded, Part, _without_empty_lines

__all__ = ["PAIRS", "Run"]

_UNASKED: Any = object()
_new = tuple.__new__  # an Entry without the named tuple's Python-level constructor


#: Every (source, target) pair refundmap converts, besides each format to itself.
PAIRS = CONVERSIONS


def _read_directly(lookup: Lookup | None) -> bool:
    """Whether ``lookup`` is a Directory whose tables answer as its methods would.

    A subclass that answers with its own ``to_platform`` or ``to_rutter`` is
    asked through them.
    """
    if not isinstance(lookup, Directory):
        return False
    kind = type(lookup)
    return kind.to_platform is Directory.to_platform and kind.to_rutter is Directory.to_rutter


#: What :attr:`Run.known` is without a Directory: no id of any kind (never written).
_NOTHING_KNOWN: dict[str, dict[str, Reference | None]] = {kind: {} for kind in KINDS}


@attrs.frozen
class _Pair:
    """What every run of a pair of formats shares, made once (a run a JSON Lines record)."""

    source: Format
    target: Format
    compiled: Compiled
    into_railz: bool
    messages: ReferenceMessages
    target_check: Callable[..., list[Finding]]
    view_class: type


#: The pairs made, by the formats' names and whether a lookup translates.
_PAIRS: dict[tuple[str, str, bool], _Pair] = {}


def _pair(source: Format, target: Format, *, lookup: bool) -> _Pair:
    """Return what the runs of ``source`` to ``target`` share: made once for the named formats."""
    key = (source.name, target.name, lookup)
    pair = _PAIRS.get(key)
    if pair is not None and pair.source is source and pair.target is target:
        return pair
    pair = _made_pair(source, target, lookup=lookup)
    if FORMATS.get(source.name) is source and FORMATS.get(target.name) is target:
        _PAIRS[key] = pair  # a caller's own Format is not kept: as it is each time
    return pair


def _made_pair(source: Format, target: Format, *, lookup: bool) -> _Pair:
    into_railz = target.vendor == "railz"
    # Rutter's check that reference ids are its own: without a lookup every
    # platform id copied in is already a warning, and within Rutter the source's
    # check saw the same ids. Only ids a lookup gave are left to check.
    check_refs = lookup and source.vendor != target.vendor
    target_check: Callable[..., list[Finding]] = (
        target.check
        if check_refs or target.vendor != "rutter"
        else partial(cast("Callable[..., list[Finding]]", target.check), refs=False)
    )
    return _Pair(
        source,
        target,
        compile_pair(source, target, lookup=lookup),
        into_railz,
        reference_messages(target.name, into_railz=into_railz),
        target_check,
        view_class(target),
    )


class Run:
    """One conversion: the formats, the time, and the report as it grows."""

    #: Whether :attr:`report` takes the fast mapping's rows (``fused_map``): a rule a
    #: record's function calls with the paths it noted may note an entry as ``(kind,
    #: source suffix, target suffix, words)``, its paths joined when read. Else entries.
    rows = False

    def __init__(  # noqa: PLR0913 - the conversion's options
        self,
        source: Format,
        target: Format,
        *,
        synced_at: str,
        params: dict[str, Any] | None = None,
        lookup: Lookup | None = None,
        require_refs: bool = False,
        records: int | None = None,
        answers: Answers | None = None,
        defaults: dict[str, str] | None = None,
        platform: str | None = None,
        push_options: PushOptions | None = None,
    ) -> None:
        self.source = source
        #: The platform behind a write body, as a Railz service name: given
        #: (``platform=``), else what each document names; None: generic rules.
        self.platform = platform
        self.service: str | None = platform
        self.push_options = push_options
        #: Reference ids, in the source's id space, for a refund that has none, by kind.
        self.defaults = defaults or {}
        #: The number of records a list page holds, where it is not the records
        #: given (a big page converted a piece at a time): its envelope says this.
        self.total = records
        self.params = params or {}
        self.lookup = lookup
        self.require_refs = require_refs
        #: How many reference ids were copied into the other vendor's id space untranslated.
        self.untranslated = 0
        #: Each reference id copied untranslated, by (kind, id): how many times.
        self.copied_ids: dict[tuple[str, str], int] = {}
        #: The name the source gives each of those ids, where it gives one (the first met).
        self.copied_names: dict[tuple[str, str], str] = {}
        pair = _pair(source, target, lookup=lookup is not None)
        into_railz = self._into_railz = pair.into_railz
        self._messages = pair.messages
        #: Ids known, by kind: a Directory's own tables; empty for a caller's
        #: lookup, whose answers (None: it does not know the id) are held, up to
        #: a bound, by ``_answers``, shared by the conversions of a run. Read only.
        self.known: dict[str, dict[str, Reference | None]]
        self._answers: Answers | None = None
        # Without a lookup, untranslated ids are reported by the generated code itself.
        self.compiled = pair.compiled
        if _read_directly(lookup):
            self.known = lookup.tables(into_railz=into_railz)  # type: ignore[union-attr]
        else:
            self.known = _NOTHING_KNOWN
            if lookup is not None:
                self._answers = Answers(lookup) if answers is None else answers
        self.target = target
        self.source_name = source.name
        self.target_name = target.name
        self.synced_at = synced_at
        self.count = 0
        #: The Railz connection the records come from, where the document says:
        #: ``connection CON-...`` (version 2) or ``business quickbooks/Name`` (version 1).
        self.scope: str | None = None
        self.report: list[Entry] = []
        self.unmappable: list[Problem] = []
        self.changed_totals: list[Problem] = []
        #: Where the converted records fail the target format's own checks.
        self.target_failures: list[Problem] = []
        self._target_check = pair.target_check
        self._view_class = pair.view_class
        self._failures_before_record = 0
        self._bodies_written = 0
        #: Railz lines whose figures fit both readings of tax, as their rule found them,
        #: for their refund's (``figures._tax_by_refund``), which empties it.
        self.unclear_lines: list[Any] = []

    # -- what the compiled functions call ---------------------------------------------

    def note(self, kind: Kind, source: str, target: str | None, message: str) -> None:
        """Add a report entry."""
        self.report.append(_new(Entry, (kind, source, target, message)))  # Entry(...), no __new__

    def learned_refund(self, platform_id: str) -> str | None:
        """Return the Rutter id a Directory learned for the refund ``platform_id``, or None."""
        found = self.known["refund"].get(platform_id) if self.lookup is not None else None
        return None if found is None else found.rutter_id

    def default(self, kind: str, source: str, target: str) -> str | None:
        """Return the default id of ``kind`` for a refund that has none (reported), or None."""
        value = self.defaults.get(kind)
        if value is not None:
            message = f"the default {kind.replace('_', ' ')} {value!r} (defaults=, --default):"
            self.note(Kind.SYNTHESIZED, source, target, f"{message} the refund has none")
        return value

    def translate(  # noqa: PLR0913, PLR0917 - the id, where it is, and its name
        self,
        kind: str,
        value: str,
        source: str,
        target: str,
        name_target: str | None,
        name: str | None = None,
    ) -> tuple[str, str | None]:
        """Return a reference id in the target vendor's id space, and its name when one goes.

        Reports the translation (and the name) as derived; an id that cannot be
        translated is copied and reported as a warning, or refused when
        references are required. ``name`` is the reference's name in the source,
        where it has one (kept for the ids copied untranslated).
        """
        found = self.known[kind].get(value, _UNASKED)
        if found is _UNASKED:
            found = self._ask(kind, value)
        if found is None:
            return self._untranslated(kind, value, source, target, name), None
        new = found.platform_id if self._into_railz else found.rutter_id
        messages = self._messages
        add = self.report.append
        add(_new(Entry, (Kind.DERIVED, source, target, messages.translated[kind])))
        if name_target is not None and found.name is not None:
            add(_new(Entry, (Kind.DERIVED, source, name_target, messages.named[kind])))
            return new, found.name
        return new, None

    def _ask(self, kind: str, value: str) -> Reference | None:
        """Ask the caller's lookup, once per id and run (a Directory's tables are read)."""
        if self._answers is None:
            return None
        return self._answers.get(kind, value, into_railz=self._into_railz)

    def copied(self, kind: str, value: str, name: str | None = None) -> None:
        """Count a reference id copied into the other id space untranslated, with its name."""
        self.untranslated += 1
        ids = self.copied_ids
        key = kind, value
        ids[key] = ids.get(key, 0) + 1  # not Counter's +=, which calls its __missing__
        if name is not None and key not in self.copied_names:
            self.copied_names[key] = name

    def _untranslated(
        self, kind: str, value: str, source: str, target: str, name: str | None = None
    ) -> str:
        self.copied(kind, value, name)
        messages = self._messages
        if self.require_refs:
            reason = (
                "cannot be translated without a directory"
                if self.lookup is None
                else ("is not in the directory")
            )
            self.fail(source, f"{messages.whose[kind]} {value!r} {reason}; references are required")
        elif self.lookup is None:
            self.report.append(
                _new(Entry, (Kind.WARNING, source, target, messages.no_directory[kind]))
            )
        else:
            message = (
                f"{messages.whose[kind]} {value!r} is not in the directory; copied untranslated"
            )
            self.report.append(_new(Entry, (Kind.WARNING, source, target, message)))
        return value

    def losses(self) -> list[Problem]:
        """Return what a lossless conversion refuses.

        That is dropped values, changed totals, and records that fail the target
        format's own checks.
        """
        dropped = [
            Problem(entry.source_path, f"would be dropped: {entry.message}")
            for entry in self.report
            if entry.kind is Kind.DROPPED
        ]
        return dropped + self.changed_totals + self.target_failures

    def fail(self, source: str, reason: str) -> None:
        """Record why the target cannot hold the record at ``source``."""
        self.unmappable.append(Problem(source, reason))

    def missing(self, source: str, reason: str) -> None:
        """Record a required target key left empty, unless the record already failed."""
        if len(self.unmappable) == self._failures_before_record:
            self.fail(source, reason)

    @property
    def failed(self) -> bool:
        """Whether the record being mapped has failed (the target cannot hold it)."""
        return len(self.unmappable) > self._failures_before_record

    def change_total(self, source: str, target: str, message: str) -> None:
        """Warn that the target's total is not the source's (a create body's)."""
        self.note(Kind.WARNING, source, target, message)
        self.changed_totals.append(Problem(source, message))

    # -- records ------------------------------------------------------------------------

    def _record(self, record: Any, source_path: Path, target_path: Path) -> Any:
        """Map one refund; None when the target cannot hold it."""
        self._failures_before_record = len(self.unmappable)
        before = len(self.report)
        where = format_path(source_path)
        mapped = self.compiled.refund(record, where, format_path(target_path), self)
        if len(self.unmappable) > self._failures_before_record:
            return None
        self._leave_out_empty_lines(mapped, where, format_path(target_path), before)
        if self.service is not None or self.push_options is not None:
            apply_profile(self, mapped, where)
            if len(self.unmappable) > self._failures_before_record:
                return None
        self._check_target(mapped, where, target_path, before)
        return mapped

    def _leave_out_empty_lines(
        self, mapped: dict[str, Any], where: str, target: str, before: int
    ) -> None:
        """Leave out a target line that no field of its source line reached, and say so.

        An empty line object is no line in either vendor's terms (``validate`` warns
        of one); the later lines' target paths move up by one for each left out.
        """
        key = "line_items" if "line_items" in mapped else "lines"
        lines = mapped.get(key)
        if not lines or all(lines):
            return
        source_key = self.source.lines_key
        moved: dict[str, str] = {}
        kept: list[dict[str, Any]] = []
        for index, line in enumerate(lines):
            if line:
                moved[f"{target}.{key}[{index}]"] = f"{target}.{key}[{len(kept)}]"
                kept.append(line)
                continue
            message = (
                f"no field of the line has a place in {self.target_name}: it gets no line"
                " (an empty line object)"
            )
            self.note(Kind.DROPPED, f"{where}.{source_key}[{index}]", None, message)
        mapped[key] = kept
        for position in range(before, len(self.report)):
            entry = self.report[position]
            path = entry.target_path
            if path is None or not path.startswith(f"{target}.{key}["):
                continue
            end = path.index("]", len(target) + len(key) + 2) + 1
            if path[:end] in moved and moved[path[:end]] != path[:end]:
                self.report[position] = entry._replace(target_path=moved[path[:end]] + path[end:])

    def _check_target(self, mapped: dict[str, Any], where: str, path: Path, before: int) -> None:
        """Check a mapped record by the target format's own rules: each failure is a warning.

        A failure at a target path the record's report already warns about (an id
        copied untranslated) is not said twice.
        """
        findings = self._target_check(view(mapped, self._view_class), path)
        if not findings:
            return
        warned = {
            entry.target_path
            for entry in self.report[before:]
            if entry.kind is Kind.WARNING and entry.target_path is not None
        }
        for at, message in findings:
            target = format_path(at)
            if target in warned:
                continue
            text = f"the {self.target_name} output fails its own check: {message}"
            self.report.append(Entry(Kind.WARNING, where, target, text))
            self.target_failures.append(Problem(target, text))

    # -- documents ----------------------------------------------------------------------

    def convert(self, loaded: Loaded) -> Any:
        """Return the target document for ``loaded``, keeping its shape."""
        if self.target.request is not None:
            bodies = [body for part in loaded.parts for body in self._bodies(part, loaded)]
            many = loaded.is_array or any(part.shape.many for part in loaded.parts)
            return bodies if many else next(iter(bodies), None)
        docs = [self._document(part) for part in loaded.parts]
        return docs if loaded.is_array else docs[0]

    def _records(self, part: Part) -> Iterator[tuple[Path, Any]]:
        # Into Rutter the scope parameters are the source's (its ids are scoped by them);
        # into a push body they are the body's own.
        into_rutter = self.target.vendor == "rutter" and not self.target.is_body
        into_rutter = into_rutter and self.source.vendor == "railz"
        given = self.params if into_rutter else {}
        self.scope = _scope(part.model, given)
        return self.source.records(part.model, part.shape, part.path)

    def _omit_envelope(self, part: Part) -> None:
        if part.shape.records is not None:
            self.compiled.omit_envelope(part.model, format_path(part.path), self)

    def _unstructure(self, model: Any) -> Any:
        return self.target.codec(strict=False).unstructure(model)

    def _as_written(self, part: Part) -> Any:
        """Return a part converted to its own format: as written, less the lines that hold nothing.

        A line whose every key is one the format does not know (each left out, with
        a warning) is a line with no field: written, it is an empty line object,
        which the format reads as no line. It is left out and reported; a record
        the format requires a line of, left with none, cannot be written.
        """
        written = self._unstructure(part.model)
        kept, empty = _without_empty_lines(written, self.target, part.path)
        if not empty:
            return written
        key = self.target.lines_key
        message = (
            "a line object with no field the format knows: written, it is an empty line"
            f" object, and {self.target_name} gets no line"
        )
        for where in empty:
            self.note(Kind.DROPPED, where, None, message)
        for path, record in self.source.records(part.model, part.shape, part.path):
            lines = getattr(record, key, None)
            where = format_path((*path, key))
            required = attrs.fields_dict(type(record))[key].metadata.get("min_items")
            if lines and required and sum(p.startswith(where + "[") for p in empty) == len(lines):
                self.fail(where, f"no line has a field: {self.target_name} requires a line")
        return kept

    def _bodies(self, part: Part, loaded: Loaded) -> Iterator[dict[str, Any]]:
        request = self.target.request
        assert request is not None  # noqa: S101 - only formats written as bodies come here
        if self.source is self.target:
            body = self._as_written(part)
            if part.shape.name == "record":
                yield request(body, self.params)
            elif self.params.get("connection_uuid") and "connectionUuid" in body:
                yield {**body, "connectionUuid": self.params["connection_uuid"]}
            elif self.params.get("business_name") and "connection" in body:
                yield request(body["data"], self.params)
            else:
                yield body
            return
        self._omit_envelope(part)
        # A body's own service_name names its platform (railz-push); another's is a scope.
        body = {key: self.params.get(key) for key in self.target.body_parameters}
        self.service = platform_for(part.model, self.platform, body)
        many = loaded.is_array or any(p.shape.many for p in loaded.parts)
        key = self.target.naming(self.target.envelopes[0].records or "")
        for path, record in self._records(part):
            index = self._bodies_written
            self._bodies_written += 1
            target_path: Path = (index, key) if many else (key,)
            finished = self._record(record, path, target_path)
            if finished is not None:
                yield request(finished, self.params)

    def _document(self, part: Part) -> Any:
        if self.source is self.target:
            return self._as_written(part)
        list_shape = self.target.list_shape
        if not (part.shape.many and list_shape is not None):
            self._omit_envelope(part)
            ((path, record),) = self._records(part)
            return self._record(record, path, part.path)
        records = list(self._records(part))
        key = self.target.naming(list_shape.records or "")
        out_records = [
            self._record(record, path, (*part.path, key, index))
            for index, (path, record) in enumerate(records)
        ]
        if None in out_records:
            return None
        self.count = len(records) if self.total is None else self.total
        where = format_path(part.path)
        compiled = self.compiled
        envelope = compiled.envelope(part.model, where, where, self)
        envelope[key] = out_records
        return compiled.finish_envelope(envelope, self, where)


#: The scope parameters and the ``meta`` attributes that name the same thing.
_SCOPE_PARAMETERS = (
    ("connection_uuid", "connection_uuid"),
    ("business_name", "business_name"),
    ("service_name", "service_name"),
)


_CONNECTION = re.compile(
    r"(?i)(con-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)
#: Railz's service names, by their case-folded spelling.
_SERVICE_NAMES = {name.casefold(): name for name in SERVICE_NAMES}


def _canonical_scope(attribute: str, value: str | None) -> str | None:
    """Return one spelling of a scope value, so that one scope gives one Rutter id.

    A connection UUID is case-insensitive (written ``CON-`` and lower-case hex),
    a service name is Railz's spelling of it, a business name is in Unicode's
    composed form (NFC): a bare record given ``XERO`` and its page naming
    ``xero`` are one business.
    """
    if value is None:
        return None
    if attribute == "connection_uuid":
        found = _CONNECTION.fullmatch(value)
        if found is None:
            return value
        return ("CON-" if found.group(1) else "") + found.group(2).lower()
    if attribute == "service_name":
        return _SERVICE_NAMES.get(value.casefold(), value)
    return unicodedata.normalize("NFC", value)


def _scope(document: Any, given: dict[str, Any]) -> str | None:
    """Return the Railz connection of a document's records, or None.

    That is what a list response names in its ``meta``, completed by the
    parameters ``given`` (``connection_uuid``, ``business_name`` and
    ``service_name``), so that a bare record converted with its page's scope
    gets the ids it gets in its page.

    Raises:
        UsageError: a parameter given is not what the document names.
    """
    meta = getattr(document, "meta", None)
    if meta is None and not any(given.values()):
        return None  # a bare record, no scope given (a JSON Lines record each time)
    named: dict[str, Any] = {}
    for parameter, attribute in _SCOPE_PARAMETERS:
        found = _canonical_scope(attribute, getattr(meta, attribute, None) or None)
        value = _canonical_scope(attribute, given.get(parameter))
        if found is not None and value is not None and value != found:
            raise UsageError.of(
                parameter,
                f"{parameter} is {value!r}, and the document names {found!r}"
                f" (meta.{_META_KEYS[attribute]}): its records' Rutter ids are scoped by the"
                " document's; give the document's, or none",
            )
        named[attribute] = found if found is not None else value
    if named["connection_uuid"]:
        return f"connection {named['connection_uuid']}"
    if named["business_name"] and named["service_name"]:
        return f"business {named['service_name']}/{named['business_name']}"
    return None


_META_KEYS = {
    "connection_uuid": "connectionUuid",
    "business_name": "businessName",
    "service_name": "serviceName",
}
