"""The public promise, pinned: what ``import refundmap`` and the ``refundmap`` command offer.

A change to any of it fails here first. When the change is meant (a new
parameter, a new flag), rewrite the pinned files and read their diff before
committing it::

    python tests/test_public_api.py

The pinned files live in ``tests/promise/``: the exported names, the signature of
each public callable, each command's ``--help`` and the exit statuses.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import refundmap

PROMISE = Path(__file__).resolve().parent / "promise"
PACKAGE = Path(refundmap.__file__).resolve().parent
#: The commands whose ``--help`` is pinned ("" is the top level).
COMMANDS = ("", "validate", "convert", "reconcile", "schema", "formats")
#: Width of the help text, so that it does not follow the terminal it runs in.
COLUMNS = "100"


def _signatures() -> str:
    import refundmap.dask

    lines = []
    public = [(name, getattr(refundmap, name)) for name in refundmap.__all__]
    public += [(f"dask.{name}", getattr(refundmap.dask, name)) for name in refundmap.dask.__all__]
    for name, value in sorted(public):
        if inspect.isfunction(value):
            lines.append(f"{name}{inspect.signature(value)}")
        elif inspect.isclass(value):
            for member, function in sorted(vars(value).items()):
                if member.startswith("_") and member != "__init__":
                    continue
                if isinstance(function, classmethod | staticmethod):
                    function = function.__func__  # noqa: PLW2901
                if inspect.isfunction(function):
                    lines.append(f"{name}.{member}{inspect.signature(function)}")
    return "\n".join(lines) + "\n"


def _help(command: str) -> str:
    from refundmap.cli import main

    argv = [command, "--help"] if command else ["--help"]
    out = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = COLUMNS
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main(argv)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return out.getvalue()


def _exit_statuses() -> str:
    from refundmap import cli

    names = sorted(name for name in dir(cli) if name.startswith("EXIT_") and name != "EXIT_CODES")
    table = "\n".join(f"{name} = {getattr(cli, name)}" for name in names)
    return f"{table}\n\n{cli.EXIT_CODES}\n"


def _pinned() -> Iterator[tuple[str, Callable[[], str]]]:
    yield "all.txt", lambda: "\n".join(sorted(refundmap.__all__)) + "\n"
    yield "signatures.txt", _signatures
    yield "exit-statuses.txt", _exit_statuses
    for command in COMMANDS:
        yield f"help-{command or 'refundmap'}.txt", lambda command=command: _help(command)


@pytest.mark.parametrize(("name", "make"), list(_pinned()), ids=[n for n, _ in _pinned()])
def test_the_promise_is_unchanged(name: str, make: Callable[[], str]) -> None:
    pinned = (PROMISE / name).read_text(encoding="utf-8")
    assert make() == pinned, f"tests/promise/{name} changed: run python tests/test_public_api.py"


def test_every_exported_name_is_there_and_documented() -> None:
    for name in refundmap.__all__:
        value = getattr(refundmap, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__module__.startswith("refundmap"), name
            assert inspect.getdoc(value), f"{name} has no docstring"


def _private_imports(module: Path) -> list[str]:
    """Return the ``_``-prefixed names ``module`` imports from the library, as ``mod._name``."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        module_name = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        # The command line's own modules share their helpers; the library's are out of bounds.
        if module_name.startswith("refundmap") and not module_name.startswith("refundmap.cli"):
            found.extend(
                f"{node.module}.{alias.name}" for alias in node.names if alias.name.startswith("_")
            )
    return found


def _cli_modules() -> list[Path]:
    package = PACKAGE / "cli"
    return sorted(package.rglob("*.py")) if package.is_dir() else [PACKAGE / "cli.py"]


def test_the_private_name_finder_finds_private_names(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from refundmap.conversion import _Options, convert\nfrom os import _exit\n")
    assert _private_imports(module) == ["refundmap.conversion._Options"]


def test_the_command_line_uses_public_names_only() -> None:
    found = [name for module in _cli_modules() for name in _private_imports(module)]
    assert found == []


if __name__ == "__main__":
    PROMISE.mkdir(exist_ok=True)
    for name, make in _pinned():
        (PROMISE / name).write_text(make(), encoding="utf-8")
        sys.stdout.write(f"wrote tests/promise/{name}\n")
