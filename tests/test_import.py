"""`import refundmap` loads only what every use needs (issue 25: import time)."""

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import refundmap

#: Modules loaded on first use, not at import: the library's own modules (each public
#: name's is imported when the name is first read), the models' attrs, structuring
#: (cattrs), dates in rare forms (dateutil), the first currency code looked at
#: (iso4217), a reconciliation (sqlite3, the reconcile package), the JSON ends
#: (msgspec, jiter), and no importlib.metadata for the version.
DEFERRED = (
    "refundmap.conversion",
    "refundmap.mapping",
    "refundmap.models",
    "refundmap.reconcile",
    "attr",
    "cattrs",
    "dateutil",
    "iso4217",
    "sqlite3",
    "importlib.metadata",
    "msgspec",
    "jiter",
)


def _run(probe: str) -> list[str]:
    """Run ``probe`` in a fresh interpreter; return the words it prints."""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_import_defers_what_only_some_uses_need():
    probe = (
        "import sys, refundmap\n"
        f"print(' '.join(m for m in {DEFERRED!r} if m in sys.modules))\n"
        "print(' '.join(m for m in sys.modules if m.startswith('refundmap')))"
    )
    assert _run(probe) == ["refundmap"]


def test_deferred_modules_load_when_needed():
    probe = (
        "import sys, refundmap\n"
        "from refundmap.currency import is_code, minor_unit\n"
        "from refundmap.dates import parse_date\n"
        "assert is_code('EUR') and not is_code('EUX') and minor_unit('JPY') == 0\n"
        "assert parse_date('2023-01-02T030405Z').isoformat() == '2023-01-02T03:04:05+00:00'\n"
        "print(' '.join(m for m in ('dateutil', 'iso4217') if m in sys.modules))"
    )
    assert _run(probe) == ["dateutil", "iso4217"]


def test_cattrs_is_loaded_by_the_first_structuring_only():
    """A converter and its compiled mapping are built without cattrs; reading a record loads it."""
    probe = (
        "import sys\n"
        "from contextlib import suppress\n"
        "from refundmap import FORMATS, Converter, ValidationError, validate\n"
        "from refundmap.mapping.compiler import compile_pair\n"
        "Converter('railz', 'rutter')\n"
        "compile_pair(FORMATS['railz'], FORMATS['rutter'])\n"
        "FORMATS['railz'].codec(strict=False)\n"
        "print('cattrs' in sys.modules)\n"
        "with suppress(ValidationError):\n"
        "    validate({'id': 'x'}, 'rutter')\n"
        "print('cattrs' in sys.modules)"
    )
    assert _run(probe) == ["False", "True"]


def test_a_codec_reads_its_errors_with_the_cattrs_it_was_built_with():
    """A codec outlives cattrs dropped from sys.modules (pytester's runs do it) and still reads."""
    probe = (
        "import sys\n"
        "from refundmap import FORMATS\n"
        "from refundmap.models.railz import Refund\n"
        "codec = FORMATS['railz'].codec(strict=False)\n"
        "first = codec.structure({'id': 1}, Refund)[1]\n"
        "for name in [m for m in sys.modules if m.startswith(('cattrs', 'refundmap.codec.'))]:\n"
        "    if name not in ('refundmap.codec.converter', 'refundmap.codec.fields'):\n"
        "        del sys.modules[name]\n"
        "import cattrs.errors, refundmap.codec.problems\n"
        "again = codec.structure({'id': 1}, Refund)[1]\n"
        "print(len(first) > 1, again == first)"
    )
    assert _run(probe) == ["True", "True"]


def test_every_public_name_resolves_to_its_module_s_object():
    """In a fresh interpreter, ``from refundmap import X`` for each X, and dir() lists them."""
    probe = (
        "import importlib, inspect, pickle, refundmap\n"
        "listed = set(dir(refundmap))\n"
        "for name in refundmap.__all__:\n"
        "    assert name in listed, name\n"
        "    exec(f'from refundmap import {name} as value')\n"
        "    if name != '__version__':\n"
        "        home = importlib.import_module(refundmap._HOME[name])\n"
        "        assert value is getattr(home, name), name\n"
        "        assert getattr(refundmap, name) is value, name\n"
        "    if inspect.isclass(value) or inspect.isfunction(value):\n"
        "        assert pickle.loads(pickle.dumps(value)) is value, name\n"
        "    print(name)"
    )
    assert _run(probe) == refundmap.__all__


