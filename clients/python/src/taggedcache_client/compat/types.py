"""The exceptions and hook types of redis-tagged-cache, under the same names."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Protocol, Tuple


class CacheException(Exception):
    """A failure of the cache backend; the high-level API never lets it out."""


class CacheMiss(Exception):
    """Raised by ``get`` when the entry is absent, expired, invalidated, stored
    under another tag set, or unreadable by the unserializer."""


@dataclass
class CacheInfo:
    """What one call of a decorated function did, handed to the cache hook."""

    #: File of the decorated function.
    filepath: str = ""
    #: Class of the instance for methods; empty for functions.
    class_name: str = ""
    #: Name of the decorated function or method.
    function_name: str = ""
    #: Positional arguments of the call (without the instance for methods).
    function_args: Tuple[Any, ...] = field(default_factory=tuple)
    #: Keyword arguments of the call.
    function_kwargs: Dict[str, Any] = field(default_factory=dict)
    #: True when called as a method (an instance was bound).
    method_decorator: bool = False
    #: True when the value came from the cache.
    hit: bool = False
    #: Seconds spent in the whole call, hooks excluded.
    elapsed: float = 0.0
    #: Seconds spent in the decorated function (on a miss).
    decorated_elapsed: float = 0.0
    #: Milliseconds spent waiting for another caller's lock (``lock=True``).
    lock_waiting_ms: int = 0
    #: ``lock=True``: the value was there at once, no lock involved.
    lock_full_hit: bool = False
    #: ``lock=True``: this call got the lock and computed the value.
    lock_full_miss: bool = False
    #: Size of the serialized value in bytes.
    serialized_size: int = 0

    def _dump(self) -> List[str]:
        # The identity of the function in derived keys, as the original builds it.
        return [self.filepath, self.class_name, self.function_name]


class CacheHook(Protocol):
    """Signature of ``cache_hook``: called after each decorated call."""

    def __call__(self, cache_key: str, cache_tags: List[str], cache_info: CacheInfo, userdata: Any = None) -> None: ...
