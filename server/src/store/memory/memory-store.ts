import type { Hit, Lookup, LookupResult, Versions } from "../../core/lookup.js";
import type { Store, StoreState } from "../../core/store.js";
import { entryId, namespaceVersionId, tagVersionId } from "../keys.js";
import { ByteBudget, type LruPool } from "./byte-budget-lru.js";
import { MemoryLeases, type MemoryEntries } from "./memory-leases.js";
import { Entry, entrySize, Version, versionSize, type MemoryUsage } from "./memory-records.js";

/** Sizes and lifetimes of the embedded store. */
export interface MemoryStoreOptions {
  /** Least lifetime of a tag version, in ms (raised to that of its entries). */
  readonly tagLifetimeMs: number;
  /** Most entries kept; past it the least recently used are evicted. */
  readonly maxEntries: number;
  /**
   * Most bytes kept, counting entries, versions and leases as
   * memory-records.ts does; past it the least recently used of them are evicted.
   */
  readonly maxBytes: number;
  /** How often expired entries and versions are swept, in ms. */
  readonly sweepIntervalMs?: number;
}

/**
 * The embedded store for running without Redis: the same semantics as the
 * Redis store (versions, lifetimes, namespaces) in one process's memory.
 * Versions come from a counter, which is safe here because a process never
 * forgets a number it handed out. Entries, versions and leases are records
 * under one byte budget, evicted least recently used first as by Redis with
 * allkeys-lru (entries also past `maxEntries`); like there, a lost version
 * makes its entries miss, and lookups that find nothing leave nothing behind.
 */
export class MemoryStore implements Store, MemoryEntries {
  readonly kind = "memory";
  readonly state: StoreState = "ready";
  private readonly budget: ByteBudget;
  // Keyed by entryId(namespace, key).
  private readonly entries: LruPool<Entry>;
  // Keyed by tagVersionId(namespace, tag) and namespaceVersionId(namespace).
  private readonly versions: LruPool<Version>;
  private nextVersion = 1;
  private readonly sweeper: NodeJS.Timeout;
  /** Leases and guarded Sets, in this process's memory. */
  readonly leases: MemoryLeases;

