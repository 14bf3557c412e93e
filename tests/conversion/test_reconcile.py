"""Reconciling two datasets: matching, comparing through the mapping, the result, scale."""

import copy
import json
import shlex
import tempfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import refundmap
from refundmap import reconcile
from refundmap.reconcile import normalise_id

import strategies as strat
from helpers import FIXTURES, ROOT

RAILZ = json.loads((FIXTURES / "railz" / "quickbooks-list.json").read_text(), parse_float=Decimal)
REFS = FIXTURES / "references" / "quickbooks.csv"
DIRECTORY = refundmap.Directory.from_files(REFS)


def railz() -> dict:
    """The Railz side: two QuickBooks refunds, 1047 and 1052."""
    return copy.deepcopy(RAILZ)


def rutter(document=None) -> dict:
    """The Rutter side: the same refunds, as refundmap converts them with the directory."""
    output = refundmap.convert(document or railz(), "railz", "rutter", directory=DIRECTORY).output
    assert isinstance(output, dict)
    return output


def test_equal_sides_match_fully():
    result = reconcile(rutter(), "rutter", railz(), "railz", directory=DIRECTORY)
    assert result.ok
    assert result.counts == {
        "matched": 2,
        "different": 0,
        "candidate": 0,
        "only_left": 0,
        "only_right": 0,
        "ambiguous": 0,
        "rejected": 0,
    }
    assert result.records == {"left": 2, "right": 2}
    assert result.compared_as == "rutter"
    assert [o.left[0].id for o in result.of("matched")] == ["1047", "1052"]
    assert result.untranslated == 0


@pytest.mark.parametrize("direction", ["rutter-railz", "railz-rutter"])
def test_a_changed_amount_is_a_difference_with_both_paths_and_both_values(direction):
    changed = railz()
    changed["data"][0]["totalAmount"] = Decimal("116.11")
    sides = [(rutter(), "rutter"), (changed, "railz")]
    if direction == "railz-rutter":
        sides.reverse()
    (left, lf), (right, rf) = sides
    result = reconcile(left, lf, right, rf, directory=DIRECTORY)
    assert not result.ok
    assert result.counts["different"] == 1
    assert result.counts["matched"] == 1
    (outcome,) = result.of("different")
    (difference,) = outcome.differences
    rutter_path, railz_path = "$.customer_refunds[0].total_amount", "$.data[0].totalAmount"
    paths = (rutter_path, railz_path) if lf == "rutter" else (railz_path, rutter_path)
    assert (difference.field, difference.left_path, difference.right_path) == (
        "total_amount",
        *paths,
    )
    values = {difference.left, difference.right}
    assert values == {Decimal("116.1"), Decimal("116.11")}
    assert difference.message == "a different amount"


def test_an_amount_written_with_more_zeros_is_the_same_amount():
    same = railz()
    same["data"][0]["totalAmount"] = Decimal("116.100")
    assert reconcile(rutter(), "rutter", same, "railz", directory=DIRECTORY).ok


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2024-03-15T00:00:00.000Z", "a different calendar day"),
        ("2024-03-14T09:00:00.000Z", "the same day, a different instant"),
        ("2024-03-14T02:00:00.000+02:00", None),  # the same instant, and its own day
        ("2024-03-14", None),  # the same calendar day, no time said
    ],
)
def test_a_moved_date_is_compared_by_calendar_day_and_instant(date, message):
    moved = railz()
    base = rutter()
    base["customer_refunds"][0]["transaction_date"] = "2024-03-14T00:00:00.000Z"
    moved["data"][0]["date"] = date
    result = reconcile(base, "rutter", moved, "railz", directory=DIRECTORY)
    if message is None:
        assert result.ok, result.summary()
        return
    (outcome,) = result.of("different")
    (difference,) = outcome.differences
    assert difference.field == "transaction_date"
    assert difference.right_path == "$.data[0].date"
    assert difference.message == message


def test_a_record_missing_on_each_side():
    left = rutter()
    del left["customer_refunds"][1]  # 1052 only on the right
    right = railz()
    del right["data"][0]  # 1047 only on the left
    right["pagination"]["count"] = right["count"] = 1
    result = reconcile(left, "rutter", right, "railz", directory=DIRECTORY)
    assert result.counts["only_left"] == result.counts["only_right"] == 1
    assert result.counts["matched"] == 0
    assert result.counts["candidate"] == 0  # both have ids: not paired by their amounts
    (only_left,) = result.of("only_left")
    assert only_left.left[0].id == "1047"
    assert only_left.left[0].path == "$.customer_refunds[0]"
    (only_right,) = result.of("only_right")
    assert (only_right.right[0].id, only_right.right[0].path) == ("1052", "$.data[0]")


