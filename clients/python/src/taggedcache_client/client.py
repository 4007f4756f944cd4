"""TaggedCacheClient: the calls of the TaggedCache service, with Python types."""

from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Union

import grpc

from taggedcache.v1 import tagged_cache_pb2 as pb
from taggedcache.v1.tagged_cache_pb2_grpc import TaggedCacheStub
from taggedcache_client.types import Entry, Lookup, ReadResult

#: A lease on a miss: True for the server's defaults, or a dict with
#: ``lifetime_ms`` and/or ``wait_ms``.
LeaseOption = Union[bool, Dict[str, int]]


def _entry(reply: pb.GetResponse) -> Optional[Entry]:
    if not reply.hit:
        return None
    ttl = reply.ttl_ms if reply.HasField("ttl_ms") else None
    return Entry(value=reply.value, tags=tuple(reply.tags), ttl_ms=ttl)


def _lease(option: LeaseOption) -> Optional[pb.LeaseOptions]:
    if option is False or option is None:
        return None
    return pb.LeaseOptions() if option is True else pb.LeaseOptions(**option)


class TaggedCacheClient:
    """A client of one TaggedCache server, for one namespace.

    ``deadline_ms`` bounds every unary call (default 5000; a call may pass its
    own); streams have no deadline unless given one. ``token`` is sent as
    ``authorization: Bearer <token>``. ``credentials`` (from
    ``grpc.ssl_channel_credentials``) make the channel TLS; the default is
    plaintext. Errors are ``grpc.RpcError`` with the server's status code and
    message (``INVALID_ARGUMENT`` names the field and the limit).
    """

    def __init__(
        self,
        address: str,
        namespace: str = "default",
        *,
        token: Optional[str] = None,
        deadline_ms: int = 5000,
        credentials: Optional[grpc.ChannelCredentials] = None,
        channel_options: Sequence[tuple] = (),
    ):
        self.namespace = namespace
        self.deadline_ms = deadline_ms
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        if credentials is None:
            self._channel = grpc.insecure_channel(address, options=list(channel_options))
        else:
            self._channel = grpc.secure_channel(address, credentials, options=list(channel_options))
        self._stub = TaggedCacheStub(self._channel)

    def _call(self, rpc, request, deadline_ms: Optional[int]):
        timeout = (deadline_ms if deadline_ms is not None else self.deadline_ms) / 1000
        return rpc(request, timeout=timeout, metadata=self._metadata)

    def read(
        self, key: str, *, tags: Sequence[str] = (), lease: LeaseOption = False, deadline_ms: Optional[int] = None
    ) -> ReadResult:
        """Reads an entry with everything a miss tells: version token, lease."""
        request = pb.GetRequest(namespace=self.namespace, key=key, tags=tags, lease=_lease(lease))
        reply = self._call(self._stub.Get, request, deadline_ms)
        return ReadResult(
            entry=_entry(reply),
            version_token=reply.version_token or None,
            lease_token=reply.lease_token or None,
            lease_lifetime_ms=reply.lease_lifetime_ms if reply.HasField("lease_lifetime_ms") else None,
            waited=reply.waited,
        )

    def get_entry(self, key: str, *, tags: Sequence[str] = (), deadline_ms: Optional[int] = None) -> Optional[Entry]:
        """Reads an entry with its tags and remaining lifetime; None on a miss."""
        return self.read(key, tags=tags, deadline_ms=deadline_ms).entry

    def get(self, key: str, *, tags: Sequence[str] = (), deadline_ms: Optional[int] = None) -> Optional[bytes]:
        """Reads a value; None on a miss. ``tags``: the exact tag set the entry must have."""
        entry = self.get_entry(key, tags=tags, deadline_ms=deadline_ms)
        return None if entry is None else entry.value

    def set(
        self,
        key: str,
        value: bytes,
        *,
        tags: Sequence[str] = (),
        lifetime_ms: Optional[int] = None,
        version_token: Optional[bytes] = None,
        lease_token: Optional[bytes] = None,
        deadline_ms: Optional[int] = None,
    ) -> bool:
        """Stores a value; False when a version or lease token refused it (a
        tag was invalidated since the miss). ``lifetime_ms``: None for the
        server's default, 0 for no expiry."""
        request = pb.SetRequest(
            namespace=self.namespace,
            key=key,
            value=value,
            tags=tags,
            lifetime_ms=lifetime_ms,
            version_token=version_token or b"",
            lease_token=lease_token or b"",
        )
        return self._call(self._stub.Set, request, deadline_ms).stored

    def release(self, key: str, lease_token: bytes, *, deadline_ms: Optional[int] = None) -> bool:
        """Gives up a lease, so waiters proceed at once; True when it was still held."""
        request = pb.ReleaseRequest(namespace=self.namespace, key=key, lease_token=lease_token)
        return self._call(self._stub.Release, request, deadline_ms).released

    def delete(self, key: str, *, deadline_ms: Optional[int] = None) -> bool:
        """Removes an entry; True when one was there."""
        request = pb.DeleteRequest(namespace=self.namespace, key=key)
        return self._call(self._stub.Delete, request, deadline_ms).deleted

    def invalidate(self, *tags: str, deadline_ms: Optional[int] = None) -> None:
        """Makes every entry carrying any of the tags miss from now on."""
        self._call(self._stub.Invalidate, pb.InvalidateRequest(namespace=self.namespace, tags=tags), deadline_ms)

    def invalidate_all(self, *, deadline_ms: Optional[int] = None) -> None:
        """Makes every entry of the namespace miss from now on."""
        self._call(self._stub.InvalidateAll, pb.InvalidateAllRequest(namespace=self.namespace), deadline_ms)

    def get_many_stream(
        self, batches: Iterable[Sequence[Union[str, Lookup]]], *, deadline_ms: Optional[int] = None
    ) -> Iterator[List[Optional[Entry]]]:
        """Looks up batches of keys over one GetMany stream; yields, per batch
        and in order, one entry (or None for a miss) per lookup."""

        def requests():
            for batch_id, batch in enumerate(batches):
                items = [pb.GetManyItem(key=l) if isinstance(l, str) else pb.GetManyItem(key=l.key, tags=l.tags) for l in batch]
                yield pb.GetManyRequest(namespace=self.namespace, items=items, batch_id=batch_id)

        timeout = None if deadline_ms is None else deadline_ms / 1000
        for reply in self._stub.GetMany(requests(), timeout=timeout, metadata=self._metadata):
            yield [_entry(r) for r in reply.results]

    def get_many(
        self, lookups: Sequence[Union[str, Lookup]], *, batch_size: int = 500, deadline_ms: Optional[int] = None
    ) -> Dict[str, Entry]:
        """Looks up many keys in batches over one stream; the dict holds the hits only."""
        batches = [lookups[i : i + batch_size] for i in range(0, len(lookups), batch_size)]
        hits: Dict[str, Entry] = {}
        for batch, entries in zip(batches, self.get_many_stream(batches, deadline_ms=deadline_ms)):
            for lookup, entry in zip(batch, entries):
                if entry is not None:
                    hits[lookup if isinstance(lookup, str) else lookup.key] = entry
        return hits

    def close(self) -> None:
        """Closes the channel."""
        self._channel.close()

    def __enter__(self) -> "TaggedCacheClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
