import type { Lifetimes, Limits } from "./limits.js";
import type { Hit, Store } from "./store.js";
import { InvalidArgumentError } from "./errors.js";
import {
  checkKey,
  checkLifetime,
  checkNamespace,
  checkTags,
  checkValue,
} from "./validate.js";

/** A lookup as it arrives from a caller: tags unsorted, possibly repeated. */
export interface LookupRequest {
  readonly key: string;
  tags: string[];
}

/**
 * The cache: validates and normalizes requests, then hands them to a Store.
 * It knows nothing of the transport; errors are CacheErrors.
 */
export class TaggedCache {
  constructor(
    private readonly store: Store,
    private readonly limits: Limits,
    private readonly lifetimes: Lifetimes,
  ) {}

  /** Reads one entry; undefined on a miss. `tags` is sorted in place. */
  get(namespace: string, key: string, tags: string[]): Promise<Hit | undefined> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    return this.store.get(ns, key, checkTags(this.limits, tags));
  }

  /**
   * Reads a batch of entries of one namespace, one result per lookup in
   * order. The lookups' tag arrays are sorted in place.
   */
  getMany(namespace: string, lookups: readonly LookupRequest[]): Promise<(Hit | undefined)[]> {
    const ns = checkNamespace(this.limits, namespace);
    if (lookups.length > this.limits.maxBatchKeys) {
      throw new InvalidArgumentError(
        "items",
        `must hold at most ${this.limits.maxBatchKeys} keys (got ${lookups.length})`,
      );
    }
    for (let i = 0; i < lookups.length; i++) {
      const l = lookups[i]!;
      checkKey(this.limits, l.key, `items[${i}].key`);
      if (l.tags.length > 0) l.tags = checkTags(this.limits, l.tags, `items[${i}].tags`);
    }
    return lookups.length === 0 ? Promise.resolve([]) : this.store.getMany(ns, lookups);
  }

  /** Stores an entry; `lifetimeMs` undefined means the default, 0 no expiry. */
  set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: string[],
    lifetimeMs: bigint | undefined,
  ): Promise<void> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    checkValue(this.limits, value);
    const sorted = checkTags(this.limits, tags);
    const lifetime = checkLifetime(this.limits, lifetimeMs, this.lifetimes.defaultLifetimeMs);
    return this.store.set(ns, key, value, sorted, lifetime);
  }

  /** Removes an entry; true when one was there. */
  delete(namespace: string, key: string): Promise<boolean> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    return this.store.delete(ns, key);
  }

  /** Makes every entry carrying any of `tags` miss from now on. */
  invalidate(namespace: string, tags: string[]): Promise<void> {
    const ns = checkNamespace(this.limits, namespace);
    if (tags.length === 0) throw new InvalidArgumentError("tags", "must hold at least one tag");
    const sorted = checkTags(this.limits, tags, "tags", this.limits.maxInvalidateTags);
    return this.store.invalidate(ns, sorted);
  }

  /** Makes every entry of the namespace miss from now on. */
  invalidateAll(namespace: string): Promise<void> {
    return this.store.invalidateAll(checkNamespace(this.limits, namespace));
  }
}
