"""Converting on a Dask cluster: a bag of documents in, a bag of per-record results out.

Install with ``pip install "refundmap[dask]"``; this module imports Dask, the
rest of refundmap never does::

    import dask.bag as db
    from distributed import Client

    from refundmap.dask import convert_bag, summarize, write_outputs, write_rejects

    client = Client("tcp://scheduler:8786")  # or LocalCluster() on one machine
    documents = read_jsonl("refunds/*.jsonl", blocksize="16MiB")  # one record a line
    results = convert_bag(documents, "railz", "rutter", directory=refs).persist()
    write_outputs(results, "out/")  # out/part-00000.jsonl, ...: one body a line
    write_rejects(results, "rejects/")  # file, line, path, error, problems, input
    print(summarize(results).compute())

Each element of the bag is a document (JSON text, bytes, or decoded JSON: a
record, a list page, an array) or a :class:`Line` of :func:`read_jsonl`, and
each of its records becomes one :class:`LocatedResult` in the result bag, in
order: the :class:`~refundmap.RecordResult` :func:`refundmap.convert_each`
gives, and where the record came from. Results pickle, so they travel
between workers; a record that fails is a result with its ``error``, and the
others go on.
"""

from __future__ import annotations

import contextlib
import operator
import os
import re
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs

from refundmap import jsonio
from refundmap.conversion import Converter, RecordResult
from refundmap.formats import Format, FormatName
from refundmap.gate import FailKind
from refundmap.jsonio import JSONValue
from refundmap.paths import value_at
from refundmap.profiles import PushOptions
from refundmap.references import Lookup
from refundmap.report import (  # Entry: LocatedResult's inherited annotations name it
    Entry,  # noqa: F401
    RefundmapError,
    ValidationError,
    general_path,
)
from refundmap.validation import Decoded, decode

try:
    import dask.bag as db
    from dask.base import compute
    from dask.delayed import delayed
    from dask.utils import parse_bytes

    # fsspec (which dask.bag needs) has no annotations.
    from fsspec.core import get_fs_token_paths  # type: ignore[import-untyped]
    from fsspec.implementations.local import LocalFileSystem  # type: ignore[import-untyped]
    from fsspec.utils import read_block  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - the extra is not installed
    raise ImportError('refundmap.dask needs Dask: pip install "refundmap[dask]"') from exc

if TYPE_CHECKING:
    from dask.bag import Bag, Item
    from fsspec import AbstractFileSystem  # type: ignore[import-untyped]

    #: A block of a file: its file system, path, offset and size.
    Block = tuple[AbstractFileSystem, str, int, int]

__all__ = [
    "Line",
    "LocatedResult",
    "Totals",
    "convert_bag",
    "read_jsonl",
    "summarize",
    "write_outputs",
    "write_rejects",
]

#: The name of a part file that the writers write (and replace).
_PART = re.compile(r"part-[0-9]{5}\.jsonl")
#: A part written beside its place by a run (its id), until it is put in place.
_STAGED = re.compile(r"\.part-[0-9]{5}\.jsonl\.[0-9a-f]{12}")


@attrs.frozen
class Line:
    """A line of a JSON Lines file, as :func:`read_jsonl` reads it.

    Attributes:
        file: the file's path (a URL for a file that is not local).
        line: the line's number in the file, from 1.
        text: the line's bytes.
    """

    file: str
    line: int
    text: bytes


@attrs.frozen
class LocatedResult(RecordResult):
    """A :class:`~refundmap.RecordResult` that says where its record came from.

    Attributes:
        file: the file of the :class:`Line` the record is in; None for a
            document that was an element of the bag.
        line: that line's number, from 1; None likewise.
        input: the record that failed, as it was given (the text, for text
            that is not JSON); None for a record that converted.
    """

    file: str | None = None
    line: int | None = None
    input: JSONValue = None


