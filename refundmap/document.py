"""Documents as typed models: :func:`load` a vendor document, :func:`dump` a model back.

The models are the attrs classes of :mod:`refundmap.models.rutter` and
:mod:`refundmap.models.railz`. :func:`load` validates exactly as
:func:`refundmap.validate` does; :func:`dump` writes the vendor's JSON text, and
validates a model built in code first, so that a value that breaks a rule is a
:class:`~refundmap.ValidationError` with its path, never a half-written document.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, overload

from refundmap import jsonio
from refundmap.formats import Format, FormatName, format_of
from refundmap.models import railz, rutter
from refundmap.validation import load as _load
from refundmap.validation import model_data

__all__ = [
    "RailzDocument",
    "RailzPushDocument",
    "RailzV2Document",
    "RailzV2PushDocument",
    "RutterCreateDocument",
    "RutterDocument",
    "dump",
    "load",
]

#: What a ``rutter`` document is: a refund, a list response or a fetch response.
RutterDocument: TypeAlias = rutter.CustomerRefund | rutter.ListResponse | rutter.FetchResponse
#: What a ``rutter-create`` document is: the refund of a create body, or the whole body.
RutterCreateDocument: TypeAlias = rutter.CreateRefund | rutter.CreateRequest
#: What a ``railz`` document is: a version 1 refund, or the list response.
RailzDocument: TypeAlias = railz.Refund | railz.ListResponse
#: What a ``railz-v2`` document is: a version 2 refund, or the list response.
RailzV2Document: TypeAlias = railz.RefundV2 | railz.ListResponseV2
#: What a ``railz-v2-push`` document is: the refund of a push body, or the whole body.
RailzV2PushDocument: TypeAlias = railz.PushRefundDataV2 | railz.PushRefundV2
#: What a ``railz-push`` document is: the refund of a push body, or the whole body.
RailzPushDocument: TypeAlias = railz.PushRefundData | railz.PushRefund


@overload
def load(
    document: Any, format: Literal["rutter"], *, strict: bool = False
) -> RutterDocument | list[RutterDocument]: ...
@overload
def load(
    document: Any, format: Literal["rutter-create"], *, strict: bool = False
) -> RutterCreateDocument | list[RutterCreateDocument]: ...
@overload
def load(
    document: Any, format: Literal["railz"], *, strict: bool = False
) -> RailzDocument | list[RailzDocument]: ...
@overload
def load(
    document: Any, format: Literal["railz-v2"], *, strict: bool = False
) -> RailzV2Document | list[RailzV2Document]: ...
@overload
def load(
    document: Any, format: Literal["railz-v2-push"], *, strict: bool = False
) -> RailzV2PushDocument | list[RailzV2PushDocument]: ...
@overload
def load(
    document: Any, format: Literal["railz-push"], *, strict: bool = False
) -> RailzPushDocument | list[RailzPushDocument]: ...
@overload
def load(document: Any, format: Format, *, strict: bool = False) -> Any: ...
def load(document: Any, format: FormatName | Format, *, strict: bool = False) -> Any:  # noqa: A002 - the documented keyword
    """Return ``document`` as the models of its shape in ``format``.

    A record gives its record model (``rutter.CustomerRefund``), an envelope or
    request body its envelope model (``rutter.ListResponse``), a JSON array a
    list of them. Values under unknown keys are left out, as in a conversion.

    Args:
        document: JSON text or decoded JSON, as for :func:`refundmap.validate`.
        format: the document's format.
        strict: validate strictly.

    Raises:
        ValidationError: every problem of the document, each with its path.
        UsageError: for an unknown format.
    """
    loaded = _load(document, format, strict=strict)
    models = [part.model for part in loaded.parts]
    return models if loaded.is_array else models[0]


def dump(model: Any, *, indent: int | None = None) -> str:
    """Return a document model (or a list of models) as the vendor's JSON text.

    Exact decimals, the format's key order, null where the vendor requires the
    key. The model is validated first (its format is told by its class).

    Raises:
        ValidationError: a value breaks a rule of its format (a string where an
            amount belongs), with its path in the document.
        ParameterTypeError: not a document model.
    """
    data = model_data(model)
    first = model[0] if type(model) is list and model else model
    fmt = format_of(first)
    loaded = _load(data, fmt)
    codec = fmt.codec(strict=False)
    # Written from the validated models: "12.50" given for an amount is 12.50.
    written = [codec.unstructure(part.model) for part in loaded.parts]
    return jsonio.dumps(written if loaded.is_array else written[0], indent=indent)
