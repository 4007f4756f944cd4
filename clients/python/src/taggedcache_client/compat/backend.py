"""The service calls the compatibility layer makes, turned into results that
never raise: a backend failure is logged as a warning and reads as a miss or
a failed write, as the original's high-level API promises."""

import logging
from typing import Optional, Sequence, Tuple

import grpc

from taggedcache_client.client import TaggedCacheClient
from taggedcache_client.types import ReadResult

LOGGER = logging.getLogger("taggedcache_client.compat")

#: A read that found nothing and can vouch for nothing (backend failure,
#: disabled cache): no version token, so nothing computed after it is cached.
NOTHING = ReadResult(entry=None, version_token=None, lease_token=None, lease_lifetime_ms=None, waited=False)


def _warn(what: str, err: grpc.RpcError) -> None:
    code = err.code() if callable(getattr(err, "code", None)) else None
    details = err.details() if callable(getattr(err, "details", None)) else str(err)
    LOGGER.warning("cache backend error when %s => cache bypassed: %s %s", what, getattr(code, "name", code), details)


class Backend:
    """The service for one namespace, with every failure absorbed.

    ``deadline_ms`` bounds each call; a read that waits for a lease gets the
    wait on top of it.
    """

    def __init__(self, client: TaggedCacheClient, deadline_ms: int):
        self._client = client
        self._deadline_ms = deadline_ms

    def read(self, key: str, tags: Sequence[str], lease: Optional[Tuple[int, int]] = None) -> ReadResult:
        """Reads ``key``, with the exact tag set ``tags`` when non-empty.
        ``lease``: (lifetime_ms, wait_ms) to ask for the key's lease on a miss."""
        try:
            if lease is None:
                return self._client.read(key, tags=tags, deadline_ms=self._deadline_ms)
            lifetime_ms, wait_ms = lease
            option = {"lifetime_ms": lifetime_ms, "wait_ms": wait_ms}
            return self._client.read(key, tags=tags, lease=option, deadline_ms=self._deadline_ms + wait_ms)
        except grpc.RpcError as err:
            _warn("reading a key", err)
            return NOTHING

    def store(
        self,
        key: str,
        value: bytes,
        tags: Sequence[str],
        lifetime_ms: int,
        version_token: Optional[bytes] = None,
        lease_token: Optional[bytes] = None,
    ) -> bool:
        """Stores a value; False when refused (a tag changed since the miss
        the tokens come from) or on a backend failure."""
        try:
            stored = self._client.set(
                key,
                value,
                tags=tags,
                lifetime_ms=lifetime_ms,
                version_token=version_token,
                lease_token=lease_token,
                deadline_ms=self._deadline_ms,
            )
        except grpc.RpcError as err:
            _warn("setting a key", err)
            return False
        if not stored:
            LOGGER.debug("value of %s not cached: a tag was invalidated while it was computed", key)
        return stored

    def release(self, key: str, lease_token: Optional[bytes]) -> None:
        """Gives up a lease so that waiting callers proceed at once."""
        if not lease_token:
            return
        try:
            self._client.release(key, lease_token, deadline_ms=self._deadline_ms)
        except grpc.RpcError as err:
            _warn("releasing a lock", err)

    def delete(self, key: str) -> bool:
        """Removes the entry under ``key``; False when none or on failure."""
        try:
            return self._client.delete(key, deadline_ms=self._deadline_ms)
        except grpc.RpcError as err:
            _warn("deleting a key", err)
            return False

    def invalidate(self, tags: Sequence[str]) -> bool:
        """Invalidates tags; False on failure."""
        try:
            if tags:
                self._client.invalidate(*tags, deadline_ms=self._deadline_ms)
            return True
        except grpc.RpcError as err:
            _warn("invalidating tags", err)
            return False

    def invalidate_all(self) -> bool:
        """Invalidates the whole namespace; False on failure."""
        try:
            self._client.invalidate_all(deadline_ms=self._deadline_ms)
            return True
        except grpc.RpcError as err:
            _warn("invalidating all", err)
            return False

    def close(self) -> None:
        """Closes the channel."""
        self._client.close()


class DisabledBackend:
    """What ``disabled=True`` talks to: nothing. Reads miss, writes succeed
    and keep nothing, as the original's black-hole adapters do."""

    def read(self, key: str, tags: Sequence[str], lease: Optional[Tuple[int, int]] = None) -> ReadResult:
        return NOTHING

    def store(self, key: str, value: bytes, tags: Sequence[str], lifetime_ms: int, version_token=None, lease_token=None) -> bool:
        return True

    def release(self, key: str, lease_token: Optional[bytes]) -> None:
        return None

    def delete(self, key: str) -> bool:
        return False

    def invalidate(self, tags: Sequence[str]) -> bool:
        return True

    def invalidate_all(self) -> bool:
        return True

    def close(self) -> None:
        return None
