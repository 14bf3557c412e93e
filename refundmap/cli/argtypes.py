"""The command's argument types: format names, report kinds, defaults, counts.

Each turns an argument's text into its value, or raises
:class:`argparse.ArgumentTypeError` with what was expected and what was found.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from refundmap.cli.messages import CommandError
from refundmap.detect import AUTO
from refundmap.formats import get_format
from refundmap.gate import check_fail_on
from refundmap.mapping import DEFAULT_KINDS
from refundmap.report import Kind, UsageError
from refundmap.responses import RESPONSE_FORMATS


def _format_name(text: str) -> str:
    """Return the format named ``text`` in any case, or say which are near (argparse type)."""
    try:
        return get_format(text).name
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _format_or_auto(text: str) -> str:
    """Return ``auto``, or the format named ``text`` (argparse type)."""
    return AUTO if text.strip().lower() == AUTO else _format_name(text)


def _fail_kinds(text: str) -> frozenset[str]:
    """Return the ``--fail-on`` kinds of ``text`` (argparse type)."""
    try:
        return check_fail_on(text, "--fail-on")
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--fail-on: ")) from None


def _checked_format_name(text: str, named: Callable[[str], str] = _format_name) -> str:
    """Return a write response format's name, or what ``named`` makes of ``text``."""
    folded = text.strip().lower()
    return folded if folded in RESPONSE_FORMATS else named(text)


def _kinds(text: str) -> list[str]:
    kinds = [kind.strip() for kind in text.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in set(Kind)]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown kind {', '.join(unknown) or text!r}; the kinds are {', '.join(Kind)}"
        )
    return kinds


def _default(text: str) -> tuple[str, str]:
    kind, equals, value = text.partition("=")
    kind = kind.strip()
    kinds = ", ".join(DEFAULT_KINDS)
    if not equals:
        raise argparse.ArgumentTypeError(f"expected KIND=ID, got {text!r}; the kinds are {kinds}")
    if kind not in DEFAULT_KINDS:
        raise argparse.ArgumentTypeError(f"unknown kind {kind!r}; the kinds are {kinds}")
    if not value.strip():
        raise argparse.ArgumentTypeError(f"the {kind} id is empty, in {text!r}")
    return kind, value


def _defaults(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Return the ``--default`` values by kind; a kind given twice is a usage error."""
    defaults: dict[str, str] = {}
    for kind, value in pairs:
        if kind in defaults:
            raise CommandError(
                f"--default: {kind} is given twice ({defaults[kind]!r} and {value!r})"
            )
        defaults[kind] = value
    return defaults


def _jobs(text: str) -> int:
    return _indent(text)  # 0 or more: 0 is one a core


def _indent(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value