def test_an_id_the_directory_lacks_is_reported_untranslated_not_as_a_difference():
    lacking = refundmap.Directory(
        r for r in DIRECTORY if not (r.kind == "customer" and r.platform_id == "58")
    )
    result = reconcile(rutter(), "rutter", railz(), "railz", directory=lacking)
    assert result.counts["matched"] == 2  # not a difference
    assert result.untranslated == 1
    (outcome,) = [o for o in result.outcomes if o.untranslated]
    (reference,) = outcome.untranslated
    assert reference.field == "customer_id"
    assert reference.right == "58"
    assert reference.right_path == "$.data[0].customerRef.id"
    assert '"58" has no counterpart in the directory' in reference.message
    assert "not in the directory: 1" in result.summary()


def test_without_a_directory_every_reference_is_untranslated_and_the_amounts_still_compared():
    changed = railz()
    changed["data"][1]["lines"][0]["subTotal"] = Decimal("20.01")
    changed["data"][1]["lines"][0]["totalAmount"] = Decimal("20.01")
    result = reconcile(rutter(), "rutter", changed, "railz")
    assert result.untranslated > 0
    (outcome,) = result.of("different")
    assert [d.field for d in outcome.differences] == ["line_items[0].total_amount"]
    assert outcome.differences[0].right_path == "$.data[1].lines[0].totalAmount"


def test_two_records_claiming_the_same_match_are_ambiguous():
    doubled = railz()
    doubled["data"].append(copy.deepcopy(doubled["data"][0]))
    result = reconcile(rutter(), "rutter", doubled, "railz", directory=DIRECTORY)
    assert result.counts["ambiguous"] == 1
    assert result.counts["matched"] == 1
    (outcome,) = result.of("ambiguous")
    assert [r.path for r in outcome.left] == ["$.customer_refunds[0]"]
    assert [r.path for r in outcome.right] == ["$.data[0]", "$.data[2]"]
    assert "3 records have the platform id '1047'" in outcome.notes[0]


def create_bodies() -> list:
    """The two refunds as Rutter create request bodies: no id at all."""
    output = refundmap.convert(railz(), "railz", "rutter-create", directory=DIRECTORY).output
    assert isinstance(output, list)
    return output


def test_a_record_without_an_id_is_a_candidate_by_customer_day_and_total_never_matched():
    result = reconcile(create_bodies()[0], "rutter-create", railz(), "railz", directory=DIRECTORY)
    assert result.compared_as == "rutter-create"
    assert result.counts["candidate"] == 1
    assert result.counts["matched"] == 0
    assert result.counts["only_right"] == 1
    assert not result.ok
    (outcome,) = result.of("candidate")
    assert (outcome.left[0].id, outcome.right[0].id) == (None, "1047")
    assert outcome.differences == ()


def test_two_candidates_for_one_record_are_ambiguous():
    first = create_bodies()[0]
    result = reconcile([first, first], "rutter-create", railz(), "railz", directory=DIRECTORY)
    assert result.counts["ambiguous"] == 1
    assert result.counts["candidate"] == 0
    (outcome,) = result.of("ambiguous")
    assert (len(outcome.left), len(outcome.right)) == (2, 1)
    assert "share the customer, day and total" in outcome.notes[0]


def test_reordered_lines_match_by_content():
    reordered = railz()
    reordered["data"][0]["lines"].reverse()
    result = reconcile(rutter(), "rutter", reordered, "railz", directory=DIRECTORY)
    assert result.ok, result.summary()
    (outcome,) = [o for o in result.outcomes if o.notes]
    assert "left line 0 is right line 1, equal by content" in outcome.notes


def test_a_line_on_one_side_only():
    fewer = railz()
    fewer["data"][0]["lines"].pop()
    fewer["data"][0]["subTotal"] = Decimal("67.5")
    result = reconcile(rutter(), "rutter", fewer, "railz", directory=DIRECTORY)
    (outcome,) = result.of("different")
    assert [(d.field, d.message) for d in outcome.differences] == [
        ("line_items[1]", "a line only on the left")
    ]
    assert outcome.differences[0].left_path == "$.customer_refunds[0].line_items[1]"


