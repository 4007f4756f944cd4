import type { Hit, Versions } from "./lookup.js";

/**
 * What a store offers for leases and guarded Sets, on top of the Store
 * contract. State lives in the store (Redis for the Redis store), so leases
 * hold across every server sharing it. Arguments arrive validated and
 * normalized, as for Store.
 */
export interface LeaseStore {
  /**
   * Looks up one entry. On a miss, reads the versions of the namespace and of
   * `tags` (creating the missing ones, so the token names real versions) and
   * takes the key's lease for `leaseMs` under `leaseId` if nobody holds it.
   */
  acquire(
    namespace: string,
    key: string,
    tags: readonly string[],
    leaseId: Uint8Array,
    leaseMs: number,
  ): Promise<LeaseAttempt>;

  /**
   * Stores an entry as Store.set does, but only if every version in
   * `guard.versions` is still current; a version recorded absent never is.
   * All in one atomic step. When `guard.leaseId` still holds the key's
   * lease, the lease ends, stored or not. Waiters of the key are notified whenever the
   * lease ends or a value is stored while a lease exists. Resolves true when
   * stored.
   */
  setGuarded(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    guard: Guard,
  ): Promise<boolean>;

  /**
   * Creates the missing versions of the namespace and `tags` as Store.set
   * would (never over an existing one), living the least tag-version
   * lifetime; one step. Used when a token recorded a version as absent.
   */
  createVersions(namespace: string, tags: readonly string[]): Promise<void>;

  /** Ends the lease if `leaseId` still holds it and notifies waiters; true when it did. */
  release(namespace: string, key: string, leaseId: Uint8Array): Promise<boolean>;

  /**
   * Starts listening for notices about the key's lease (ended, or value
   * stored). Resolves once listening, so a check made afterwards cannot miss
   * a notice sent after it.
   */
  watch(namespace: string, key: string): Promise<Watch>;
}

/** What a Set must find to store. */
export interface Guard {
  /** The versions of the miss; each must still be current. */
  readonly versions: Versions;
  /** The lease the Set ends, if it still holds it. */
  readonly leaseId: Uint8Array | undefined;
}

/** The outcome of LeaseStore.acquire. */
export type LeaseAttempt =
  | { readonly state: "hit"; readonly hit: Hit }
  | { readonly state: "granted"; readonly versions: Versions }
  | {
      readonly state: "busy";
      readonly versions: Versions;
      /** How long the current holder's lease still runs, in ms. */
      readonly leaseLeftMs: number;
    };

/** A subscription to one key's lease notices. */
export interface Watch {
  /**
   * Resolves at the next notice (or at once if one came since the last
   * call), or after `maxMs` without one.
   */
  next(maxMs: number): Promise<void>;
  /** Stops listening. */
  close(): void;
}
