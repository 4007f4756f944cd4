import type { CallOptions } from "./call-options.js";
import { timeoutMs, type Duration } from "./duration.js";
import { awaitFactory, FactoryTimeoutError } from "./factory-timeouts.js";
import type { CacheInfo, Hooks, Logger } from "./hooks.js";
import { runHook } from "./hooks.js";
import type { Serializer } from "./serializers.js";
import type { LeaseOption, ReadOptions, ReadResult, SetOptions } from "./types.js";

/**
 * What getOrSet() needs of a client (TaggedCacheClient is one): typed here,
 * not imported, so that the client can offer getOrSet() without a circle.
 */
export interface CacheCalls {
  readonly serializer: Serializer;
  readonly hooks: Hooks;
  readonly logger: Logger | undefined;
  read(key: string, options?: ReadOptions): Promise<ReadResult>;
  set(key: string, value: Uint8Array, options?: SetOptions): Promise<boolean>;
  release(key: string, leaseToken: Uint8Array, options?: CallOptions): Promise<boolean>;
  delete(key: string, options?: CallOptions): Promise<boolean>;
}

/** What getOrSet(), cached() and the decorator share: how a computed value is stored. */
export interface StoreOptions {
  /** Lifetime of the entry in ms or as a duration ("5m"); absent: the server's default; 0: no expiry. */
  lifetimeMs?: Duration;
  /**
   * Stampede protection: on a miss, one caller (across every client and
   * server) runs the function while the others wait for its value.
   * Absent: a lease that nobody waits for (`{ waitMs: 0 }`), which still
   * makes the server create the versions of new tags at the miss, so the
   * first value computed for them is stored. `false`: no lease; the first
   * value computed under tags never seen before is then returned but not
   * stored (its version token records them absent).
   */
  lease?: LeaseOption;
  /**
   * Grace (ms or a duration): the value is kept this long past its lifetime
   * and past an invalidation, and served stale meanwhile: at once to every
   * caller while one of them (holding the key's lease; grace implies
   * `lease`) refreshes it, and in place of an error or a timeout of the
   * function (stale-if-error; the error goes to the onError hooks).
   */
  graceMs?: Duration;
  /**
   * With a stale value at hand, wait this long (ms or a duration) for the
   * function, then return the stale value and let the function finish in
   * the background (its result is stored). Absent: wait for the function.
   */
  softTimeoutMs?: Duration;
  /**
   * Give up on the function after this long (ms or a duration): return the
   * stale value if there is one, or reject with a FactoryTimeoutError.
   * Absent: no limit.
   */
  hardTimeoutMs?: Duration;
  /** Serializer of the values; default the client's (JSON). */
  serializer?: Serializer;
  /** Hooks of this value, called after the client's. */
  hooks?: Hooks;
  /** Passed to the hooks as `info.userData`. */
  userData?: unknown;
}

/** Options of getOrSet(): the key, how to compute its value, how to store it, and the call options of each cache call. */
export interface GetOrSetOptions<T> extends StoreOptions, CallOptions {
  /** The cache key. */
  key: string;
  /** Computes the value on a miss. Its errors reach the caller; its result is returned even when it cannot be stored. */
  factory: () => T | Promise<T>;
  /** Tags of the entry. */
  tags?: readonly string[];
}

// Without a lease the server creates no versions at a miss, and a version
// token recording a tag absent never guards a Set: the lease is what makes
// the first value under new tags storable, at no extra round trip.
const NO_WAIT_LEASE: LeaseOption = { waitMs: 0 };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Reads `o.key`; on a miss runs the factory and stores its result with the
 * version token of the miss (or the lease), so a value computed while one of
 * its tags was invalidated is returned but not cached. When the factory
 * throws, its lease is released at once and the error reaches the caller.
 * Any failure of the cache itself makes the call a miss: the factory runs,
 * and the error goes to the onError hooks and the logger. Only a call
 * cancelled by its signal rejects, with the CancelledError. With `graceMs`,
 * a stale value stands in as StoreOptions.graceMs says.
 */
