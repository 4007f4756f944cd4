import { ChangeSignal } from "../../core/change-signal.js";
import type { Guard, LeaseAttempt, LeaseStore, Watch } from "../../core/lease-store.js";
import { isHit, type LookupResult, type Versions } from "../../core/lookup.js";
import { entryId } from "../keys.js";
import { Sized, type ByteBudget, type LruPool } from "./byte-budget-lru.js";
import { leaseSize } from "./memory-records.js";

class Lease extends Sized {
  constructor(
    /**
     * The holder's lease id as a latin1 string: smaller than a Buffer of its
     * own, and unlike Buffer.from() never a view that keeps a pooled slab alive.
     */
    readonly id: string,
    readonly expiresAt: number,
  ) {
    super();
  }
}

/** The embedded store's synchronous operations the leases build on (see MemoryStore). */
export interface MemoryEntries {
  lookupNow(namespace: string, key: string, tags: readonly string[]): LookupResult;
  versionsOf(namespace: string, tags: readonly string[], create: boolean): Versions;
  put(namespace: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number): void;
}

/**
 * Leases and guarded Sets of the embedded store, with the Redis store's
 * semantics. Each method runs to completion without yielding, which makes
 * it as atomic as a Lua script. Leases count against the store's byte
 * budget and may be evicted, like lease keys in Redis; watchers are not
 * records but waiting calls, bounded by the calls a server accepts.
 */
export class MemoryLeases implements LeaseStore {
  private readonly leases: LruPool<Lease>;
  private readonly watchers = new Map<string, Set<ChangeSignal>>();

  constructor(
    private readonly store: MemoryEntries,
    budget: ByteBudget,
  ) {
    this.leases = budget.pool();
  }

  async acquire(
    namespace: string,
    key: string,
    tags: readonly string[],
    leaseId: Uint8Array,
    leaseMs: number,
  ): Promise<LeaseAttempt> {
    const found = this.store.lookupNow(namespace, key, tags);
    if (isHit(found)) return { state: "hit", hit: found };
    const versions = this.store.versionsOf(namespace, tags, true);
    const id = entryId(namespace, key);
    const now = Date.now();
    const held = this.live(id, now);
    if (held === undefined) {
      this.leases.set(id, new Lease(holder(leaseId), now + leaseMs), leaseSize(id, leaseId));
      return { state: "granted", versions };
    }
    return { state: "busy", versions, leaseLeftMs: held.expiresAt - now };
  }

  async setGuarded(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    guard: Guard,
  ): Promise<boolean> {
    const fresh = sameVersions(this.store.versionsOf(namespace, guard.versions.tags, false), guard.versions);
    if (fresh) this.store.put(namespace, key, value, tags, lifetimeMs);
    const id = entryId(namespace, key);
    const held = this.live(id, Date.now());
    if (held !== undefined && guard.leaseId !== undefined && held.id === holder(guard.leaseId)) {
      this.leases.delete(id);
      this.notify(id);
    } else if (held !== undefined && fresh) {
      this.notify(id);
    }
    return fresh;
  }

  async createVersions(namespace: string, tags: readonly string[]): Promise<void> {
    this.store.versionsOf(namespace, tags, true);
  }

  async release(namespace: string, key: string, leaseId: Uint8Array): Promise<boolean> {
    const id = entryId(namespace, key);
    const held = this.live(id, Date.now());
    if (held === undefined || held.id !== holder(leaseId)) return false;
    this.leases.delete(id);
    this.notify(id);
    return true;
  }

  async watch(namespace: string, key: string): Promise<Watch> {
    const id = entryId(namespace, key);
    let set = this.watchers.get(id);
    if (set === undefined) this.watchers.set(id, (set = new Set()));
    const signal = new ChangeSignal((s) => {
      set.delete(s);
      if (set.size === 0 && this.watchers.get(id) === set) this.watchers.delete(id);
    });
    set.add(signal);
    return signal;
  }

  /** Drops expired leases. */
  sweep(now: number): void {
    for (const [id, l] of this.leases) if (l.expiresAt <= now) this.leases.delete(id);
  }

  /** Drops every lease: part of the store's clear(). */
  clear(): void {
    this.leases.clear();
  }

  private live(id: string, now: number): Lease | undefined {
    const l = this.leases.get(id);
    return l !== undefined && l.expiresAt > now ? l : undefined;
  }

  private notify(id: string): void {
    for (const s of this.watchers.get(id) ?? []) s.notify();
  }
}

function holder(leaseId: Uint8Array): string {
  return Buffer.from(leaseId.buffer, leaseId.byteOffset, leaseId.byteLength).toString("latin1");
}

// A version recorded absent matches nothing: see recordsAbsent.
function sameVersion(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function sameVersions(now: Versions, then: Versions): boolean {
  if (!sameVersion(now.ns, then.ns)) return false;
  return then.tagVersions.every((v, i) => sameVersion(now.tagVersions[i], v));
}
