"""The convert command: inputs to outputs through a refundmap.Converter, here or in workers."""

from __future__ import annotations

import argparse
import gc
import io
import itertools
import os
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refundmap import jsonio
from refundmap.cli import tasks
from refundmap.cli.argtypes import _defaults
from refundmap.cli.files import (
    _STDOUT,
    FileIOError,
    _atomic_file,
    _decoded,
    _directory,
    _documents,
    _is_jsonl,
    _Named,
    _Output,
    _pieces,
    _plan_outputs,
    _push_options,
    _read,
    _record_runs,
    _seekable,
    _small,
    _spool,
    _Watched,
)
from refundmap.cli.jobs import Pool
from refundmap.cli.messages import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REJECTED,
    CommandError,
    Recording,
    Sink,
    Terminal,
    _plural,
    _Progress,
    _Report,
    _report_is_text,
    _shown,
    _where,
)
from refundmap.cli.parser import _converter, _flagged
from refundmap.cli.tasks import (
    _CHUNK,
    FileOutcome,
    LineOutcome,
    _convert_line,
    _init_worker,
    _work,
    _work_chunk,
)
from refundmap.conversion import Conversion, Converter
from refundmap.detect import AUTO, detect_format
from refundmap.mapping.bare import BareRecords, Converted
from refundmap.missing import MissingReference, describe_missing, missing_csv, missing_of
from refundmap.report import (
    Entry,
    Kind,
    MappingError,
    RefundmapError,
    UsageError,
    ValidationError,
)
from refundmap.stream import (
    Assembly,
    Chunk,
    Frame,
    Layout,
    convert_chunk,
    list_key,
    scan,
    streams,
)

if TYPE_CHECKING:
    from concurrent.futures import Future


