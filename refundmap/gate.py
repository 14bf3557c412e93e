"""What makes a run fail: ``fail_on=`` kinds, read from a report.

A report says everything that was not carried over one to one; a CI job wants to
fail on some of it only (a total that changes, an id copied untranslated).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Literal, get_args

from refundmap.report import Entry, Kind, ParameterTypeError, Problem, UsageError

__all__ = [
    "FAIL_KINDS",
    "UNTRANSLATED",
    "FailKind",
    "check_fail_on",
    "failures",
    "kinds_of",
]

#: What a run can be made to fail on.
FailKind = Literal["total", "untranslated", "dropped", "warning", "unknown-key"]
#: Every :data:`FailKind`, in the order they are listed.
FAIL_KINDS: tuple[FailKind, ...] = get_args(FailKind)

#: The message of a reference id copied untranslated; ``kind`` is the kind, in words.
UNTRANSLATED = re.compile(
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
    elif UNTRANSLATED.match(entry.message):
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
