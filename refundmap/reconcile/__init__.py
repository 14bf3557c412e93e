"""Reconciling two datasets of refunds: matched by id, compared field by field through the mapping.

:func:`reconcile` reads both sides a record at a time, converts each record into
the terms of one format (the *compared* format) with the library's own
conversion, keeps an index of both by match key (in memory, moved to a
temporary SQLite file past ``spill_after`` records), then pairs and compares
them. Which fields are compared is read from the mapping table: every field
both formats hold, except each vendor's own bookkeeping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from refundmap.conversion import conversion_time
from refundmap.formats import Format, FormatName, get_format
from refundmap.reconcile.compare import Comparer, Item
from refundmap.reconcile.read import Reader, Side, compared_format
from refundmap.reconcile.result import (
    Difference,
    Outcome,
    OutcomeKind,
    Reconciliation,
    RecordRef,
    normalise_id,
)
from refundmap.references import Lookup
from refundmap.report import ParameterTypeError

if TYPE_CHECKING:
    from refundmap.reconcile.index import Index

__all__ = [
    "SPILL_AFTER",
    "Difference",
    "Outcome",
    "OutcomeKind",
    "Reconciliation",
    "RecordRef",
    "Side",
    "normalise_id",
    "reconcile",
]

#: Records (both sides) the index holds in memory before it moves to a SQLite file.
SPILL_AFTER = 50_000


def reconcile(  # noqa: PLR0913 - the documented keywords
    left: Side,
    left_format: FormatName | Format,
    right: Side,
    right_format: FormatName | Format,
    *,
    directory: Lookup | None = None,
    strict: bool = False,
    keep_matched: bool = True,
    spill_after: int = SPILL_AFTER,
) -> Reconciliation:
    """Match the refunds of ``left`` with those of ``right`` and compare each pair.

    A pair is matched by platform id: Rutter's ``platform_id`` is the Railz
    ``id`` (within one vendor, the same field), after :func:`normalise_id`.
    Records without a pair by id are paired as ``candidate`` when one of the
    two has no id and they share the customer (translated through
    ``directory``), the calendar day and the total; several records claiming
    the same pair are ``ambiguous``. Each pair is compared in the terms of one
    format (``compared_as``), the other side converted into it: between the
    vendors Rutter's (Railz's line detail gives Rutter's line total, not the
    reverse), else the left's (the right's when only that pair converts).
    Every field both formats hold is compared (the mapping table's ``REFUND``
    and ``LINE`` rows, each vendor's bookkeeping left out): amounts
    exactly, dates by calendar day and instant, references through the
    directory (an id it lacks is listed in ``untranslated``, not as a
    difference), lines by position and, where reordered, by content.

    Args:
        left: a document (JSON text, or decoded JSON), a path
            (``pathlib.Path``: a JSON or JSON Lines file, or a folder of
            ``.json``, ``.jsonl`` and ``.ndjson`` files), or a list of paths.
        left_format: the format of every left document.
        right: the other side, likewise.
        right_format: its format.
        directory: translates reference ids between the vendors' id spaces.
        strict: validate strictly (see :func:`refundmap.validate`).
        keep_matched: list matched pairs in ``outcomes`` (they are always counted).
        spill_after: records held in memory before the index moves to a file.

    Returns:
        The counts and outcomes. A record that is invalid is a ``rejected``
        outcome; the others are compared all the same.

    Raises:
        UsageError: an unknown format, two formats neither converts to, a path
            that does not exist; ParameterTypeError for a parameter of the wrong type.
        OSError: a file that cannot be read.
    """
    formats = get_format(left_format, "left_format"), get_format(right_format, "right_format")
    compared = compared_format(*formats)
    if not isinstance(spill_after, int) or isinstance(spill_after, bool) or spill_after < 0:
        raise ParameterTypeError.of("spill_after", "spill_after must be a whole number, 0 or more")
    options = {"strict": strict, "directory": directory, "synced_at": conversion_time()}
    # SQLite and pickle only when reconciling, not on every `import refundmap`.
    from refundmap.reconcile.index import Index  # noqa: PLC0415

    index = Index(spill_after)
    outcomes: list[Outcome] = []
    counts = {str(kind): 0 for kind in OutcomeKind}
    try:
        for side, (value, fmt) in enumerate(((left, formats[0]), (right, formats[1]))):
            name = ("left", "right")[side]
            for item in Reader(fmt, compared, options).items(value, name):
                if isinstance(item, Item):
                    index.add(side, item)
                else:
                    ref, problems = item
                    refs: tuple[tuple[RecordRef, ...], tuple[RecordRef, ...]] = (
                        ((ref,), ()) if side == 0 else ((), (ref,))
                    )
                    outcomes.append(Outcome(OutcomeKind.REJECTED, *refs, problems=problems))
        index.flush()
        untranslated = _pair(index, Comparer(compared, *formats), outcomes, keep_matched, counts)
        records = {"left": index.count[0], "right": index.count[1]}
    finally:
        index.close()
    for outcome in outcomes:
        if outcome.kind == OutcomeKind.REJECTED:
            counts[outcome.kind] += 1
            records["left" if outcome.left else "right"] += 1
    return Reconciliation(
        formats[0].name,
        formats[1].name,
        compared.name,
        counts,
        tuple(outcomes),
        records,
        untranslated,
    )


def _pair(  # noqa: C901 - the three passes, kept together
    index: Index,
    comparer: Comparer,
    outcomes: list[Outcome],
    keep_matched: bool,  # noqa: FBT001
    counts: dict[str, int],
) -> int:
    """Pair the items of ``index``: by id, as candidates, then the rest; return untranslated."""
    done = [bytearray(index.count[0]), bytearray(index.count[1])]
    untranslated = 0

    def emit(outcome: Outcome) -> None:
        counts[outcome.kind] += 1
        if outcome.kind != OutcomeKind.MATCHED or keep_matched:
            outcomes.append(outcome)

    def compare(a: Item, b: Item, kind: OutcomeKind | None) -> None:
        nonlocal untranslated
        found, refs, notes = comparer.compare(a, b)
        untranslated += len(refs)
        notes += [note for note in (a.note, b.note) if note]
        if kind is None:
            kind = OutcomeKind.DIFFERENT if found else OutcomeKind.MATCHED
        emit(Outcome(kind, (a.ref,), (b.ref,), tuple(found), tuple(refs), tuple(notes)))

    def ambiguous(group: list[tuple[int, int, Item]], why: str) -> None:
        for side, seq, _ in group:
            done[side][seq] = 1
        lefts = tuple(item.ref for side, _, item in group if side == 0)
        rights = tuple(item.ref for side, _, item in group if side == 1)
        emit(Outcome(OutcomeKind.AMBIGUOUS, lefts, rights, notes=(why,)))

    for seq, item in index.side(0):  # by id
        if done[0][seq] or item.key is None:
            continue
        group = index.where("key", item.key)
        rights = [g for g in group if g[0] == 1]
        if not rights:
            continue
        if len(group) == 2:
            done[0][seq] = done[1][rights[0][1]] = 1
            compare(item, rights[0][2], None)
        else:
            ambiguous(group, f"{len(group)} records have the platform id {item.key!r}")
    for seq, item in index.side(0):  # as candidates
        if done[0][seq] or item.candidate is None:
            continue
        group = [g for g in index.where("candidate", item.candidate) if not done[g[0]][g[1]]]
        rights = [g for g in group if g[0] == 1 and (item.key is None or g[2].key is None)]
        if not rights:
            continue
        lefts = [
            g
            for g in group
            if g[0] == 0 and (g[2].key is None or any(r[2].key is None for r in rights))
        ]
        if len(lefts) == 1 and len(rights) == 1:
            done[0][seq] = done[1][rights[0][1]] = 1
            compare(item, rights[0][2], OutcomeKind.CANDIDATE)
        else:
            ambiguous([*lefts, *rights], "several records share the customer, day and total")
    for side, kind in ((0, OutcomeKind.ONLY_LEFT), (1, OutcomeKind.ONLY_RIGHT)):
        for seq, item in index.side(side):
            if not done[side][seq]:
                emit(Outcome(kind, **{("left", "right")[side]: (item.ref,)}))  # type: ignore[arg-type]
    return untranslated
