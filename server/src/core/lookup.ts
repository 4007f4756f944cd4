/**
 * What a lookup asks for and what it finds: the values the Store and
 * LeaseStore contracts exchange with the core.
 */

/** A valid entry found by a lookup. */
export interface Hit {
  readonly hit: true;
  /** The stored bytes; callers must not modify them. */
  readonly value: Uint8Array;
  /** The entry's tags, sorted. */
  readonly tags: readonly string[];
  /** Remaining lifetime in milliseconds, or -1 when the entry never expires. */
  readonly ttlMs: number;
  /**
   * Set only for a stale value served with grace: how long ago (ms) the
   * entry was invalidated or expired. A lookup without grace never sets it.
   */
  readonly staleMs?: number;
}

/** The versions a lookup saw: what a version token carries. */
export interface Versions {
  /** The namespace's version; undefined when it had none. */
  readonly ns: Uint8Array | undefined;
  /** The tags covered, sorted. */
  readonly tags: readonly string[];
  /** One per tag, in order: its version, undefined when it had none. */
  readonly tagVersions: readonly (Uint8Array | undefined)[];
}

/**
 * A miss that reports the versions of the namespace and of the lookup's tags
 * at the time of the miss. Stores may return plain `undefined` instead (a
 * miss without a version token).
 */
export interface Miss {
  readonly hit: false;
  readonly versions: Versions;
}

/** What a lookup finds: a hit, or a miss with or without versions. */
export type LookupResult = Hit | Miss | undefined;

/** True for a hit; narrows away both kinds of miss. */
export function isHit(r: LookupResult): r is Hit {
  return r !== undefined && r.hit;
}

/**
 * One lookup of a batch, as a caller sends it (a decoded GetMany item fits)
 * and, once the core has checked it, as a store receives it.
 */
export interface Lookup {
  readonly key: string;
  /**
   * Empty: any tag set. Otherwise the exact tag set the entry must have;
   * the core replaces it with the checked, sorted list before the store
   * sees it.
   */
  tags: string[];
}
