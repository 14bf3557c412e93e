"""A document's records: each as a one-record document, and the document without some.

What :meth:`refundmap.Converter.each` and :meth:`refundmap.Converter.partial`
split a document into, with the JSONPath of each piece in the whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from refundmap.formats import Format
from refundmap.paths import rebase

__all__ = ["only_record", "records_key", "split_records", "within", "without"]


def within(path: str | None, prefix: str) -> str | None:
    """Return ``path`` relative to the record at ``prefix``; None for a path outside it."""
    return None if path is None else rebase(path, prefix, "$")


def only_record(output: Any, target: Format) -> tuple[Any, str]:
    """Return the one record (or body) of a one-record conversion's output, and its path."""
    if type(output) is list:  # request bodies
        return output[0], "$[0]"
    if target.request is not None or type(output) is not dict:
        return output, "$"
    shape = target.shape_of(output)
    if shape.records is None:
        return output, "$"
    key = target.naming(shape.records)
    if shape.many:
        return output[key][0], f"$.{key}[0]"
    return output[key], f"$.{key}"


def records_key(item: Any, fmt: Format) -> str | None:
    """Return the key of ``item``'s list of records when it is a list page of ``fmt``."""
    shape = fmt.shape_of(item) if type(item) is dict else None
    if shape is None or not shape.many or shape.records is None:
        return None
    key = fmt.naming(shape.records)
    return key if type(item.get(key)) is list else None


def split_records(raw: Any, fmt: Format) -> Iterator[tuple[Any, str, str, str]]:
    """Yield each record of decoded ``raw`` as a one-record document of ``fmt``.

    A list page's record keeps its envelope (the connection, the meta), with
    itself as the only record; each element of an array is split the same
    way. Yields ``(document, the record's path in it, the record's path in
    raw, the document's path in raw)``. An element of an array that is not an
    object (an array, a number) is yielded within an array of its own, so that
    it fails as it fails in ``raw``: it is not a document of its own.
    """
    elements = (
        [(f"$[{i}]", item) for i, item in enumerate(raw)] if type(raw) is list else [("$", raw)]
    )
    for outer, item in elements:
        if outer != "$" and type(item) is not dict:
            yield [item], "$[0]", outer, outer
            continue
        key = records_key(item, fmt)
        if key is None:
            yield item, "$", outer, outer
            continue
        for j, record in enumerate(item[key]):
            yield {**item, key: [record]}, f"$.{key}[0]", f"{outer}.{key}[{j}]", outer


def without(raw: Any, bad: set[str], fmt: Format) -> tuple[Any, Callable[[str], str]]:
    """Return ``raw`` without the records at ``bad`` paths, and a map of its paths to raw's."""
    renamed: dict[str, str] = {}

    def page(item: Any, new: str, old: str) -> Any:
        key = records_key(item, fmt)
        if key is None:
            return item
        kept = [(j, r) for j, r in enumerate(item[key]) if f"{old}.{key}[{j}]" not in bad]
        for position, (j, _) in enumerate(kept):
            renamed[f"{new}.{key}[{position}]"] = f"{old}.{key}[{j}]"
        return {**item, key: [record for _, record in kept]}

    if type(raw) is list:
        remainder: Any = []
        for i, item in enumerate(raw):
            if f"$[{i}]" in bad:
                continue
            new = f"$[{len(remainder)}]"
            renamed[new] = f"$[{i}]"
            remainder.append(page(item, new, f"$[{i}]"))
    else:
        remainder = page(raw, "$", "$")
    prefixes = sorted(renamed, key=len, reverse=True)

    def remap(path: str) -> str:
        for prefix in prefixes:
            if (moved := rebase(path, prefix, renamed[prefix])) is not None:
                return moved
        return path

    return remainder, remap
