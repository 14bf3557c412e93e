"""attrs models of each vendor's refund schemas: data only, no behaviour.

Attribute names are snake_case; the JSON key of each attribute is decided by
the format's converter (:mod:`refundmap.codec`): Rutter keys are the attribute
names, Railz keys are their camelCase. A field whose key breaks that rule says
so with ``metadata={"key": ...}``; documented alternative spellings are listed
in ``metadata={"aliases": (...)}``; a list that must not be empty says
``metadata={"min_items": 1}``, a string with a length limit
``metadata={"max_length": 4000}``, and an optional key written as null when it
has no value ``metadata={"write_null": True}``.
"""

from refundmap.models import railz, rutter

__all__ = ["railz", "rutter"]
