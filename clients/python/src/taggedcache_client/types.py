"""The values the client hands back."""

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple


@dataclass(frozen=True)
class Entry:
    """A cache entry as read."""

    value: bytes
    #: The tags the entry was stored with, sorted.
    tags: Tuple[str, ...]
    #: Remaining lifetime in ms; None when it never expires.
    ttl_ms: Optional[int]


@dataclass(frozen=True)
class Lookup:
    """A key, and optionally the exact tag set the entry must have."""

    key: str
    tags: Sequence[str] = ()


@dataclass(frozen=True)
class ReadResult:
    """The full outcome of a read."""

    #: The entry on a hit, else None.
    entry: Optional[Entry]
    #: On a miss: the versions seen; give it to set() to refuse a stale value.
    version_token: Optional[bytes]
    #: On a miss with a lease asked for: set when this caller holds the lease.
    lease_token: Optional[bytes]
    #: Lifetime of the lease granted, in ms.
    lease_lifetime_ms: Optional[int]
    #: True when the call waited for another caller's lease.
    waited: bool
