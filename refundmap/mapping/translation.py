"""The report's words for reference ids written into a format: translated, named, copied."""

from __future__ import annotations

from functools import cache

import attrs

from refundmap.references import KINDS

__all__ = ["ReferenceMessages", "reference_messages"]

_ARTICLES = {"account": "an", "item": "an"}


@attrs.frozen
class ReferenceMessages:
    """The report's words for reference ids written into one format, per kind."""

    whose: dict[str, str]
    translated: dict[str, str]
    named: dict[str, str]
    no_directory: dict[str, str]


@cache
def reference_messages(target: str, *, into_railz: bool) -> ReferenceMessages:
    """Return the words for reference ids written into the format ``target``."""
    # Made once per target: the common entries carry no value, so that a
    # conversion formats no text for them (the paths say which id it was).
    space, expected = (
        ("Rutter's", "the platform's id") if into_railz else ("the platform's", "Rutter's own id")
    )
    words = {kind: kind.replace("_", " ") for kind in KINDS}
    return ReferenceMessages(
        whose={kind: f"{space} id of {word}" for kind, word in words.items()},
        translated={
            kind: f"{'the platform' if into_railz else 'Rutter'}'s id of this {word},"
            " from the directory"
            for kind, word in words.items()
        },
        named={kind: f"the {word}'s name, from the directory" for kind, word in words.items()},
        no_directory={
            kind: f"{space} id of {_ARTICLES.get(kind, 'a')} {word}, copied untranslated:"
            f" {target} expects {expected}; give a directory of references (directory=,"
            " --refs) to translate it"
            for kind, word in words.items()
        },
    )
