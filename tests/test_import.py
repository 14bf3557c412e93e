"""`import refundmap` loads only what every use needs (issue 25: import time)."""

import subprocess
import sys

import refundmap

#: Modules loaded on first use, not at import: dates in rare forms (dateutil), the
#: first currency code looked at (iso4217), a reconciliation (sqlite3), the first
#: JSON written (msgspec), and no importlib.metadata for the version.
DEFERRED = ("dateutil", "iso4217", "sqlite3", "importlib.metadata", "msgspec")


def test_import_defers_what_only_some_uses_need():
    probe = f"import sys, refundmap\nprint(' '.join(m for m in {DEFERRED!r} if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == []


def test_deferred_modules_load_when_needed():
    probe = (
        "import sys, refundmap\n"
        "from refundmap.currency import is_code, minor_unit\n"
        "from refundmap.dates import parse_date\n"
        "assert is_code('EUR') and not is_code('EUX') and minor_unit('JPY') == 0\n"
        "assert parse_date('2023-01-02T030405Z').isoformat() == '2023-01-02T03:04:05+00:00'\n"
        "print(' '.join(m for m in ('dateutil', 'iso4217') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["dateutil", "iso4217"]


def test_version_is_the_packages():
    from importlib.metadata import version

    assert refundmap.__version__ == version("refundmap")
