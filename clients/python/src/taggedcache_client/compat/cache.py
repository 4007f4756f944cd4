"""RedisTaggedCache: the original's class, backed by a TaggedCache server."""

import pickle
import threading
from collections import OrderedDict
from typing import Any, Callable, Iterable, List, Optional, Sequence, Union

import grpc

from taggedcache_client.client import TaggedCacheClient
from taggedcache_client.compat.backend import LOGGER, Backend, DisabledBackend
from taggedcache_client.compat.decorator import CachedFunction, Options
from taggedcache_client.compat.tags import matches, tag_list
from taggedcache_client.compat.types import CacheHook, CacheInfo, CacheMiss

#: Misses remembered per thread for a following ``set`` (see ``get``).
_PENDING_PER_THREAD = 1024


class RedisTaggedCache:
    """The cache of redis-tagged-cache, with the same methods, arguments,
    exceptions and decorator, on a TaggedCache server: invalidations are seen
    at once by every process and every language using the namespace.

    Constructor: ``address`` (``host:port`` of the server) replaces the
    original's Redis ``host``, ``port`` and ``db``; ``ssl`` makes the channel
    TLS (or pass ``credentials``); ``token`` is the server's bearer token.
    ``socket_timeout`` (seconds) bounds every call. ``default_lifetime``,
    ``disabled``, ``cache_hook``, ``serializer`` and ``unserializer`` mean
    what they meant. ``socket_connect_timeout`` and ``lifetime_for_tags`` are
    accepted and unused (connecting is bounded by the call's deadline; the
    server keeps tag versions). ``in_local_memory=True`` is refused.
    """

    def __init__(
        self,
        namespace: str = "default",
        *,
        address: str = "localhost:50051",
        ssl: bool = False,
        socket_timeout: float = 5,
        socket_connect_timeout: float = 5,
        default_lifetime: Optional[int] = 3600,
        lifetime_for_tags: Optional[int] = 86400,
        disabled: bool = False,
        in_local_memory: bool = False,
        cache_hook: Optional[CacheHook] = None,
        serializer: Callable[[Any], Optional[bytes]] = pickle.dumps,
        unserializer: Callable[[bytes], Any] = pickle.loads,
        token: Optional[str] = None,
        credentials: Optional[grpc.ChannelCredentials] = None,
    ):
        if in_local_memory:
            raise ValueError(
                "in_local_memory is not supported: the cache lives in a TaggedCache server; "
                "for tests, run one without REDIS_URL (its embedded in-memory store)"
            )
        self.namespace = namespace
        self.address = address
        self.ssl = ssl
        self.socket_timeout = socket_timeout
        self.socket_connect_timeout = socket_connect_timeout
        self.default_lifetime = default_lifetime
        self.lifetime_for_tags = lifetime_for_tags
        self.disabled = disabled
        self.in_local_memory = in_local_memory
        self.cache_hook = cache_hook
        self.serializer = serializer
        self.unserializer = unserializer
        if disabled:
            self._backend: Any = DisabledBackend()
        else:
            creds = credentials or (grpc.ssl_channel_credentials() if ssl else None)
            client = TaggedCacheClient(address, namespace, token=token, credentials=creds)
            self._backend = Backend(client, int(socket_timeout * 1000))
        self._local = threading.local()

    def _lifetime_ms(self, lifetime: Optional[int]) -> int:
        seconds = self.default_lifetime if lifetime is None else lifetime
        # The original documents "<= 0 means no expiration" (and broke on negatives).
        return 0 if seconds is None or seconds <= 0 else int(seconds * 1000)

    def _pending(self) -> "OrderedDict[tuple, bytes]":
        pending = getattr(self._local, "pending", None)
        if pending is None:
            pending = self._local.pending = OrderedDict()
        return pending

    def _call_hook(self, key: str, tags: List[str], info: CacheInfo, userdata: Any) -> None:
        if not self.cache_hook:
            return
        try:
            self.cache_hook(key, tags, userdata=userdata, cache_info=info)
        except Exception:
            LOGGER.warning("error while calling hook %s", self.cache_hook, exc_info=True)

    def set(self, key: str, value: Any, tags: Optional[Iterable[str]] = None, lifetime: Optional[int] = None) -> bool:
        """Stores ``value`` (serialized) under ``key`` with ``tags``, replacing
        whatever ``key`` held. ``lifetime`` in seconds: None for
        ``default_lifetime``, 0 for no expiry. False when not stored: the
        serializer failed or returned None, the backend failed (a warning is
        logged), or a tag was invalidated since this thread's ``get`` of the
        same key and tags missed (the value may be stale)."""
        tags = tag_list(tags)
        try:
            data = self.serializer(value)
        except Exception:
            LOGGER.warning("error when serializing provided data => cache bypassed", exc_info=True)
            return False
        if data is None:
            LOGGER.warning("serializer returned None => cache bypassed")
            return False
        token = self._pending().pop((key, tuple(sorted(set(tags)))), None)
        return self._backend.store(key, data, tags, self._lifetime_ms(lifetime), version_token=token)

    def get(self, key: str, tags: Optional[Iterable[str]] = None) -> Any:
        """Returns the value stored under ``key`` with exactly the tag set
        ``tags``; raises CacheMiss otherwise, on an unreadable value, or on a
        backend failure (a warning is logged). A miss is remembered by this
        thread, so that a ``set`` of the same key and tags that follows is
        refused if a tag was invalidated in between."""
        tags = tag_list(tags)
        result = self._backend.read(key, tags)
        entry = result.entry
        if entry is None or not matches(entry, tags):
            if result.version_token:
                pending = self._pending()
                pending[(key, tuple(sorted(set(tags))))] = result.version_token
                while len(pending) > _PENDING_PER_THREAD:
                    pending.popitem(last=False)
            raise CacheMiss()
        try:
            return self.unserializer(entry.value)
        except Exception:
            LOGGER.warning("error when unserializing cached data => cache bypassed", exc_info=True)
            raise CacheMiss()

    def delete(self, key: str, tags: Optional[Iterable[str]] = None) -> bool:
        """Removes the entry stored under ``key`` with exactly the tag set
        ``tags``; False when there is none (or on a backend failure)."""
        tags = tag_list(tags)
        entry = self._backend.read(key, tags).entry
        if entry is None or not matches(entry, tags):
            return False
        return self._backend.delete(key)

    def invalidate(self, *tags: Union[str, Iterable[str]]) -> bool:
        """Makes every entry carrying any of the tags miss, in every process.
        Takes tags, or lists of tags, or both. False on a backend failure."""
        flat = [tag for group in tags for tag in tag_list(group)]
        return self._backend.invalidate(flat)

    def invalidate_all(self) -> bool:
        """Makes every entry of the namespace miss. False on a backend failure."""
        return self._backend.invalidate_all()

    def decorator(
        self,
        tags: Optional[Union[Iterable[str], Callable[..., Iterable[str]]]] = None,
        lifetime: Optional[int] = None,
        key: Optional[Callable[..., str]] = None,
        hook_userdata: Optional[Any] = None,
        lock: bool = False,
        lock_timeout: int = 5,
        serializer: Optional[Callable[[Any], Optional[bytes]]] = None,
        unserializer: Optional[Callable[[bytes], Any]] = None,
    ) -> Callable[[Callable[..., Any]], CachedFunction]:
        """Caches what the decorated function or method returns. The key is
        derived from the function and its JSON-serializable arguments (``self``
        excluded) unless ``key`` computes it; ``tags`` is a list or a function
        of the arguments. ``lock=True``: concurrent callers of a cold key, in
        any process, wait up to ``lock_timeout`` seconds while one computes.
        A value computed while one of its tags was invalidated is returned
        but not cached."""
        if not isinstance(tags, (type(None), str)) and not callable(tags):
            tags = tag_list(tags)  # a generator must serve every call, not just the first
        options = Options(
            tags=tags,
            lifetime_ms=self._lifetime_ms(lifetime),
            key=key,
            hook_userdata=hook_userdata,
            lock=lock,
            lock_timeout_ms=int(lock_timeout * 1000),
            serializer=serializer or self.serializer,
            unserializer=unserializer or self.unserializer,
        )
        return lambda fn: CachedFunction(self, fn, options)

    def function_decorator(self, *args: Any, **kwargs: Any):
        """Deprecated in the original: ``decorator``."""
        return self.decorator(*args, **kwargs)

    def method_decorator(self, *args: Any, **kwargs: Any):
        """Deprecated in the original: ``decorator``."""
        return self.decorator(*args, **kwargs)

    def close(self) -> None:
        """Closes the connection to the server (not in the original)."""
        self._backend.close()
