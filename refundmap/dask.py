"""Converting on a Dask cluster: a bag of documents in, a bag of per-record results out.

Install with ``pip install "refundmap[dask]"``; this module imports Dask, the
rest of refundmap never does::

    import dask.bag as db
    from distributed import Client

    from refundmap.dask import convert_bag, summarize, write_outputs, write_rejects

    client = Client("tcp://scheduler:8786")  # or LocalCluster() on one machine
    documents = db.read_text("refunds/*.jsonl", blocksize="16MiB")  # one record a line
    results = convert_bag(documents, "railz", "rutter", directory=refs).persist()
    write_outputs(results, "out/")  # out/part-00000.jsonl, ...: one body a line
    write_rejects(results, "rejects/")
    print(summarize(results).compute())

Each element of the bag is a document (JSON text, bytes, or decoded JSON: a
record, a list page, an array), and each of its records becomes one
:class:`~refundmap.RecordResult` in the result bag, in order, exactly as
:func:`refundmap.convert_each` gives them. Results pickle, so they travel
between workers; a record that fails is a result with its ``error``, and the
others go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs

from refundmap import jsonio
from refundmap.conversion import RecordResult, _each, _Options
from refundmap.formats import Format, FormatName
from refundmap.references import Lookup
from refundmap.report import RefundmapError, ValidationError, general_path
from refundmap.validation import decode

try:
    from dask.base import compute
    from dask.delayed import delayed
except ImportError as exc:  # pragma: no cover - the extra is not installed
    raise ImportError('refundmap.dask needs Dask: pip install "refundmap[dask]"') from exc

if TYPE_CHECKING:
    from dask.bag import Bag, Item

__all__ = ["Totals", "convert_bag", "summarize", "write_outputs", "write_rejects"]


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
) -> Bag:
    """Return a bag of the :class:`~refundmap.RecordResult` of each record of each document.

    The parameters are those of :func:`refundmap.convert_each`, checked here,
    before any task runs; ``synced_at`` (default: now) is fixed here too, so
    that every worker writes the same time. A document that is not JSON at all
    is one failed result (index 0, path ``$``). The options and ``directory``
    are one node of the graph, fetched once by each worker; a caller's
    :class:`~refundmap.Lookup` must pickle, and is asked once per distinct id
    of a partition.

    Raises:
        UsageError: as :func:`refundmap.convert` does (a task, for a lookup's
            answer that is not None or the Reference asked for).
    """
    options = _Options.check(
        source,
        target,
        synced_at=synced_at,
        connection_uuid=connection_uuid,
        business_name=business_name,
        service_name=service_name,
        directory=directory,
        defaults=defaults,
    )
    flags = {"strict": strict, "lossless": lossless, "require_refs": require_refs}
    # One node of the graph holds the options (and the directory in them): each
    # worker fetches it once, instead of every task carrying a copy.
    shared = delayed(options, pure=False, traverse=False)
    return cast("Bag", bag.map_partitions(_convert_partition, shared, flags))


def _convert_partition(
    documents: Iterable[Any], options: _Options, flags: dict[str, bool]
) -> list[RecordResult]:
    results: list[RecordResult] = []
    options = options.for_run()  # a caller's lookup is asked once per id of the partition
    for document in documents:
        try:
            raw = decode(document)
        except ValidationError as exc:
            results.append(RecordResult(0, "$", None, (), exc))
            continue
        results.extend(_each(raw, options, flags))
    return results


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

    Each file is written whole or not at all (beside its place, then renamed);
    ``indent`` is not JSON Lines but one document after another. Returns the
    files, in partition order; a partition with no record writes an empty file.
    """
    return _write(results, Path(folder), _outputs, indent)


def write_rejects(results: Bag, folder: str | Path) -> list[Path]:
    """Write each partition's failed records to ``folder/part-NNNNN.jsonl``, one a line.

    A line is ``{"index", "path", "error", "problems"}``: the record's place
    in its document, ``validation`` or ``mapping``, and every problem.
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
        "index": result.index,
        "path": result.path,
        "error": "validation" if isinstance(error, ValidationError) else "mapping",
        "problems": [problem.to_dict() for problem in error.problems],
    }


def _write(results: Bag, folder: Path, lines: Any, indent: int | None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    tasks = [
        delayed(_write_partition)(part, folder / f"part-{number:05d}.jsonl", lines, indent)
        for number, part in enumerate(results.to_delayed())
    ]
    return list(compute(*tasks))


def _write_partition(
    results: Iterable[RecordResult], path: Path, lines: Any, indent: int | None
) -> Path:
    with jsonio.AtomicFile(path) as out:
        for line in lines(results, indent):
            out.stream.write(line + "\n")
        out.commit()
    return path
