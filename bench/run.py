"""Benchmark refundmap against its peers, interleaved in one process.

    pip install -e ".[bench]"
    python bench/run.py                 # 2,000 refunds, 7 rounds, memory and start-up too
    python bench/run.py --records 500 --rounds 5 --no-memory --no-jobs
    pip install -e ".[bench,dask]" && python bench/run.py --dask   # and Dask's throughput

For each direction it times the full pipeline from JSON bytes to JSON text for
refundmap (``convert(...).to_json()``), the same validation and mapping with
pydantic v2, the same with msgspec Structs (what msgspec does not check is listed
in ``peers.py``), and a hand-written mapping with no validation (the floor),
the msgspec peer after a repeated-key pass (jiter, floats: the cheapest exact way
to refuse what refundmap refuses), interleaved round by round, with Python's
garbage collector off and then on, and prints microseconds per record (the median
of the rounds) and the ratios of refundmap to each; then what each pipeline does
with a record spoiled in one way or another (``probes.py``: refused, warned or
taken silently), found by running them.

It then times refundmap's fast path against its detailed path (the fast path
off), on the list page, on a page whose every record the codec reads, and on
one invalid at its last record (refused after the rest is read), with the share
of records the fast path takes.
It then times the same conversions translating every reference id through a
directory read from the company's Rutter reference lists, against the same
conversions without one (the baseline), interleaved likewise; then the command
with ``--jobs 1`` against ``--jobs 2`` (JSON Lines, one list page, many small
pages), and the peak memory of converting JSON Lines and one big list page.
"""

from __future__ import annotations

import argparse
import gc
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import peers  # noqa: E402
import probes  # noqa: E402

import refundmap  # noqa: E402
from refundmap.mapping import fused  # noqa: E402

Pipeline = Callable[[bytes], str]


def _refundmap(source: str, target: str, directory: refundmap.Directory | None = None) -> Pipeline:
    def run(data: bytes) -> str:
        return refundmap.convert(
            data, source, target, synced_at="2024-06-30T12:00:00Z", directory=directory
        ).to_json()

    return run


DIRECTIONS: dict[str, tuple[Callable[[int], object], dict[str, Pipeline]]] = {
    "rutter -> railz": (
        generate.rutter_list,
        {
            "refundmap": _refundmap("rutter", "railz"),
            "pydantic": peers.pydantic_rutter_to_railz,
            "msgspec": peers.msgspec_rutter_to_railz,
            "msgspec+dup": peers.msgspec_checked_rutter_to_railz,
            "floor": peers.floor_rutter_to_railz,
        },
    ),
    "railz -> rutter": (
        generate.railz_list,
        {
            "refundmap": _refundmap("railz", "rutter"),
            "pydantic": peers.pydantic_railz_to_rutter,
            "msgspec": peers.msgspec_railz_to_rutter,
            "msgspec+dup": peers.msgspec_checked_railz_to_rutter,
            "floor": peers.floor_railz_to_rutter,
        },
    ),
}


def _interleaved(
    pipelines: dict[str, Pipeline],
    data: bytes,
    records: int,
    rounds: int,
    *,
    collector: bool = True,
) -> dict[str, float]:
    """Return each pipeline's median microseconds per record, run round by round in turn.

    With ``collector`` false, Python's cyclic garbage collector is off while they run
    (as the command runs), and collects between rounds.
    """
    for run in pipelines.values():
        run(data)  # warm up: hooks, caches
    times: dict[str, list[float]] = {name: [] for name in pipelines}
    was_enabled = gc.isenabled()
    try:
        for _ in range(rounds):
            for name, run in pipelines.items():
                gc.collect()
                if not collector:
                    gc.disable()
                start = time.perf_counter()
                run(data)
                times[name].append((time.perf_counter() - start) / records * 1e6)
                if was_enabled:
                    gc.enable()
    finally:
        if was_enabled:
            gc.enable()
    return {name: statistics.median(values) for name, values in times.items()}