@pytest.mark.parametrize(
    ("written", "note"),
    [("e63799bf-1047", "id 'e63799bf-1047' matched as '1047' (its prefix left out)"), (1047, None)],
)
def test_declared_id_normalisations(written, note):
    prefixed = railz()
    prefixed["data"][0]["id"] = written
    result = reconcile(rutter(), "rutter", prefixed, "railz", directory=DIRECTORY)
    assert result.counts["matched"] == 2, result.summary()
    if note:
        (outcome,) = [o for o in result.outcomes if o.notes]
        assert note in outcome.notes


def test_normalise_id():
    assert normalise_id("e63799bf-184") == (
        "184",
        "id 'e63799bf-184' matched as '184' (its prefix left out)",
    )
    assert normalise_id(184) == ("184", "an integer id matched as text")
    assert normalise_id("184") == ("184", None)
    assert normalise_id("e63799bf-18a")[0] == "e63799bf-18a"  # not a number after the prefix


def test_an_invalid_record_is_rejected_and_the_others_compared():
    bad = railz()
    bad["data"][0]["totalAmount"] = "lots"
    result = reconcile(rutter(), "rutter", bad, "railz", directory=DIRECTORY)
    assert result.counts["rejected"] == 1
    assert result.counts["matched"] == 1  # 1052
    assert result.counts["only_left"] == 1  # 1047, whose counterpart was rejected
    (outcome,) = result.of("rejected")
    assert outcome.right[0].path == "$.data[0]"
    assert [p.path for p in outcome.problems] == ["$.data[0].totalAmount"]
    assert result.records == {"left": 2, "right": 2}


@pytest.mark.parametrize(
    ("left_format", "right_format", "fixture"),
    [
        ("railz", "railz-v2", "railz/xero-list.json"),
        ("railz-v2", "railz", "railz/xero-list.json"),
        ("rutter", "rutter", "rutter/seed-list.json"),
        ("rutter", "railz-v2", "rutter/seed-list.json"),
        ("railz-v2", "rutter", "rutter/seed-list.json"),
    ],
)
def test_same_vendor_and_both_directions(left_format, right_format, fixture):
    source = "railz" if fixture.startswith("railz") else "rutter"
    document = json.loads((FIXTURES / fixture).read_text(), parse_float=Decimal)
    sides = {
        fmt: refundmap.convert(document, source, fmt, directory=DIRECTORY).output
        for fmt in {left_format, right_format}
    }
    result = reconcile(sides[left_format], left_format, sides[right_format], right_format)
    assert result.ok, result.summary()
    assert result.counts["matched"] == 1


def test_same_vendor_difference_paths_are_each_formats_own():
    v2 = refundmap.convert(railz(), "railz", "railz-v2").output
    changed = railz()
    changed["data"][1]["memo"] = "Changed"
    result = reconcile(v2, "railz-v2", changed, "railz")
    (outcome,) = result.of("different")
    (difference,) = outcome.differences
    assert (difference.field, difference.left_path, difference.right_path) == (
        "memo",
        "$.data[1].memo",
        "$.data[1].memo",
    )


def test_files_folders_json_lines_and_big_pages(tmp_path):
    big = railz()
    template = big["data"][1]
    big["data"] = [{**copy.deepcopy(template), "id": str(n)} for n in range(1200)]
    big["data"][1100]["memo"] = "changed"
    big["count"] = big["pagination"]["count"] = 1200
    (tmp_path / "railz").mkdir()
    (tmp_path / "railz" / "page.json").write_text(refundmap.jsonio.dumps(big))
    converted = rutter(
        railz() | {"data": [{**copy.deepcopy(template), "id": str(n)} for n in range(1200)]}
    )
    lines = [
        refundmap.jsonio.dumps({**converted, "customer_refunds": [record]})
        for record in converted["customer_refunds"]
    ]
    (tmp_path / "rutter.jsonl").write_text("\n".join(lines) + "\n")
    result = reconcile(
        tmp_path / "rutter.jsonl", "rutter", tmp_path / "railz", "railz", directory=DIRECTORY
    )
    assert result.counts["matched"] == 1199, result.summary()
    (outcome,) = result.of("different")
    assert outcome.left[0].source == f"{tmp_path / 'rutter.jsonl'}:1101"
    assert outcome.right[0].source == str(tmp_path / "railz" / "page.json")
    assert outcome.differences[0].right_path == "$.data[1100].memo"


