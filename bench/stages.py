"""Time the fast path's stages, µs a record, in this tree and against another revision.

    python bench/stages.py                      # 1,000 refunds of 3 lines, the fastest of 7
    python bench/stages.py --against 70deb8d    # and that revision's, alternated, with ratios
    python bench/stages.py --icount             # and instructions a record (valgrind)

For each direction, on ``generate.py``'s list page, it runs the fast path's
stages one after another as ``refundmap.convert`` runs them, each timed alone
(process time, the collector off, the fastest of the rounds, a stage at a
time): decoding (``fused._decode``), the reader (``fused._load``: the views,
and the source's checks on them), the compiled mapping with the target's
checks (``fused.convert`` on the loaded document), freeing the decoded
document and its views, writing (``Conversion.to_json()``) and freeing the
result. Each stage is called with the arguments the conversion gives it (seen
by wrapping it during one ``refundmap.convert``), and the staged text is
checked to be the conversion's. The source's and the target's checks are
priced apart by calling the checks the reader and the mapping called, on the
same views and mapped records, as they called them (they are part of the
reader's and the mapping's rows too). Then the whole ``refundmap.convert(...)
.to_json()``, and ``Converter.convert_lines`` on the same records as JSON Lines
texts, each result's ``to_json()``.

``--against REV`` also times REV, checked out in a temporary ``git worktree``:
each round runs in a child process (``PYTHONPATH`` the tree), REV's and this
tree's alternated, and the table gives both and their ratio. A stage REV does
not have (older code) is ``-``.

``--icount`` runs the same stages under callgrind (``valgrind
--tool=callgrind``), a dump before each stage, with 1 and with 6 rounds of a
100-record page: the difference, divided, is the instructions a record of
each stage, the same within about 0.2% from run to run on a busy machine
(where times vary by 5-10%). It needs valgrind, and says so where it is absent.

The package is not changed: the stages are its own functions, wrapped only
while the one conversion that shows their arguments runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from decimal import Context, getcontext, localcontext
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SYNCED_AT = "2024-06-30T12:00:00Z"

#: Each direction: its formats, and generate.py's list page of its source.
DIRECTIONS = {
    "rutter -> railz": ("rutter", "railz", "rutter_list", "customer_refunds"),
    "railz -> rutter": ("railz", "rutter", "railz_list", "data"),
}

#: The staged conversion, in the order it runs: they add up to a conversion.
STAGED = {
    "decode": "decoding (`fused._decode`)",
    "read": "the reader (`fused._load`): views, the source's checks",
    "map": "the compiled mapping with the target's checks (`fused.convert`)",
    "free_document": "freeing the decoded document and its views",
    "write": "writing (`Conversion.to_json()`)",
    "free_result": "freeing the result",
}
#: The rows of the table, by key: the staged conversion, the checks within it, the wholes.
ROWS = {
    **STAGED,
    "source_checks": "of the reader: the source's checks",
    "target_checks": "of the mapping: the target's checks",
    "staged": "the stages together",
    "whole": "the whole `refundmap.convert(...).to_json()`",
    "bare": "bare records: `Converter.convert_lines`, each `to_json()`",
}
ORDER = [
    "decode",
    "read",
    "source_checks",
    "map",
    "target_checks",
    "free_document",
    "write",
    "free_result",
    "staged",
    "whole",
    "bare",
]

Step = Callable[[], None]


@contextmanager
def _replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    """Set ``owner.name`` (a module's global, a frozen format's field) to ``value`` for a while."""
    old = getattr(owner, name)
    object.__setattr__(owner, name, value)
    try:
        yield
    finally:
        object.__setattr__(owner, name, old)


class _Seen:
    """The first call of each function wrapped, with its decimal context; and all calls, listed."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = {}
        self.contexts: dict[str, Context] = {}
        self.results: dict[str, Any] = {}
        self.calls: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def spy(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def spy(*args: Any, **kwargs: Any) -> Any:
            first = name not in self.first
            if first:
                self.first[name] = real, args, kwargs
                self.contexts[name] = getcontext().copy()
            result = real(*args, **kwargs)
            if first:
                self.results[name] = result
            return result

        return spy

    def record(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((real, args, kwargs))
            if "check" not in self.contexts:
                self.contexts["check"] = getcontext().copy()
            return real(*args, **kwargs)

        return recorded

    def factory(self, real: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a function that makes checks (``fast_check``): what it makes is recorded."""

        def made(*args: Any, **kwargs: Any) -> Any:
            check = real(*args, **kwargs)
            return None if check is None else self.record(check)

        return made


@contextmanager
def _checks_seen(seen: _Seen, module: Any, fmt: Any) -> Iterator[None]:
    """Record the calls of ``fmt``'s check, directly or as ``module.fast_check`` makes it."""
    with _replaced(fmt, "check", seen.record(fmt.check)):
        if hasattr(module, "fast_check"):
            with _replaced(module, "fast_check", seen.factory(module.fast_check)):
                yield
        else:
            yield


def _calls(calls: list[Any], context: Context | None) -> Step:
    def run() -> None:
        with localcontext(context) if context is not None else nullcontext():
            for check, args, kwargs in calls:
                check(*args, **kwargs)

    return run


class Direction:
    """One direction's stages, made from one conversion of its page watched."""

    def __init__(self, source: str, target: str, page: bytes, lines: list[bytes]) -> None:
        import refundmap  # noqa: PLC0415 - the tree's own, from PYTHONPATH in a child

        self.records = len(lines)
        self.steps: dict[str, Step] = {}
        expected = refundmap.convert(page, source, target, synced_at=SYNCED_AT).to_json()

        def whole() -> None:
            refundmap.convert(page, source, target, synced_at=SYNCED_AT).to_json()

        self.steps_after: dict[str, Step] = {"whole": whole}
        converter: Any = getattr(refundmap, "Converter", None)  # older code: none
        if converter is not None:
            converter = converter(source, target, synced_at=SYNCED_AT)
        if hasattr(converter, "convert_lines"):
            texts = [c.to_json() for c in converter.convert_lines(lines) if hasattr(c, "to_json")]
            if len(texts) != len(lines):
                raise SystemExit(f"{source} -> {target}: convert_lines refused a bench record")

            def bare() -> None:
                for conversion in converter.convert_lines(lines):
                    conversion.to_json()

            self.steps_after["bare"] = bare
        try:
            from refundmap.mapping import fused, fused_map  # noqa: PLC0415
        except ImportError:  # older than the fast path
            return
        if not all(hasattr(fused, name) for name in ("_decode", "_load", "convert")):
            return
        self._staged(refundmap, fused, fused_map, (source, target, page), expected)

    def _staged(
        self, refundmap: Any, fused: Any, fused_map: Any, job: tuple[str, str, bytes], expected: str
    ) -> None:
        source, target, page = job
        seen = _Seen()
        with (
            _replaced(fused, "_decode", seen.spy("decode", fused._decode)),  # noqa: SLF001
            _replaced(fused, "_load", seen.spy("read", fused._load)),  # noqa: SLF001
            _replaced(fused, "convert", seen.spy("map", fused.convert)),
        ):
            refundmap.convert(page, source, target, synced_at=SYNCED_AT)
        if len(seen.first) < 3 or seen.results["map"] is None:
            print(f"{source} -> {target}: the page did not take the fast path", file=sys.stderr)
            return
        decode, decode_args, decode_kwargs = seen.first["decode"]
        read, (_, *read_args), read_kwargs = seen.first["read"]
        mapping, (_, *map_args), map_kwargs = seen.first["map"]
        contexts = seen.contexts
        state: dict[str, Any] = {}

        def decoding() -> None:
            with localcontext(contexts["decode"]):
                state["raw"] = decode(*decode_args, **decode_kwargs)

        def reading() -> None:
            with localcontext(contexts["read"]):
                state["loaded"] = read(state["raw"], *read_args, **read_kwargs)

        def converting() -> None:
            with localcontext(contexts["map"]):
                state["conversion"] = mapping(state["loaded"], *map_args, **map_kwargs)

        def free_document() -> None:
            del state["raw"], state["loaded"]

        def writing() -> None:
            state["text"] = state["conversion"].to_json()

        def free_result() -> None:
            del state["conversion"], state["text"]

        self.steps = {
            "decode": decoding,
            "read": reading,
            "map": converting,
            "free_document": free_document,
            "write": writing,
            "free_result": free_result,
        }
        decoding()
        reading()
        converting()
        if state["conversion"].to_json() != expected:
            raise SystemExit(f"{source} -> {target}: the stages do not give the conversion's text")
        # The checks as the reader and the mapping call them, on what they called them with.
        from refundmap.formats import get_format  # noqa: PLC0415

        source_format, target_format = get_format(source), get_format(target)
        sources = _Seen()
        with localcontext(contexts["read"]), _checks_seen(sources, fused, source_format):
            loaded = read(decode(*decode_args, **decode_kwargs), *read_args, **read_kwargs)
        targets = _Seen()
        with localcontext(contexts["map"]), _checks_seen(targets, fused_map, target_format):
            mapping(loaded, *map_args, **map_kwargs)
        if sources.calls:
            self.steps_after["source_checks"] = _calls(sources.calls, sources.contexts.get("check"))
        if targets.calls:
            self.steps_after["target_checks"] = _calls(targets.calls, targets.contexts.get("check"))
        state.clear()

    def all_steps(self) -> dict[str, Step]:
        """Return the staged conversion's steps in order, then the others."""
        return {**self.steps, **self.steps_after}


def _inputs(records: int) -> dict[str, tuple[bytes, list[bytes]]]:
    """Return each direction's list page of ``records`` refunds, and its records as lines."""
    sys.path.insert(0, str(HERE))
    import generate  # noqa: PLC0415 - bench/'s own, beside this script

    made = {}
    for direction, (_, _, make, key) in DIRECTIONS.items():
        page = getattr(generate, make)(records)
        made[direction] = generate.dumps(page), [generate.dumps(r) for r in page[key]]
    return made


def _directions(inputs: dict[str, tuple[bytes, list[bytes]]]) -> dict[str, Direction]:
    made = {}
    for direction, (page, lines) in inputs.items():
        source, target, _, _ = DIRECTIONS[direction]
        made[direction] = Direction(source, target, page, lines)
    return made


def measure(directions: dict[str, Direction], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Return each direction's stages, µs a record, a list of one a round (the collector off)."""
    for one in directions.values():  # warm up: caches, generated code
        for step in one.all_steps().values():
            step()
    clock = time.process_time
    times: dict[str, dict[str, list[float]]] = {d: {} for d in directions}
    enabled = gc.isenabled()
    try:
        for _ in range(rounds):
            for direction, one in directions.items():
                gc.collect()
                gc.disable()
                for name, step in one.all_steps().items():
                    start = clock()
                    step()
                    spent = (clock() - start) / one.records * 1e6
                    times[direction].setdefault(name, []).append(spent)
                if enabled:
                    gc.enable()
    finally:
        if enabled:
            gc.enable()
    for one in times.values():
        if all(name in one for name in STAGED):
            one["staged"] = [sum(r) for r in zip(*(one[n] for n in STAGED), strict=True)]
    return times


def _icount_run(directions: dict[str, Direction], repeat: int) -> list[str | None]:
    """Run the steps ``repeat`` times, a dump before each (``os.getppid``): their labels."""
    labels: list[str | None] = []
    marker = os.getppid
    for one in directions.values():  # warm up, as measure does
        for step in one.all_steps().values():
            step()
    gc.disable()
    for _ in range(repeat):
        for direction, one in directions.items():
            marker()
            labels.append(None)
            gc.collect()
            for name, step in one.all_steps().items():
                marker()
                labels.append(f"{direction}|{name}")
                step()
    marker()
    return labels


def child(spec: dict[str, Any]) -> None:
    """Measure in a child process (``--child``): the spec's inputs, its tree's package."""
    import refundmap  # noqa: PLC0415 - from PYTHONPATH: the tree measured

    inputs = {
        direction: (Path(page).read_bytes(), Path(lines).read_bytes().splitlines())
        for direction, (page, lines) in spec["inputs"].items()
    }
    directions = _directions(inputs)
    out: dict[str, Any] = {"file": refundmap.__file__}
    if spec.get("repeat"):
        out["labels"] = _icount_run(directions, spec["repeat"])
    else:
        out["times"] = measure(directions, spec["rounds"])
    print(json.dumps(out))


def _run_child(tree: Path, spec: dict[str, Any], prefix: list[str] | None = None) -> Any:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    command = [
        *(prefix or []),
        sys.executable,
        str(HERE / "stages.py"),
        "--child",
        json.dumps(spec),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode:
        raise SystemExit(f"measuring {tree} failed:\n{result.stderr}")
    out = json.loads(result.stdout.splitlines()[-1])
    if not Path(out["file"]).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"the child read refundmap from {out['file']}, not from {tree}")
    return out


def _write_inputs(folder: Path, records: int, name: str) -> dict[str, list[str]]:
    files = {}
    for number, (direction, (page, lines)) in enumerate(_inputs(records).items()):
        page_file, lines_file = folder / f"{name}-{number}.json", folder / f"{name}-{number}.jsonl"
        page_file.write_bytes(page)
        lines_file.write_bytes(b"".join(line + b"\n" for line in lines))
        files[direction] = [str(page_file), str(lines_file)]
    return files


def _icount(tree: Path, files: dict[str, list[str]], records: int, folder: Path) -> dict[str, Any]:
    """Return each direction's instructions a record a stage, by callgrind (see the module)."""
    totals = []
    for repeat in (1, 6):
        out_dir = Path(tempfile.mkdtemp(dir=folder))
        prefix = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out_dir}/cg.out",
            "--dump-before=getppid",
            "--dump-instr=no",
            "--dump-line=no",
        ]
        labels = _run_child(tree, {"inputs": files, "repeat": repeat}, prefix)["labels"]
        parts: dict[int, int] = {}
        for dump in out_dir.iterdir():
            part = total = None
            for line in dump.read_text("utf-8", "replace").splitlines():
                if line.startswith("part:"):
                    part = int(line.split()[1])
                elif line.startswith("totals:"):
                    total = int(line.split()[1])
            if part is not None and total is not None:
                parts[part] = total
        # Part 1 is the start-up; part n + 2 the n-th label's step; the last, the exit.
        if len(parts) != len(labels) + 2:
            raise SystemExit(f"callgrind gave {len(parts)} dumps, {len(labels) + 2} expected")
        summed: dict[str, dict[str, int]] = {}
        for index, label in enumerate(labels):
            if label is not None:
                direction, name = label.split("|")
                one = summed.setdefault(direction, {})
                one[name] = one.get(name, 0) + parts[index + 2]
        shutil.rmtree(out_dir)
        totals.append(summed)
    once, six = totals
    counts: dict[str, dict[str, float]] = {}
    for direction, names in six.items():
        one = counts[direction] = {
            n: (v - once[direction][n]) / (5 * records) for n, v in names.items()
        }
        if all(name in one for name in STAGED):
            one["staged"] = sum(one[name] for name in STAGED)
    return counts


def _label(tree: Path) -> str:
    """Return the short commit of ``tree``, or "this tree" where git does not say."""
    try:
        result = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # no git
        return "this tree"
    return result.stdout.strip() or "this tree"


@contextmanager
def _worktree(revision: str) -> Iterator[Path]:
    """Check ``revision`` out in a temporary git worktree, removed after."""
    folder = Path(tempfile.mkdtemp(prefix="stages-")) / "tree"
    git = ["git", "-C", str(ROOT)]
    subprocess.run(
        [*git, "worktree", "add", "--detach", "--quiet", str(folder), revision],
        check=True,
        capture_output=True,
    )
    try:
        yield folder
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(folder)], check=False)
        shutil.rmtree(folder.parent, ignore_errors=True)