def throughput(records: int, rounds: int) -> list[str]:
    """Return the table rows of microseconds per record and ratios, a direction and collector."""
    rows = [
        "| direction | GC | refundmap µs/record | pydantic µs/record | msgspec µs/record"
        " | msgspec+dup µs/record | floor µs/record | refundmap/pydantic | refundmap/msgspec"
        " | refundmap/(msgspec+dup) | refundmap/floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for direction, (make, pipelines) in DIRECTIONS.items():
        data = generate.dumps(make(records))
        for collector in (False, True):
            median = _interleaved(pipelines, data, records, rounds, collector=collector)
            ours = median["refundmap"]
            rows.append(
                f"| {direction} | {'on' if collector else 'off'} | {ours:.1f}"
                f" | {median['pydantic']:.1f} | {median['msgspec']:.1f}"
                f" | {median['msgspec+dup']:.1f} | {median['floor']:.1f}"
                f" | {ours / median['pydantic']:.2f} | {ours / median['msgspec']:.2f}"
                f" | {ours / median['msgspec+dup']:.2f} | {ours / median['floor']:.2f} |"
            )
    return rows


def references(records: int, rounds: int) -> list[str]:
    """Return rows of the cost of translating reference ids through a directory."""
    start = time.perf_counter()
    directory = refundmap.Directory.from_documents(*generate.reference_documents())
    built = (time.perf_counter() - start) * 1000
    rows = [
        f"Directory of {len(directory):,} objects from {len(generate.POOLS)} Rutter list"
        f" responses, read in {built:.0f} ms.",
        "",
        "| direction | without a directory µs/record | with one µs/record | ratio"
        " | cost µs/record |",
        "|---|---|---|---|---|",
    ]
    for direction, (make, _) in DIRECTIONS.items():
        source, target = direction.split(" -> ")
        pipelines = {
            "without": _refundmap(source, target),
            "with": _refundmap(source, target, directory),
        }
        median = _interleaved(pipelines, generate.dumps(make(records)), records, rounds)
        without, with_ = median["without"], median["with"]
        rows.append(
            f"| {direction} | {without:.1f} | {with_:.1f} | {with_ / without:.2f}"
            f" | {with_ - without:+.1f} |"
        )
    return rows


def _detailed(pipeline: Pipeline) -> Pipeline:
    """Return ``pipeline`` run with the fast path off: every document on the detailed path."""

    def run(data: bytes) -> str:
        enabled, fused.ENABLED = fused.ENABLED, False
        try:
            return pipeline(data)
        finally:
            fused.ENABLED = enabled

    return run


def _numeric_strings(data: bytes) -> bytes:
    """Return a page whose every total is a JSON string: each record read by the codec."""
    return re.sub(rb'("(?:total_amount|totalAmount)": )([0-9.]+)', rb'\1"\2"', data)


def _last_refused(data: bytes) -> bytes:
    """Return a page whose last amount is not a number: invalid, found after the rest is read."""
    last = list(re.finditer(rb'("(?:total_amount|totalAmount)": )([0-9.]+)', data))[-1]
    return data[: last.start(2)] + b'"a lot"' + data[last.end(2) :]


def _invalid(pipeline: Pipeline) -> Pipeline:
    """Return ``pipeline`` giving the error's text for a document that is not valid."""

    def run(data: bytes) -> str:
        try:
            return pipeline(data)
        except refundmap.ValidationError as exc:
            return str(exc)

    return run


def fast_path(records: int, rounds: int) -> list[str]:
    """Return rows of the fast path against the detailed path, and the share it takes."""
    rows = [
        "| direction | document | fast path µs/record | detailed path µs/record"
        " | fast/detailed | records on the fast path |",
        "|---|---|---|---|---|---|",
    ]
    for direction, (make, _) in DIRECTIONS.items():
        source, target = direction.split(" -> ")
        page = make(records)
        pipeline = _invalid(_refundmap(source, target))
        pipelines = {"fast": pipeline, "detailed": _detailed(pipeline)}
        key = "customer_refunds" if source == "rutter" else "data"
        before = fused.TALLY.mapped
        for record in page[key]:  # type: ignore[index]
            refundmap.convert(generate.dumps(record), source, target)
        share = (fused.TALLY.mapped - before) / len(page[key])  # type: ignore[index]
        data = generate.dumps(page)
        for name, document in (
            ("list page", data),
            ("every total a string (each record through the codec)", _numeric_strings(data)),
            ("the last total not a number (invalid, refused late)", _last_refused(data)),
        ):
            median = _interleaved(pipelines, document, records, rounds)
            fast, detailed = median["fast"], median["detailed"]
            taken = f"{share:.0%} (bare records)" if name == "list page" else ""
            rows.append(
                f"| {direction} | {name} | {fast:.1f} | {detailed:.1f} | {fast / detailed:.2f}"
                f" | {taken} |"
            )
    return rows


# The child's own peak: VmHWM belongs to its address space. (ru_maxrss would
# not do: Linux keeps it across exec, so a child reports its parent's peak.)
_PEAK = (
    "import sys\n"
    "from refundmap.cli import main\n"
    "main(['convert', '-f', 'railz', '-t', 'rutter', sys.argv[1], '-o', sys.argv[2]])\n"
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
)


def streaming_memory(counts: list[int]) -> list[str]:
    """Return rows of peak memory converting ``counts`` records: JSON Lines, and one list page."""
    rows = [
        "| input | records | size (MB) | seconds | peak memory (MB) |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        for count in counts:
            for kind in ("JSON Lines", "one list page"):
                lines = kind == "JSON Lines"
                source = Path(folder) / ("in.jsonl" if lines else "in.json")
                output = Path(folder) / ("out.jsonl" if lines else "out.json")
                with source.open("wb") as stream:
                    subprocess.run(
                        [sys.executable, str(HERE / "generate.py"), "railz", str(count)]
                        + (["--jsonl"] if lines else []),
                        stdout=stream,
                        check=True,
                    )
                start = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-c", _PEAK, str(source), str(output)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                seconds = time.perf_counter() - start
                size = source.stat().st_size / 1e6
                peak = int(result.stdout) / 1024
                rows.append(f"| {kind} | {count:,} | {size:.0f} | {seconds:.1f} | {peak:.1f} |")
    return rows


def _command(*argv: str) -> float:
    """Return the seconds ``refundmap convert ARGV`` takes, quietly."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "refundmap", "convert", "-q", "-f", "railz", "-t", "rutter", *argv],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def jobs(records: int, rounds: int) -> list[str]:
    """Return rows of ``--jobs 1`` against ``--jobs 2``: JSON Lines, one page, many files."""
    rows = [
        f"| {records:,} refunds as | --jobs 1 (s) | --jobs 2 (s) | ratio |",
        "|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        page = generate.railz_list(records)
        (folder / "in.jsonl").write_bytes(b"".join(generate.dumps(r) + b"\n" for r in page["data"]))
        (folder / "page.json").write_bytes(generate.dumps(page))
        many = folder / "many"
        many.mkdir()
        size = 100
        for start in range(0, records, size):
            part = {**page, "data": page["data"][start : start + size]}
            (many / f"page-{start // size:04d}.json").write_bytes(generate.dumps(part))
        files = sorted(str(p) for p in many.iterdir())
        inputs = {
            "JSON Lines": ([str(folder / "in.jsonl")], str(folder / "out.jsonl")),
            "one list page": ([str(folder / "page.json")], str(folder / "out.json")),
            f"{len(files)} pages of {size}": (files, str(folder / "out") + "/"),
        }
        for kind, (sources, output) in inputs.items():
            times: dict[int, list[float]] = {1: [], 2: []}
            for _ in range(rounds):  # interleaved: the machine's drift hits both alike
                for count, seconds in times.items():
                    seconds.append(_command("-j", str(count), *sources, "-o", output))
            one, two = statistics.median(times[1]), statistics.median(times[2])
            rows.append(f"| {kind} | {one:.2f} | {two:.2f} | {two / one:.2f} |")
    return rows


_START = (
    "import time\n"
    "start = time.perf_counter()\n"
    "import refundmap\n"
    "imported = time.perf_counter()\n"
    "refundmap.convert(open(__import__('sys').argv[1], 'rb').read(), 'rutter', 'railz')\n"
    "done = time.perf_counter()\n"
    "print(f'{(imported - start) * 1000:.0f} {(done - imported) * 1000:.0f}')\n"
)


def start_up(repeat: int = 5) -> list[str]:
    """Return rows of import time and the first conversion (hook generation), in ms."""
    seed = HERE.parent / "fixtures/rutter/seed-list.json"
    runs = []
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-c", _START, str(seed)], capture_output=True, text=True, check=True
        )
        runs.append(tuple(int(x) for x in result.stdout.split()))
    imported = statistics.median(r[0] for r in runs)
    first = statistics.median(r[1] for r in runs)
    return [
        "| import refundmap (ms) | first conversion (ms) | together (ms) |",
        "|---|---|---|",
        f"| {imported:.0f} | {first:.0f} | {imported + first:.0f} |",
    ]


def dask_throughput(records: int, rounds: int, files: int = 8) -> list[str]:
    """Return rows of records a second through ``refundmap.dask`` on 1 and 2 local workers."""
    import dask.bag as db  # noqa: PLC0415 - only with --dask: the extra
    from distributed import Client, LocalCluster  # noqa: PLC0415

    from refundmap.dask import convert_bag, write_outputs  # noqa: PLC0415

    rows = [
        f"| workers | {records:,} refunds in {files} JSON Lines files: seconds | records/s |",
        "|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = list(generate.railz_refunds(records))
        for number in range(files):
            part = data[number::files]
            (folder / f"in-{number}.jsonl").write_bytes(
                b"".join(generate.dumps(r) + b"\n" for r in part)
            )
        for workers in (1, 2):
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    local_directory=name,
                ) as cluster,
                Client(cluster),
            ):
                bag = db.read_text(str(folder / "in-*.jsonl"))
                times = []
                for round_ in range(rounds + 1):  # the first warms the workers up
                    start = time.perf_counter()
                    results = convert_bag(bag, "railz", "rutter", synced_at="2024-06-30T12:00:00Z")
                    write_outputs(results, folder / f"out-{workers}-{round_}")
                    times.append(time.perf_counter() - start)
                seconds = statistics.median(times[1:])
                rows.append(f"| {workers} | {seconds:.2f} | {records / seconds:,.0f} |")
    return rows


def main() -> None:
    """Run the benchmarks and print Markdown tables for the README."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=2000, help="refunds per list response")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (at least 5)")
    parser.add_argument("--no-memory", action="store_true", help="skip the streaming runs")
    parser.add_argument("--no-jobs", action="store_true", help="skip the --jobs runs")
    parser.add_argument(
        "--dask", action="store_true", help="time refundmap.dask on 1 and 2 local workers"
    )
    parser.add_argument(
        "--jobs-records", type=int, default=20_000, help="refunds for the --jobs runs"
    )
    parser.add_argument(
        "--memory-counts",
        type=int,
        nargs="+",
        default=[100_000],
        help="sizes for the memory runs (JSON Lines and one list page of each)",
    )
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {platform.machine()},"
        f" {args.records} refunds of 3 lines, median of {max(args.rounds, 5)} rounds\n"
    )
    print("\n".join(throughput(args.records, max(args.rounds, 5))), "\n")
    print("What each pipeline does with one spoiled record (bench/probes.py):\n")
    print("\n".join(probes.table()), "\n")
    print("\n".join(fast_path(args.records, max(args.rounds, 5))), "\n")
    print("\n".join(references(args.records, max(args.rounds, 5))), "\n")
    print("\n".join(start_up()), "\n")
    if not args.no_jobs:
        print("\n".join(jobs(args.jobs_records, max(args.rounds, 5))), "\n")
    if args.dask:
        print("\n".join(dask_throughput(args.jobs_records, max(args.rounds, 5))), "\n")
    if not args.no_memory:
        print("\n".join(streaming_memory(args.memory_counts)))


if __name__ == "__main__":
    main()
