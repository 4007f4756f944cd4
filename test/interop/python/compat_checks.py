"""Checks of taggedcache_client.compat, the redis-tagged-cache API on a
TaggedCache server: semantics, decorator keys, hooks, disabled, backend down.
Every check raises on failure (the script then exits non-zero); on success it
prints one JSON line of what it saw. Concurrency: compat_concurrency.py.

Usage: compat_checks.py CHECK ADDRESS NAMESPACE
CHECK: semantics, keys, hooks, disabled, down
"""

import hashlib
import json
import pickle
import time

from compat_common import Warnings, check, main, misses, wait_until
from taggedcache_client import TaggedCacheClient
from taggedcache_client.compat import RedisTaggedCache


@check
def semantics(address, ns):
    cache = RedisTaggedCache(namespace=ns, address=address)
    assert cache.set("k", {"a": [1, 2]}, tags=["t1", "t2"], lifetime=60)
    assert cache.get("k", tags=["t2", "t1"]) == {"a": [1, 2]}, "tag order does not matter"
    for other in (["t1"], ["t1", "t2", "t3"], ["x"], None):
        assert misses(cache, "k", other), f"a get with tags {other} must miss"
    assert misses(cache, "missing")
    cache.invalidate(["t2", "unused"])
    assert misses(cache, "k", ["t1", "t2"])
    assert cache.set("plain", b"") and cache.get("plain") == b"", "an empty value is a value"
    assert cache.invalidate_all() and misses(cache, "plain"), "invalidate_all reaches untagged entries"
    assert cache.set("short", 1, lifetime=1)
    wait_until(lambda: misses(cache, "short"), 10, "a 1 s lifetime to expire")
    raw = TaggedCacheClient(address, ns)
    assert cache.set("forever", 1, lifetime=0) and raw.get_entry("forever").ttl_ms is None
    assert cache.set("default", 1) and 3_500_000 < raw.get_entry("default").ttl_ms <= 3_600_000
    assert cache.set("d", 1, tags=["a"])
    assert not cache.delete("d", tags=["b"]) and cache.get("d", tags=["a"]) == 1, "a delete with other tags keeps the entry"
    assert cache.delete("d", tags=["a"]) and not cache.delete("d", tags=["a"]), "deleting a missing key is False"
    assert not cache.set("bad", lambda: 1), "an unpicklable value is not stored"
    raw.set("garbage", b"not a pickle")
    assert misses(cache, "garbage"), "an unreadable value reads as a miss"
    as_json = RedisTaggedCache(namespace=ns, address=address, serializer=lambda v: json.dumps(v).encode(), unserializer=json.loads)
    assert as_json.set("j", [1, "x"]) and raw.get("j") == b'[1, "x"]' and as_json.get("j") == [1, "x"]
    assert cache.set("p", ("tuple", 1)) and pickle.loads(raw.get("p")) == ("tuple", 1), "values are the original's pickles"
    cache.set("same", 1, tags=["a"])
    cache.set("same", 2, tags=["b"])
    assert misses(cache, "same", ["a"]) and cache.get("same", ["b"]) == 2, "one entry per key: the last set wins"
    try:
        RedisTaggedCache(namespace=ns, host="localhost", port=6379)
        raise AssertionError("a Redis host was accepted")
    except TypeError:
        pass
    try:
        RedisTaggedCache(namespace=ns, address=address, in_local_memory=True)
        raise AssertionError("in_local_memory=True was accepted")
    except ValueError as err:
        refused = str(err)
    return {"in_local_memory": refused}