export async function getOrSet<T>(client: CacheCalls, o: GetOrSetOptions<T>): Promise<Awaited<T>> {
  const start = performance.now();
  const { key } = o;
  const graceMs = o.graceMs;
  // Grace implies a lease one waits for: one caller refreshes, the others get the stale value.
  const lease = o.lease ?? (graceMs !== undefined ? true : NO_WAIT_LEASE);
  const softMs = timeoutMs(o.softTimeoutMs, "softTimeoutMs");
  const hardMs = timeoutMs(o.hardTimeoutMs, "hardTimeoutMs");
  const tags = [...(o.tags ?? [])];
  const serializer = o.serializer ?? client.serializer;
  const call: CallOptions = { timeoutMs: o.timeoutMs ?? o.deadlineMs, deadline: o.deadline, signal: o.signal, metadata: o.metadata };
  const info: Mutable<CacheInfo> = {
    key, tags, hit: false, stale: false, elapsedMs: 0, fnMs: 0, leaseWaitMs: 0, size: undefined, stored: undefined, userData: o.userData,
  };
  const report = (kind: "onHit" | "onMiss" | "onError", err?: unknown) => {
    for (const h of [client.hooks, o.hooks ?? {}]) {
      runHook(client.logger, kind, h[kind] && (() => (kind === "onError" ? h.onError!(err, info) : h[kind]!(info))));
    }
  };
  const fail = (err: unknown) => {
    if (o.signal?.aborted) throw err;
    info.elapsedMs = performance.now() - start;
    client.logger?.warn(`TaggedCache: cache failed for "${key}"; treated as a miss`, err);
    report("onError", err);
  };

  // A stale value this caller may return instead of the function's.
  let stale: { value: Awaited<T> } | undefined;
  const served = (value: Awaited<T>) => {
    info.hit = true;
    info.elapsedMs = performance.now() - start;
    report("onHit");
    return value;
  };

  let read: ReadResult | undefined;
  try {
    read = await client.read(key, { ...call, tags, lease, graceMs });
    if (read.waited) info.leaseWaitMs = performance.now() - start;
    if (read.entry !== undefined) {
      info.size = read.entry.value.length;
      const value = serializer.deserialize(read.entry.value) as Awaited<T>;
      info.stale = read.entry.staleMs !== undefined;
      // Stale, and another caller refreshes it: served at once.
      if (!info.stale || read.leaseToken === undefined) return served(value);
      stale = { value };
    }
  } catch (err) {
    // Unreachable or unreadable: a miss. An unreadable entry is dropped and
    // the key read again, for a token under which to store a good value.
    fail(err);
    read = read?.entry !== undefined ? await readAfterDrop(client, key, tags, lease, call) : undefined;
  }

  const fnStart = performance.now();
  const release = async () => {
    if (read?.leaseToken !== undefined) await client.release(key, read.leaseToken, call).catch(fail);
  };
  const running = Promise.resolve().then(o.factory) as Promise<Awaited<T>>;
  // Stored whenever the function ends, even past a timeout; its failure
  // releases the lease.
  const storing = running.then(
    async (result) => {
      info.fnMs = performance.now() - fnStart;
      await storeResult(result);
    },
    release,
  );
  storing.catch(() => {});
  let result: Awaited<T>;
  try {
    const outcome = await awaitFactory(running, key, stale && softMs, hardMs);
    if (!outcome.done) return served(stale!.value);
    result = outcome.value;
  } catch (err) {
    // A function past its hard timeout may never end: free the lease now.
    if (err instanceof FactoryTimeoutError) await release();
    else await storing;
    if (stale === undefined) throw err;
    client.logger?.warn(`TaggedCache: the function for "${key}" failed; its stale value was served`, err);
    report("onError", err);
    return served(stale.value);
  }
  await storing;
  info.elapsedMs = performance.now() - start;
  report("onMiss");
  return result;

  async function storeResult(result: Awaited<T>): Promise<void> {
    info.stored = false;
    if (read === undefined) return;
    try {
      const bytes = serializer.serialize(result);
      if (bytes === undefined) throw new TypeError(`the result of "${key}" cannot be serialized`);
      info.size = bytes.length;
      info.stored = await client.set(key, bytes, {
        ...call, tags, lifetimeMs: o.lifetimeMs, graceMs, versionToken: read.versionToken, leaseToken: read.leaseToken,
      });
    } catch (err) {
      fail(err);
      if (read.leaseToken !== undefined) await client.release(key, read.leaseToken, call).catch(() => {});
    }
  }
}

async function readAfterDrop(
  client: CacheCalls,
  key: string,
  tags: string[],
  lease: LeaseOption | undefined,
  call: CallOptions,
): Promise<ReadResult | undefined> {
  try {
    await client.delete(key, call);
    const again = await client.read(key, { ...call, tags, lease });
    return again.entry === undefined ? again : undefined;
  } catch {
    return undefined;
  }
}