class _Converter:
    """One ``refundmap convert`` run: its options, counts, report, rejects and progress."""

    def __init__(
        self,
        args: argparse.Namespace,
        stack: ExitStack,
        converter: Converter,
        sink: Sink | None = None,
    ) -> None:
        """Set a run up; ``sink`` None: the command's (its files, stderr), else a worker's."""
        self.args = args
        self.converter = converter
        self.directory = converter.directory
        self.counts: Counter[str] = Counter()
        self._stack = stack
        self._files: list[tuple[str, jsonio.AtomicFile]] = []
        self.rejecting = bool(args.rejects)
        #: Whether each report entry is needed here (printed or reported), or its count.
        self._entries_needed = bool(args.report) or not args.quiet
        #: How many times each reference id was copied untranslated, by kind and id, in
        #: the order met (--missing-refs, the summary): made rows only at the end.
        self.copied: Counter[tuple[str, str]] = Counter()
        #: The name the source gives each of those ids, where it gives one (the first met).
        self.named: dict[tuple[str, str], str] = {}
        self._uncollected = 0
        #: JSON Lines records converted sharing their work, made for the first file.
        self._bare: BareRecords | None = None
        self.report: _Report | None = None
        self.missing_refs: _Named | None = None
        if sink is not None:  # a worker's: it writes no file, and shares out no work
            self.jobs = 1
            self.progress = _Progress(shown=False)
            self.sink = sink
        else:
            self.jobs = args.jobs or os.cpu_count() or 1
            shown = args.progress if args.progress is not None else sys.stderr.isatty()
            self.progress = _Progress(shown=shown, at_once=bool(args.progress))
            if args.report:
                out = _STDOUT if args.report == "-" else self._file(args.report)
                kinds = frozenset(args.report_kinds) if args.report_kinds else None
                self.report = _Report(out, text=_report_is_text(args), kinds=kinds)
            rejects = None
            if args.rejects:
                rejects = _STDOUT if args.rejects == "-" else self._file(args.rejects)
            self.sink = Terminal(
                report=self.report, rejects=rejects, quiet=args.quiet, progress=self.progress
            )
            if args.missing_refs:
                self.missing_refs = (
                    _STDOUT if args.missing_refs == "-" else self._file(args.missing_refs)
                )
        entries = self._entries_needed
        self.pool = Pool(stack, self.jobs, _init_worker, (converter, entries, args))

    def _file(self, destination: str | Path) -> _Named:
        return _Named(str(destination), self._atomic(destination).stream)

    def _atomic(self, destination: str | Path) -> jsonio.AtomicFile:
        """Make ``destination``'s temporary file, removed unless the run commits it."""
        atomic = _atomic_file(destination)
        self._files.append((str(destination), self._stack.enter_context(atomic)))
        return atomic

    def commit(self) -> None:
        """Put every file in place, or none: each is written to the disk before any is renamed."""
        self.progress.done()
        if self.report is not None:
            self.report.close()
        for name, atomic in self._files:
            try:
                atomic.close()
            except OSError as exc:
                raise FileIOError(name, "write", exc) from None
        for name, atomic in self._files:
            try:
                atomic.commit()
            except OSError as exc:
                raise FileIOError(name, "write", exc) from None

    def _record(
        self, name: str, line: int | None, result: Conversion, report: Sequence[Entry]
    ) -> None:
        self._tally(result.records, result.untranslated)
        if result.untranslated:
            counted = result.missing_counts()
            self._add_copied(counted.items())
            if not self.named.keys() >= counted.keys():  # a name to learn (most ids are met again)
                self._add_names(result.missing_names().items())
        for entry in report:
            self._entry(name, line, entry)

    def _add_copied(self, counted: Iterable[tuple[tuple[str, str], int]]) -> None:
        """Add ``((kind, id), times)`` pairs to the ids copied untranslated."""
        copied = self.copied
        for key, times in counted:
            copied[key] = copied.get(key, 0) + times

    def _add_names(self, named: Iterable[tuple[tuple[str, str], str]]) -> None:
        """Add ``((kind, id), name)`` pairs to the names of the ids copied (the first kept)."""
        names = self.named
        for key, name in named:
            if name and key not in names:
                names[key] = name

    def missing(self) -> list[MissingReference]:
        """Return the ids copied untranslated, each once with its count, in the order met."""
        from_rutter = self.converter.source.vendor == "rutter"
        return list(missing_of(self.copied, from_rutter=from_rutter, names=self.named))

    def _tally(self, records: int, untranslated: int) -> None:
        self.counts["records"] += records
        self.counts["untranslated"] += untranslated
        self.progress.add(records)
        self._uncollected += records
        if self._uncollected >= _COLLECT_EVERY:
            self._uncollected = 0
            gc.collect(1)  # the young objects only: what cycles the last records left

    def _entry(self, name: str, line: int | None, entry: Entry) -> None:
        """Count a report entry, and tell the sink."""
        self.counts[str(entry.kind)] += 1
        self.sink.entry(name, line, entry)

    def _lines(self, name: str) -> Iterator[LineOutcome]:
        """Convert each JSON Lines record of ``name``, in order: here, or by ``--jobs`` workers.

        Workers take chunks of lines, in order, so memory stays bounded whatever
        the file's size.
        """
        if self.jobs == 1:
            lines = _documents(name, jsonl=True, waiting=_STDOUT.flush)
            converter = self.converter
            for line, text in lines:
                yield _convert_line(converter, line, text, shipped=False)
            return
        lines = _documents(name, jsonl=True)
        chunks = iter(lambda: list(itertools.islice(lines, _CHUNK)), [])
        for _, outcomes in self.pool.ordered(name, _work, ((None, chunk) for chunk in chunks)):
            yield from outcomes

    def _run_lines(self, name: str, out: _Named) -> bool:
        if self.jobs == 1 and BareRecords.takes(self.converter):
            return self._run_bare(name, out)
        return all(self._run_line(name, out, outcome) for outcome in self._lines(name))

    def _run_line(self, name: str, out: _Named, outcome: LineOutcome) -> bool:
        """Count, tell and write a JSON Lines record's outcome; False when it failed the run."""
        line, result = outcome.line, outcome.result
        if isinstance(result, UsageError):  # a run the arguments cannot serve
            raise CommandError(f"{_where(name, line)}: {_flagged(result)}")
        if isinstance(result, RefundmapError):
            if not self.rejecting:
                self.sink.problems(name, line, result)
                return False
            text = outcome.text.decode("utf-8", "replace").rstrip()
            self._reject(name, line, "$", text, result)
            return True
        if outcome.kinds is not None:  # a worker's, counted without its entries
            self._record(name, line, result, ())
            self.counts.update(outcome.kinds)
        elif self._entries_needed:
            self._record(name, line, result, result.report)
        else:  # -q with no --report: counted without building the entries
            self._record(name, line, result, ())
            counts = self.counts
            for kind, count in result.counts().items():
                counts[_NAMES[kind]] += count
        for written in outcome.texts:
            out.write(written + "\n")
        return True

    def _run_bare(self, name: str, out: _Named) -> bool:
        """Convert JSON Lines records here, a run of lines at a time sharing their work.

        Each line is its own document (:class:`~refundmap.mapping.bare.BareRecords`);
        a line the shared work does not take is converted alone, as
        :meth:`_run_lines` converts every line with ``--jobs``.
        """
        bare = self._bare
        if bare is None:  # each record written here, as UTF-8
            bare = self._bare = BareRecords(self.converter, texts=False)
        entries = self._entries_needed
        by_line = self.progress.shown  # a status line drawn as often as ever
        done: list[Converted] = []
        # A pipe's runs: the lines come so far, written before it is read again.
        for chunk in _record_runs(name, _BARE_RUN, waiting=_STDOUT.flush):
            for (line, text), converted in zip(
                chunk, bare.convert([text for _, text in chunk]), strict=True
            ):
                if converted is None:  # converted alone, in its turn, after those before
                    self._add_done(bare, done, out)
                    alone = _convert_line(self.converter, line, text, shipped=False)
                    if not self._run_line(name, out, alone):
                        return False
                    continue
                if by_line:
                    self.progress.add(1)
                if entries:
                    for entry in bare.entries(converted):
                        self._entry(name, line, entry)
                done.append(converted)
            self._add_done(bare, done, out)
        return True

    def _add_done(self, bare: BareRecords, done: list[Converted], out: _Named) -> None:
        """Count and write the records ``bare`` converted, ``done``; empty ``done``.

        Their entries were told already, where they are needed; else their kinds
        are counted here, without making them.
        """
        if not done:
            return
        ids, names = sum(map(_UNTRANSLATED, done)), sum(map(_NAMED, done))
        if ids:  # the ids of the records done: not those after a line converted alone
            copied = bare.copied
            self.copied.update(copied if len(copied) == ids else copied[:ids])
            del copied[:ids]
        if names:
            self._add_names(bare.named[:names])
            del bare.named[:names]
        counts = self.counts
        counts["records"] += len(done)
        counts["untranslated"] += ids
        if not self.progress.shown:
            self.progress.add(len(done))
        self._uncollected += len(done)
        if self._uncollected >= _COLLECT_EVERY:
            self._uncollected = 0
            gc.collect(1)
        if not self._entries_needed:
            for kind, count in bare.counts(done).items():
                counts[_NAMES[kind]] += count
        texts = [*map(jsonio.write_utf8, map(_OUTPUT, done)), b""]  # b"": the last line's end
        out.write_utf8(b"\n".join(texts))
        done.clear()

    def run(self, name: str, out: _Named) -> bool:
        """Convert one input to ``out``; return whether it all converted (or was rejected)."""
        if _is_jsonl(name, forced=self.args.jsonl):
            return self._run_lines(name, out)
        with _seekable(name) as stream:
            watch = _Watched(name, stream)
            try:
                layout = scan(stream, list_key(self.converter.source))
            except ValidationError as exc:  # not JSON: the whole document is refused
                watch.check()  # or cut short while it was read
                if not self.rejecting:
                    self.sink.problems(name, None, exc)
                    return False
                stream.seek(0)
                text = _read(name, stream.read).decode("utf-8", "replace")
                self._reject(name, None, "$", text, exc)
                return True
            except OSError as exc:
                raise FileIOError(name, "read", exc) from None
            watch.check()
            if layout.kind == "value":
                return self._run_whole(name, out, layout.value)
            try:
                return self._run_records(name, out, watch, layout)
            except UsageError as exc:  # a page of an array names another scope
                raise CommandError(f"{name}: {_flagged(exc)}") from None

    def _run_whole(self, name: str, out: _Named, document: Any) -> bool:
        """Convert a document held whole: a record, a response of one, a page in an array."""
        if type(document) not in (dict, list):  # a string would be read as JSON text
            document = jsonio.dumps(document)
        try:
            if not self.rejecting:
                result = self.converter.convert(document)
            else:
                partial = self.converter.partial(document)
                for reject in partial.rejects:  # the whole document's: as it came
                    value = document if reject.path == "$" else reject.input
                    self._reject(name, None, reject.path, value, reject.error)
                if partial.conversion is None:
                    return True  # the whole document was rejected
                result = partial.conversion
        except UsageError as exc:  # a run the arguments cannot serve (a missing id)
            raise CommandError(f"{name}: {_flagged(exc)}") from None
        except (ValidationError, MappingError) as exc:
            self.sink.problems(name, None, exc)
            return False
        self._record(name, None, result, result.report)
        out.write(result.to_json(indent=self.args.indent) + "\n")
        return True

    def _run_records(self, name: str, out: _Named, watch: _Watched, layout: Layout) -> bool:
        """Convert a list page or an array a run of records at a time, here or in workers."""
        rejects = self.rejecting
        if not streams(layout, self.converter, rejects=rejects):
            return self._run_whole(name, out, _decoded(watch, layout))
        try:
            assembly = Assembly(
                layout,
                self.converter,
                self.args.indent,
                entries=self._entries_needed,
                rejects=rejects,
            )
        except UsageError as exc:
            raise CommandError(f"{name}: {_flagged(exc)}") from None
        except (ValidationError, MappingError):  # a broken envelope: as a whole, as ever
            return self._run_whole(name, out, _decoded(watch, layout))
        with _spool(name) as (spool, named):
            for offset, texts, chunk in self._runs(watch, layout, assembly.frame):
                placed = assembly.place(offset, chunk)
                for index, path, failure in placed.failures if rejects else ():
                    self._reject(name, None, path, jsonio.loads(texts[index]), failure)
                if not placed.kept:
                    continue
                self._tally(chunk.records, chunk.untranslated)
                self._add_copied(((m.kind, m.id), m.count) for m in chunk.missing)
                self._add_names(((m.kind, m.id), m.name) for m in chunk.missing)
                for entry in placed.entries:
                    self._entry(name, None, entry)
                self.counts.update({str(kind): count for kind, count in chunk.kinds.items()})
                named.write(placed.text)
            error = assembly.error()
            if error is not None:
                self.sink.problems(name, None, error)
                return False
            head, tail, envelope = assembly.close()
            for entry in envelope:
                self._entry(name, None, entry)
            watch.check()  # what was read is the file as it was scanned, to its end
            named.flush()
            out.write(head)
            for piece in _pieces(spool, named.name):
                out.write(piece)
            out.write(tail + "\n")
        return True

    def _runs(
        self, watch: _Watched, layout: Layout, frame: Frame
    ) -> Iterator[tuple[int, list[bytes], Chunk]]:
        """Convert the records in runs, in order (:meth:`_converted`), the file checked."""
        for offset, texts, chunk in self._converted(watch, layout, frame):
            if chunk.failures:
                watch.check()  # a record cut or moved by a change is not its fault
            yield offset, texts, chunk

    def _converted(
        self, watch: _Watched, layout: Layout, frame: Frame
    ) -> Iterator[tuple[int, list[bytes], Chunk]]:
        """Convert the records in runs, in order: ``(offset, texts, chunk)``.

        With ``--jobs``, runs go to the workers, at most two a worker in flight.
        Runs are shorter for a short document, so that every worker has some.
        """
        size = max(16, min(_CHUNK, -(-len(layout) // (2 * self.jobs))))
        texts = watch.spans(layout.spans)
        runs = (
            (offset, list(itertools.islice(texts, size))) for offset in range(0, len(layout), size)
        )
        if self.jobs == 1:
            for offset, run in runs:
                yield offset, run, convert_chunk(run, frame)
            return
        tasks = (
            ((offset, run), (frame.head, frame.tail, frame.prefix, frame.indent, frame.level, run))
            for offset, run in runs
        )
        for (offset, run), chunk in self.pool.ordered(watch.name, _work_chunk, tasks):
            yield offset, run, chunk

    def _reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        self.counts["rejected"] += 1
        self.sink.reject(name, line, path, value, exc)

    def run_all(self, inputs: Sequence[str], outputs: Sequence[_Named]) -> bool:
        """Convert each input to its output, in order; return whether all converted.

        With ``--jobs``, small files (under :data:`_SMALL` bytes) are converted
        whole by the workers, several at once, and what each wrote and said is
        replayed here in input order; a bigger file, or a JSON Lines file, has
        its records shared out instead.
        """
        pending: deque[tuple[str, _Named, Future[FileOutcome]]] = deque()
        for name, out in zip(inputs, outputs, strict=True):
            if self.jobs > 1 and len(inputs) > 1 and _small(name, jsonl=self.args.jsonl):
                pending.append((name, out, self.pool.submit(name, _work_file, name)))
                if not self._replay_until(pending, 2 * self.jobs - 1):
                    return False
                continue
            if not self._replay_until(pending, 0):
                return False
            out.start()
            if not self.run(name, out):
                return False
            out.finish()
        return self._replay_until(pending, 0)

    def _replay_until(
        self, pending: deque[tuple[str, _Named, Future[FileOutcome]]], left: int
    ) -> bool:
        """Replay the oldest files' outcomes until ``left`` are pending; False when one failed."""
        while len(pending) > left:
            name, out, future = pending.popleft()
            if not self._replay(out, self.pool.result(name, future)):
                return False
        return True

    def _replay(self, out: _Named, outcome: FileOutcome) -> bool:
        """Write and say what a worker's conversion of a file wrote and said, in its order."""
        out.start()
        self.counts.update(outcome.counts)
        self._add_copied(outcome.copied.items())
        self._add_names(outcome.named.items())
        self.progress.add(outcome.counts["records"])
        outcome.told.tell(self.sink)
        out.write(outcome.text)
        if outcome.converted:
            out.finish()
        return outcome.converted

    def outputs(self, destinations: Sequence[Path | None]) -> list[_Named]:
        """Say where each input's output goes (None: stdout); each file is made in its turn."""
        return [
            _STDOUT if where is None else _Output(str(where), partial(self._atomic, where))
            for where in destinations
        ]

    def summary(self) -> str:
        counts = self.counts
        parts = [
            _plural(counts["records"], "record"),
            *(f"{counts[str(kind)]} {kind}" for kind in Kind if kind is not Kind.WARNING),
            _plural(counts[str(Kind.WARNING)], "warning"),
        ]
        if self.rejecting:
            parts.append(f"{counts['rejected']} rejected")
        summary = "refundmap: " + ", ".join(parts)
        untranslated = counts["untranslated"]
        if untranslated:
            fix = (
                "add the missing ids to a --refs file"
                if self.directory is not None
                else "give --refs FILE (Rutter reference lists, or a CSV"
                " kind,rutter_id,platform_id,name) to translate them"
            )
            named = f" ({describe_missing(self.missing())})" if self.copied else ""
            summary += (
                f"\nrefundmap: {_plural(untranslated, 'reference id')} copied untranslated"
                f" into the other vendor's id space{named}; {fix}"
            )
        return summary


def _work_file(name: str) -> FileOutcome:
    """Convert a whole file in a ``--jobs`` worker, keeping what it says to be said in order."""
    assert tasks._WORKER_RUN is not None  # noqa: S101, SLF001 - set by the initializer
    args, converter = tasks._WORKER_RUN  # noqa: SLF001 - a worker's, set by _init_worker
    told = Recording(entries=bool(args.report) or not args.quiet)
    run = _Converter(args, ExitStack(), converter, told)
    out = io.StringIO()
    try:
        converted = run.run(name, _Named(name, out))
    finally:
        gc.collect(1)
    return FileOutcome(converted, out.getvalue(), told, run.counts, run.copied, run.named)


def _told_format(args: argparse.Namespace) -> str:
    """Return the format of the first input (``--from auto``), for the whole run."""
    name = args.inputs[0] if args.inputs else "-"
    if name == "-":
        raise CommandError("--from auto reads the first input file: give --from FORMAT for stdin")
    for _, text in _documents(name, jsonl=_is_jsonl(name, forced=args.jsonl)):
        try:
            return detect_format(text).name
        except ValidationError as exc:
            raise CommandError(f"--from auto: {_shown(name)}: {exc.problems[0].message}") from None
    raise CommandError(f"--from auto: {_shown(name)} holds no document")


def _run_convert(args: argparse.Namespace) -> int:
    if args.source == AUTO:
        args.source = _told_format(args)
    args.defaults = _defaults(args.defaults)
    args.push_options = _push_options(args.push_options)
    checked = _converter(args, None)
    # One time for the whole run, so that every record says the same.
    args.synced_at = checked.synced_at
    inputs = args.inputs or ["-"]
    destinations = _plan_outputs(args, inputs)
    converter = _converter(args, _directory(args.refs))
    with ExitStack() as stack:
        run = _Converter(args, stack, converter)
        outputs = run.outputs(destinations)
        if not run.run_all(inputs, outputs):
            run.progress.done()
            print(run.summary(), file=sys.stderr)
            return EXIT_INVALID
        if run.missing_refs is not None:
            run.missing_refs.write(missing_csv(run.missing()))
        run.commit()
    print(run.summary(), file=sys.stderr)
    return EXIT_REJECTED if run.counts["rejected"] else EXIT_OK


#: Records converted between two collections of young objects, the collector being off.
_COLLECT_EVERY = 1024
#: What the command reads of a record BareRecords converted.
_UNTRANSLATED, _NAMED, _OUTPUT = (itemgetter(index) for index in (3, 4, 5))
#: JSON Lines records converted together here: few enough that what they leave
#: (their outputs, reports and ids) is counted, written and freed while in the
#: processor's cache, enough that what a run shares is shared.
_BARE_RUN = 32
#: Each kind's name in the counts.
_NAMES = {kind: str(kind) for kind in Kind}
