"""Time and peak memory of ``refundmap reconcile`` on two generated datasets.

``python bench/reconcile.py 100000`` writes a Railz list response of N refunds
(:mod:`generate`), the same refunds as Rutter records in JSON Lines (converted
by refundmap with the company's references), then changes every 100th Railz
total and leaves out every 1,000th refund of each side, and runs
``refundmap reconcile`` on them in a child process: its wall time and peak
resident memory (``VmHWM``, which the child reads of itself: ``ru_maxrss`` would
count the generator's memory the child was forked with) are printed, with the counts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

import refundmap
from refundmap import jsonio

#: The command line, then its own peak memory on stderr.
_CHILD = """
import sys
from refundmap.cli import main
status = main(sys.argv[1:])
with open("/proc/self/status") as status_file:
    peak = [line for line in status_file if line.startswith("VmHWM:")]
print(peak[0].strip(), file=sys.stderr)
sys.exit(status)
"""


def write_sides(folder: Path, count: int) -> tuple[Path, Path, Path]:
    """Write the references, the Rutter side (JSON Lines) and the Railz side (a list page)."""
    refs = folder / "refs.json"
    refs.write_text(json.dumps(generate.reference_documents()))
    directory = refundmap.Directory.from_files(refs)
    page = generate.railz_list(count)
    rutter = folder / "rutter.jsonl"
    with rutter.open("w") as out:
        for start in range(0, count, 1000):
            run = {**page, "data": page["data"][start : start + 1000]}
            for result in refundmap.convert_each(run, "railz", "rutter", directory=directory):
                if (start + result.index) % 1000 != 1:  # only on the right
                    out.write(jsonio.dumps(result.output) + "\n")
    for number, record in enumerate(page["data"]):
        if number % 100 == 0:
            record["totalAmount"] += Decimal("0.01")
    page["data"] = [r for n, r in enumerate(page["data"]) if n % 1000 != 2]  # only on the left
    railz = folder / "railz.json"
    railz.write_bytes(generate.dumps(page))
    return refs, rutter, railz


def main() -> None:
    """Generate, reconcile, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--spill-after", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        began = time.perf_counter()
        refs, rutter, railz = write_sides(folder, args.count)
        print(f"generated {args.count} a side in {time.perf_counter() - began:.1f} s")
        command = [
            sys.executable, "-c", _CHILD, "reconcile",
            "-f", "rutter", str(rutter), "-t", "railz", str(railz),
            "--refs", str(refs), "-o", str(folder / "report.jsonl"),
        ]  # fmt: skip
        if args.spill_after is not None:
            command += ["--spill-after", str(args.spill_after)]
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        took = time.perf_counter() - began
        if done.returncode not in (0, 1) or "VmHWM:" not in done.stderr:
            sys.exit(done.stderr)
        peak = int(done.stderr.rsplit("VmHWM:", 1)[1].split()[0]) / 1024
        print("\n".join(done.stdout.splitlines()[:8]))
        print(f"reconcile: {took:.1f} s, {args.count / took:,.0f} records a side a second,")
        print(f"peak memory {peak:.0f} MB, exit status {done.returncode}")


if __name__ == "__main__":
    main()
