import type { BatchBudget, LeaseSettings, Lifetimes, Limits, ReadSharing } from "./limits.js";
import { LeaseWaiters } from "./lease-waiters.js";
import { leasedGet, type LeasedGet } from "./leases.js";
import { checkGrace, graceLeasedGet } from "./grace.js";
import type { Lookup, LookupResult } from "./lookup.js";
import type { LeaseStore } from "./lease-store.js";
import { readBatch } from "./read-batch.js";
import { ReadGate } from "./read-gate.js";
import type { Store } from "./store.js";
import { InvalidArgumentError } from "./errors.js";
import { checkCovered, checkLeaseOptions, type LeaseOptionsInput } from "./validate-lease.js";
import { decodeLeaseToken, decodeVersionToken, recordsAbsent } from "./version-token.js";
import {
  checkKey,
  checkLifetime,
  checkNamespace,
  checkTags,
  checkValue,
} from "./validate.js";

/** The tokens a guarded Set presents (empty: absent). */
export interface SetTokens {
  readonly versionToken: Uint8Array;
  readonly leaseToken: Uint8Array;
}

/**
 * The cache: validates and normalizes requests, then hands them to a Store.
 * It knows nothing of the transport; errors are CacheErrors.
 */
export class TaggedCache {
  /** The leased Gets waiting for another caller's lease; bounded by `maxLeaseWaiters`. */
  readonly leaseWaiters: LeaseWaiters;
  /** The store calls of GetMany, taking turns by caller; bounded by `storeReadsInFlight`. */
  readonly readGate: ReadGate;

  constructor(
    private readonly store: Store,
    private readonly limits: Limits & Lifetimes & BatchBudget & ReadSharing,
    private readonly leaseSettings: LeaseSettings,
  ) {
    this.leaseWaiters = new LeaseWaiters(leaseSettings.maxLeaseWaiters);
    this.readGate = new ReadGate(limits.storeReadsInFlight);
  }

  /**
   * Reads one entry; undefined on a miss. `tags` is sorted in place. With
   * `graceMs` (absent: none) a stale value may be returned, marked stale.
   */
  get(namespace: string, key: string, tags: string[], graceMs?: bigint): Promise<LookupResult> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    const sorted = checkTags(this.limits, tags);
    const grace = checkGrace(this.limits, graceMs);
    return grace > 0 ? this.store.get(ns, key, sorted, grace) : this.store.get(ns, key, sorted);
  }

  /**
   * Reads a batch of entries of one namespace, one result per lookup in
   * order; repeated lookups are read once, large batches in several store
   * calls (see read-batch.ts). The lookups' tag arrays are sorted in place.
   * `graceMs` as in get. The store calls take turns with other callers'
   * (`caller`, e.g. a connection) and stop once `signal` aborts.
   */
  getMany(
    namespace: string,
    lookups: readonly Lookup[],
    graceMs?: bigint,
    from: { caller: string; signal?: AbortSignal } = { caller: "" },
  ): Promise<LookupResult[]> {
    const ns = checkNamespace(this.limits, namespace);
    const grace = checkGrace(this.limits, graceMs);
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
    if (lookups.length === 0) return Promise.resolve([]);
    return readBatch(this.store, ns, lookups, this.limits, grace, { gate: this.readGate, ...from });
  }

  /**
   * Stores an entry; `lifetimeMs` undefined means the default, 0 no expiry.
   * `graceMs` keeps it that much longer to serve Gets with grace.
   */
  set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: string[],
    lifetimeMs: bigint | undefined,
    graceMs?: bigint,
  ): Promise<void> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    checkValue(this.limits, value);
    const sorted = checkTags(this.limits, tags);
    const lifetime = checkLifetime(this.limits, lifetimeMs, this.limits.defaultLifetimeMs);
    const grace = checkGrace(this.limits, graceMs);
    return grace > 0 ? this.store.set(ns, key, value, sorted, lifetime, grace) : this.store.set(ns, key, value, sorted, lifetime);
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

  /**
   * Reads one entry and, on a miss, takes the key's lease or waits for its
   * holder (see leases.ts). `deadline` is the caller's, in epoch ms;
   * `signal` aborts when the caller has gone. With `graceMs`, a stale value
   * is served at once, with the lease to one caller (see grace.ts).
   */
  getLeased(
    namespace: string,
    key: string,
    tags: string[],
    options: LeaseOptionsInput,
    deadline: number,
    graceMs?: bigint,
    signal?: AbortSignal,
  ): Promise<LeasedGet> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    const sorted = checkTags(this.limits, tags);
    const { leaseMs, waitMs } = checkLeaseOptions(this.leaseSettings, options);
    const req = { leaseMs, waitMs, deadline, signal };
    const grace = checkGrace(this.limits, graceMs);
    const { leaseRecheckMs } = this.leaseSettings;
    if (grace > 0) return graceLeasedGet(this.store, ns, key, sorted, grace, req, leaseRecheckMs, this.leaseWaiters);
    return leasedGet(this.store.leases, ns, key, sorted, req, leaseRecheckMs, this.leaseWaiters);
  }

  /**
   * Stores an entry only if the versions of the miss named by the tokens are
   * all still current; ends the lease presented. Resolves true when stored.
   *
   * A token that recorded a version as absent is refused without a try (see
   * recordsAbsent), and the refusal creates the missing versions, so the
   * caller's next miss carries real ones and its next Set can store.
   */
  setGuarded(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: string[],
    lifetimeMs: bigint | undefined,
    tokens: SetTokens,
    graceMs?: bigint,
  ): Promise<boolean> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    checkValue(this.limits, value);
    const sorted = checkTags(this.limits, tags);
    const lifetime = checkLifetime(this.limits, lifetimeMs, this.limits.defaultLifetimeMs);
    const lease = tokens.leaseToken.length > 0 ? decodeLeaseToken(tokens.leaseToken) : undefined;
    const fromToken = tokens.versionToken.length > 0;
    const versions = fromToken ? decodeVersionToken(tokens.versionToken) : lease!.versions;
    checkCovered(sorted, versions, fromToken ? "version_token" : "lease_token");
    const store = this.store.leases;
    if (recordsAbsent(versions)) return refuseAbsent(store, ns, key, versions.tags, lease?.leaseId);
    const guard = { versions, leaseId: lease?.leaseId };
    const grace = checkGrace(this.limits, graceMs);
    return grace > 0
      ? store.setGuarded(ns, key, value, sorted, lifetime, guard, grace)
      : store.setGuarded(ns, key, value, sorted, lifetime, guard);
  }

  /** Gives up a lease; true when the token still held it. */
  release(namespace: string, key: string, leaseToken: Uint8Array): Promise<boolean> {
    const ns = checkNamespace(this.limits, namespace);
    checkKey(this.limits, key);
    return this.store.leases.release(ns, key, decodeLeaseToken(leaseToken).leaseId);
  }
}

/** A guarded Set whose token recorded an absent version: nothing stored. */
async function refuseAbsent(
  store: LeaseStore,
  ns: string,
  key: string,
  tags: readonly string[],
  leaseId: Uint8Array | undefined,
): Promise<false> {
  // A leased miss creates its versions, so its token records none absent;
  // a lease presented here anyway ends, as with any refused Set.
  await Promise.all([store.createVersions(ns, tags), leaseId && store.release(ns, key, leaseId)]);
  return false;
}
