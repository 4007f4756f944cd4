"""Tag arguments as the original accepts them, read exactly once."""

from typing import Any, List

from taggedcache_client.types import Entry


def tag_list(tags: Any) -> List[str]:
    """None → no tags; a string → that one tag; any other iterable → its items,
    consumed once (the original consumed generators twice and lost them)."""
    if tags is None:
        return []
    if isinstance(tags, str):
        return [tags]
    return list(tags)


def matches(entry: Entry, tags: List[str]) -> bool:
    """The original keyed entries by their tag set too: an entry read with any
    other set, none included, is not the one asked for."""
    return entry.tags == tuple(sorted(set(tags)))
