"""The benchmark's peers do the same job, and bench/stages.py times every stage."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import refundmap

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
generate = pytest.importorskip("generate")
stages = pytest.importorskip("stages")


@pytest.fixture
def peers():
    return pytest.importorskip("peers")  # needs the bench extra: pydantic, msgspec


@pytest.fixture
def probes():
    return pytest.importorskip("probes")  # imports the peers


@pytest.mark.parametrize("peer", ["pydantic", "msgspec", "msgspec_checked", "floor"])
@pytest.mark.parametrize(
    ("source", "target", "make"),
    [("rutter", "railz", "rutter_list"), ("railz", "rutter", "railz_list")],
)
def test_each_peer_writes_the_same_records_as_refundmap(peers, peer, source, target, make):
    data = generate.dumps(getattr(generate, make)(20))
    run = getattr(peers, f"{peer}_{source}_to_{target}")
    theirs = json.loads(run(data))
    ours = json.loads(refundmap.convert(data, source, target).to_json())
    key = "data" if target == "railz" else "customer_refunds"
    assert len(theirs[key]) == len(ours[key]) == 20
    ids = "id" if target == "railz" else "platform_id"
    assert [r[ids] for r in theirs[key]] == [r[ids] for r in ours[key]]
    if peer != "floor":  # the floor trusts its input and checks nothing
        refundmap.validate(run(data), target)


@pytest.mark.parametrize(
    ("source", "target", "make"),
    [("rutter", "railz", "rutter_list"), ("railz", "rutter", "railz_list")],
)
def test_the_checked_msgspec_peer_refuses_a_repeated_key_as_refundmap_does(
    peers, source, target, make
):
    data = generate.dumps(getattr(generate, make)(2))
    repeated = data.replace(b'"id"', b'"id": "0", "id"', 1)
    assert repeated != data
    with pytest.raises(refundmap.ValidationError):
        refundmap.convert(repeated, source, target)
    with pytest.raises(ValueError, match="Detected duplicate key"):
        getattr(peers, f"msgspec_checked_{source}_to_{target}")(repeated)
    getattr(peers, f"msgspec_{source}_to_{target}")(repeated)  # the bare peer keeps the last


def test_refundmap_takes_no_spoiled_record_silently(probes):
    """Every probe of bench/probes.py is refused or warned of by refundmap."""
    found = {(probe, source): outcome["refundmap"] for probe, source, outcome in probes.matrix()}
    assert len(found) == 2 * len(probes.PROBES)
    assert probes.SILENT not in found.values(), found


def test_the_peer_table_in_the_docs_is_what_the_probes_find(probes):
    """docs/performance.md shows the table bench/probes.py finds, as it is now."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "performance.md").read_text("utf-8")
    assert "\n".join(probes.table()) in page


def _stages(*argv, env=None):
    """Return bench/stages.py's tables for ``argv``: each row's cells, by stage."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "stages.py"), *argv],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    tables: list[dict[str, list[str]]] = []
    for line in result.stdout.splitlines():
        if line.startswith("| stage |"):
            tables.append({})
        elif line.startswith("| ") and tables:
            label, *cells = (cell.strip() for cell in line.strip("|").split("|"))
            tables[-1][label] = cells
    assert result.stdout.startswith(f"`python bench/stages.py {' '.join(argv)}`: Python 3.")
    return tables, result.stdout


def _positive(cell):
    return float(cell.replace(",", "")) > 0


def test_stages_gives_every_stage_of_both_directions_positive():
    (table,), _ = _stages("--records", "4", "--rounds", "1")
    assert list(table) == [stages.ROWS[key] for key in stages.ORDER]
    for label, cells in table.items():
        assert len(cells) == 2, label  # a column a direction
        assert all(_positive(cell) for cell in cells), (label, cells)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_stages_against_a_revision_gives_both_columns_and_their_ratio():
    (table,), _ = _stages("--records", "4", "--rounds", "1", "--against", "HEAD")
    assert list(table) == [stages.ROWS[key] for key in stages.ORDER]
    for label, cells in table.items():
        assert len(cells) == 6, label  # HEAD, this tree, the ratio: a direction
        assert all(_positive(cell) for cell in cells), (label, cells)


def _has(revision):
    if shutil.which("git") is None:
        return False
    found = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{revision}^{{commit}}"],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


@pytest.mark.skipif(not _has("ed4de7b"), reason="the revision is not in this clone")
def test_stages_against_a_revision_before_the_fast_path_gives_its_whole_and_dashes():
    """ed4de7b has no fast path (no refundmap.mapping.fused) and no Converter."""
    (table,), _ = _stages("--records", "2", "--rounds", "1", "--against", "ed4de7b")
    for key in stages.ORDER:
        cells = table[stages.ROWS[key]]
        if key == "whole":
            assert all(_positive(cell) for cell in cells), cells
        else:  # the revision's and the ratio: "-", this tree's measured
            assert cells[0::3] == cells[2::3] == ["-", "-"], (key, cells)
            assert all(_positive(cell) for cell in cells[1::3]), (key, cells)


def test_stages_says_so_without_valgrind(tmp_path):
    """--icount where valgrind is not on PATH: a message, and the times as ever."""
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    tables, out = _stages("--records", "2", "--rounds", "1", "--icount", env=env)
    assert len(tables) == 1
    assert "--icount: valgrind is not installed here; instructions not counted." in out


def test_a_stage_a_revision_lacks_is_a_dash():
    older = {"rutter -> railz": {"whole": 2.0}}
    rows = stages.table([("old", older), ("new", {"rutter -> railz": {"whole": 1.0}})], "µs")
    whole = next(row for row in rows if row.startswith(f"| {stages.ROWS['whole']} |"))
    bare = next(row for row in rows if row.startswith(f"| {stages.ROWS['bare']} |"))
    assert whole.split(" | ")[1:4] == ["2.0", "1.0", "0.50"]
    assert bare.split(" | ")[1:4] == ["-", "-", "-"]


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_stages_counts_instructions_with_callgrind():
    (_, counts), _ = _stages("--records", "2", "--rounds", "1", "--icount", "--icount-records", "2")
    assert list(counts) == [stages.ROWS[key] for key in stages.ORDER]
    for label, cells in counts.items():
        assert all(_positive(cell) for cell in cells), (label, cells)
