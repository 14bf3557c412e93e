"""References: the ids of a refund's account, customer, items... in both id spaces.

Rutter's refund references are Rutter's own ids (UUIDs it mints); Railz's are
the accounting platform's ids, passed through (QuickBooks' ``"35"``, a Xero
GUID). Between the two vendors every reference id is translated through a
:class:`Lookup`: a :class:`Directory` read from Rutter's reference list and
fetch responses or from a CSV file, or an object of the caller's that asks
an API or a database.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol, get_args, runtime_checkable

import attrs

from refundmap.codec import Codec, snake
from refundmap.models.rutter import CustomerObject, NamedObject
from refundmap.report import (
    ParameterTypeError,
    Problem,
    UsageError,
    ValidationError,
    describe,
    format_path,
)
from refundmap.report import Path as JSONPath
from refundmap.responses import Created, read_response, response_format_of
from refundmap.validation import decode

__all__ = [
    "ANSWERS_HELD",
    "CSV_COLUMNS",
    "ENVELOPE_KEYS",
    "KINDS",
    "Directory",
    "Lookup",
    "RefKind",
    "Reference",
]

#: The kinds of object a refund refers to.
RefKind = Literal["account", "customer", "item", "tax_rate", "class", "department", "refund"]
KINDS: tuple[RefKind, ...] = get_args(RefKind)

#: Rutter's list key and fetch key of each kind: key -> (kind, is a list).
ENVELOPE_KEYS: dict[str, tuple[RefKind, bool]] = {
    "accounts": ("account", True),
    "account": ("account", False),
    "customers": ("customer", True),
    "customer": ("customer", False),
    "items": ("item", True),
    "item": ("item", False),
    "tax_rates": ("tax_rate", True),
    "tax_rate": ("tax_rate", False),
    "classes": ("class", True),
    "class": ("class", False),
    "departments": ("department", True),
    "department": ("department", False),
}

#: The columns of a CSV directory file; ``name`` may be left out.
CSV_COLUMNS = ("kind", "rutter_id", "platform_id", "name")


def _kind(_instance: Any, _attribute: Any, value: Any) -> None:
    if type(value) is not str:
        raise ParameterTypeError.of("kind", f"kind must be a string, not {describe(value)}")
    if value not in KINDS:
        raise UsageError.of(
            "kind", f"unknown kind {value!r}{_suggest(value)}; the kinds are {', '.join(KINDS)}"
        )


def _id(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not str or not value:
        error = UsageError if type(value) is str else ParameterTypeError
        raise error.of(
            attribute.name, f"{attribute.name} must be a non-empty string, not {describe(value)}"
        )


def _name(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and type(value) is not str:
        raise ParameterTypeError.of("name", f"name must be a string or None, not {describe(value)}")


@attrs.frozen
class Reference:
    """One object known by both ids: Rutter's own and the platform's.

    Attributes:
        kind: ``account``, ``customer``, ``item``, ``tax_rate``, ``class``,
            ``department``, or ``refund`` (a refund a write created: :meth:`Directory.learn`).
        rutter_id: Rutter's id of the object.
        platform_id: the accounting platform's id, as Railz passes it through.
        name: the name a Railz reference shows (for a customer, the business
            name, else the contact's), or None.
        source: the file or document the entry came from, None when added in code.
        path: where in ``source``: a JSONPath, or ``line N`` of a CSV file.
    """

    kind: RefKind = attrs.field(validator=_kind)
    rutter_id: str = attrs.field(validator=_id)
    platform_id: str = attrs.field(validator=_id)
    name: str | None = attrs.field(default=None, validator=_name)
    source: str | None = attrs.field(default=None, eq=False, kw_only=True)
    path: str = attrs.field(default="added in code", eq=False, kw_only=True)

    @property
    def origin(self) -> str:
        """Where the entry came from, for messages: ``accounts.json at $.accounts[3]``."""
        return self.path if self.source is None else f"{self.source} at {self.path}"


@runtime_checkable
class Lookup(Protocol):
    """Translates reference ids between Rutter's space and the platform's.

    :class:`Directory` is one. Implement the two methods to look ids up behind
    an API or a database (Rutter's fetch endpoints take ``id_type=platform``).
    Each returns None for an id it does not know, else the :class:`Reference`
    of the kind and id asked. A conversion asks once per distinct id: a
    :func:`~refundmap.convert`, a whole :func:`~refundmap.convert_each`, a
    partition of :func:`refundmap.dask.convert_bag` holds the answers (None
    too) of its last :data:`ANSWERS_HELD` distinct ids. Another answer (a
    ``str``, a Reference of another kind or id, a name that is not text)
    stops the conversion with a :class:`~refundmap.UsageError` naming the
    lookup, the question and the answer (a
    :class:`~refundmap.ParameterTypeError`, also a ``TypeError``, for an
    answer of the wrong type): it is the lookup that is wrong, not a record.
    A :class:`Directory` subclass's own ``to_platform`` and ``to_rutter``
    are asked likewise; a Directory's are read directly.
    """

    def to_platform(self, kind: RefKind, rutter_id: str) -> Reference | None:
        """Return the object whose Rutter id is ``rutter_id``, or None."""
        ...

    def to_rutter(self, kind: RefKind, platform_id: str) -> Reference | None:
        """Return the object whose platform id is ``platform_id``, or None."""
        ...


class Directory:
    """The pairs Rutter id <-> platform id (and a name) of each kind, in memory.

    Build one from Rutter's reference responses (:meth:`from_documents`), from
    files (:meth:`from_files`), or in code (:meth:`add`), and combine
    directories with ``|`` or :meth:`update`. Within a kind, one Rutter id with
    two platform ids, or one platform id with two Rutter ids, is a
    :class:`~refundmap.ValidationError` naming where each came from; the
    directory is left as it was.
    """

    __slots__ = ("_by_platform", "_by_rutter")

    def __init__(self, references: Iterable[Reference] = ()) -> None:
        self._by_rutter: dict[str, dict[str, Reference]] = {kind: {} for kind in KINDS}
        self._by_platform: dict[str, dict[str, Reference]] = {kind: {} for kind in KINDS}
        self.update(references)

    # -- building ---------------------------------------------------------------------

    @classmethod
    def from_documents(cls, *documents: Any) -> Directory:
        """Read Rutter reference list and fetch responses.

        Each document is JSON text (``str``, ``bytes``) or decoded JSON: a list
        response (``{"accounts": [...], "next_cursor", "connection"}``), a
        fetch response (``{"customer": {...}}``), or an array of them. The key
        names the kind. Only ``id``, ``platform_id`` and the name fields are
        read; an object whose ``platform_id`` is null or absent is skipped.

        Raises:
            ValidationError: for a document that is not one of these, with
                every problem's path; its ``source`` is ``document N`` when
                there are several documents.
        """
        directory = cls()
        for number, document in enumerate(documents, start=1):
            source = f"document {number}" if len(documents) > 1 else None
            directory.update(_from_json(document, source))
        return directory

    @classmethod
    def from_files(cls, *paths: str | os.PathLike[str]) -> Directory:
        """Read files: Rutter reference responses (JSON), or CSV of ``kind,rutter_id,...``.

        A file whose name ends in ``.csv`` (any case) is CSV: a header row,
        then one object a line (a quoted cell may hold commas, not a line
        break: a quote left open is a problem at the line it opened on);
        ``name`` may be empty or left out, and spaces around kinds and ids
        are ignored. Any other file is JSON, read as
        :meth:`from_documents` reads a document. A folder stands for its
        ``.json`` and ``.csv`` files, in name order.

        Raises:
            ValidationError: for a file that is not valid, with the file as
                its ``source`` and every problem's path or line.
            OSError: for a file that cannot be read, unchanged.
        """
        directory = cls()
        for path in _files(paths):
            name = os.fspath(path)
            data = path.read_bytes()
            if name.lower().endswith(".csv"):
                directory.update(_from_csv(data, name))
            else:
                directory.update(_from_json(data, name))
        return directory

    def learn(self, *responses: Any) -> tuple[Created, ...]:
        """Keep the refunds write responses created: each one's Rutter id and platform id.

        Each response is JSON text or decoded JSON: Rutter's create response
        (the created refund, or a ``GET /jobs/{id}`` envelope), or Railz's push
        response or ``pushStatus`` (see :mod:`refundmap.responses`); an array of
        them too. A refund whose response gives both ids is added as a
        reference of kind ``refund``; a conversion from Railz then gives the
        refund its Rutter id. Railz's responses give the platform's ids only.

        Returns:
            Every refund the responses created or tried to, in order.

        Raises:
            ValidationError: for a response that is not one (every problem by
                path; ``source`` is ``response N`` when there are several), or
                an id that already has another counterpart; the directory is
                left as it was.
        """
        found: list[Created] = []
        references: list[Reference] = []
        for number, response in enumerate(responses, start=1):
            source = f"response {number}" if len(responses) > 1 else None
            try:
                raw = decode(response)
                read = read_response(raw, response_format_of(raw))
            except ValidationError as exc:
                raise ValidationError(exc.problems, source) from None
            found.extend(read.created)
            references.extend(
                Reference(
                    "refund",
                    created.rutter_id,
                    created.platform_id,
                    source=source,
                    path=created.path,
                )
                for created in read.created
                if created.rutter_id and created.platform_id
            )
        self.update(references)
        return tuple(found)

    def add(
        self, kind: RefKind, rutter_id: str, platform_id: str, name: str | None = None
    ) -> Reference:
        """Add one object and return its entry.

        Raises:
            UsageError: for an unknown kind or an empty id (also a ``ValueError``);
                ParameterTypeError for a kind or id that is not a string, or a
                name that is neither a string nor None (also a ``TypeError``);
                the problem's path names the parameter.
            ValidationError: when an id already has another counterpart.
        """
        reference = Reference(kind, rutter_id, platform_id, name)
        self.update((reference,))
        return reference

    def update(self, references: Iterable[Reference]) -> None:
        """Add every entry of ``references`` (another directory, say), or none of them.

        An entry already held is kept; a name is filled in where the held one
        has none.

        Raises:
            ValidationError: listing every id that would have two counterparts.
        """
        # What changes is gathered beside the held entries, then put in: the cost is
        # the new entries', not the directory's (copying it made building quadratic).
        rutter_new: dict[tuple[RefKind, str], Reference] = {}
        platform_new: dict[tuple[RefKind, str], Reference] = {}
        problems: list[Problem] = []
        sources: set[str | None] = set()
        for new in references:
            kind = new.kind
            known = rutter_new.get((kind, new.rutter_id)) or self._by_rutter[kind].get(
                new.rutter_id
            )
            other = platform_new.get((kind, new.platform_id)) or self._by_platform[kind].get(
                new.platform_id
            )
            clash = _clash(new, known, other)
            if clash is not None:
                problems.append(clash)
                sources.add(new.source)
                continue
            if known is None or (known.name is None and new.name is not None):
                kept = new if known is None else attrs.evolve(known, name=new.name)
                rutter_new[kind, new.rutter_id] = kept
                platform_new[kind, new.platform_id] = kept
        if problems:
            raise ValidationError(problems, sources.pop() if len(sources) == 1 else None)
        for (kind, rutter_id), kept in rutter_new.items():
            self._by_rutter[kind][rutter_id] = kept
        for (kind, platform_id), kept in platform_new.items():
            self._by_platform[kind][platform_id] = kept

    def __or__(self, other: Directory) -> Directory:
        """Return a new directory holding the entries of both."""
        if not isinstance(other, Directory):
            return NotImplemented
        merged = Directory(self)
        merged.update(other)
        return merged

    # -- reading ----------------------------------------------------------------------

    def to_platform(self, kind: RefKind, rutter_id: str) -> Reference | None:
        """Return the object whose Rutter id is ``rutter_id``, or None."""
        return self._by_rutter[kind].get(rutter_id)

    def to_rutter(self, kind: RefKind, platform_id: str) -> Reference | None:
        """Return the object whose platform id is ``platform_id``, or None."""
        return self._by_platform[kind].get(platform_id)

    def tables(self, *, into_railz: bool) -> dict[str, dict[str, Reference]]:
        """Return the entries by kind and by id: Rutter ids (``into_railz``), or platform ids.

        For the conversion engine, which reads them directly (a subclass with its
        own ``to_platform`` or ``to_rutter`` is asked through them); do not change them.
        """
        return self._by_rutter if into_railz else self._by_platform

    def to_csv(self) -> str:
        """Return every entry as CSV text that :meth:`from_files` reads back (``.csv``)."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for entry in self:
            writer.writerow((entry.kind, entry.rutter_id, entry.platform_id, entry.name or ""))
        return out.getvalue()

    def __iter__(self) -> Iterator[Reference]:
        """Yield every entry, kind by kind, in the order they were added."""
        for held in self._by_rutter.values():
            yield from held.values()

    def __len__(self) -> int:
        return sum(len(held) for held in self._by_rutter.values())

    def __repr__(self) -> str:
        counts = ", ".join(f"{kind}={len(held)}" for kind, held in self._by_rutter.items() if held)
        return f"Directory({counts})"


#: The most answers of a caller's :class:`Lookup` one conversion run holds: past
#: this many distinct ids, the least recently used is let go (and asked again
#: if it comes back), so that a run of millions of records stays in bounds.
ANSWERS_HELD = 65_536


class Answers:
    """A caller's :class:`Lookup` for one conversion run: each answer asked once, and checked.

    Holds the answers (None too) of the last :data:`ANSWERS_HELD` distinct
    ids asked, and is dropped with its run; it pickles with its lookup.
    """

    __slots__ = ("_held", "_limit", "lookup")

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self._held: OrderedDict[tuple[bool, str, str], Reference | None] = OrderedDict()
        self._limit = ANSWERS_HELD

    def get(self, kind: str, value: str, *, into_railz: bool) -> Reference | None:
        """Return the lookup's answer for the ``kind`` id ``value``: Rutter's (``into_railz``).

        Raises:
            UsageError: the lookup answered something else than None or the
                Reference of that kind and id (ParameterTypeError, a
                ``TypeError`` too, for an answer of the wrong type).
        """
        key = (into_railz, kind, value)
        held = self._held
        if key in held:
            held.move_to_end(key)
            return held[key]
        method = "to_platform" if into_railz else "to_rutter"
        found = getattr(self.lookup, method)(kind, value)
        if found is not None:
            _check_answer(f"{type(self.lookup).__name__}.{method}", kind, value, found)
        held[key] = found
        if len(held) > self._limit:
            held.popitem(last=False)
        return found  # type: ignore[no-any-return]


def _check_answer(method: str, kind: str, value: str, found: object) -> None:
    """Refuse a lookup's answer that is not the Reference asked for."""
    into_railz = method.endswith(".to_platform")
    call = f"the lookup {method}({kind!r}, {value!r})"
    if not isinstance(found, Reference):
        raise ParameterTypeError.of(
            "directory",
            f"{call} returned {describe(found)} ({_a(found)});"
            " expected a refundmap.Reference or None",
        )
    for key in ("rutter_id", "platform_id", "name"):
        text = getattr(found, key)
        if type(text) is not str and (text is not None or key != "name"):
            raise ParameterTypeError.of(
                "directory",
                f"{call} returned a {key} that is not text: {describe(text)} ({_a(text)})",
            )
    asked = found.rutter_id if into_railz else found.platform_id
    if found.kind != kind or asked != value:
        space = "Rutter" if into_railz else "platform"
        raise UsageError.of(
            "directory",
            f"{call} returned the {found.kind} whose Rutter id is {found.rutter_id!r} and"
            f" platform id {found.platform_id!r}; expected the {kind} whose {space} id is"
            f" {value!r}, or None",
        )


def _a(value: object) -> str:
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Yield each path, and for a folder its ``.json`` and ``.csv`` files in name order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".json", ".csv") and p.is_file()
            )
        else:
            yield path


