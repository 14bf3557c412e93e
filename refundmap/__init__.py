"""refundmap: validate and convert customer refunds between Rutter and Railz.

The public API is re-exported here; the modules behind it are:

- :mod:`refundmap.models`: attrs classes of each vendor's schemas;
- :mod:`refundmap.codec`: cattrs converters, vendor keys, value rules;
- :mod:`refundmap.jsonio`: exact JSON reading and writing;
- :mod:`refundmap.money` and :mod:`refundmap.dates`: the value rules;
- :mod:`refundmap.checks`: totals arithmetic;
- :mod:`refundmap.formats`: the format registry;
- :mod:`refundmap.mapping`: the field table and the engine that applies it;
- :mod:`refundmap.references`: reference ids in Rutter's and the platform's id spaces;
- :mod:`refundmap.report`: report entries and errors.
"""

from refundmap.conversion import Conversion, convert
from refundmap.formats import FORMATS, Format
from refundmap.references import Directory, Lookup, Reference, RefKind
from refundmap.report import (
    Entry,
    Kind,
    MappingError,
    Problem,
    RefundmapError,
    ValidationError,
)
from refundmap.validation import validate

__all__ = [
    "FORMATS",
    "Conversion",
    "Directory",
    "Entry",
    "Format",
    "Kind",
    "Lookup",
    "MappingError",
    "Problem",
    "RefKind",
    "Reference",
    "RefundmapError",
    "ValidationError",
    "convert",
    "validate",
]
