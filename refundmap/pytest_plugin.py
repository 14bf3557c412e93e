"""The pytest plugin: refundmap's fixtures and options, active once refundmap is installed.

- ``--refundmap-refs PATH`` (or the ``refundmap_refs`` ini option): the
  reference files of the ``refundmap_directory`` fixture, a
  :class:`~refundmap.Directory` (JSON reference responses or CSV, a file or a folder);
- ``--refundmap-fixtures DIR`` (or ``refundmap_fixtures``): every ``.json`` file
  under ``DIR`` is validated as a test of its own, its format told from the
  document (``-f auto``); ``--refundmap-fail-on KINDS`` makes report kinds fail
  them too (``warning``: any warning);
- :func:`~refundmap.asserts.assert_valid` and
  :func:`~refundmap.asserts.assert_converts`, importable from here or from
  :mod:`refundmap.testing`.

Disable it with ``-p no:refundmap``. Loading it imports no more of refundmap than
it needs to read its options; the rest is imported by the test that uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from refundmap.asserts import assert_converts, assert_valid
    from refundmap.references import Directory

__all__ = ["assert_converts", "assert_valid", "refundmap_directory"]


def __getattr__(name: str) -> Any:
    """Return ``assert_converts`` or ``assert_valid``, importing them on first use.

    pytest loads this plugin in every session of a project that has refundmap
    installed; the assertions import the whole library (about 200 ms).
    """
    if name in ("assert_converts", "assert_valid"):
        value = getattr(import_module("refundmap.asserts"), name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """Return the module's names, the assertions not yet imported included."""
    return sorted({*globals(), *__all__})


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add refundmap's options."""
    group = parser.getgroup("refundmap")
    group.addoption(
        "--refundmap-refs",
        metavar="PATH",
        help="reference files (JSON or CSV, a file or a folder) of the refundmap_directory fixture",
    )
    group.addoption(
        "--refundmap-fixtures",
        metavar="DIR",
        help="validate every .json file under DIR as a test, its format told from the document",
    )
    group.addoption(
        "--refundmap-fail-on",
        metavar="KINDS",
        help="report kinds that fail a --refundmap-fixtures test: warning, unknown-key",
    )
    parser.addini("refundmap_refs", "the default of --refundmap-refs")
    parser.addini("refundmap_fixtures", "the default of --refundmap-fixtures")
    parser.addini("refundmap_fail_on", "the default of --refundmap-fail-on")


def _option(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(f"--refundmap-{name.replace('_', '-')}")
    if value is None:
        value = config.getini(f"refundmap_{name}") or None
    return str(value) if value is not None else None


def pytest_configure(config: pytest.Config) -> None:
    """Refuse an unknown ``--refundmap-fail-on`` kind before collecting."""
    if _option(config, "fail_on") is None:
        return
    from refundmap.gate import check_fail_on  # noqa: PLC0415 - only when the option is given
    from refundmap.report import RefundmapError  # noqa: PLC0415

    try:
        check_fail_on(_option(config, "fail_on"), "--refundmap-fail-on")
    except RefundmapError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture(scope="session")
def refundmap_directory(pytestconfig: pytest.Config) -> Directory:
    """The :class:`~refundmap.Directory` read from ``--refundmap-refs`` (or ``refundmap_refs``)."""
    path = _option(pytestconfig, "refs")
    if path is None:
        pytest.fail(
            "the refundmap_directory fixture needs reference files: give --refundmap-refs PATH"
            " or the refundmap_refs ini option",
            pytrace=False,
        )
    from refundmap.references import Directory  # noqa: PLC0415 - by the tests that use it
    from refundmap.report import RefundmapError  # noqa: PLC0415

    try:
        return Directory.from_files(path)
    except (OSError, RefundmapError) as exc:
        pytest.fail(f"--refundmap-refs {path}: {exc}", pytrace=False)


class PayloadError(Exception):
    """A payload file that is not valid; the message names each problem."""


class PayloadFile(pytest.File):
    """A payload file under ``--refundmap-fixtures``: one test, ``refundmap-validate``."""

    fail_on: str | None = None

    def collect(self) -> Iterator[PayloadItem]:
        """Yield the file's one test."""
        yield PayloadItem.from_parent(self, name="refundmap-validate", fail_on=self.fail_on)


class PayloadItem(pytest.Item):
    """One payload file under ``--refundmap-fixtures``, validated as its detected format."""

    def __init__(self, *, fail_on: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fail_on = fail_on

    def runtest(self) -> None:
        """Validate the file."""
        from refundmap.detect import detect_format  # noqa: PLC0415 - when a payload is tested
        from refundmap.report import ValidationError  # noqa: PLC0415
        from refundmap.validation import validate  # noqa: PLC0415

        data = self.path.read_bytes()
        try:
            fmt = detect_format(data)
            validate(data, fmt, fail_on=self.fail_on)
        except ValidationError as exc:
            told = "" if "fmt" not in locals() else f" as {fmt.name}"
            lines = [f"  {problem}" for problem in exc.problems]
            raise PayloadError("\n".join([f"{self.path}: not valid{told}:", *lines])) from None

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """Show the problems, not a traceback."""
        if isinstance(excinfo.value, PayloadError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Name the file."""
        return self.path, None, f"refundmap payload {self.path.name}"


def _payloads(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    yield from sorted(path for path in root.rglob("*.json") if path.is_file())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add a test for each payload file under ``--refundmap-fixtures``."""
    folder = _option(config, "fixtures")
    if folder is None:
        return
    root = Path(folder)
    if not root.exists():
        raise pytest.UsageError(f"--refundmap-fixtures {folder}: no such file or folder")
    fail_on = _option(config, "fail_on")
    for path in _payloads(root):
        node = PayloadFile.from_parent(session, path=path.resolve())
        node.fail_on = fail_on
        items.extend(node.collect())
