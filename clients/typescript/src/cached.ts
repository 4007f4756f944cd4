import type { TaggedCacheClient } from "./client.js";
import type { CacheInfo, Hooks } from "./hooks.js";
import { runHook } from "./hooks.js";
import { pickSerializer } from "./options.js";
import type { Serializer } from "./serializers.js";
import type { LeaseOption, ReadResult } from "./types.js";

/** Options of cached() and of the decorator. */
export interface CachedOptions<A extends unknown[]> {
  /** The cache key, or a function of the arguments; default: `name(JSON of the arguments)`. */
  key?: string | ((...args: A) => string);
  /** The name used in the default key; default: the function's name. */
  name?: string;
  /** Tags of the entry, or a function of the arguments. */
  tags?: readonly string[] | ((...args: A) => readonly string[]);
  /** Lifetime of the entry in ms; absent: the server's default; 0: no expiry. */
  lifetimeMs?: number;
  /**
   * Stampede protection: on a miss, one caller (across every client and
   * server) runs the function while the others wait for its value.
   */
  lease?: LeaseOption;
  /** Serializer of this function's values; default the client's (JSON). */
  serializer?: Serializer;
  /** Hooks of this function, called after the client's. */
  hooks?: Hooks;
  /** Passed to the hooks as `info.userData`. */
  userData?: unknown;
}

/** A cached function: the same arguments, a Promise of the same result. */
export type Cached<A extends unknown[], R> = (...args: A) => Promise<Awaited<R>>;

/** The default key: the name and the JSON of the arguments. */
export function defaultKey(name: string, args: readonly unknown[]): string {
  return `${name}(${JSON.stringify(args).slice(1, -1)})`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Wraps `fn` (see TaggedCacheClient.cached). On a miss the value is stored
 * with the version token of the miss (or the lease), so a value computed
 * while one of its tags was invalidated is returned but not cached. When
 * `fn` throws, its lease is released at once and the error reaches the
 * caller. Any failure of the cache itself makes the call a miss: `fn` runs,
 * and the error goes to the onError hook and the logger.
 */
export function cached<A extends unknown[], R>(
  client: TaggedCacheClient,
  fn: (...args: A) => R,
  options: CachedOptions<A> = {},
): Cached<A, R> {
  const name = options.name ?? fn.name;
  if (options.key === undefined && name === "") {
    throw new TypeError("cached(): an anonymous function needs a `key` or a `name`");
  }
  const serializer = pickSerializer(options.serializer, client.serializer);
  const hooks = [client.hooks, options.hooks ?? {}];
  const report = (kind: keyof Hooks, info: CacheInfo, err?: unknown) => {
    for (const h of hooks) {
      runHook(client.logger, kind, h[kind] && (() => (kind === "onError" ? h.onError!(err, info) : h[kind]!(info))));
    }
  };

  return async function (this: unknown, ...args: A): Promise<Awaited<R>> {
    const start = performance.now();
    const key = typeof options.key === "function" ? options.key(...args) : (options.key ?? defaultKey(name, args));
    const tags = [...(typeof options.tags === "function" ? options.tags(...args) : (options.tags ?? []))];
    const info: Mutable<CacheInfo> = {
      key, tags, hit: false, elapsedMs: 0, fnMs: 0, leaseWaitMs: 0, size: undefined, stored: undefined, userData: options.userData,
    };
    const fail = (err: unknown) => {
      info.elapsedMs = performance.now() - start;
      client.logger?.warn(`TaggedCache: cache failed for "${key}"; treated as a miss`, err);
      report("onError", info, err);
    };

    let read: ReadResult | undefined;
    try {
      read = await client.read(key, { tags, lease: options.lease });
      if (read.waited) info.leaseWaitMs = performance.now() - start;
      if (read.entry !== undefined) {
        info.size = read.entry.value.length;
        const value = serializer.deserialize(read.entry.value) as Awaited<R>;
        info.hit = true;
        info.elapsedMs = performance.now() - start;
        report("onHit", info);
        return value;
      }
    } catch (err) {
      // Unreachable or unreadable: a miss. An unreadable entry is dropped and
      // the key read again, for a token under which to store a good value.
      fail(err);
      read = read?.entry !== undefined ? await readAfterDrop(client, key, tags, options.lease) : undefined;
    }

    const fnStart = performance.now();
    let result: Awaited<R>;
    try {
      result = await fn.apply(this, args);
    } catch (err) {
      if (read?.leaseToken !== undefined) await client.release(key, read.leaseToken).catch(fail);
      throw err;
    }
    info.fnMs = performance.now() - fnStart;
    info.stored = false;
    if (read !== undefined) {
      try {
        const bytes = serializer.serialize(result);
        if (bytes === undefined) throw new TypeError(`the result of "${key}" cannot be serialized`);
        info.size = bytes.length;
        info.stored = await client.set(key, bytes, {
          tags, lifetimeMs: options.lifetimeMs, versionToken: read.versionToken, leaseToken: read.leaseToken,
        });
      } catch (err) {
        fail(err);
        if (read.leaseToken !== undefined) await client.release(key, read.leaseToken).catch(() => {});
      }
    }
    info.elapsedMs = performance.now() - start;
    report("onMiss", info);
    return result;
  };
}

async function readAfterDrop(
  client: TaggedCacheClient,
  key: string,
  tags: string[],
  lease: LeaseOption | undefined,
): Promise<ReadResult | undefined> {
  try {
    await client.delete(key);
    const again = await client.read(key, { tags, lease });
    return again.entry === undefined ? again : undefined;
  } catch {
    return undefined;
  }
}
