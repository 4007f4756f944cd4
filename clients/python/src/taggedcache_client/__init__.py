"""Python client of TaggedCache: a gRPC cache with O(1) tag invalidation.

>>> from taggedcache_client import TaggedCacheClient
>>> with TaggedCacheClient("localhost:50051", namespace="demo") as cache:
...     cache.set("user:1", b"Ada", tags=["users"])
...     cache.get("user:1")
"""

from taggedcache_client.client import TaggedCacheClient
from taggedcache_client.types import Entry, Lookup, ReadResult

__all__ = ["TaggedCacheClient", "Entry", "Lookup", "ReadResult"]