def read_jsonl(
    urlpath: str | Path | Sequence[str | Path],
    *,
    blocksize: int | str = "16MiB",
    **storage_options: Any,
) -> Bag:
    """Return a bag of the :class:`Line` s of JSON Lines files, each with its file and number.

    As ``dask.bag.read_text(urlpath, blocksize=...)`` does, a partition is a
    block of a file, cut at a line's end; unlike it, each line keeps its file
    and its number, which :func:`convert_bag`'s results and
    :func:`write_rejects` carry. Blank lines are left out (and counted). Each
    block is read twice: once to count its lines, so that the next block
    knows the number of its first line, and once to convert.

    Args:
        urlpath: a path, a glob (``refunds/*.jsonl``) or a list of them; any
            URL fsspec opens (``s3://...``, with its ``storage_options``).
        blocksize: the bytes of a partition, at most (a line is not cut).
        storage_options: passed to fsspec's file system.

    Raises:
        FileNotFoundError: when ``urlpath`` names no file.
    """
    paths_in = [os.fspath(p) for p in urlpath] if isinstance(urlpath, list | tuple) else urlpath
    if isinstance(paths_in, Path):
        paths_in = os.fspath(paths_in)
    fs, _, paths = get_fs_token_paths(paths_in, mode="rb", storage_options=storage_options)
    if not paths:
        raise FileNotFoundError(f"no file matches {urlpath}")
    size = parse_bytes(blocksize)
    parts = []
    for path in paths:
        name = path if isinstance(fs, LocalFileSystem) else fs.unstrip_protocol(path)
        first: Any = 1
        for offset in range(0, max(fs.size(path), 1), size):
            block = (fs, path, offset, size)
            parts.append(delayed(_read_lines)(block, name, first))
            first = delayed(operator.add)(first, delayed(_count_lines)(block))
    return cast("Bag", db.from_delayed(parts))


def _block(block: Block) -> bytes:
    """Return the lines that start in a block: from past the first line end after its offset."""
    fs, path, offset, size = block
    with fs.open(path, "rb") as stream:
        return cast("bytes", read_block(stream, offset, size, b"\n"))


def _count_lines(block: Block) -> int:
    return _block(block).count(b"\n")


def _read_lines(block: Block, name: str, first: int) -> list[Line]:
    texts = _block(block).split(b"\n")
    return [Line(name, first + n, text) for n, text in enumerate(texts) if text.strip()]


def convert_bag(  # noqa: PLR0913 - the documented keywords of convert_each
    bag: Bag,
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
) -> Bag:
    """Return a bag of the :class:`~refundmap.RecordResult` of each record of each document.

    The parameters are those of :func:`refundmap.convert_each`, checked here,
    before any task runs; ``synced_at`` (default: now) is fixed here too, so
    that every worker writes the same time. A document that is not JSON at all
    is one failed result (index 0, path ``$``). Each result is a
    :class:`LocatedResult`: a :class:`Line`'s file and number come with it,
    and a failed record's input. The options and ``directory`` are one node
    of the graph, fetched once by each worker; a caller's
    :class:`~refundmap.Lookup` must pickle, and is asked once per distinct id
    of a partition.

    Raises:
        UsageError: as :func:`refundmap.convert` does (a task, for a lookup's
            answer that is not None or the Reference asked for).
    """
    converter = Converter(
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
    )
    # One node of the graph holds the converter (and the directory in it): each
    # worker fetches it once, instead of every task carrying a copy.
    shared = delayed(converter, pure=False, traverse=False)
    return cast("Bag", bag.map_partitions(_convert_partition, shared))


def _convert_partition(documents: Iterable[Any], converter: Converter) -> list[LocatedResult]:
    results: list[LocatedResult] = []
    converter = converter.for_run()  # a caller's lookup is asked once per id of the partition
    for document in documents:
        file, line, text = (
            (document.file, document.line, document.text)
            if type(document) is Line
            else (None, None, document)
        )
        try:
            raw = decode(text)
        except ValidationError as exc:
            results.append(LocatedResult(0, "$", None, (), exc, file, line, _as_text(text)))
            continue
        results.extend(
            LocatedResult(
                result.index,
                result.path,
                result.output,
                result.report,
                result.error,
                file,
                line,
                None if result.error is None else value_at(raw, result.path),
            )
            # Decoded: not walked again; the converter asks the partition's answers.
            for result in converter.each(Decoded(raw))
        )
    return results


def _as_text(document: Any) -> str | None:
    """Return a document that is not JSON as text, for its reject; None for one that is not text."""
    if isinstance(document, bytes | bytearray):
        return bytes(document).decode("utf-8", "replace").rstrip()
    return document.rstrip() if isinstance(document, str) else None


@attrs.frozen
class Totals:
    """What a bag's results add up to: records, rejects, and report entries.

    Attributes:
        records: the records converted.
        rejected: the records that did not convert.
        kinds: report entries by kind (``dropped``, ``warning``, ...).
        paths: report entries by kind and source path, indexes as ``[*]``.
    """

    records: int = 0
    rejected: int = 0
    kinds: Counter[str] = attrs.field(factory=Counter)
    paths: Counter[tuple[str, str]] = attrs.field(factory=Counter)

    def __add__(self, other: Totals) -> Totals:
        """Return the totals of both."""
        return Totals(
            self.records + other.records,
            self.rejected + other.rejected,
            self.kinds + other.kinds,
            self.paths + other.paths,
        )

    @classmethod
    def of(cls, results: Iterable[RecordResult]) -> Totals:
        """Return the totals of some results."""
        totals = cls()
        records = rejected = 0
        for result in results:
            if result.error is not None:
                rejected += 1
                continue
            records += 1
            for entry in result.report:
                totals.kinds[str(entry.kind)] += 1
                totals.paths[str(entry.kind), general_path(entry.source_path)] += 1
        return attrs.evolve(totals, records=records, rejected=rejected)