def keyed(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


@check
def keys(address, ns):
    seen = []
    cache = RedisTaggedCache(namespace=ns, address=address, cache_hook=lambda k, t, cache_info, userdata=None: seen.append((k, cache_info.hit)))
    calls = []

    @cache.decorator(tags=["t"], lifetime=60)
    def add(a, b=1):
        calls.append(("add", a, b))
        return a + b

    class Repo:
        def __init__(self, name):
            self.name = name

        @cache.decorator(tags=lambda self, item: [f"item:{item}"])
        def fetch(self, item):
            calls.append((self.name, item))
            return f"{item}!"

    assert add(1, b=2) == 3 and add(1, b=2) == 3 and len(calls) == 1
    assert seen[0][0] == keyed([[__file__, "", "add"], [1], {"b": 2}]), "the original's key derivation"
    raw = TaggedCacheClient(address, ns)
    raw.set(seen[0][0], b"not a pickle", tags=["t"])
    assert add(1, b=2) == 3 and add(1, b=2) == 3 and len(calls) == 2, "an unreadable cached value is recomputed, then cached"
    assert add(2, b=2) == 4 and len(calls) == 3, "other arguments, other key"
    assert add.__name__ == "add", "the decorated function keeps its name"
    assert Repo("one").fetch("x") == "x!" and Repo("two").fetch("x") == "x!" and len(calls) == 4, "self is not in the key"
    assert seen[-1] == (keyed([[__file__, "Repo", "fetch"], ["x"], {}]), True)
    cache.invalidate("item:x")
    assert Repo("three").fetch("x") == "x!" and len(calls) == 5, "dynamic tags of a method see self"
    assert pickle.loads(raw.get(seen[-1][0], tags=["item:x"])) == "x!", "any client reads the pickled value"

    @cache.decorator(key=lambda a, b: f"custom:{a}:{b}", tags=(t for t in ["g"]))
    def pair(a, b):
        calls.append(("pair", a, b))
        return [a, b]

    before = len(calls)
    assert pair(1, 2) == [1, 2] and pair(1, 2) == [1, 2] and len(calls) == before + 1, "generated tags still hit"
    assert seen[-1] == ("custom:1:2", True) and pickle.loads(raw.get("custom:1:2", tags=["g"])) == [1, 2]

    @cache.decorator(key=lambda: "keyed-elsewhere")
    def untagged():
        calls.append("untagged")
        return "mine"

    raw.set("keyed-elsewhere", pickle.dumps("theirs"), tags=["x"])
    before = len(calls)
    assert untagged() == "mine" and untagged() == "mine" and len(calls) == before + 1, "an entry under other tags is not a hit"

    @cache.decorator()
    def opaque(thing):
        calls.append("opaque")
        return 1

    before = len(calls)
    opaque(object())
    opaque(object())
    assert len(calls) == before + 2, "arguments that are not JSON-serializable bypass the cache"
    return {"function_key": seen[0][0], "calls": len(calls)}


@check
def hooks(address, ns):
    seen = []

    def hook(cache_key, cache_tags, cache_info, userdata=None):
        seen.append((cache_key, list(cache_tags), cache_info, userdata))

    cache = RedisTaggedCache(namespace=ns, address=address, cache_hook=hook)

    @cache.decorator(tags=["h"], hook_userdata={"who": "me"})
    def value(n):
        time.sleep(0.01)
        return "v" * n

    value(5)
    value(5)
    (_, tags, miss, userdata), (_, _, hit, _) = seen
    assert tags == ["h"] and userdata == {"who": "me"}
    assert not miss.hit and hit.hit and miss.decorated_elapsed >= 0.01 and miss.elapsed >= miss.decorated_elapsed
    assert miss.serialized_size == hit.serialized_size == len(pickle.dumps("vvvvv"))
    assert (miss.function_name, miss.class_name, miss.function_args, miss.filepath) == ("value", "", (5,), __file__)
    warnings = Warnings()
    broken = RedisTaggedCache(namespace=ns, address=address, cache_hook=lambda *a, **k: 1 / 0)
    assert broken.decorator()(lambda: "still works")() == "still works", "a failing hook never breaks the call"
    assert any("hook" in m for m in warnings.messages)
    return {"hooks": len(seen)}


@check
def disabled(address, ns):
    seen = []
    cache = RedisTaggedCache(namespace=ns, address=address, disabled=True, cache_hook=lambda k, t, cache_info, userdata=None: seen.append(cache_info.hit))
    assert cache.set("k", 1) and misses(cache, "k") and not cache.delete("k")
    assert cache.invalidate("t") and cache.invalidate_all()
    calls = []
    fn = cache.decorator(lock=True)(lambda: calls.append(1) or len(calls))
    assert (fn(), fn()) == (1, 2) and seen == [False, False], "a disabled cache misses every time"
    assert TaggedCacheClient(address, ns).get("k") is None, "nothing reached the server"
    return {"calls": len(calls)}


@check
def down(address, ns):
    warnings = Warnings()
    seen = {}
    for name, where in (("server_says_unavailable", address), ("no_server", "127.0.0.1:1")):
        cache = RedisTaggedCache(namespace=ns, address=where, socket_timeout=3)
        before = len(warnings.messages)
        assert misses(cache, "k", ["t"]) and cache.set("k", 1, tags=["t"]) is False
        assert cache.delete("k") is False and cache.invalidate("t") is False and cache.invalidate_all() is False
        calls = []
        for lock_option in (False, True):
            fn = cache.decorator(tags=["t"], lock=lock_option)(lambda: calls.append(1) or "computed")
            assert fn() == "computed" and fn() == "computed"
        assert len(calls) == 4
        assert len(warnings.messages) - before >= 5, warnings.messages
        seen[name] = warnings.messages[-1]
    assert all("cache backend error" in m for m in seen.values()), seen
    return seen


if __name__ == "__main__":
    main()
