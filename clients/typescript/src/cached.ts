import type { CallOptions } from "./call-options.js";
import { getOrSet, type CacheCalls, type StoreOptions } from "./get-or-set.js";
import type { KeyNames } from "./key-names.js";

/** Options of cached() and of the decorator. */
export interface CachedOptions<A extends unknown[]> extends StoreOptions, Pick<CallOptions, "timeoutMs" | "metadata"> {
  /** The cache key, or a function of the arguments; default: `name(JSON of the arguments)`. */
  key?: string | ((...args: A) => string);
  /**
   * The name used in the default key; default: the function's name (for a
   * method, `Class.method`). Needed for an anonymous function; two different
   * functions may not share a name on one client (see KeyNames).
   */
  name?: string;
  /** Tags of the entry, or a function of the arguments. */
  tags?: readonly string[] | ((...args: A) => readonly string[]);
}

/** A cached function: the same arguments, a Promise of the same result. */
export type Cached<A extends unknown[], R> = (...args: A) => Promise<Awaited<R>>;

/** A client that wraps functions as cached() does (TaggedCacheClient is one). */
export interface CachesFunctions {
  cached<A extends unknown[], R>(fn: (...args: A) => R, options?: CachedOptions<A>): Cached<A, R>;
}

/** The default key: the name and the JSON of the arguments. */
export function defaultKey(name: string, args: readonly unknown[]): string {
  return `${name}(${JSON.stringify(args).slice(1, -1)})`;
}

/**
 * Wraps `fn` (see TaggedCacheClient.cached): each call is a getOrSet() of
 * the key derived from its arguments, computed by `fn` with the same `this`.
 */
export function cached<A extends unknown[], R>(
  client: CacheCalls,
  names: KeyNames,
  fn: (...args: A) => R,
  options: CachedOptions<A> = {},
): Cached<A, R> {
  const { key, tags, name: given, ...rest } = options;
  const name = given ?? fn.name;
  if (key === undefined) {
    if (name === "") throw new TypeError("cached(): an anonymous function needs a `key` or a `name`");
    names.claim(name, fn, "cached()");
  }
  return async function (this: unknown, ...args: A): Promise<Awaited<R>> {
    return getOrSet(client, {
      ...rest,
      key: typeof key === "function" ? key(...args) : (key ?? defaultKey(name, args)),
      tags: typeof tags === "function" ? tags(...args) : tags,
      factory: () => fn.apply(this, args),
    });
  };
}
