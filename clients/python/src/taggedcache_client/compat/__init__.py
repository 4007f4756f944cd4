"""redis-tagged-cache's API on a TaggedCache server.

Code written for the Python library ``redis-tagged-cache`` runs unchanged but
for its import and the constructor's address::

    from taggedcache_client.compat import CacheMiss, RedisTaggedCache

    cache = RedisTaggedCache(namespace="foo", address="localhost:50051")
    cache.set("key1", "my value", tags=["tag1", "tag2"], lifetime=60)

What differs, and why, is listed in the package's README (Migrating from
redis-tagged-cache).
"""

from taggedcache_client.compat.cache import RedisTaggedCache
from taggedcache_client.compat.types import CacheException, CacheHook, CacheInfo, CacheMiss

__all__ = ["CacheException", "CacheHook", "CacheInfo", "CacheMiss", "RedisTaggedCache"]