def _cell(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(columns: list[tuple[str, dict[str, dict[str, float]]]], unit: str) -> list[str]:
    """Return the Markdown rows: a stage a row, each column's value a direction, ratios."""
    digits = 0 if unit == "instructions a record" else 1
    head, rule = ["stage"], ["---"]
    for direction in DIRECTIONS:
        for name, _ in columns:
            head.append(f"{direction} {name}")
        if len(columns) == 2:
            head.append(f"{direction} ratio")
    rule += ["---"] * (len(head) - 1)
    rows = [f"| {' | '.join(head)} |", f"|{'|'.join(rule)}|"]
    for key in ORDER:
        cells = [ROWS[key]]
        for direction in DIRECTIONS:
            values = [column.get(direction, {}).get(key) for _, column in columns]
            cells += [_cell(v, digits) for v in values]
            if len(values) == 2:
                before, after = values
                cells.append("-" if before is None or after is None else f"{after / before:.2f}")
        rows.append(f"| {' | '.join(cells)} |")
    return rows


def _fastest(times: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    return {d: {name: min(values) for name, values in one.items()} for d, one in times.items()}


def main(argv: list[str] | None = None) -> None:
    """Time the stages and print Markdown tables (see the module)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1000, help="refunds a list page")
    parser.add_argument("--rounds", type=int, default=7, help="rounds; the fastest is shown")
    parser.add_argument("--against", metavar="REV", help="also time this git revision")
    parser.add_argument("--icount", action="store_true", help="instructions a record (valgrind)")
    parser.add_argument(
        "--icount-records", type=int, default=100, help="refunds a page under callgrind"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(json.loads(args.child))
        return
    print(
        f"`{shlex.join(['python', 'bench/stages.py', *(sys.argv[1:] if argv is None else argv)])}`:"
        f" Python {platform.python_version()}, {platform.machine()}, {args.records:,} refunds"
        f" of 3 lines, µs a record, process time, the fastest of {args.rounds} rounds,"
        " the collector off\n"
    )
    here = _label(ROOT)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.against is None:
            sys.path.insert(0, str(ROOT))  # this tree's package, whatever is installed
            fastest = _fastest(measure(_directions(_inputs(args.records)), args.rounds))
            print("\n".join(table([(here, fastest)], "µs a record")))
            trees = [(here, ROOT)]
        else:
            with _worktree(args.against) as other:
                files = _write_inputs(folder, args.records, "page")
                spec = {"inputs": files, "rounds": 1}
                runs: dict[str, dict[str, dict[str, list[float]]]] = {args.against: {}, here: {}}
                for _ in range(args.rounds):  # alternated: the machine's drift hits both alike
                    for label, tree in ((args.against, other), (here, ROOT)):
                        for d, one in _run_child(tree, spec)["times"].items():
                            for stage, values in one.items():
                                runs[label].setdefault(d, {}).setdefault(stage, []).extend(values)
                columns = [(label, _fastest(times)) for label, times in runs.items()]
                print("\n".join(table(columns, "µs a record")))
                if args.icount:
                    _print_icount([(args.against, other), (here, ROOT)], folder, args)
            return
        if args.icount:
            _print_icount(trees, folder, args)


def _print_icount(trees: list[tuple[str, Path]], folder: Path, args: argparse.Namespace) -> None:
    if shutil.which("valgrind") is None:
        print("\n--icount: valgrind is not installed here; instructions not counted.")
        return
    files = _write_inputs(folder, args.icount_records, "icount")
    columns = [(label, _icount(tree, files, args.icount_records, folder)) for label, tree in trees]
    print(
        f"\nInstructions a record (callgrind, {args.icount_records} refunds a page,"
        " 6 rounds less 1, divided):\n"
    )
    print("\n".join(table(columns, "instructions a record")))


if __name__ == "__main__":
    main()