def test_the_lazy_names_are_the_names_type_checkers_see():
    """The ``if TYPE_CHECKING:`` imports and the table of homes name the same objects."""
    tree = ast.parse(Path(inspect.getfile(refundmap)).read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    ]
    seen = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module != "typing"
        for alias in node.names
    }
    assert seen == refundmap._HOME
    assert sorted([*refundmap._HOME, "__version__"]) == sorted(refundmap.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'convertt'"):
        _ = refundmap.convertt  # type: ignore[attr-defined]


def test_the_function_reconcile_keeps_its_name_over_its_subpackage():
    """Importing ``refundmap.reconcile``'s modules (the command line does) leaves the function."""
    probe = (
        "import inspect, pickle\n"
        "import refundmap.reconcile.result\n"
        "import refundmap\n"
        "print(inspect.isfunction(refundmap.reconcile))\n"
        "from refundmap import reconcile\n"
        "import refundmap.cli\n"
        "print(refundmap.reconcile is reconcile)\n"
        "print(pickle.loads(pickle.dumps(reconcile)) is reconcile)"
    )
    assert _run(probe) == ["True", "True", "True"]


def test_the_pytest_plugin_loads_no_more_of_refundmap_than_its_options_need():
    """pytest loads the plugin in every session; the assertions arrive when first used."""
    probe = (
        "import sys, pytest\n"
        "before = set(sys.modules)\n"
        "import refundmap.pytest_plugin as plugin\n"
        "print(*sorted(set(sys.modules) - before))\n"
        "import refundmap.asserts\n"
        "from refundmap.pytest_plugin import assert_converts, assert_valid\n"
        "print(assert_valid is refundmap.asserts.assert_valid,"
        " assert_converts is refundmap.asserts.assert_converts, 'assert_valid' in dir(plugin))"
    )
    assert _run(probe) == ["refundmap", "refundmap.pytest_plugin", "True", "True", "True"]


def test_version_is_the_packages():
    from importlib.metadata import version

    assert refundmap.__version__ == version("refundmap")


def test_dir_lists_the_public_names_and_no_helper():
    names = dir(refundmap)
    assert set(refundmap.__all__) <= set(names)
    assert not {"sys", "import_module", "ModuleType", "TYPE_CHECKING", "annotations"} & set(names)


def test_type_checking_is_typings_own_for_editors():
    """Editors that use jedi skip a local ``TYPE_CHECKING = False``: the names are typing's."""
    tree = ast.parse(Path(inspect.getfile(refundmap)).read_text(encoding="utf-8"))
    assert any(
        isinstance(node, ast.ImportFrom)
        and node.module == "typing"
        and "TYPE_CHECKING" in {alias.name for alias in node.names}
        for node in tree.body
    )
    assert not any(
        isinstance(node, ast.Assign)
        and any(getattr(target, "id", None) == "TYPE_CHECKING" for target in node.targets)
        for node in tree.body
    )


def test_every_module_imports_first():
    """Each module imports in a process that has imported none of refundmap yet (no cycle)."""
    probe = (
        "import importlib, pkgutil, sys, refundmap\n"
        "names = [m.name for m in pkgutil.walk_packages(refundmap.__path__, 'refundmap.')]\n"
        "failed = []\n"
        "for name in names:\n"
        "    if name == 'refundmap.__main__':\n"
        "        continue  # runs the command\n"
        "    for loaded in [m for m in sys.modules if m.startswith('refundmap.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        failed.append(f'{name}:{type(exc).__name__}')\n"
        "print(len(names), *failed)\n"
    )
    count, *failed = _run(probe)
    assert int(count) > 60
    assert failed == []


def test_a_push_body_validates_first_in_a_process():
    """Validating a push body first loads the platform profiles without an import cycle."""
    body = Path(__file__).parent.parent / "fixtures/expected/rutter/xero-fetch.railz-v2-push.json"
    probe = (
        "import json, refundmap\n"
        f"document = json.loads(open({str(body)!r}, encoding='utf-8').read())\n"
        "print(len(refundmap.validate(document, 'railz-v2-push')))\n"
    )
    assert _run(probe) == ["0"]
