"""A bounded LRU cache of serialized query results. The graph is read-only between builds, so a
result stays valid for the life of the process; bounds keep memory predictable."""
from __future__ import annotations

from collections import OrderedDict


class ResultCache:
    def __init__(self, max_entries: int, max_bytes: int, enabled: bool = True):
        self.enabled = enabled and max_entries > 0 and max_bytes > 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[bytes, dict]] = OrderedDict()
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
        return item

    def put(self, key: tuple, body: bytes, meta: dict) -> None:
        # A result larger than a quarter of the budget would evict too much to be worth keeping.
        if not self.enabled or len(body) > self.max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old[0])
        self._items[key] = (body, meta)
        self._bytes += len(body)
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            _, (evicted, _) = self._items.popitem(last=False)
            self._bytes -= len(evicted)

    def stats(self) -> dict:
        return {"enabled": self.enabled, "entries": len(self._items), "bytes": self._bytes,
                "hits": self.hits, "misses": self.misses}
