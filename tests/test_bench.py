"""The benchmark's peers do the same job: their output is a valid document of the target."""

import json
import sys
from pathlib import Path

import pytest

import refundmap

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
generate = pytest.importorskip("generate")
peers = pytest.importorskip("peers")  # needs the bench extra: pydantic, msgspec


@pytest.mark.parametrize("peer", ["pydantic", "msgspec", "msgspec_checked", "floor"])
@pytest.mark.parametrize(
    ("source", "target", "make"),
    [("rutter", "railz", "rutter_list"), ("railz", "rutter", "railz_list")],
)
def test_each_peer_writes_the_same_records_as_refundmap(peer, source, target, make):
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
def test_the_checked_msgspec_peer_refuses_a_repeated_key_as_refundmap_does(source, target, make):
    data = generate.dumps(getattr(generate, make)(2))
    repeated = data.replace(b'"id"', b'"id": "0", "id"', 1)
    assert repeated != data
    with pytest.raises(refundmap.ValidationError):
        refundmap.convert(repeated, source, target)
    with pytest.raises(ValueError, match="Detected duplicate key"):
        getattr(peers, f"msgspec_checked_{source}_to_{target}")(repeated)
    getattr(peers, f"msgspec_{source}_to_{target}")(repeated)  # the bare peer keeps the last


probes = pytest.importorskip("probes")


def test_refundmap_takes_no_spoiled_record_silently():
    """Every probe of bench/probes.py is refused or warned of by refundmap."""
    found = {(probe, source): outcome["refundmap"] for probe, source, outcome in probes.matrix()}
    assert len(found) == 2 * len(probes.PROBES)
    assert probes.SILENT not in found.values(), found


def test_the_peer_table_in_the_docs_is_what_the_probes_find():
    """docs/performance.md shows the table bench/probes.py finds, as it is now."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "performance.md").read_text("utf-8")
    assert "\n".join(probes.table()) in page
