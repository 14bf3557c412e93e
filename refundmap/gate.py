"""What makes a run fail: ``fail_on=`` kinds read from a report, and the missing references.

A report says everything that was not carried over one to one; a CI job wants to
fail on some of it only (a total that changes, an id copied untranslated) and to
know which ids to add to its directory. Both are read from the report entries.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, Literal, get_args

import attrs

from refundmap.report import Entry, Kind, ParameterTypeError, Problem, UsageError

__all__ = [
    "FAIL_KINDS",
    "FailKind",
    "MissingReference",
    "check_fail_on",
    "failures",
    "kinds_of",
    "missing_references",
]

#: What a run can be made to fail on.
FailKind = Literal["total", "untranslated", "dropped", "warning", "unknown-key"]
#: Every :data:`FailKind`, in the order they are listed.
FAIL_KINDS: tuple[FailKind, ...] = get_args(FailKind)

_UNTRANSLATED = re.compile(
    r"^(?:Rutter's|the platform's) id of (?:a |an |the )?(?P<kind>[a-z ]+?)"
    r"(?:, copied untranslated:| (?:'.*'|\".*\") is not in the directory; copied untranslated$)",
    re.DOTALL,
)


def check_fail_on(
    fail_on: Collection[str] | str | None, parameter: str = "fail_on"
) -> frozenset[str]:
    """Return the kinds of ``fail_on`` (names, or one comma-separated string).

    Raises:
        UsageError: for a name that is not a :data:`FailKind`, naming them all.
        ParameterTypeError: for anything but names.
    """
    if fail_on is None:
        return frozenset()
    names = fail_on.split(",") if isinstance(fail_on, str) else fail_on
    if not isinstance(names, Collection) or not all(isinstance(n, str) for n in names):
        raise ParameterTypeError.of(parameter, f"{parameter} must be kind names, such as 'total'")
    kinds = frozenset(name.strip() for name in names if name.strip())
    unknown = sorted(kinds.difference(FAIL_KINDS))
    if unknown:
        raise UsageError.of(
            parameter,
            f"{parameter}: unknown kind {', '.join(map(repr, unknown))}; the kinds are"
            f" {', '.join(FAIL_KINDS)}",
        )
    return kinds


def kinds_of(entry: Entry) -> frozenset[FailKind]:
    """Return the kinds of :data:`FailKind` that ``entry`` is."""
    if entry.kind is Kind.DROPPED:
        return frozenset({"dropped"})
    if entry.kind is not Kind.WARNING:
        return frozenset()
    found: set[FailKind] = {"warning"}
    if entry.message.startswith("the total changes from "):
        found.add("total")
    elif entry.message.startswith("unknown key:"):
        found.add("unknown-key")
    elif _UNTRANSLATED.match(entry.message):
        found.add("untranslated")
    return frozenset(found)


def failures(report: Iterable[Entry], fail_on: Collection[str]) -> list[Problem]:
    """Return a problem for each entry of ``report`` that is of a kind in ``fail_on``.

    Each problem is at the entry's source path and names the kind first:
    ``fail_on total: the total changes from 10.00 to 9.99, ...``.
    """
    problems = []
    for entry in report:
        matched = [kind for kind in FAIL_KINDS if kind in fail_on and kind in kinds_of(entry)]
        if matched:
            problems.append(Problem(entry.source_path, f"fail_on {matched[0]}: {entry.message}"))
    return problems


@attrs.frozen
class MissingReference:
    """A reference id a conversion copied untranslated: one row of a ``--refs`` CSV file.

    The side that is known is filled in; the other is empty, to be completed.

    Attributes:
        kind: ``account``, ``customer``, ``class``, ...
        rutter_id: Rutter's id, or ``""`` when the id came from the platform.
        platform_id: the platform's id, or ``""`` when the id came from Rutter.
        name: the reference's name where the source document gives one.
        count: how many times the id was copied.
    """

    kind: str
    rutter_id: str
    platform_id: str
    name: str = ""
    count: int = 1

    @property
    def id(self) -> str:
        """The known id."""
        return self.rutter_id or self.platform_id

    def row(self) -> tuple[str, str, str, str]:
        """Return the CSV row ``kind,rutter_id,platform_id,name``."""
        return (self.kind, self.rutter_id, self.platform_id, self.name)


_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\['((?:[^'\\]|\\.)*)'\]")


def _steps(path: str) -> Iterator[str | int]:
    at = 1
    while at < len(path):
        match = _STEP.match(path, at)
        if match is None:
            return
        key, index, quoted = match.groups()
        if index is not None:
            yield int(index)
        else:
            yield key if key is not None else re.sub(r"\\(.)", r"\1", quoted)
        at = match.end()


def _at(document: Any, path: str) -> Any:
    value = document
    for step in _steps(path):
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def missing_references(
    report: Sequence[Entry], document: Any, *, from_rutter: bool
) -> list[MissingReference]:
    """Return the distinct reference ids ``report`` says were copied untranslated.

    Args:
        report: a conversion's report.
        document: the source document, decoded (the ids are read at the entries' paths).
        from_rutter: whether the source is a Rutter format (its ids are Rutter's).

    Returns:
        One :class:`MissingReference` per kind and id, in the order first met,
        with how many times it was copied, and the name beside it in a Railz source.
    """
    found: dict[tuple[str, str], MissingReference] = {}
    for entry in report:
        if entry.kind is not Kind.WARNING:
            continue
        match = _UNTRANSLATED.match(entry.message)
        if match is None:
            continue
        kind = match["kind"].replace(" ", "_")
        value = _at(document, entry.source_path)
        if value is None:
            continue
        value = str(value)
        seen = found.get((kind, value))
        if seen is not None:
            found[kind, value] = attrs.evolve(seen, count=seen.count + 1)
            continue
        name = ""
        if not from_rutter and entry.source_path.endswith(".id"):
            held = _at(document, entry.source_path[: -len(".id")] + ".name")
            name = held if isinstance(held, str) else ""
        rutter_id, platform_id = (value, "") if from_rutter else ("", value)
        found[kind, value] = MissingReference(kind, rutter_id, platform_id, name)
    return list(found.values())
