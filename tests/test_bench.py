"""The benchmark's peers do the same job: their output is a valid document of the target."""

import json
import sys
from pathlib import Path

import pytest

import refundmap

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
generate = pytest.importorskip("generate")
peers = pytest.importorskip("peers")  # needs the bench extra: pydantic, msgspec


@pytest.mark.parametrize("peer", ["pydantic", "msgspec", "floor"])
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
