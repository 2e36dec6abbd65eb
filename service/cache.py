"""A bounded LRU cache of serialized query results. The graph is read-only between builds, so a
result stays valid for the life of the process; bounds keep memory predictable."""
from __future__ import annotations

from collections import OrderedDict


class ResultCache:
    def __init__(self, max_entries: int, max_bytes: int, enabled: bool = True):
        self.enabled = enabled and max_entries > 0 and max_bytes > 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        # key -> [body, headers, gzipped body or None]
        self._items: OrderedDict[tuple, list] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple):
        if not self.enabled:
            return None
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item[0], item[1]

    def gzipped(self, key: tuple) -> bytes | None:
        item = self._items.get(key)
        return item[2] if item is not None else None

    def put_gzipped(self, key: tuple, compressed: bytes) -> None:
        """Keeps a compressed copy beside a cached result (counted in the byte budget)."""
        item = self._items.get(key)
        if item is None or item[2] is not None:
            return
        item[2] = compressed
        self._bytes += len(compressed)
        self._evict()

    def put(self, key: tuple, body: bytes, meta: dict) -> None:
        # A result larger than a quarter of the budget would evict too much to be worth keeping.
        if not self.enabled or len(body) > self.max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= self._size(old)
        self._items[key] = [body, meta, None]
        self._bytes += len(body)
        self._evict()

    def _evict(self) -> None:
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._items.popitem(last=False)
            self._bytes -= self._size(evicted)

    @staticmethod
    def _size(item: list) -> int:
        return len(item[0]) + (len(item[2]) if item[2] is not None else 0)

    def stats(self) -> dict:
        return {"enabled": self.enabled, "entries": len(self._items), "bytes": self._bytes,
                "hits": self.hits, "misses": self.misses}
