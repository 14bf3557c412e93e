"""refundmap: validate and convert customer refunds between Rutter and Railz.

The public API is re-exported here, each name's module imported when the name is
first used (``import refundmap`` itself imports none of them); the modules behind
it are:

- :mod:`refundmap.models`: attrs classes of each vendor's schemas (the public
  home of the models: ``refundmap.models.rutter.CustomerRefund``,
  ``refundmap.models.railz.Refund``, ...);
- :mod:`refundmap.document`: :func:`load` and :func:`dump` of typed models;
- :mod:`refundmap.codec`: cattrs converters, vendor keys, value rules;
- :mod:`refundmap.jsonio`: exact JSON reading and writing;
- :mod:`refundmap.stream`: big documents read and converted a record at a time;
- :mod:`refundmap.dask`: conversion on a Dask cluster (the ``dask`` extra; imported
  only by name);
- :mod:`refundmap.money` and :mod:`refundmap.dates`: the value rules;
- :mod:`refundmap.checks`: totals arithmetic;
- :mod:`refundmap.formats`: the format registry;
- :mod:`refundmap.mapping`: the field table and the engine that applies it;
- :mod:`refundmap.references`: reference ids in Rutter's and the platform's id spaces;
- :mod:`refundmap.paths`: JSONPath, the paths every problem and entry names;
- :mod:`refundmap.reconcile`: :func:`reconcile`, two datasets matched and compared;
- :mod:`refundmap.report`: report entries and errors;
- :mod:`refundmap.gate`: ``fail_on=`` kinds;
- :mod:`refundmap.missing`: the reference ids a conversion copied untranslated;
- :mod:`refundmap.detect`: a document's format told from its keys;
- :mod:`refundmap.testing`: hypothesis strategies and a pytest plugin for users' tests
  (the ``testing`` extra).

Every module, a line each: ``docs/architecture.md``.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType

# typing's own TYPE_CHECKING (not a local False): editors that use jedi read only it.
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from refundmap.conversion import (
        Conversion,
        Converter,
        Partial,
        RecordResult,
        Reject,
        convert,
        convert_each,
    )
    from refundmap.detect import detect_format
    from refundmap.document import dump, load
    from refundmap.formats import FORMATS, Format, FormatName
    from refundmap.gate import FailKind
    from refundmap.jsonio import JSONValue
    from refundmap.missing import MissingReference, missing_references
    from refundmap.paths import JSONPath
    from refundmap.reconcile import (
        Difference,
        Outcome,
        OutcomeKind,
        Reconciliation,
        RecordRef,
        reconcile,
    )
    from refundmap.references import Directory, Lookup, Reference, RefKind
    from refundmap.report import (
        Entry,
        Kind,
        MappingError,
        ParameterTypeError,
        Problem,
        RefundmapError,
        UsageError,
        ValidationError,
    )
    from refundmap.schema import json_schema
    from refundmap.validation import validate

#: The package's version; pyproject.toml reads it from here (hatch's dynamic
#: version), so it is one fact, and ``import refundmap`` needs no
#: ``importlib.metadata`` (about 35 ms) to know it.
__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "Conversion",
    "Converter",
    "Difference",
    "Directory",
    "Entry",
    "FailKind",
    "Format",
    "FormatName",
    "JSONPath",
    "JSONValue",
    "Kind",
    "Lookup",
    "MappingError",
    "MissingReference",
    "Outcome",
    "OutcomeKind",
    "ParameterTypeError",
    "Partial",
    "Problem",
    "Reconciliation",
    "RecordRef",
    "RecordResult",
    "RefKind",
    "Reference",
    "RefundmapError",
    "Reject",
    "UsageError",
    "ValidationError",
    "__version__",
    "convert",
    "convert_each",
    "detect_format",
    "dump",
    "json_schema",
    "load",
    "missing_references",
    "reconcile",
    "validate",
]

#: The module each public name is read from. ``import refundmap`` imports none of
#: them (the models, the mapping and cattrs take about 200 ms): a name's module is
#: imported when the name is first read, by :func:`__getattr__`.
_HOMES: dict[str, tuple[str, ...]] = {
    "refundmap.conversion": (
        "Conversion",
        "Converter",
        "Partial",
        "RecordResult",
        "Reject",
        "convert",
        "convert_each",
    ),
    "refundmap.detect": ("detect_format",),
    "refundmap.document": ("dump", "load"),
    "refundmap.formats": ("FORMATS", "Format", "FormatName"),
    "refundmap.gate": ("FailKind",),
    "refundmap.jsonio": ("JSONValue",),
    "refundmap.missing": ("MissingReference", "missing_references"),
    "refundmap.paths": ("JSONPath",),
    "refundmap.reconcile": (
        "Difference",
        "Outcome",
        "OutcomeKind",
        "Reconciliation",
        "RecordRef",
        "reconcile",
    ),
    "refundmap.references": ("Directory", "Lookup", "Reference", "RefKind"),
    "refundmap.report": (
        "Entry",
        "Kind",
        "MappingError",
        "ParameterTypeError",
        "Problem",
        "RefundmapError",
        "UsageError",
        "ValidationError",
    ),
    "refundmap.schema": ("json_schema",),
    "refundmap.validation": ("validate",),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Return the public name ``name``, importing its module on first use."""
    module = _HOME.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(module), name)
    globals()[name] = value  # read from here on without this function
    return value


def __dir__() -> list[str]:
    """Return the public names (those not yet imported included), dunders and submodules."""
    names = set(__all__)
    for name, value in globals().items():
        submodule = isinstance(value, ModuleType) and value.__name__.startswith(f"{__name__}.")
        if submodule or (name.startswith("__") and name.endswith("__")):
            names.add(name)
    return sorted(names)


class _Package(ModuleType):
    """The package's module: the function ``reconcile`` keeps its name."""

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing the subpackage refundmap.reconcile (the command line does, so can a
        # user) binds it here as the package's attribute "reconcile"; the eager import
        # this module once made bound the function over it, and so does this.
        if name == "reconcile" and isinstance(value, ModuleType):
            value = value.reconcile
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