  constructor(private readonly options: MemoryStoreOptions) {
    this.budget = new ByteBudget(options.maxBytes);
    this.entries = this.budget.pool(options.maxEntries);
    this.versions = this.budget.pool();
    this.leases = new MemoryLeases(this, this.budget);
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

  async getMany(namespace: string, lookups: readonly Lookup[], maxBytes = Infinity, graceMs = 0): Promise<LookupResult[]> {
    const out: LookupResult[] = [];
    let bytes = 0;
    for (const l of lookups) {
      const r = this.lookupNow(namespace, l.key, l.tags, graceMs);
      // The same bound as the Redis stores, so every store answers in chunks alike.
      if (r?.hit && out.length > 0 && bytes + r.value.length > maxBytes) break;
      if (r?.hit) bytes += r.value.length;
      out.push(r);
    }
    return out;
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
    const need = now + this.options.tagLifetimeMs;
    const read = (key: string) => {
      const v = create ? this.current(key, now, need) : this.versions.get(key);
      return live(v, now) ? versionBytes(v!.id) : undefined;
    };
    const ns = read(namespaceVersionId(namespace));
    return { ns, tags, tagVersions: tags.map((t) => read(tagVersionId(namespace, t))) };
  }

  /** Stores an entry at once (no yielding); Store.set's semantics. */
  put(namespace: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number, graceMs = 0): void {
    const now = Date.now();
    const id = entryId(namespace, key);
    const bytes = entrySize(id, namespace, value, tags);
    // Too big for the whole budget: not kept, but it still replaces the old value.
    if (bytes > this.options.maxBytes) {
      this.entries.delete(id);
      return;
    }
    const versionTtl = Math.max(this.options.tagLifetimeMs, lifetimeMs + graceMs);
    const expiresAt = lifetimeMs === 0 ? Infinity : now + lifetimeMs;
    const need = lifetimeMs === 0 ? Infinity : now + versionTtl;
    const nsVersion = this.current(namespaceVersionId(namespace), now, need).id;
    const tagVersions = tags.map((t) => this.current(tagVersionId(namespace, t), now, need).id);
    // A copy of its own: slice() of a Buffer would keep the whole request alive.
    const copy = new Uint8Array(value);
    this.entries.set(id, new Entry(namespace, copy, tags.slice(), nsVersion, tagVersions, expiresAt, graceMs), bytes);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const id = entryId(namespace, key);
    const entry = this.entries.peek(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    return entry.expiresAt > Date.now();
  }

  async invalidate(namespace: string, tags: readonly string[]): Promise<void> {
    const now = Date.now();
    for (const t of tags) this.replaceVersion(tagVersionId(namespace, t), now + this.options.tagLifetimeMs, now);
  }

  async invalidateAll(namespace: string): Promise<void> {
    const now = Date.now();
    this.replaceVersion(namespaceVersionId(namespace), now + this.options.tagLifetimeMs, now);
  }

  /** What the store holds against its budget. */
  usage(): MemoryUsage {
    const { bytes, maxBytes, evictions } = this.budget;
    return { bytes, maxBytes, evictions, entries: this.entries.size, versions: this.versions.size };
  }

  /**
   * Forgets the namespace's version (`tag` undefined) or a tag's, as when it
   * is evicted: the embedded store's counterpart of a version key evicted
   * from Redis, for fault tests.
   */
  evictVersion(namespace: string, tag: string | undefined): void {
    this.versions.delete(tag === undefined ? namespaceVersionId(namespace) : tagVersionId(namespace, tag));
  }

  /** Drops every entry, version and lease: the FLUSHALL of the embedded store. */
  clear(): void {
    this.budget.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private lookup(namespace: string, key: string, tags: readonly string[], now: number, graceMs: number): Hit | undefined {
    const id = entryId(namespace, key);
    const e = this.entries.peek(id);
    if (e === undefined) return undefined;
    // Reading the versions touches them, as Lua's reads do in Redis.
    const since = this.staleSince(e, now, true);
    if (e.keptUntil <= now || (since !== undefined && e.graceMs === 0)) {
      this.entries.delete(id);
      return undefined;
    }
    if (tags.length > 0 && !sameTags(tags, e.tags)) return undefined;
    // Without grace, never a stale value, not even one stale for 0 ms.
    if (since !== undefined && (graceMs === 0 || !(now - since <= graceMs))) return undefined;
    this.entries.touch(e);
    const hit = { hit: true, value: e.value, tags: e.tags, ttlMs: e.expiresAt === Infinity ? -1 : Math.max(0, e.expiresAt - now) } as const;
    return since === undefined ? hit : { ...hit, staleMs: now - since };
  }

  /**
   * Undefined while the entry is current; otherwise since when (epoch ms) it
   * is stale: the earliest of its expiry and the replacements of its
   * versions, each of which must have replaced exactly the version it
   * recorded (-Infinity, never servable, after two or once gone).
   */
  private staleSince(e: Entry, now: number, touch: boolean): number | undefined {
    let since = e.expiresAt <= now ? e.expiresAt : undefined;
    const check = (key: string, recorded: number) => {
      const v = touch ? this.versions.get(key) : this.versions.peek(key);
      if (live(v, now) && v!.id === recorded) return;
      const at = live(v, now) && v!.replacedId === recorded ? v!.replacedAt : -Infinity;
      if (since === undefined || at < since) since = at;
    };
    check(namespaceVersionId(e.namespace), e.nsVersion);
    for (let i = 0; i < e.tags.length; i++) check(tagVersionId(e.namespace, e.tags[i]!), e.tagVersions[i]!);
    return since;
  }

  /** The live version under `key`, created if missing or expired, living at least until `need`. */
  private current(key: string, now: number, need: number): Version {
    const v = this.versions.get(key);
    if (!live(v, now)) return this.replaceVersion(key, need);
    if (v!.expiresAt < need) v!.expiresAt = need;
    return v!;
  }

  /**
   * A new version under `key`. An invalidation passes `now`: the new version
   * then records the live one it replaces, and when, for Gets with grace.
   */
  private replaceVersion(key: string, expiresAt: number, now?: number): Version {
    const old = now === undefined ? undefined : this.versions.peek(key);
    const v = old !== undefined && live(old, now!)
      ? new Version(this.nextVersion++, expiresAt, old.id, now)
      : new Version(this.nextVersion++, expiresAt);
    this.versions.set(key, v, versionSize(key));
    return v;
  }

  private sweep(): void {
    const now = Date.now();
    this.leases.sweep(now);
    for (const [id, e] of this.entries) {
      const since = this.staleSince(e, now, false);
      if (e.keptUntil <= now || (since !== undefined && !(now - since <= e.graceMs))) this.entries.delete(id);
    }
    for (const [key, v] of this.versions) if (v.expiresAt <= now) this.versions.delete(key);
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
