"""Time building a directory of references: in code, and from many files or one.

    python bench/directory.py                  # 30,000 adds; 2,000 files against one
    python bench/directory.py --adds 5000 --files 500 --per-file 10

Each figure is the best of ``--rounds`` runs, in seconds. Building is linear in
the entries: 30,000 adds cost about ten times 3,000, and 2,000 files of 15
entries about what one file of all 30,000 does, plus opening the files.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from refundmap import Directory


def _best(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def adds(count: int, rounds: int = 3) -> float:
    """Return the seconds ``count`` calls of :meth:`Directory.add` take, one id each."""

    def run() -> Directory:
        directory = Directory()
        for number in range(count):
            directory.add("account", f"r{number}", f"p{number}", f"Account {number}")
        return directory

    return _best(run, rounds)


def files(count: int, per: int = 15, rounds: int = 3) -> tuple[float, float]:
    """Return the seconds reading ``count`` CSV files of ``per`` entries take, and one of all."""
    header = "kind,rutter_id,platform_id,name\n"

    def rows(first: int, last: int) -> str:
        return "".join(f"item,r{n},p{n},Item {n}\n" for n in range(first, last))

    with tempfile.TemporaryDirectory() as folder:
        many = Path(folder, "many")
        many.mkdir()
        for number in range(count):
            text = header + rows(number * per, (number + 1) * per)
            (many / f"{number:05d}.csv").write_text(text)
        one = Path(folder, "one.csv")
        one.write_text(header + rows(0, count * per))
        return (
            _best(lambda: Directory.from_files(many), rounds),
            _best(lambda: Directory.from_files(one), rounds),
        )


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adds", type=int, default=30_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--per-file", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for count in (args.adds // 10, args.adds):
        print(f"{count:>7,} Directory.add calls: {adds(count, args.rounds):.3f} s")
    for count in (args.files // 10, args.files):
        many, one = files(count, args.per_file, args.rounds)
        print(
            f"{count:>7,} files of {args.per_file} entries: {many:.3f} s;"
            f" one file of them all: {one:.3f} s"
        )


if __name__ == "__main__":
    main()