def _clash(new: Reference, known: Reference | None, other: Reference | None) -> Problem | None:
    """Return why ``new`` cannot join a directory holding ``known`` and ``other``."""
    kind = new.kind.replace("_", " ")
    if known is not None and known.platform_id != new.platform_id:
        return Problem(
            new.path,
            f"Rutter {kind} {new.rutter_id!r} has platform id {new.platform_id!r} here,"
            f" and {known.platform_id!r} in {known.origin}",
        )
    if other is not None and other.rutter_id != new.rutter_id:
        return Problem(
            new.path,
            f"platform {kind} {new.platform_id!r} has Rutter id {new.rutter_id!r} here,"
            f" and {other.rutter_id!r} in {other.origin}",
        )
    return None


def _suggest(value: object) -> str:
    close = difflib.get_close_matches(str(value), KINDS, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- JSON: Rutter's reference responses ------------------------------------------------


@cache
def _codec() -> Codec:
    # Not strict: Rutter's reference objects carry many fields refundmap does not read.
    return Codec(snake, strict=False)


def _from_json(document: Any, source: str | None) -> list[Reference]:
    try:
        raw = decode(document)
    except ValidationError as exc:
        raise ValidationError(exc.problems, source) from None
    items: list[tuple[JSONPath, Any]] = (
        [((index,), item) for index, item in enumerate(raw)] if type(raw) is list else [((), raw)]
    )
    problems: list[Problem] = []
    references: list[Reference] = []
    into: dict[str, Any] = {"source": source, "references": references, "problems": problems}
    for path, item in items:
        keys = [key for key in item if key in ENVELOPE_KEYS] if type(item) is dict else []
        if not keys:
            expected = ", ".join(ENVELOPE_KEYS)
            problems.append(
                Problem(
                    format_path(path),
                    f"not a Rutter reference list or fetch response: expected an object with"
                    f" one of the keys {expected}, got {describe(item)}",
                )
            )
        for key in keys:
            kind, many = ENVELOPE_KEYS[key]
            value = item[key]
            if not many:
                _read_object(kind, value, (*path, key), **into)
            elif type(value) is not list:
                problems.append(
                    Problem(format_path((*path, key)), f"expected an array, got {describe(value)}")
                )
            else:
                for index, obj in enumerate(value):
                    _read_object(kind, obj, (*path, key, index), **into)
    if problems:
        raise ValidationError(problems, source)
    return references


def _read_object(  # noqa: PLR0913 - one object, where it is, and where its results go
    kind: RefKind,
    value: Any,
    path: JSONPath,
    *,
    source: str | None,
    references: list[Reference],
    problems: list[Problem],
) -> None:
    model_class: type[NamedObject | CustomerObject] = (
        CustomerObject if kind == "customer" else NamedObject
    )
    model, found, _unknown = _codec().structure(value, model_class, path)
    problems.extend(found)
    if model is None:
        return
    problems.extend(
        Problem(format_path((*path, key)), "expected an id, got an empty string")
        for key in ("id", "platform_id")
        if getattr(model, key) == ""
    )
    if not model.id or not model.platform_id:
        return
    if isinstance(model, CustomerObject):
        name = model.customer_name or model.contact_name
    else:
        name = model.name
    references.append(
        Reference(kind, model.id, model.platform_id, name, source=source, path=format_path(path))
    )


# -- CSV: ids kept in a database ---------------------------------------------------------


def _from_csv(data: bytes, source: str) -> list[Reference]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([Problem(f"byte {exc.start}", "not UTF-8 text")], source) from None
    problems: list[Problem] = []
    rows = _csv_rows(text, problems)
    first = next(rows, None)
    expected = ",".join(CSV_COLUMNS)
    if first is None or problems:  # empty, or the header is not one line of CSV
        empty = Problem("line 1", f"the file is empty; expected the header {expected}")
        raise ValidationError(problems or [empty], source)
    header = first[1]
    columns = [column.strip() for column in header]
    missing = [column for column in CSV_COLUMNS[:3] if column not in columns]
    unknown = [column for column in columns if column not in CSV_COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        raise ValidationError(
            [Problem("line 1", f"expected the header {expected}, got {','.join(header)!r}")],
            source,
        )
    references: list[Reference] = []
    for line, row in rows:
        where = f"line {line}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append(Problem(where, f"expected {len(columns)} columns, got {len(row)}"))
            continue
        cells = dict(zip(columns, row, strict=True))
        kind = cells["kind"].strip()
        rutter_id, platform_id = cells["rutter_id"].strip(), cells["platform_id"].strip()
        found = [
            f"{column}: empty"
            for column, value in (("rutter_id", rutter_id), ("platform_id", platform_id))
            if not value
        ]
        if kind not in KINDS:
            found.insert(
                0, f"kind: expected one of {', '.join(KINDS)}, got {kind!r}{_suggest(kind)}"
            )
        if found:
            problems.extend(Problem(where, message) for message in found)
            continue
        name = cells.get("name") or None
        references.append(
            Reference(kind, rutter_id, platform_id, name, source=source, path=where)  # type: ignore[arg-type]
        )
    if problems:
        raise ValidationError(problems, source)
    return references


def _csv_rows(text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Yield each row of CSV ``text`` with the line it is on.

    A row is one line: a quoted cell that runs on to another line is a
    quote left open (a problem, the row skipped), and so is CSV the csv
    module cannot read, which ends the rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    while True:
        line = end + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            problems.append(Problem(f"line {line}", _csv_error(str(exc), line, reader.line_num)))
            return
        if row is None:
            return
        end = reader.line_num
        if end == line:
            yield line, row
        else:
            problems.append(
                Problem(
                    f"line {line}",
                    f"a quoted cell runs on to line {end}, and a reference is one line;"
                    f" {_UNCLOSED}",
                )
            )


_UNCLOSED = "is a quote opened on this line not closed?"


def _csv_error(message: str, line: int, end: int) -> str:
    """Say what the csv module's ``message`` means for a row from ``line`` to ``end``."""
    if message.startswith("unexpected end of data"):
        return "a quote opened on this line is not closed: the rest of the file would be one cell"
    if message.startswith("field larger than field limit"):
        return (
            f"a cell is longer than {csv.field_size_limit()} characters, the most a CSV cell"
            f" may hold; {_UNCLOSED}"
        )
    if end == line:
        return f"not valid CSV: {message}"
    return f"not valid CSV on line {end}: {message}; {_UNCLOSED}"
