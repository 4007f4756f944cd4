"""The core of TaggedCache's contract, checked through the Python client.

Runs against a real server on a real Redis; every check raises on failure
and the script exits non-zero. Prints one JSON line of figures on success.

Usage: contract.py ADDRESS RUN_ID            the contract
       contract.py ADDRESS RUN_ID down       expects UNAVAILABLE (Redis is down)
       contract.py ADDRESS RUN_ID auth TOKEN a token is required and honoured
"""

import json
import sys
import threading
import time

import grpc
from taggedcache_client import Lookup, TaggedCacheClient


def expect_error(code, fragment, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except grpc.RpcError as err:
        assert err.code() == code, f"{fn.__name__}: {err.code()} {err.details()}"
        assert fragment in err.details(), f"{fn.__name__}: {err.details()!r} lacks {fragment!r}"
        return err.details()
    raise AssertionError(f"{fn.__name__} succeeded; expected {code}")


def every_rpc(c):
    assert c.get("k") is None
    assert c.set("k", b"v1", tags=["t"], lifetime_ms=60_000)
    entry = c.get_entry("k")
    assert entry.value == b"v1" and entry.tags == ("t",) and 0 < entry.ttl_ms <= 60_000, entry
    assert c.delete("k") and not c.delete("k") and c.get("k") is None
    c.set("k", b"v2", tags=["t"])
    c.invalidate("t")
    assert c.get("k") is None
    c.set("k", b"v3")
    c.invalidate_all()
    assert c.get("k") is None
    c.set("a", b"A")
    assert c.get_many(["a", "missing"]) .keys() == {"a"}
    lease = c.read("leased", lease=True)
    assert lease.lease_token and lease.lease_lifetime_ms > 0, lease
    assert c.release("leased", lease.lease_token) and not c.release("leased", lease.lease_token)


def tag_semantics(c):
    c.set("both", b"1", tags=["b", "a", "a"])
    c.set("only-b", b"2", tags=["b"])
    c.set("none", b"3")
    assert c.get_entry("both").tags == ("a", "b")
    assert c.get("both", tags=["b", "a"]) == b"1" and c.get("both", tags=["a"]) is None
    c.invalidate("a")
    assert c.get("both") is None and c.get("only-b") == b"2" and c.get("none") == b"3"
    c.invalidate("never-used")
    c.set("both", b"4", tags=["a", "b"])
    assert c.get("both") == b"4", "a Set after an invalidation is readable"


def namespaces(address, run):
    one, two = TaggedCacheClient(address, f"{run}-one"), TaggedCacheClient(address, f"{run}-two")
    one.set("k", b"one", tags=["t"])
    two.set("k", b"two", tags=["t"])
    one.invalidate("t")
    assert one.get("k") is None and two.get("k") == b"two"
    one.set("k", b"one")
    two.invalidate_all()
    assert one.get("k") == b"one" and two.get("k") is None
    one.close()
    two.close()


def lifetimes(c):
    c.set("short", b"s", lifetime_ms=300)
    c.set("forever", b"f", lifetime_ms=0)
    assert c.get_entry("forever").ttl_ms is None
    assert c.get_entry("short").ttl_ms <= 300
    deadline = time.monotonic() + 10
    while c.get("short") is not None:
        assert time.monotonic() < deadline, "an entry outlived its lifetime"
        time.sleep(0.05)
    assert c.get("forever") == b"f"


def limits(c):
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    return [
        expect_error(invalid, "key: must not be empty", c.get, ""),
        expect_error(invalid, "key: must be at most 1024 bytes (got 1025)", c.set, "k" * 1025, b""),
        expect_error(invalid, "tags[1]: must be at most 256 bytes (got 257)", c.set, "k", b"", tags=["t", "x" * 257]),
        expect_error(invalid, "tags: must hold at most 32 tags (got 33)", c.set, "k", b"", tags=[str(i) for i in range(33)]),
        expect_error(invalid, "value: must be at most 1048576 bytes (got 1048577)", c.set, "k", b"x" * 1048577),
        expect_error(invalid, "lifetime_ms: must not be negative (got -1)", c.set, "k", b"", lifetime_ms=-1),
        expect_error(invalid, "must hold at most 1000 keys (got 1001)", c.get_many, [str(i) for i in range(1001)], batch_size=1001),
    ]


def get_many_in_order(c):
    for i in range(0, 3000, 2):
        c.set(f"m{i}", str(i).encode(), tags=["even"] if i % 4 == 0 else [])
    batches = [[f"m{i}" for i in range(b * 1000, (b + 1) * 1000)] for b in range(3)]
    batches[1] = [Lookup(key=k, tags=["even"]) for k in batches[1]]
    replies = list(c.get_many_stream(batches))
    assert len(replies) == 3 and all(len(r) == 1000 for r in replies)
    for b, reply in enumerate(replies):
        for j, entry in enumerate(reply):
            i = b * 1000 + j
            hit = i % 2 == 0 and (b != 1 or i % 4 == 0)
            assert (entry is not None) == hit, (i, entry)
            assert entry is None or entry.value == str(i).encode()


def version_token_refusal(c):
    miss = c.read("computed", tags=["src"])
    assert miss.entry is None and miss.version_token
    c.invalidate("src")
    assert not c.set("computed", b"stale", tags=["src"], version_token=miss.version_token)
    assert c.get("computed") is None
    fresh = c.read("computed", tags=["src"])
    assert c.set("computed", b"fresh", tags=["src"], version_token=fresh.version_token)


def lease_stampede(address, run):
    computed, values, errors = [], [], []
    start = threading.Barrier(20)

    def worker():
        c = TaggedCacheClient(address, f"{run}-stampede", deadline_ms=20_000)
        try:
            start.wait()
            r = c.read("hot", lease=True)
            if r.lease_token:
                computed.append(1)
                time.sleep(0.2)  # the slow computation the lease protects
                assert c.set("hot", b"computed once", lease_token=r.lease_token)
                values.append(b"computed once")
            else:
                values.append(r.entry.value if r.entry else None)
        except Exception as err:  # reported below, from the main thread
            errors.append(repr(err))
        finally:
            c.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(computed) == 1, f"computed {len(computed)} times"
    assert values == [b"computed once"] * 20, values


def main(address, run, mode="contract", *args):
    if mode == "down":
        with TaggedCacheClient(address, run, deadline_ms=10_000) as c:
            details = expect_error(grpc.StatusCode.UNAVAILABLE, "", c.get, "k")
        print(json.dumps({"unavailable": details}))
        return
    if mode == "auth":
        with TaggedCacheClient(address, run) as anonymous:
            details = expect_error(grpc.StatusCode.UNAUTHENTICATED, "", anonymous.get, "k")
        with TaggedCacheClient(address, run, token=args[0]) as c:
            assert c.set("k", b"v") and c.get("k") == b"v"
        print(json.dumps({"unauthenticated": details}))
        return
    with TaggedCacheClient(address, run) as c:
        every_rpc(c)
        tag_semantics(c)
        lifetimes(c)
        messages = limits(c)
        get_many_in_order(c)
        version_token_refusal(c)
    namespaces(address, run)
    lease_stampede(address, run)
    print(json.dumps({"ok": True, "limits": messages}))


if __name__ == "__main__":
    main(*sys.argv[1:])
