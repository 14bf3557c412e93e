"""The command's sinks (refundmap.cli.messages): what a run tells, where, in order."""

from __future__ import annotations

import io
import json
import pickle
from typing import TYPE_CHECKING, Any

from refundmap import Entry, Kind, MappingError, Problem, RefundmapError, ValidationError
from refundmap.cli.files import _Named
from refundmap.cli.messages import Recording, Sink, Terminal, _Progress

if TYPE_CHECKING:
    import pytest

WARNING = Entry(Kind.WARNING, "$.data[0].accountRef.id", "$.account_id", "copied untranslated")
DERIVED = Entry(Kind.DERIVED, "$.data[0].subTotal", None, "the line before tax")
BAD = ValidationError([Problem("$.data[1].totalAmount", "expected a decimal amount")])


class Told:
    """A sink that writes down what it is told."""

    def __init__(self) -> None:
        self.told: list[tuple[Any, ...]] = []

    def entry(self, name: str, line: int | None, entry: Entry) -> None:
        self.told.append(("entry", name, line, entry))

    def reject(
        self, name: str, line: int | None, path: str, value: Any, exc: RefundmapError
    ) -> None:
        self.told.append(("reject", name, line, path, value, exc.problems))

    def problems(self, name: str, line: int | None, exc: RefundmapError) -> None:
        self.told.append(("problems", name, line, exc.problems))


def _tell(sink: Sink) -> None:
    sink.entry("in.json", None, DERIVED)
    sink.reject("in.jsonl", 3, "$", {"id": 1}, BAD)
    sink.entry("in.jsonl", 4, WARNING)
    sink.problems("other.json", None, MappingError([Problem("$", "no account")]))


def test_a_recording_tells_another_sink_what_it_was_told_in_order() -> None:
    recording, direct = Recording(entries=True), Told()
    _tell(recording)
    _tell(direct)
    replayed = Told()
    pickle.loads(pickle.dumps(recording)).tell(replayed)  # noqa: S301 - as from a worker
    assert replayed.told == direct.told


def test_a_recording_without_entries_keeps_rejects_and_problems_only() -> None:
    recording, replayed = Recording(entries=False), Told()
    _tell(recording)
    recording.tell(replayed)
    assert [told[0] for told in replayed.told] == ["reject", "problems"]


def test_the_terminal_prints_warnings_rejects_and_problems(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rejects = io.StringIO()
    terminal = Terminal(
        report=None,
        rejects=_Named("rejects.jsonl", rejects),
        quiet=False,
        progress=_Progress(shown=False),
    )
    _tell(terminal)
    assert capsys.readouterr().err.splitlines() == [
        "in.jsonl:3: $.data[1].totalAmount: rejected: expected a decimal amount",
        "in.jsonl:4: $.data[0].accountRef.id: warning: copied untranslated",
        "other.json: $: no account",
    ]
    row = json.loads(rejects.getvalue())
    assert (row["file"], row["line"], row["path"], row["error"], row["input"]) == (
        "in.jsonl",
        3,
        "$",
        "validation",
        {"id": 1},
    )


def test_a_quiet_terminal_prints_only_problems(capsys: pytest.CaptureFixture[str]) -> None:
    terminal = Terminal(
        report=None, rejects=_Named("r", io.StringIO()), quiet=True, progress=_Progress(shown=False)
    )
    _tell(terminal)
    assert capsys.readouterr().err.splitlines() == ["other.json: $: no account"]
