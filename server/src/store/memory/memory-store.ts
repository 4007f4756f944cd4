import type { Hit, Lookup, LookupResult, Versions } from "../../core/lookup.js";
import type { Store, StoreState } from "../../core/store.js";
import { entryId } from "../keys.js";
import { MemoryLeases, type MemoryEntries } from "./memory-leases.js";

/** Sizes and lifetimes of the embedded store. */
export interface MemoryStoreOptions {
  /** Least lifetime of a tag version, in ms (raised to that of its entries). */
  readonly tagLifetimeMs: number;
  /** Most entries kept; past it the least recently used are evicted. */
  readonly maxEntries: number;
  /** How often expired entries and versions are swept, in ms. */
  readonly sweepIntervalMs?: number;
}

interface Version {
  readonly id: number;
  expiresAt: number;
  /** Set by an invalidation: the version replaced, and when (epoch ms). */
  readonly replaced?: { readonly id: number; readonly at: number };
}

interface Namespace {
  all: Version | undefined;
  readonly tags: Map<string, Version>;
}

interface Entry {
  readonly ns: Namespace;
  readonly value: Uint8Array;
  readonly tags: readonly string[];
  readonly nsVersion: number;
  readonly tagVersions: readonly number[];
  /** Logical expiry: the entry is current until then. */
  readonly expiresAt: number;
  /** The entry is kept, to be served stale, until then (expiry + grace). */
  readonly keptUntil: number;
  /** The grace period it was stored with; > 0: kept when stale, never deleted by a read. */
  readonly graceMs: number;
}

/**
 * The embedded store for running without Redis: the same semantics as the
 * Redis store (versions, lifetimes, namespaces) in one process's memory.
 * Versions come from a counter, which is safe here because a process never
 * forgets a number it handed out; entries are evicted least recently used
 * first past `maxEntries`, like Redis with allkeys-lru.
 */
export class MemoryStore implements Store, MemoryEntries {
  readonly kind = "memory";
  readonly state: StoreState = "ready";
  private readonly namespaces = new Map<string, Namespace>();
  // Keyed by entryId (keys.ts); Map order doubles as recency order.
  private readonly entries = new Map<string, Entry>();
  private nextVersion = 1;
  private readonly sweeper: NodeJS.Timeout;
  /** Leases and guarded Sets, in this process's memory. */
  readonly leases: MemoryLeases = new MemoryLeases(this);

  constructor(private readonly options: MemoryStoreOptions) {
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  onStateChange(): void {
    // Always ready: there is no connection to lose.
  }

  async waitUntilReady(): Promise<boolean> {
    return true;
  }

  async get(namespace: string, key: string, tags: readonly string[], graceMs = 0): Promise<LookupResult> {
    return this.lookupNow(namespace, key, tags, graceMs);
  }

  async getMany(namespace: string, lookups: readonly Lookup[], graceMs = 0): Promise<LookupResult[]> {
    return lookups.map((l) => this.lookupNow(namespace, l.key, l.tags, graceMs));
  }

  async set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    graceMs = 0,
  ): Promise<void> {
    this.put(namespace, key, value, tags, lifetimeMs, graceMs);
  }

  /** A lookup done at once (no yielding): a hit, or a miss with its versions. */
  lookupNow(namespace: string, key: string, tags: readonly string[], graceMs = 0): LookupResult {
    const now = Date.now();
    return this.lookup(namespace, key, tags, now, graceMs) ?? { hit: false, versions: this.versionsOf(namespace, tags, false) };
  }

  /**
   * The current versions of the namespace and `tags`: absent ones are
   * undefined, or created when `create` is set (as a Set would create them).
   */
  versionsOf(namespace: string, tags: readonly string[], create: boolean): Versions {
    const now = Date.now();
    const ns = this.namespace(namespace);
    const need = now + this.options.tagLifetimeMs;
    if (create) ns.all = this.current(ns.all, now, need);
    const tagVersions = tags.map((t) => {
      let v = ns.tags.get(t);
      if (create) ns.tags.set(t, (v = this.current(v, now, need)));
      return live(v, now) ? versionBytes(v!.id) : undefined;
    });
    return { ns: live(ns.all, now) ? versionBytes(ns.all!.id) : undefined, tags, tagVersions };
  }

