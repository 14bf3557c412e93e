"""The format of a document told from the document itself (``-f auto``, ``format="auto"``)."""

from __future__ import annotations

from typing import Any

from refundmap.formats import FORMATS, Format
from refundmap.report import Problem, ValidationError
from refundmap.validation import Decoded, _foreign_hint, _vocabulary, decode, load

__all__ = ["AUTO", "detect_format"]

#: The format name that asks for the format to be told from the document.
AUTO = "auto"

#: How many records of a page or array are tried: the first few tell the format.
_SAMPLE = 3


def _sample(raw: Any) -> Any:
    """Return ``raw`` with any long array of records cut to its first few."""
    if type(raw) is list:
        return [_sample(item) for item in raw[:_SAMPLE]]
    if type(raw) is dict:
        return {
            key: value[:_SAMPLE] if type(value) is list and key in _RECORDS_KEYS else value
            for key, value in raw.items()
        }
    return raw


#: The keys under which an envelope of any format holds its records.
_RECORDS_KEYS = frozenset(
    fmt.naming(shape.records)
    for fmt in FORMATS.values()
    for shape in fmt.envelopes
    if shape.records is not None and shape.many
)


def _objects(raw: Any) -> list[dict[str, Any]]:
    """The objects of a document, and the first record of each envelope among them."""
    items = raw if type(raw) is list else [raw]
    found = []
    for item in items:
        if type(item) is not dict:
            continue
        found.append(item)
        for key in _RECORDS_KEYS:
            held = item.get(key)
            if type(held) is list and held and type(held[0]) is dict:
                found.append(held[0])
    return found


def detect_format(document: Any) -> Format:
    """Return the format of ``document`` (JSON text or decoded JSON), told from its keys.

    The formats ``document`` is valid in are tried, and the one that reads it
    with the fewest unknown keys is taken; when it is valid in none, the one it
    shares the most keys with that does not plainly refuse it, so that
    validating it as that format names its problems.

    Raises:
        ValidationError: for a document that is not JSON, that no format could
            be, or that two or more formats fit equally (the problem names
            them: give the format).
    """
    raw = _sample(decode(document))
    sample = Decoded(raw)
    fits: list[tuple[int, Format]] = []
    for fmt in FORMATS.values():
        try:
            loaded = load(sample, fmt)
        except ValidationError:
            continue
        fits.append((len(loaded.unknown), fmt))
    if fits:
        fewest = min(unknown for unknown, _ in fits)
        candidates = [fmt for unknown, fmt in fits if unknown == fewest]
    else:
        objects = _objects(raw)
        scores = [
            (sum(len(_vocabulary(fmt).intersection(item)) for item in objects), fmt)
            for fmt in FORMATS.values()
            if objects and not any(_foreign_hint(item, fmt) for item in objects)
        ]
        best = max((score for score, _ in scores), default=0)
        candidates = [fmt for score, fmt in scores if score == best and score > 0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        message = "the format cannot be told: this is no refund document refundmap knows"
    else:
        names = ", ".join(fmt.name for fmt in candidates[:-1]) + f" or {candidates[-1].name}"
        message = f"the format cannot be told: it could be {names}; give the format"
    raise ValidationError([Problem("$", message)])
