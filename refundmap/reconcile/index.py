"""Both sides' records by match key: SQLite in memory, moved to a temporary file when big."""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from refundmap.reconcile.compare import Item

__all__ = ["Index"]


class Index:
    """Both sides' items by match key: SQLite in memory, moved to a file past ``spill_after``."""

    def __init__(self, spill_after: int) -> None:
        self.spill_after = spill_after
        self.db = sqlite3.connect(":memory:")
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.db.execute(
            "CREATE TABLE items (side INTEGER, seq INTEGER, key TEXT, candidate TEXT, item BLOB,"
            " PRIMARY KEY (side, seq))"
        )
        self.db.execute("CREATE INDEX by_key ON items (key)")
        self.db.execute("CREATE INDEX by_candidate ON items (candidate)")
        self.count = [0, 0]
        self.pending: list[tuple[int, int, str | None, str | None, bytes]] = []

    @property
    def spilled(self) -> bool:
        """Whether the index is in a file."""
        return self.folder is not None

    def add(self, side: int, item: Item) -> None:
        """Add ``item``, the next record of ``side`` (0: left, 1: right)."""
        blob = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.append((side, self.count[side], item.key, item.candidate, blob))
        self.count[side] += 1
        if len(self.pending) >= 1000:
            self.flush()

    def flush(self) -> None:
        """Write what is pending; move to a file once past ``spill_after`` records."""
        self.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", self.pending)
        self.db.commit()  # a backup waits for an open transaction
        self.pending.clear()
        if self.folder is None and sum(self.count) > self.spill_after:
            self.folder = tempfile.TemporaryDirectory(prefix="refundmap-reconcile-")
            disk = sqlite3.connect(Path(self.folder.name) / "index.sqlite3")
            disk.execute("PRAGMA journal_mode = OFF")
            disk.execute("PRAGMA synchronous = OFF")
            self.db.backup(disk)
            self.db.close()
            self.db = disk

    def side(self, side: int) -> Iterator[tuple[int, Item]]:
        """Yield ``(seq, item)`` of each record of ``side``, in order."""
        cursor = self.db.execute("SELECT seq, item FROM items WHERE side = ? ORDER BY seq", (side,))
        for seq, blob in cursor:
            yield seq, pickle.loads(blob)  # noqa: S301 - written by this index

    def where(self, column: str, value: str) -> list[tuple[int, int, Item]]:
        """Return ``(side, seq, item)`` of each record whose ``column`` is ``value``."""
        query = f"SELECT side, seq, item FROM items WHERE {column} = ? ORDER BY side, seq"  # noqa: S608 - key or candidate
        return [
            (side, seq, pickle.loads(blob))  # noqa: S301 - written by this index
            for side, seq, blob in self.db.execute(query, (value,))
        ]

    def close(self) -> None:
        """Close the database and remove its file."""
        self.db.close()
        if self.folder is not None:
            self.folder.cleanup()