def test_a_file_that_is_not_json_is_rejected_and_the_others_compared(tmp_path):
    (tmp_path / "bad.json").write_text('{"data": [')
    (tmp_path / "good.json").write_text(refundmap.jsonio.dumps(railz()))
    result = reconcile(rutter(), "rutter", tmp_path, "railz", directory=DIRECTORY)
    assert result.counts["matched"] == 2
    (outcome,) = result.of("rejected")
    assert outcome.right[0].source == str(tmp_path / "bad.json")


def test_json_text_and_a_bad_json_lines_line(tmp_path):
    lines = [refundmap.jsonio.dumps(record) for record in rutter()["customer_refunds"]]
    (tmp_path / "rutter.jsonl").write_text(f"{lines[0]}\n{{not json\n\n{lines[1]}\n")
    text = refundmap.jsonio.dumps(railz())
    result = reconcile(tmp_path / "rutter.jsonl", "rutter", text, "railz", directory=DIRECTORY)
    assert result.counts["matched"] == 2
    (outcome,) = result.of("rejected")
    assert outcome.left[0].source == f"{tmp_path / 'rutter.jsonl'}:2"
    assert [o.left[0].source[-2:] for o in result.of("matched")] == [":1", ":4"]
    assert [o.right[0].id for o in result.of("matched")] == ["1047", "1052"]


def test_a_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(refundmap.UsageError, match="no such file"):
        reconcile(tmp_path / "nowhere.json", "railz", railz(), "railz")


@pytest.mark.parametrize("spill_after", [-1, "10", True])
def test_spill_after_is_a_whole_number(spill_after):
    with pytest.raises(refundmap.ParameterTypeError, match="spill_after must be a whole number"):
        reconcile(railz(), "railz", railz(), "railz", spill_after=spill_after)


def test_an_iterator_is_refused_as_a_side():
    with pytest.raises(refundmap.ParameterTypeError, match="not an iterator"):
        reconcile(iter([railz()]), "railz", railz(), "railz")


def test_formats_that_do_not_convert_are_a_usage_error():
    with pytest.raises(refundmap.UsageError, match="cannot compare"):
        reconcile(railz(), "railz-push", railz(), "rutter-create")


def test_the_index_spilled_to_a_file_gives_the_same_result(monkeypatch):
    made = []
    real = tempfile.TemporaryDirectory

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    changed = railz()
    changed["data"][0]["totalAmount"] = Decimal(1)
    in_memory = reconcile(rutter(), "rutter", changed, "railz", directory=DIRECTORY)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", counting)
    spilled = reconcile(rutter(), "rutter", changed, "railz", directory=DIRECTORY, spill_after=0)
    assert made
    assert spilled == in_memory


def test_matched_pairs_are_counted_not_kept_when_asked():
    result = reconcile(
        rutter(), "rutter", railz(), "railz", directory=DIRECTORY, keep_matched=False
    )
    assert result.counts["matched"] == 2
    assert result.outcomes == ()


def test_the_report_as_json_and_json_lines(tmp_path):
    changed = railz()
    changed["data"][0]["totalAmount"] = Decimal("1.10")
    result = reconcile(rutter(), "rutter", changed, "railz", directory=DIRECTORY)
    with (tmp_path / "r.json").open("w") as out:
        result.write(out)
    whole = json.loads((tmp_path / "r.json").read_text())
    assert whole["counts"]["different"] == 1
    assert whole["ok"] is False
    assert whole["outcomes"][0]["differences"][0]["right"] == 1.10
    with (tmp_path / "r.jsonl").open("w") as out:
        result.write(out, jsonl=True)
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert lines[0]["kind"] == "summary"
    assert [line["kind"] for line in lines[1:]] == ["different", "matched"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=strat.railz_documents(with_account=True, max_lines=3),
    into=st.sampled_from(["rutter", "railz-v2"]),
)
def test_a_side_reconciled_with_its_own_conversion_matches_fully(document, into):
    results = list(refundmap.convert_each(document, "railz", into))
    assume(all(r.ok for r in results))
    ids = [str(normalise_id(r.output.get("platform_id", r.output.get("id")))[0]) for r in results]  # type: ignore[union-attr]
    assume(len(set(ids)) == len(ids))
    converted = [r.output for r in results]
    result = reconcile(document, "railz", converted, into)
    assert result.ok, result.summary()
    assert result.counts["matched"] == len(results)


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def command(run):
    """``refundmap reconcile``, in-process."""
    return lambda *args, cwd=None: run("reconcile", *args, cwd=cwd)