  /** Stores an entry at once (no yielding); Store.set's semantics. */
  put(namespace: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number, graceMs = 0): void {
    const now = Date.now();
    const ns = this.namespace(namespace);
    const versionTtl = Math.max(this.options.tagLifetimeMs, lifetimeMs + graceMs);
    const expiresAt = lifetimeMs === 0 ? Infinity : now + lifetimeMs;
    const need = lifetimeMs === 0 ? Infinity : now + versionTtl;
    ns.all = this.current(ns.all, now, need);
    const tagVersions = tags.map((t) => {
      const v = this.current(ns.tags.get(t), now, need);
      ns.tags.set(t, v);
      return v.id;
    });
    const id = entryId(namespace, key);
    this.entries.delete(id);
    this.entries.set(id, {
      ns,
      value: value.slice(),
      tags: tags.slice(),
      nsVersion: ns.all.id,
      tagVersions,
      expiresAt,
      keptUntil: expiresAt + graceMs,
      graceMs,
    });
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const id = entryId(namespace, key);
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    return entry.expiresAt > Date.now();
  }

  async invalidate(namespace: string, tags: readonly string[]): Promise<void> {
    const ns = this.namespace(namespace);
    const now = Date.now();
    for (const t of tags) ns.tags.set(t, this.replacement(ns.tags.get(t), now));
  }

  async invalidateAll(namespace: string): Promise<void> {
    const ns = this.namespace(namespace);
    ns.all = this.replacement(ns.all, Date.now());
  }

  /** A new version that records the live one it replaces, for Gets with grace. */
  private replacement(old: Version | undefined, now: number): Version {
    const expiresAt = now + this.options.tagLifetimeMs;
    const id = this.nextVersion++;
    return live(old, now) ? { id, expiresAt, replaced: { id: old!.id, at: now } } : { id, expiresAt };
  }

  /** Drops every entry and version: the FLUSHALL of the embedded store. */
  clear(): void {
    this.entries.clear();
    this.namespaces.clear();
    this.leases.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private lookup(namespace: string, key: string, tags: readonly string[], now: number, graceMs: number): Hit | undefined {
    const id = entryId(namespace, key);
    const e = this.entries.get(id);
    if (e === undefined) return undefined;
    const since = this.staleSince(e, now);
    if (e.keptUntil <= now || (since !== undefined && e.graceMs === 0)) {
      this.entries.delete(id);
      return undefined;
    }
    if (tags.length > 0 && !sameTags(tags, e.tags)) return undefined;
    // Without grace, never a stale value, not even one stale for 0 ms.
    if (since !== undefined && (graceMs === 0 || !(now - since <= graceMs))) return undefined;
    this.entries.delete(id);
    this.entries.set(id, e);
    const ttlMs = e.expiresAt === Infinity ? -1 : Math.max(0, e.expiresAt - now);
    const hit = { hit: true, value: e.value, tags: e.tags, ttlMs } as const;
    return since === undefined ? hit : { ...hit, staleMs: now - since };
  }

  /**
   * Undefined while the entry is current; otherwise since when (epoch ms) it
   * is stale: the earliest of its expiry and the replacements of its
   * versions, each of which must have replaced exactly the version it
   * recorded (-Infinity, never servable, after two or once gone).
   */
  private staleSince(e: Entry, now: number): number | undefined {
    let since = e.expiresAt <= now ? e.expiresAt : undefined;
    const check = (v: Version | undefined, recorded: number) => {
      if (live(v, now) && v!.id === recorded) return;
      const at = live(v, now) && v!.replaced?.id === recorded ? v!.replaced.at : -Infinity;
      if (since === undefined || at < since) since = at;
    };
    check(e.ns.all, e.nsVersion);
    for (let i = 0; i < e.tags.length; i++) check(e.ns.tags.get(e.tags[i]!), e.tagVersions[i]!);
    return since;
  }

  /** The live version, created if missing or expired, living at least until `need`. */
  private current(v: Version | undefined, now: number, need: number): Version {
    if (!live(v, now)) return { id: this.nextVersion++, expiresAt: need };
    if (v!.expiresAt < need) v!.expiresAt = need;
    return v!;
  }

  private namespace(name: string): Namespace {
    let ns = this.namespaces.get(name);
    if (ns === undefined) {
      ns = { all: undefined, tags: new Map() };
      this.namespaces.set(name, ns);
    }
    return ns;
  }

  private sweep(): void {
    const now = Date.now();
    this.leases.sweep(now);
    for (const [id, e] of this.entries) {
      const since = this.staleSince(e, now);
      if (e.keptUntil <= now || (since !== undefined && !(now - since <= e.graceMs))) this.entries.delete(id);
    }
    for (const ns of this.namespaces.values()) {
      for (const [t, v] of ns.tags) if (v.expiresAt <= now) ns.tags.delete(t);
    }
  }
}

function live(v: Version | undefined, now: number): boolean {
  return v !== undefined && v.expiresAt > now;
}

function versionBytes(id: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeUIntBE(id, 2, 6);
  return b;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
