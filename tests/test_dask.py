"""refundmap.dask on a local cluster of worker processes: what one process gives (issue 14)."""

import json
import os
from collections import Counter
from pathlib import Path

import dask.bag as db
import pytest
from distributed import Client, LocalCluster

from refundmap import Reference, convert_each
from refundmap.dask import Totals, convert_bag, summarize, write_outputs, write_rejects

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SYNCED_AT = "2024-06-30T12:00:00Z"


def documents():
    """Pages, records as text and bytes, a broken record and text that is not JSON."""
    page = json.loads((FIXTURES / "rutter/seed-list.json").read_text())
    seed = page["customer_refunds"][0]
    records = [dict(seed, id=f"r{n}") for n in range(30)]
    docs = [json.dumps(record) for record in records[:10]]  # JSON Lines, read as text
    docs.append({**page, "customer_refunds": records[10:25]})  # a list page
    docs.append(json.dumps(dict(records[25], total_amount="lots")).encode())  # invalid
    docs.append("{not json")
    docs += [dict(record) for record in records[26:]]
    return docs


def key(result):
    error = None if result.error is None else (type(result.error), result.error.problems)
    return result.index, result.path, result.output, result.report, error


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            local_directory=str(folder),
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_a_bag_converts_on_worker_processes_as_convert_each_does_in_one(client, tmp_path):
    docs = documents()
    expected = []
    for doc in docs:
        try:
            expected += convert_each(doc, "rutter", "railz", synced_at=SYNCED_AT)
        except Exception as exc:  # noqa: BLE001 - not JSON: one failed result
            expected.append(type("R", (), {"index": 0, "path": "$", "output": None,
                                           "report": (), "error": exc})())  # fmt: skip
    results = convert_bag(
        db.from_sequence(docs, npartitions=4), "rutter", "railz", synced_at=SYNCED_AT
    ).persist()
    got = results.compute()
    assert [key(r) for r in got] == [key(r) for r in expected]
    workers = set(client.run(os.getpid).values())
    assert os.getpid() not in workers
    assert len(workers) == 2
    ran_on = set(results.map_partitions(lambda _: [os.getpid()]).compute())
    assert ran_on <= workers

    outputs = write_outputs(results, tmp_path / "out")
    assert [p.name for p in outputs] == [f"part-0000{n}.jsonl" for n in range(4)]
    written = "".join(p.read_text() for p in outputs).splitlines()
    assert written == [r.to_json() for r in expected if r.error is None]
    rejects = "".join(p.read_text() for p in write_rejects(results, tmp_path / "rej"))
    rows = [json.loads(line) for line in rejects.splitlines()]
    assert [(row["path"], row["error"]) for row in rows] == [("$", "validation")] * 2
    assert rows[0]["problems"][0]["path"] == "$.total_amount"

    totals = summarize(results).compute()
    assert totals == Totals.of(expected)
    assert (totals.records, totals.rejected) == (29, 2)  # 30 records, one invalid; one not JSON
    assert totals.kinds["synthesized"] > 0


@pytest.mark.usefixtures("client")
def test_bad_options_are_refused_before_any_task():
    with pytest.raises(ValueError, match="connection"):
        convert_bag(db.from_sequence([{}]), "rutter", "railz-v2-push", connection_uuid=" ")


class Counting:
    """A lookup of the caller's: counts its questions here, and the times it is pickled."""

    pickled = 0

    def __init__(self):
        self.asked = Counter()

    def __reduce__(self):
        Counting.pickled += 1
        return Counting, ()

    def to_platform(self, kind, rutter_id):
        self.asked[kind, rutter_id] += 1
        return None if rutter_id.endswith("0") else Reference(kind, rutter_id, f"p-{rutter_id}")

    def to_rutter(self, kind, platform_id):
        raise AssertionError((kind, platform_id))


def refunds(count, ids=6):
    seed = json.loads((FIXTURES / "rutter/seed-list.json").read_text())["customer_refunds"][0]
    return [
        json.dumps(dict(seed, id=f"r{n}", account_id=f"account-{n % ids}")) for n in range(count)
    ]


def test_a_partition_asks_a_lookup_once_per_distinct_id():
    docs = refunds(120)
    lookup = Counting()
    options = {"synced_at": SYNCED_AT, "directory": lookup}
    one = convert_bag(db.from_sequence(docs, npartitions=1), "rutter", "railz", **options)
    results = one.compute(scheduler="sync")
    accounts = {key: n for key, n in lookup.asked.items() if key[1].startswith("account-")}
    assert accounts == {("account", f"account-{n}"): 1 for n in range(6)}
    assert set(lookup.asked.values()) == {1}
    assert [r.output["accountRef"]["id"] for r in results[:2]] == ["account-0", "p-account-1"]
    lookup.asked.clear()
    three = convert_bag(db.from_sequence(docs, npartitions=3), "rutter", "railz", **options)
    assert [r.output for r in three.compute(scheduler="sync")] == [r.output for r in results]
    assert set(lookup.asked.values()) == {3}  # once in each partition


def test_the_directory_goes_to_the_workers_once_not_with_every_task(client):
    Counting.pickled = 0
    docs = refunds(60)
    bag = convert_bag(
        db.from_sequence(docs, npartitions=12),
        "rutter",
        "railz",
        synced_at=SYNCED_AT,
        directory=Counting(),
    )
    results = client.compute(bag).result()
    assert len(results) == 60
    assert results[1].output["accountRef"]["id"] == "p-account-1"  # asked on a worker
    assert Counting.pickled < 4  # was 15 for 12 tasks: each carried its own copy