def test_cli_exit_0_when_everything_matches_and_the_summary(command, tmp_path):
    (tmp_path / "rutter.json").write_text(refundmap.jsonio.dumps(rutter()))
    done = command(
        "-f",
        "rutter",
        str(tmp_path / "rutter.json"),
        "-t",
        "railz",
        str(FIXTURES / "railz" / "quickbooks-list.json"),
        "--refs",
        str(REFS),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith("compared as rutter: all matched")
    assert "  matched             2" in done.stdout


def test_cli_exit_1_when_anything_differs_and_the_report(command, tmp_path):
    changed = railz()
    changed["data"][0]["totalAmount"] = Decimal("116.11")
    (tmp_path / "rutter.json").write_text(refundmap.jsonio.dumps(rutter()))
    (tmp_path / "railz.json").write_text(refundmap.jsonio.dumps(changed))
    report = tmp_path / "report.jsonl"
    done = command(
        "-f",
        "rutter",
        str(tmp_path / "rutter.json"),
        "-t",
        "railz",
        str(tmp_path / "railz.json"),
        "--refs",
        str(REFS),
        "-o",
        str(report),
    )
    assert done.returncode == 1, done.stderr
    assert "total_amount: 116.1 <> 116.11 (a different amount;" in done.stdout
    kinds = [json.loads(line)["kind"] for line in report.read_text().splitlines()]
    assert kinds == ["summary", "different"]


def test_cli_usage_errors_exit_2(command, tmp_path):
    done = command("-f", "railz", str(tmp_path / "missing.json"), "-t", "railz", str(tmp_path))
    assert done.returncode == 2
    assert "missing.json: no such file or folder" in done.stderr
    done = command("-f", "railz", "-t", "railz", str(tmp_path))
    assert done.returncode == 2
    assert "--from: give the format, then at least one file or folder" in done.stderr


def readme_reconciliations() -> list[tuple[list[str], str]]:
    """Each ``$ refundmap reconcile ...`` console block of docs/reconcile.md: arguments, output."""
    readme = (ROOT / "docs/reconcile.md").read_text()
    found = []
    for block in readme.split("```console\n$ refundmap reconcile ")[1:]:
        command, shown = block.split("```", 1)[0].split("\n", 1)
        found.append((shlex.split(command), shown))
    return found


def test_the_readme_shows_a_match_and_differences():
    assert len(readme_reconciliations()) == 2


@pytest.mark.parametrize(("argv", "shown"), readme_reconciliations())
def test_the_readme_reconcile_examples_are_what_refundmap_prints(command, argv, shown):
    done = command(*argv, cwd=ROOT)
    assert done.stdout + done.stderr == shown
    assert done.returncode == (0 if "all matched" in shown.splitlines()[0] else 1)


def test_the_readme_library_example_runs(tmp_path, monkeypatch):
    section = (ROOT / "docs/reconcile.md").read_text()
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rutter").mkdir()
    (tmp_path / "rutter" / "page.json").write_text(refundmap.jsonio.dumps(rutter()))
    changed = railz()
    changed["data"][1]["totalAmount"] = Decimal("40.51")
    (tmp_path / "railz.jsonl").write_text(refundmap.jsonio.dumps(changed) + "\n")
    (tmp_path / "refs.csv").write_text(REFS.read_text())
    printed = []
    exec(code, {"print": lambda *args: printed.append(args)})  # noqa: S102 - the README's own code
    assert [args[1:] for args in printed] == [("total_amount", Decimal("41.04"), Decimal("40.51"))]


def test_cli_refuses_a_report_that_would_overwrite_or_join_an_input(command, tmp_path):
    page = tmp_path / "railz.json"
    page.write_text(refundmap.jsonio.dumps(railz()))
    for report in (page, tmp_path / "report.json"):
        done = command("-f", "railz", str(page), "-t", "railz", str(tmp_path), "-o", str(report))
        assert done.returncode == 2
        assert "the report would overwrite or join the input" in done.stderr
    assert json.loads(page.read_text())["count"] == 2
    assert not (tmp_path / "report.json").exists()
