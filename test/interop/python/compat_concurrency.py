"""Concurrency checks of taggedcache_client.compat: lock=True stampedes, the
lock released when the function raises, no stale value stored across an
invalidation. Output and usage as compat_checks.py.

Usage: compat_concurrency.py CHECK ADDRESS NAMESPACE
CHECK: lock, release, race
"""

import threading
import time

from compat_common import check, main, misses
from taggedcache_client.compat import RedisTaggedCache


def run_threads(n, target):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        barrier.wait()
        try:
            results[i] = target(i)
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@check
def lock(address, ns):
    infos = []
    cache = RedisTaggedCache(namespace=ns, address=address, cache_hook=lambda k, t, cache_info, userdata=None: infos.append(cache_info))
    calls = []

    @cache.decorator(tags=["stampede"], lock=True, lock_timeout=30)
    def slow(x):
        calls.append(x)
        time.sleep(0.3)  # the slow computation the lock protects, not synchronisation
        return {"x": x}

    results = run_threads(20, lambda i: slow(7))
    assert len(calls) == 1, f"computed {len(calls)} times"
    assert all(r == {"x": 7} for r in results)
    assert sum(i.lock_full_miss for i in infos) == 1 and sum(i.hit for i in infos) == 19
    return {"calls": len(calls), "waited": sum(i.lock_waiting_ms > 0 for i in infos)}


@check
def release(address, ns):
    infos = []
    cache = RedisTaggedCache(namespace=ns, address=address, cache_hook=lambda k, t, cache_info, userdata=None: infos.append(cache_info))
    attempts = []

    @cache.decorator(lock=True, lock_timeout=20)
    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("backend of the function failed")
        return "ok"

    try:
        flaky()
        raise AssertionError("the exception was swallowed")
    except RuntimeError:
        pass
    started = time.monotonic()
    assert flaky() == "ok"
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"the next caller waited {elapsed:.1f}s for a lock the failed call kept"
    assert infos[-1].lock_full_miss and infos[-1].lock_waiting_ms < 5000
    assert flaky() == "ok" and len(attempts) == 2
    return {"second_call_s": round(elapsed, 3)}


@check
def race(address, ns):
    cache = RedisTaggedCache(namespace=ns, address=address)
    elsewhere = RedisTaggedCache(namespace=ns, address=address)  # another process, in effect
    calls = []

    for lock_option in (False, True):
        tag = f"race-{lock_option}"

        @cache.decorator(tags=[tag], lock=lock_option)
        def compute():
            calls.append(1)
            elsewhere.invalidate(tag)  # lands between the miss and the set
            return len(calls)

        first = compute()
        assert compute() == first + 1, "a value computed across an invalidation must not be cached"

        @cache.decorator(tags=[tag], lock=lock_option)
        def steady():
            calls.append(1)
            return "steady"

        steady()
        count = len(calls)
        assert steady() == "steady" and len(calls) == count, "without an invalidation it is cached"
    assert misses(cache, "low", ["t"])
    elsewhere.invalidate("t")
    assert cache.set("low", "stale", tags=["t"]) is False, "the get-miss-set path refuses a stale value"
    assert misses(cache, "low", ["t"])
    assert cache.set("low", "fresh", tags=["t"]) and cache.get("low", ["t"]) == "fresh"
    return {"calls": len(calls)}



if __name__ == "__main__":
    main()
