"""Converting a document from one format to another: load, map, report.

The checks of the options are :mod:`refundmap.options`; splitting a document
into its records, :mod:`refundmap.records`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import localcontext
from itertools import islice
from typing import Any, cast

import attrs

from refundmap import jsonio
from refundmap.formats import Format, FormatName, get_format
from refundmap.gate import FailKind, check_fail_on, failures
from refundmap.jsonio import JSONValue
from refundmap.mapping import PAIRS, Run, fused
from refundmap.mapping.bare import BareRecords
from refundmap.mapping.fused_map import FusedRows
from refundmap.missing import CopiedIds, MissingReference
from refundmap.money import EXACT
from refundmap.options import (
    check_defaults,
    check_push_parameters,
    check_scope,
    check_text,
    conversion_time,
    supported,
)
from refundmap.paths import rebase, value_at
from refundmap.profiles import PushOptions, check_options
from refundmap.records import only_record, records_key, split_records, within, without
from refundmap.references import Answers, Lookup
from refundmap.report import (
    Entry,
    Kind,
    MappingError,
    ParameterTypeError,
    Problem,
    RefundmapError,
    UsageError,
    ValidationError,
)
from refundmap.rows import Rows
from refundmap.validation import Decoded, Loaded, decode, load

__all__ = [
    "Conversion",
    "Converter",
    "Partial",
    "RecordResult",
    "Reject",
    "conversion_time",
    "convert",
    "convert_as_page",
    "convert_each",
    "records_key",
    "split_records",
    "supported",
]


def _as_rows(report: tuple[Entry, ...]) -> Rows:
    """Take a report given to :class:`Conversion` (any iterable of entries) as rows."""
    return Rows.of(report)


def _as_copied(missing: tuple[MissingReference, ...]) -> CopiedIds:
    """Take the ids given to :class:`Conversion` (any iterable of rows) as copied ids."""
    return CopiedIds.of(missing)


#: No id copied (its ``repr`` is ``()``, as its rows).
_NO_IDS = CopiedIds.of(())


@attrs.frozen(repr=False)
class Conversion:
    """The result of :func:`convert`.

    Attributes:
        output: the target document as JSON-ready data, amounts as ``Decimal``.
        report: what was not carried over one to one: ``dropped``, ``omitted``,
            ``derived``, ``synthesized`` and ``warning`` entries.
        records: how many refunds the document held.
        untranslated: how many reference ids were copied into the other
            vendor's id space untranslated (each is a ``warning`` entry).
        missing: those ids, each once, with how many times it was copied:
            the rows of a directory to complete (:func:`refundmap.missing.missing_csv`).
            Made when first read; :meth:`missing_counts` counts them without.
    """

    output: JSONValue
    # Built when first read (refundmap.rows): a caller that reads only the
    # output or the counts never makes the tuple.
    _rows: Rows = attrs.field(alias="report", converter=_as_rows, repr=False)
    records: int = 0
    untranslated: int = 0
    #: The format of ``output``.
    target: FormatName | None = None
    # Made rows when first read (refundmap.missing.CopiedIds), as the report is.
    _missing: CopiedIds = attrs.field(
        alias="missing", default=_NO_IDS, converter=_as_copied, repr=False
    )

    @property
    def report(self) -> tuple[Entry, ...]:
        """What was not carried over one to one, in order (see the class's attributes)."""
        return self._rows.entries()

    @property
    def missing(self) -> tuple[MissingReference, ...]:
        """The ids copied untranslated, each once with its count (see the class's attributes)."""
        return self._missing.rows()

    def missing_counts(self) -> dict[tuple[str, str], int]:
        """Return how many times each id of ``missing`` was copied, without making its rows.

        ``{("tax_rate", "OUTPUT2"): 3, ("account", "200"): 1}``: by kind and id,
        in ``missing``'s order.
        """
        return self._missing.counts()

    def missing_names(self) -> dict[tuple[str, str], str]:
        """Return the name the source gives each id of ``missing``, where it gives one.

        ``{("account", "35"): "Checking"}``: by kind and id, without making ``missing``'s rows.
        """
        return self._missing.names()

    def counts(self) -> dict[Kind, int]:
        """Return how many report entries there are of each kind found, without building them.

        ``{Kind.WARNING: 12, Kind.DERIVED: 3}``: the kinds in :class:`Kind`
        order, only those with an entry.
        """
        return self._rows.counts()

    def __repr__(self) -> str:
        return (
            f"Conversion(output={self.output!r}, report={self.report!r}, records={self.records!r},"
            f" untranslated={self.untranslated!r}, target={self.target!r},"
            f" missing={self.missing!r})"
        )

    def to_json(self, indent: int | None = None) -> str:
        """Return ``output`` as JSON text: exact decimals, keys in schema order."""
        if indent is None:
            return jsonio.write(self.output)
        return jsonio.dumps(self.output, indent=indent)

    def bodies(self) -> list[str]:
        """Return the JSON text of each record (or request body) of ``output``, in order.

        Ready to send one a request: ``httpx.post(url, content=body)``. A list
        response gives its records, an array its elements, one record itself.
        """
        output = self.output
        if type(output) is list:
            return [jsonio.write(item) for item in output]
        if type(output) is dict and self.target is not None:
            fmt = get_format(self.target)
            shape = fmt.shape_of(output)
            if shape.many and shape.records is not None:
                records = output.get(fmt.naming(shape.records))
                if type(records) is list:
                    return [jsonio.write(record) for record in records]
        return [jsonio.write(output)]


def _left_out(loaded: Loaded) -> list[Problem]:
    """What a lossless conversion refuses in the input: values under unknown keys."""
    message = f"would be left out: an unknown key, not part of the {loaded.format.name} format"
    return [Problem(path, message) for path in loaded.unknown]


def _left_out_empty_lines(run: Run, loaded: Loaded) -> None:
    """Give the run's source paths in the document, and report each empty line dropped."""
    where = loaded.source_path
    run.report = [Entry(e.kind, where(e.source_path), e.target_path, e.message) for e in run.report]
    run.unmappable = [Problem(where(p.path), p.message) for p in run.unmappable]
    run.changed_totals = [Problem(where(p.path), p.message) for p in run.changed_totals]
    message = f"an empty line object, with no field at all: {run.target_name} gets no line"
    run.report.extend(Entry(Kind.DROPPED, path, None, message) for path in loaded.empty_lines)


def convert(  # noqa: PLR0913 - the documented keywords
    document: Any,
    source: FormatName | Format,
    target: FormatName | Format,
    *,
    strict: bool = False,
    lossless: bool = False,
    synced_at: datetime | str | None = None,
    connection_uuid: str | None = None,
    business_name: str | None = None,
    service_name: str | None = None,
    directory: Lookup | None = None,
    require_refs: bool = False,
    defaults: Mapping[str, str] | None = None,
    fail_on: Collection[FailKind] | str | None = None,
    platform: str | None = None,
    push_options: PushOptions | Mapping[str, Any] | str | os.PathLike[str] | None = None,
) -> Conversion:
    """Convert ``document`` from the ``source`` format to the ``target`` format.

    Args:
        document: JSON text (``str`` or ``bytes``) or decoded JSON, as for
            :func:`refundmap.validate`. Its shape (a record, an envelope, an
            array) is kept; ``rutter-create`` output is always request bodies.
        source: the format of ``document``.
        target: the format to write.
        strict: validate the input strictly (see :func:`refundmap.validate`).
        lossless: fail where any value would be dropped or left out (an
            unknown key) or a total would change.
        synced_at: the conversion time written as Rutter's ``last_synced_at``
            (default: now, in UTC).
        connection_uuid: the Railz connection a ``railz-v2-push`` body is for;
            required to write one, except from push bodies that carry their own.
            From ``railz-v2`` into ``rutter``: the connection of the records,
            which scopes their Rutter ids as a page's ``meta.connectionUuid``
            does (a bare record then gets the id it gets in its page; a page
            naming another connection is a UsageError).
        business_name: the business a ``railz-push`` body is for; with
            ``service_name`` (``xero`` or ``quickbooks``), required likewise.
            From ``railz`` into ``rutter``, with ``service_name``: the business
            of the records, scoping their Rutter ids as ``connection_uuid`` does.
        service_name: the accounting service of a ``railz-push`` body, or of
            the records' business.
        directory: translates reference ids between Rutter's id space and the
            platform's (a :class:`~refundmap.Directory`, or any
            :class:`~refundmap.Lookup`). Between the vendors each id becomes
            its counterpart and a Railz reference's name is filled in, both
            reported as ``derived``; an id the directory does not hold, or
            every id when there is no directory, is copied and reported as a
            ``warning``. Within one vendor ids stay as they are.
        require_refs: refuse (MappingError) a reference id that cannot be
            translated, instead of copying it.
        defaults: reference ids for a refund that has none, by kind
            (``{"account": ID}``; the kinds are ``account`` and ``customer``).
            An id is in the *source's* id space, translated as the source's
            own ids are, used only where a record has no such reference, and
            reported as ``synthesized`` at its target path.
        fail_on: kinds of report entry that fail the conversion (MappingError,
            one problem per entry, naming its kind): ``total`` (a total
            changes), ``untranslated`` (an id copied into the other id space),
            ``dropped``, ``warning`` (any), ``unknown-key``; names or one
            comma-separated string. ``lossless`` stays the strictest.
        platform: the accounting platform behind a write body (``quickbooks``,
            ``xero``, ``oracleNetsuite``, ``quickbooksDesktop``, or Rutter's
            ``QUICKBOOKS``, ...), where the document does not name it (a
            Rutter response's ``connection.platform``, a Railz list's
            ``meta.serviceName``, a railz-push body's ``service_name``). Into a
            write format with a known platform, a value the platform does not
            take is left out and reported as ``dropped``; one it requires and
            the record lacks is a MappingError, unless ``defaults`` gives it
            (docs/platforms.md).
        push_options: a saved Railz ``pushOptions`` response (a file's path,
            its decoded JSON, or a :class:`~refundmap.profiles.PushOptions`):
            ``railz-v2-push`` records are checked against the platform's
            fields in it (required fields, enum values; MappingError).

    Returns:
        The converted document and the report.

    Raises:
        ValidationError: the input is not a valid ``source`` document.
        MappingError: the input is valid but ``target`` cannot hold it (or, when
            lossless, would lose a value; or the report holds a ``fail_on``
            kind); every problem is listed with its path in the source document.
        UsageError: for an unknown format, a pair that is not converted, a
            ``synced_at`` that is not a timestamp, an empty or missing push
            parameter, an unknown or empty default, a scope (``connection_uuid``,
            ``business_name``, ``service_name``) that is not the one the
            document names (a ``ValueError`` too); ParameterTypeError for a
            parameter of the wrong type (a ``TypeError`` too). Each is raised
            before the document is read, but for a scope the document names
            otherwise, and for a push body's bare record converted to its own
            format without the parameter (a whole body carries its own).
    """
    return Converter(
        source,
        target,
        strict=strict,
        lossless=lossless,
        synced_at=synced_at,
        connection_uuid=connection_uuid,
        business_name=business_name,
        service_name=service_name,
        directory=directory,
        require_refs=require_refs,
        defaults=defaults,
        fail_on=fail_on,
        platform=platform,
        push_options=push_options,
    ).convert(document)


@attrs.frozen(init=False)
class Converter:
    """A conversion's formats and options, checked once: reusable, and picklable.

    ``Converter(source, target, **options)`` takes the parameters of
    :func:`convert` and checks them as it does, before any document is read;
    a converter then converts any number of documents, in this process or
    (pickled) in others, each as :func:`convert` would. Every conversion says
    the same ``synced_at``: the time the converter was made, unless given.

    Raises:
        UsageError: as :func:`convert` does for its parameters
            (ParameterTypeError for one of the wrong type); the problem's path
            is the parameter's name.
    """

    source: Format
    target: Format
    strict: bool
    lossless: bool
    require_refs: bool
    #: Rutter's ``last_synced_at`` for every conversion, as written.
    synced_at: str
    connection_uuid: str | None
    business_name: str | None
    service_name: str | None
    directory: Lookup | None = attrs.field(hash=False)
    defaults: dict[str, str] = attrs.field(hash=False)
    #: The report kinds that fail a conversion (``fail_on=``).
    fail_on: frozenset[str]
    #: The platform behind a write body (a Railz service name), where given.
    platform: str | None = None
    #: Railz's push rules (a saved pushOptions response), where given.
    push_options: PushOptions | None = attrs.field(default=None, hash=False)
    #: A caller's lookup with its answers, shared by the conversions of one run
    #: (a convert_each, a Dask partition); None: each conversion asks afresh.
    _answers: Answers | None = attrs.field(default=None, eq=False, repr=False)

    def __init__(  # noqa: PLR0913 - the documented keywords of convert
        self,
        source: FormatName | Format,
        target: FormatName | Format,
        *,
        strict: bool = False,
        lossless: bool = False,
        synced_at: datetime | str | None = None,
        connection_uuid: str | None = None,
        business_name: str | None = None,
        service_name: str | None = None,
        directory: Lookup | None = None,
        require_refs: bool = False,
        defaults: Mapping[str, str] | None = None,
        fail_on: Collection[FailKind] | str | None = None,
        platform: str | None = None,
        push_options: PushOptions | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    ) -> None:
        """Check the formats and options (see :func:`convert`)."""
        for name, text in (
            ("connection_uuid", connection_uuid),
            ("business_name", business_name),
            ("service_name", service_name),
        ):
            check_text(name, text)
        source, target = get_format(source, "source"), get_format(target, "target")
        if not supported(source.name, target.name):
            pairs = ", ".join(f"{a}->{b}" for a, b in sorted(PAIRS))
            raise UsageError.of(
                "target",
                f"cannot convert {source.name} to {target.name}; the pairs are {pairs},"
                " and each format to itself",
            )
        if directory is not None and not isinstance(directory, Lookup):
            raise ParameterTypeError.of(
                "directory",
                "directory must be a refundmap.Directory or have to_platform and to_rutter"
                f" methods, not {type(directory).__name__}",
            )
        services = target.facts.body_services
        if services and service_name is not None and service_name not in services:
            raise UsageError.of(
                "service_name",
                f"{target.name} takes service_name {' or '.join(services)}, not {service_name!r}",
            )
        if target.facts.makes_rutter_ids and source.vendor == "railz":
            check_scope(source, connection_uuid, business_name, service_name)
        params = {
            "connection_uuid": connection_uuid,
            "business_name": business_name,
            "service_name": service_name,
        }
        synced = conversion_time(synced_at)
        if source is not target:
            # Known before the document is read; a push body to itself may carry its own.
            check_push_parameters(target, params)
        checked = check_defaults(defaults, source, target)
        kinds = check_fail_on(fail_on)
        named, options = check_options(platform, push_options, target)
        self.__attrs_init__(
            source,
            target,
            bool(strict),
            bool(lossless),
            bool(require_refs),
            synced,
            connection_uuid,
            business_name,
            service_name,
            directory,
            checked,
            kinds,
            named,
            options,
        )

    @property
    def params(self) -> dict[str, str | None]:
        """The push and scope parameters, by name: ``connection_uuid`` and the business."""
        return {
            "connection_uuid": self.connection_uuid,
            "business_name": self.business_name,
            "service_name": self.service_name,
        }

    def for_run(self) -> Converter:
        """Return this converter asking a caller's lookup once per distinct id, for its conversions.

        :meth:`each` does so for its document; use it where one run spans
        several documents (a Dask partition). Each run should take its own:
        the answers are held while it lives.
        """
        if self._answers is not None or self.directory is None:
            return self
        run = copy.copy(self)
        object.__setattr__(run, "_answers", Answers(self.directory))
        return run

    def convert(self, document: Any) -> Conversion:
        """Convert ``document`` (as :func:`convert` does) with these formats and options."""
        return _convert(document, self)

    def convert_lines(
        self, documents: Iterable[Any], *, run: int = 256
    ) -> Iterator[Conversion | ValidationError | MappingError]:
        """Convert each of ``documents`` on its own, in order: its conversion, or why not.

        Each is a whole document, as :meth:`convert` takes it: the lines of a
        JSON Lines file, or the bodies of a queue's messages. Each result is
        what ``convert(document)`` gives, or the ValidationError or MappingError
        it raises, given instead so that the next documents go on. Quicker than
        calling :meth:`convert` for each: the work the documents share (the run,
        the pair's code, the decimal context) is done once for a run of them,
        where they are bare records as JSON text (``bytes`` or ``str``); any
        other document is converted alone. Documents are read ``run`` at a time
        (at least 1), as the results are asked for: a source that yields slowly
        (a queue) gives each result as its document comes with ``run=1``. Where
        ``documents`` raises, the results of the documents it gave first are
        given, then its error is raised.

        Raises:
            UsageError: while iterating, as :meth:`convert` does for a document;
                at once, for a ``run`` below 1.
        """
        if run < 1:
            raise UsageError.of("run", f"run is how many documents are read at a time, not {run}")
        return _lines(self, documents, run)

    def each(self, document: Any) -> Iterator[RecordResult]:
        """Convert each record of ``document`` on its own, in order (see :func:`convert_each`).

        Raises:
            ValidationError: for a document that is not JSON at all.
            UsageError: while iterating, as :func:`convert_each` says.
        """
        return _each(decode(document), self.for_run())

    def partial(self, document: Any) -> Partial:
        """Convert the records of ``document`` that convert, and set the others apart.

        A document that converts whole is its conversion, with no rejects.
        Else each record is converted alone (as :meth:`each`); the document
        without the records that fail is converted, and they are its
        ``rejects``, each at its path in ``document``. Where no record fails
        alone (they fail only together, or the envelope is broken), or the
        rest still fails, the whole document is the one reject, at ``$``,
        with the error of its last conversion.

        Raises:
            ValidationError: for a document that is not JSON at all.
            UsageError: as :meth:`convert` does.
        """
        raw = decode(document)
        try:
            return Partial(_convert(Decoded(raw), self), ())
        except (ValidationError, MappingError) as exc:
            failure = exc
        bad = {result.path: result for result in _each(raw, self.for_run()) if not result.ok}
        if not bad:  # each record converts alone, yet not together: keep the first failure
            return Partial(None, (Reject("$", raw, failure),))
        remainder, remap = without(raw, set(bad), self.source)
        try:
            result = _convert(Decoded(remainder), self)
        except (ValidationError, MappingError) as exc:
            return Partial(None, (Reject("$", raw, exc),))
        rejects = tuple(
            Reject(
                path, value_at(raw, path), cast("ValidationError | MappingError", rejected.error)
            )
            for path, rejected in bad.items()
        )
        report = tuple(
            Entry(e.kind, remap(e.source_path), e.target_path, e.message) for e in result.report
        )
        return Partial(attrs.evolve(result, report=report), rejects)


def _lines(
    options: Converter, documents: Iterable[Any], size: int
) -> Iterator[Conversion | ValidationError | MappingError]:
    """Convert each document alone (see :meth:`Converter.convert_lines`)."""
    bare = None
    if BareRecords.takes(options):  # each record's names, its text written when asked
        bare = BareRecords(options, names_once=False, texts=False)
    target, from_rutter = options.target.name, options.source.vendor == "rutter"
    documents = iter(documents)
    failure: Exception | None = None
    while failure is None:
        run: list[Any] = []
        try:
            run.extend(islice(documents, size))  # what came before an error stays in run
        except Exception as exc:  # noqa: BLE001 - the caller's source: raised after its documents
            failure = exc
        if not run:
            break
        texts = [_as_bytes(document) for document in run] if bare is not None else []
        made = bare.convert(texts) if bare is not None else [None] * len(run)
        for document, one in zip(run, made, strict=True):
            if one is None or bare is None:
                try:
                    yield _convert(document, options)
                except (ValidationError, MappingError) as exc:
                    yield exc
                continue
            ids, names = bare.copied[: one.untranslated], bare.named[: one.named]
            del bare.copied[: one.untranslated], bare.named[: one.named]
            conversion = Conversion(one.output, (), 1, one.untranslated, target)
            rows = FusedRows(one.reading, [("$", "$", one.notes)], ())
            object.__setattr__(conversion, "_rows", rows)
            counted: dict[tuple[str, str], int] = {}
            for key in ids:
                counted[key] = counted.get(key, 0) + 1
            copied = CopiedIds(counted, from_rutter=from_rutter, names=dict(names))
            object.__setattr__(conversion, "_missing", copied)
            yield conversion
    if failure is not None:
        raise failure


def _as_bytes(document: Any) -> bytes:
    """Return a document given as JSON text as bytes; anything else as no JSON (taken alone)."""
    if isinstance(document, bytes):
        return document
    if isinstance(document, str):
        try:
            return document.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the detailed reader's
            return b""
    return b""


@attrs.frozen
class Reject:
    """A record (or a whole document, at ``$``) that :meth:`Converter.partial` set apart.

    Attributes:
        path: where it is in the document: ``$.data[3]``, ``$[1]``, ``$``.
        input: its decoded JSON, as it came.
        error: why it did not convert; its paths are the document's.
    """

    path: str
    input: Any
    error: ValidationError | MappingError


@attrs.frozen
class Partial:
    """What :meth:`Converter.partial` made of a document.

    Attributes:
        conversion: the conversion of the records that convert, its report's
            source paths those of the whole document; None when none is kept.
        rejects: what did not convert, in document order.
    """

    conversion: Conversion | None
    rejects: tuple[Reject, ...]


def convert_as_page(converter: Converter, document: Any, records: int) -> Conversion:
    """Convert ``document``, a list page without its records, as the page of ``records`` records.

    What :mod:`refundmap.stream` converts once for a page whose records it
    converts a run at a time: the envelope's own values (a count, a
    pagination) say ``records``. Raises as :meth:`Converter.convert` does.
    """
    return _convert(document, converter, records)


def _convert(document: Any, options: Converter, records: int | None = None) -> Conversion:
    """Convert ``document`` with ``options``; ``records``: how many its list page holds."""
    source, target = options.source, options.target
    # The fast path (refundmap.mapping.fused): a document the generated reader takes
    # outright is not structured, and is mapped with its report noted as rows.
    document, loaded = fused.load(document, source, target, strict=options.strict)
    if loaded is None:  # the detailed path, which names every problem
        loaded = load(document, source, strict=options.strict)
    elif (fast := fused.convert(loaded, options, records)) is not None:
        return fast
    params = options.params
    if any(part.shape.name == "record" for part in loaded.parts):
        check_push_parameters(target, params)  # a bare record brings no connection
    run = Run(
        source,
        target,
        synced_at=options.synced_at,
        params=params,
        lookup=options.directory,
        require_refs=options.require_refs,
        records=records,
        answers=options._answers,  # noqa: SLF001 - its own class's, in its own module
        defaults=options.defaults,
        platform=options.platform,
        push_options=options.push_options,
    )
    with localcontext(EXACT):  # derived amounts are exact, whatever context the caller set
        output = run.convert(loaded)
    if loaded.empty_lines:
        _left_out_empty_lines(run, loaded)
    if run.unmappable:
        raise MappingError(run.unmappable)
    if options.lossless and (losses := [*_left_out(loaded), *run.losses()]):
        raise MappingError(losses)
    # The report is built from the reading's and the mapping's entries when first read.
    rows = Rows(loaded.report, run.report)
    if options.fail_on and (failed := failures(rows.entries(), options.fail_on)):
        raise MappingError(failed)
    records = sum(
        1 for part in loaded.parts for _ in source.records(part.model, part.shape, part.path)
    )
    conversion = Conversion(output, (), records, run.untranslated, target.name)
    object.__setattr__(conversion, "_rows", rows)
    copied = CopiedIds(
        run.copied_ids, from_rutter=source.vendor == "rutter", names=run.copied_names
    )
    object.__setattr__(conversion, "_missing", copied)
    return conversion


@attrs.frozen
class RecordResult:
    """The conversion of one record of a document, from :func:`convert_each`.

    Attributes:
        index: the record's position in the document, from 0, in order.
        path: the record's JSONPath in the document (``$.data[3]``, ``$[1]``).
        output: the target record or request body; None when it failed.
        report: what was not carried over one to one: source paths in the
            document, target paths in ``output`` (None for a value that went
            to the envelope, which ``output`` does not hold).
        error: why the record was refused (a ValidationError or MappingError
            whose paths are the document's); None when it converted.
    """

    index: int
    path: str
    output: JSONValue
    report: tuple[Entry, ...]
    error: RefundmapError | None = None

    @property
    def ok(self) -> bool:
        """Whether the record converted."""
        return self.error is None

    def to_json(self, indent: int | None = None) -> str:
        """Return ``output`` as JSON text, ready to send: ``httpx.post(url, content=...)``.

        Raises:
            ValueError: the record failed (``error`` says why); there is no output.
        """
        if self.error is not None:
            raise ValueError(f"record {self.index} ({self.path}) did not convert: {self.error}")
        if indent is None:
            return jsonio.write(self.output)
        return jsonio.dumps(self.output, indent=indent)


def convert_each(  # noqa: PLR0913 - the documented keywords
    document: Any,
    source: FormatName | Format,
    target: FormatName | Format,
    *,
    strict: bool = False,
    lossless: bool = False,
    synced_at: datetime | str | None = None,
    connection_uuid: str | None = None,
    business_name: str | None = None,
    service_name: str | None = None,
    directory: Lookup | None = None,
    require_refs: bool = False,
    defaults: Mapping[str, str] | None = None,
    fail_on: Collection[FailKind] | str | None = None,
    platform: str | None = None,
    push_options: PushOptions | Mapping[str, Any] | str | os.PathLike[str] | None = None,
) -> Iterator[RecordResult]:
    """Convert each record of ``document`` on its own: one result a record, in order.

    A record the target cannot hold, that is invalid, or whose report holds a
    ``fail_on`` kind, is a result with its ``error``; the others convert as
    :func:`convert` would convert them. The records are those of a list page,
    of each element of an array, or the one record of a document. The
    parameters are those of :func:`convert`, and are checked before the first
    record.

    Raises:
        ValidationError: for a document that is not JSON at all.
        UsageError: as :func:`convert` does, before any record; while
            iterating, for an answer of ``directory`` (a caller's
            :class:`~refundmap.Lookup`, asked once per distinct id for the
            whole run) that is not None or the Reference asked for.
    """
    return Converter(
        source,
        target,
        strict=strict,
        lossless=lossless,
        synced_at=synced_at,
        connection_uuid=connection_uuid,
        business_name=business_name,
        service_name=service_name,
        directory=directory,
        require_refs=require_refs,
        defaults=defaults,
        fail_on=fail_on,
        platform=platform,
        push_options=push_options,
    ).each(document)


def _each(raw: Any, options: Converter) -> Iterator[RecordResult]:
    """Convert each record of decoded ``raw`` alone, asking ``options``' lookup as it is set."""
    for index, (single, at, record_path, outer) in enumerate(split_records(raw, options.source)):

        def source(
            path: str, at: str = at, record_path: str = record_path, outer: str = outer
        ) -> str:
            # The record's own, else the envelope's.
            return rebase(path, at, record_path) or outer + path[1:]

        try:
            # Decoded once, by decode(): not walked again for each record.
            result = _convert(Decoded(single), options)
        except (ValidationError, MappingError) as exc:
            problems = [Problem(source(p.path), p.message) for p in exc.problems]
            yield RecordResult(index, record_path, None, (), type(exc)(problems))
            continue
        output, prefix = only_record(result.output, options.target)
        # The envelope's own entries come with its first record only.
        first = not record_path.endswith("]") or record_path.endswith("[0]")
        entries = tuple(
            Entry(e.kind, source(e.source_path), within(e.target_path, prefix), e.message)
            for e in result.report
            if first or e.source_path.startswith(at)
        )
        yield RecordResult(index, record_path, output, entries)