def summarize(results: Bag) -> Item:
    """Return (lazily) the :class:`Totals` of a bag of results: ``summarize(bag).compute()``."""
    return cast("Item", results.reduction(Totals.of, _add_all))


def _add_all(totals: Iterable[Totals]) -> Totals:
    return sum(totals, Totals())


def write_outputs(results: Bag, folder: str | Path, *, indent: int | None = None) -> list[Path]:
    """Write each partition's converted records to ``folder/part-NNNNN.jsonl``, one a line.

    ``indent`` is not JSON Lines but one document after another. Returns the
    files, in partition order; a partition with no record writes an empty file.

    After a run the folder holds that run's parts and no other: the parts are
    written beside their places (hidden, ``.part-NNNNN.jsonl.RUN``), and only
    when every partition is written are they renamed into place and the parts
    of an earlier run that this one did not replace removed. Only files named
    ``part-NNNNN.jsonl`` (and hidden parts of a run that failed) are removed,
    never another file. A run that fails leaves the folder's parts as they
    were, and removes the hidden parts it wrote (but one a task still running
    then writes, which the next run removes).
    """
    return _write(results, Path(folder), _outputs, indent)


def write_rejects(results: Bag, folder: str | Path) -> list[Path]:
    """Write each partition's failed records to ``folder/part-NNNNN.jsonl``, one a line.

    A line is what ``refundmap convert --rejects`` writes: ``{"file",
    "line", "path", "error", "problems", "input"}``: the :class:`Line`'s file
    and number (null for a document given in the bag), the record's path in
    its document, ``validation`` or ``mapping``, every problem, and the
    record as it was given (decoded; the text, for text that is not JSON,
    where the command writes a JSON Lines line's text). The folder is
    replaced as by :func:`write_outputs`.
    """
    return _write(results, Path(folder), _rejects, None)


def _outputs(results: Iterable[RecordResult], indent: int | None) -> Iterator[str]:
    for result in results:
        if result.error is None:
            yield result.to_json(indent=indent)


def _rejects(results: Iterable[RecordResult], _indent: int | None) -> Iterator[str]:
    for result in results:
        if result.error is not None:
            yield jsonio.dumps(_reject_row(result, result.error))


def _reject_row(result: RecordResult, error: RefundmapError) -> dict[str, Any]:
    return {
        "file": getattr(result, "file", None),
        "line": getattr(result, "line", None),
        "path": result.path,
        "error": "validation" if isinstance(error, ValidationError) else "mapping",
        "problems": [problem.to_dict() for problem in error.problems],
        "input": getattr(result, "input", None),
    }


def _write(results: Bag, folder: Path, lines: Any, indent: int | None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex[:12]
    names = []
    staged = []
    for number, part in enumerate(results.to_delayed()):
        names.append(f"part-{number:05d}.jsonl")
        staged.append(
            delayed(_write_partition)(part, folder / f".{names[-1]}.{run}", lines, indent)
        )
    try:
        (written,) = compute(delayed(_publish)(folder, names, staged))
    except BaseException:
        with contextlib.suppress(Exception):  # the cluster may be what failed
            compute(delayed(_discard)(folder, run))
        raise
    return cast("list[Path]", written)


def _write_partition(
    results: Iterable[RecordResult], path: Path, lines: Any, indent: int | None
) -> Path:
    try:
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for line in lines(results, indent):
                out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _publish(folder: Path, names: list[str], staged: list[Path]) -> list[Path]:
    """Put a run's written parts in place, then remove an earlier run's other parts."""
    for name, path in zip(names, staged, strict=True):
        path.replace(folder / name)
    kept = set(names)
    for stale in folder.iterdir():
        # An earlier run's parts, and what a failed run's late tasks left hidden.
        if (_PART.fullmatch(stale.name) and stale.name not in kept) or _STAGED.fullmatch(
            stale.name
        ):
            stale.unlink(missing_ok=True)
    return [folder / name for name in names]


def _discard(folder: Path, run: str) -> None:
    """Remove the parts a failed run wrote beside their places."""
    for path in folder.glob(f".part-*.jsonl.{run}"):
        path.unlink(missing_ok=True)
