"""A dict that forgets its least recently used entries: bounded in-memory caches."""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class LruDict(OrderedDict[K, V]):
    """At most ``maxsize`` entries; setting or getting one makes it the most recent.

    For caches keyed by chat or user, whose number only grows while the bot runs.
    """

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)

    @overload
    def get(self, key: K, default: None = None) -> V | None: ...

    @overload
    def get(self, key: K, default: V | T) -> V | T: ...

    def get(self, key: K, default: object = None) -> object:
        """The value (now the most recent), or ``default``."""
        if key not in self:
            return default
        self.move_to_end(key)
        return super().__getitem__(key)
