"""refundmap: validate and convert customer refunds between Rutter and Railz.

The public API is re-exported here; the modules behind it are:

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
- ``refundmap/reconcile.py``: :func:`reconcile`, two datasets matched and compared;
- :mod:`refundmap.report`: report entries and errors;
- :mod:`refundmap.gate`: ``fail_on=`` kinds;
- :mod:`refundmap.missing`: the reference ids a conversion copied untranslated;
- :mod:`refundmap.detect`: a document's format told from its keys;
- :mod:`refundmap.testing`: hypothesis strategies and a pytest plugin for users' tests
  (the ``testing`` extra).
"""

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
