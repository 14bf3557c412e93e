"""refundmap.dask on a local cluster of worker processes: what one process gives (issue 14)."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dask.bag as db
import pytest
from distributed import Client, LocalCluster

from refundmap import Reference, convert_each
from refundmap.dask import Totals, convert_bag, summarize, write_outputs, write_rejects
from refundmap.jsonio import normalize

from helpers import FIXTURES, ROOT

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


@pytest.mark.usefixtures("client")
def test_an_empty_array_among_documents_is_a_failed_result_not_an_error():
    # Issue 23 item 8: [page, []] raised IndexError on the worker.
    page = json.loads((FIXTURES / "rutter/seed-list.json").read_text())
    docs = [[page, []], json.dumps([[], page]), []]
    got = convert_bag(db.from_sequence(docs, npartitions=2), "rutter", "railz").compute()
    expected = [r for doc in docs for r in convert_each(doc, "rutter", "railz")]
    assert [key(r)[:2] for r in got] == [key(r)[:2] for r in expected]
    assert [(r.path, r.ok) for r in got] == [
        ("$[0].customer_refunds[0]", True),
        ("$[1]", False),
        ("$[0]", False),
        ("$[1].customer_refunds[0]", True),
    ]
    assert got[1].input == []
    assert got[1].error.problems[0].message == "expected an object, got an array"


def _never(*_args):
    raise AssertionError("a document was read")


@pytest.mark.usefixtures("client")
@pytest.mark.parametrize(
    ("target", "given"),
    [("railz-v2-push", {}), ("railz-push", {"business_name": "B"}), ("railz-push", {})],
)
def test_a_missing_push_parameter_is_refused_on_the_client(target, given):
    # Issue 23 item 16: it failed on a worker, once the bag was computed.
    from dask.delayed import delayed

    from refundmap import UsageError

    bag = db.from_delayed([delayed(_never)()])
    with pytest.raises(UsageError, match="body needs the"):
        convert_bag(bag, "rutter", target, **given)


@pytest.mark.usefixtures("client")
def test_rejects_say_the_file_and_line_of_each_record_as_the_command_line_does(tmp_path):
    # Issue 23 item 17: every reject was {"index": 0, "path": "$", ...}, with no file or line.
    from refundmap.dask import Line, LocatedResult, read_jsonl

    seed = json.loads((FIXTURES / "rutter/seed-list.json").read_text())["customer_refunds"][0]
    lines = [json.dumps(dict(seed, id=f"r{n}")) for n in range(60)]
    for n in (3, 17, 41, 59):
        lines[n] = json.dumps(dict(seed, id=f"r{n}", total_amount="lots"))
    lines[25] = "{not json"
    lines[30] = "   "  # blank: left out, and counted
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text("\n".join(lines) + ("\n" if name == "a.jsonl" else ""))
    bag = read_jsonl(str(tmp_path / "*.jsonl"), blocksize=2000)  # many blocks a file
    assert bag.npartitions > 10
    read = bag.compute()
    assert all(type(line) is Line for line in read)
    assert [(Path(r.file).name, r.line) for r in read] == [
        (name, n + 1) for name in ("a.jsonl", "b.jsonl") for n in range(60) if n != 30
    ]
    assert [r.text.decode() for r in read[:3]] == lines[:3]
    results = convert_bag(bag, "rutter", "railz", synced_at=SYNCED_AT).persist()
    assert all(type(r) is LocatedResult for r in results.compute())
    rows = [
        json.loads(line)
        for part in write_rejects(results, tmp_path / "rej")
        for line in part.read_text().splitlines()
    ]
    # What refundmap convert --rejects writes for the same files, key for key.
    for name in ("a.jsonl", "b.jsonl"):
        done = subprocess.run(
            [sys.executable, "-m", "refundmap", "convert", "-q", "-f", "rutter", "-t", "railz",
             name, "-o", f"{name}.out", "--rejects", f"{name}.rej"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 3, done.stderr
    cli = [
        json.loads(line)
        for name in ("a.jsonl", "b.jsonl")
        for line in (tmp_path / f"{name}.rej").read_text().splitlines()
    ]
    assert [list(row) for row in rows] == [list(row) for row in cli]
    assert [(Path(r["file"]).name, r["line"], r["path"], r["error"]) for r in rows] == [
        (Path(r["file"]).name, r["line"], r["path"], r["error"]) for r in cli
    ]
    assert [r["problems"] for r in rows] == [r["problems"] for r in cli]
    assert [r["line"] for r in rows[:5]] == [4, 18, 26, 42, 60]
    assert rows[2]["input"] == "{not json"
    assert rows[0]["input"] == json.loads(lines[3])  # the record, decoded
    assert rows[0]["file"] == str(tmp_path / "a.jsonl")


@pytest.mark.usefixtures("client")
def test_a_document_given_in_the_bag_has_no_file_and_keeps_its_input():
    page = json.loads((FIXTURES / "rutter/seed-list.json").read_text())
    bad = dict(page["customer_refunds"][0], total_amount="lots")
    docs = [{**page, "customer_refunds": [page["customer_refunds"][0], bad]}]
    got = convert_bag(db.from_sequence(docs), "rutter", "railz").compute()
    assert [(r.file, r.line, r.path, r.input) for r in got] == [
        (None, None, "$.customer_refunds[0]", None),
        (None, None, "$.customer_refunds[1]", normalize(bad)),  # exact decimals
    ]


def _fail_on(marker):
    def check(result):
        if result.path == marker:
            raise RuntimeError("the disk is full")
        return result

    return check


@pytest.mark.usefixtures("client")
def test_a_folder_holds_exactly_the_last_runs_parts(tmp_path):
    # Issue 23 item 18: a run of 2 partitions after one of 4 left parts 2 and 3 in place.
    docs = documents()
    out = tmp_path / "out"
    out.mkdir()
    others = {"notes.txt": "mine", "part-1.jsonl": "not our name", "part-00001.json": "nor"}
    for name, text in others.items():
        (out / name).write_text(text)
    first = convert_bag(db.from_sequence(docs, npartitions=4), "rutter", "railz").persist()
    assert len(write_outputs(first, out)) == 4
    second = convert_bag(
        db.from_sequence(docs[:5], npartitions=2), "rutter", "railz", synced_at=SYNCED_AT
    ).persist()
    written = write_outputs(second, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["part-00000.jsonl", "part-00001.jsonl", *others]
    )
    assert written == [out / "part-00000.jsonl", out / "part-00001.jsonl"]
    lines = "".join(p.read_text() for p in written).splitlines()
    assert lines == [r.to_json() for r in second.compute()]
    assert all((out / name).read_text() == text for name, text in others.items())
    # A run that fails leaves the last run's parts as they were, and nothing of its own.
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    failing = first.map(_fail_on("$.customer_refunds[3]"))
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_outputs(failing, out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {name: data for name, data in after.items() if not name.startswith(".")} == before
    # A late task's hidden part, if any, goes with the next run.
    (out / ".part-00007.jsonl.0123456789ab").write_text("left by a failed run")
    write_outputs(second, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["part-00000.jsonl", "part-00001.jsonl", *others]
    )


def test_a_bag_takes_the_platform_as_convert_each_does():
    fixtures = ROOT / "fixtures"
    document = json.loads((fixtures / "railz-v2/quickbooks-refund.json").read_text())
    bag = db.from_sequence([document], npartitions=1)
    (result,) = convert_bag(bag, "railz-v2", "rutter-create", platform="quickbooks").compute(
        scheduler="sync"
    )
    assert "document_number" not in result.output["customer_refund"]
    assert any(
        e.source_path == "$.memo" and "QuickBooks Online" in e.message for e in result.report
    )


def test_fail_on_makes_a_record_a_failed_result_as_convert_each_does():
    """convert_bag takes convert_each's fail_on: a record with a warning is a failed result."""
    docs = [doc for doc in documents() if doc != "{not json"]  # a failed result either way
    got = convert_bag(
        db.from_sequence(docs, npartitions=3), "rutter", "railz", synced_at=SYNCED_AT,
        fail_on="untranslated",
    ).compute(scheduler="sync")  # fmt: skip
    expected = [
        r
        for doc in docs
        for r in convert_each(doc, "rutter", "railz", synced_at=SYNCED_AT, fail_on="untranslated")
    ]
    assert [key(r) for r in got] == [key(r) for r in expected]
    assert not any(r.ok for r in got)  # every record copies an id untranslated
