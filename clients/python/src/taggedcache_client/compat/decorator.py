"""``@cache.decorator``: caches what a function or method returns, under a key
derived as the original derives it, with stampede protection by the service's
leases and no stale value stored after a concurrent invalidation."""

import functools
import hashlib
import inspect
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from taggedcache_client.compat.backend import LOGGER, NOTHING
from taggedcache_client.compat.tags import matches, tag_list
from taggedcache_client.compat.types import CacheInfo


@dataclass(frozen=True)
class Options:
    """What one ``decorator(...)`` call fixed, resolved against the cache's defaults."""

    tags: Any
    lifetime_ms: int
    key: Optional[Callable[..., str]]
    hook_userdata: Any
    lock: bool
    lock_timeout_ms: int
    serializer: Callable[[Any], Optional[bytes]]
    unserializer: Callable[[bytes], Any]


def derive_key(info: CacheInfo, args: tuple, kwargs: dict) -> str:
    """The key of a call: the original's JSON of [file, class, function],
    arguments (the instance excluded) and keyword arguments, hashed with the
    whole SHA-256 (the original keeps 64 bits, which can collide). Raises
    TypeError when an argument is not JSON-serializable."""
    serialized = json.dumps([info._dump(), args, kwargs], sort_keys=True)
    return hashlib.sha256(serialized.encode("utf-8")).hexdigest()


def _bound(fn: Any, instance: Any) -> Callable[..., Any]:
    return fn if instance is None else functools.partial(fn, instance)


class CachedFunction:
    """A decorated function; bound to an instance when read as a method, so
    that ``self`` is left out of the key as the original does."""

    def __init__(self, cache: Any, wrapped: Callable[..., Any], options: Options):
        functools.update_wrapper(self, wrapped)
        self._cache = cache
        self._wrapped = wrapped
        self._options = options

    def __get__(self, instance: Any, owner: Any = None) -> Callable[..., Any]:
        if instance is None:
            return self
        bound = functools.partial(self._invoke, instance)
        functools.update_wrapper(bound, self._wrapped)
        return bound

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._invoke(None, *args, **kwargs)

    def _key_and_tags(self, info: CacheInfo, instance: Any, args: tuple, kwargs: dict):
        opts = self._options
        try:
            key = _bound(opts.key, instance)(*args, **kwargs) if opts.key else derive_key(info, args, kwargs)
        except Exception:
            LOGGER.warning("cannot derive the cache key (a custom key failed, or arguments are not JSON-serializable) => cache bypassed", exc_info=True)
            return None, None
        try:
            tags = tag_list(_bound(opts.tags, instance)(*args, **kwargs) if callable(opts.tags) else opts.tags)
        except Exception:
            LOGGER.warning("error while computing dynamic tag names => cache bypassed", exc_info=True)
            return key, None
        return key, tags

    def _invoke(self, instance: Any, *args: Any, **kwargs: Any) -> Any:
        before = time.perf_counter()
        info = CacheInfo(
            filepath=inspect.getfile(self._wrapped),
            class_name="" if instance is None else type(instance).__name__,
            function_name=self._wrapped.__name__,
            function_args=args,
            function_kwargs=kwargs,
            method_decorator=instance is not None,
        )
        call = functools.partial(_bound(self._wrapped, instance), *args, **kwargs)
        key, tags = self._key_and_tags(info, instance, args, kwargs)
        if key is None:
            return call()
        if tags is None:
            value = call()
        else:
            value = self._through_cache(key, tags, info, call)
        info.elapsed = time.perf_counter() - before
        self._cache._call_hook(key, tags or [], info, self._options.hook_userdata)
        return value

    def _read(self, key: str, tags: List[str], info: CacheInfo):
        opts = self._options
        backend = self._cache._backend
        # Without lock, a lease that nobody waits for: the server then creates
        # the versions of tags never seen before at the miss, so the first
        # value computed under them is stored (a version token that records a
        # tag absent never guards a Set).
        lease = (opts.lock_timeout_ms, opts.lock_timeout_ms if opts.lock else 0)
        started = time.perf_counter()
        result = backend.read(key, tags, lease)
        if result.waited:
            info.lock_waiting_ms = int((time.perf_counter() - started) * 1000)
        if result.entry is None:
            return result, None
        # An entry stored under other tags is one the original would not see.
        if matches(result.entry, tags):
            info.serialized_size = len(result.entry.value)
            try:
                return result, (opts.unserializer(result.entry.value),)
            except Exception:
                LOGGER.warning("error while unserializing cache value => cache bypassed", exc_info=True)
        # Drop the entry, then miss afresh to get tokens that vouch for a new value.
        backend.delete(key)
        again = backend.read(key, tags, lease)
        return (NOTHING if again.entry is not None else again), None

    def _through_cache(self, key: str, tags: List[str], info: CacheInfo, call: Callable[[], Any]) -> Any:
        opts = self._options
        backend = self._cache._backend
        result, hit = self._read(key, tags, info)
        if hit is not None:
            info.hit = True
            info.lock_full_hit = opts.lock and not result.waited
            return hit[0]
        info.lock_full_miss = opts.lock and result.lease_token is not None
        started = time.perf_counter()
        try:
            value = call()
        except BaseException:
            # Free the lock at once: waiting callers take over instead of sleeping out its timeout.
            backend.release(key, result.lease_token)
            raise
        info.decorated_elapsed = time.perf_counter() - started
        if not (result.version_token or result.lease_token):
            return value  # the read failed: nothing vouches that the value is fresh
        try:
            data = opts.serializer(value)
        except Exception:
            LOGGER.warning("error while serializing cache value => cache bypassed", exc_info=True)
            data = None
        if data is None:
            backend.release(key, result.lease_token)
            return value
        info.serialized_size = len(data)
        backend.store(key, data, tags, opts.lifetime_ms, result.version_token, result.lease_token)
        return value
