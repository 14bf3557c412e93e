"""cattrs converters: vendor JSON keys, value rules, and errors as JSONPaths.

One :class:`Codec` per key style and strictness, built once (``Format.codec``).
Structuring runs cattrs with detailed validation, so every problem of a document
is collected; :func:`Codec.structure` turns cattrs' exception tree into
:class:`~refundmap.report.Problem` entries whose paths use the vendor's own keys.

The package follows cattrs' own seams: ``converter`` (the codec and its keys),
``hooks`` (the cattrs converter and its hooks, imported with cattrs when a codec
first structures or writes), ``problems`` (cattrs' errors as problems) and
``fields`` (what a model is: keys and types).
"""

from refundmap.codec.converter import Codec, KeyRuleError, UnknownKeysError
from refundmap.codec.fields import camel, snake, without_none

__all__ = ["Codec", "KeyRuleError", "UnknownKeysError", "camel", "snake", "without_none"]
