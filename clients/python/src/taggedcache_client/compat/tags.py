"""Tag arguments as the original accepts them, read exactly once."""

from typing import Any, List


def tag_list(tags: Any) -> List[str]:
    """None → no tags; a string → that one tag; any other iterable → its items,
    consumed once (the original consumed generators twice and lost them)."""
    if tags is None:
        return []
    if isinstance(tags, str):
        return [tags]
    return list(tags)
