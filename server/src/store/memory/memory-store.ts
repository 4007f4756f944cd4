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

  async get(namespace: string, key: string, tags: readonly string[]): Promise<LookupResult> {
    return this.lookupNow(namespace, key, tags);
  }

  async getMany(namespace: string, lookups: readonly Lookup[], maxBytes = Infinity): Promise<LookupResult[]> {
    const out: LookupResult[] = [];
    let bytes = 0;
    for (const l of lookups) {
      const r = this.lookupNow(namespace, l.key, l.tags);
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
  ): Promise<void> {
    this.put(namespace, key, value, tags, lifetimeMs);
  }

  /** A lookup done at once (no yielding): a hit, or a miss with its versions. */
  lookupNow(namespace: string, key: string, tags: readonly string[]): LookupResult {
    const now = Date.now();
    return this.lookup(namespace, key, tags, now) ?? { hit: false, versions: this.versionsOf(namespace, tags, false) };
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
  put(namespace: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number): void {
    const now = Date.now();
    const id = entryId(namespace, key);
    const bytes = entrySize(id, namespace, value, tags);
    // Too big for the whole budget: not kept, but it still replaces the old value.
    if (bytes > this.options.maxBytes) {
      this.entries.delete(id);
      return;
    }
    const versionTtl = Math.max(this.options.tagLifetimeMs, lifetimeMs);
    const expiresAt = lifetimeMs === 0 ? Infinity : now + lifetimeMs;
    const need = lifetimeMs === 0 ? Infinity : now + versionTtl;
    const nsVersion = this.current(namespaceVersionId(namespace), now, need).id;
    const tagVersions = tags.map((t) => this.current(tagVersionId(namespace, t), now, need).id);
    // A copy of its own: slice() of a Buffer would keep the whole request alive.
    const copy = new Uint8Array(value);
    this.entries.set(id, new Entry(namespace, copy, tags.slice(), nsVersion, tagVersions, expiresAt), bytes);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const id = entryId(namespace, key);
    const entry = this.entries.peek(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    return entry.expiresAt > Date.now();
  }

  async invalidate(namespace: string, tags: readonly string[]): Promise<void> {
    const expiresAt = Date.now() + this.options.tagLifetimeMs;
    for (const t of tags) this.replaceVersion(tagVersionId(namespace, t), expiresAt);
  }

  async invalidateAll(namespace: string): Promise<void> {
    this.replaceVersion(namespaceVersionId(namespace), Date.now() + this.options.tagLifetimeMs);
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

  private lookup(namespace: string, key: string, tags: readonly string[], now: number): Hit | undefined {
    const id = entryId(namespace, key);
    const e = this.entries.peek(id);
    if (e === undefined) return undefined;
    // Reading the versions touches them, as Lua's reads do in Redis.
    if (e.expiresAt <= now || this.isStale(e, now, true)) {
      this.entries.delete(id);
      return undefined;
    }
    if (tags.length > 0 && !sameTags(tags, e.tags)) return undefined;
    this.entries.touch(e);
    return { hit: true, value: e.value, tags: e.tags, ttlMs: e.expiresAt === Infinity ? -1 : e.expiresAt - now };
  }

  private isStale(e: Entry, now: number, touch: boolean): boolean {
    if (!this.isCurrent(namespaceVersionId(e.namespace), e.nsVersion, now, touch)) return true;
    for (let i = 0; i < e.tags.length; i++) {
      if (!this.isCurrent(tagVersionId(e.namespace, e.tags[i]!), e.tagVersions[i]!, now, touch)) return true;
    }
    return false;
  }

  private isCurrent(key: string, id: number, now: number, touch: boolean): boolean {
    const v = touch ? this.versions.get(key) : this.versions.peek(key);
    return live(v, now) && v!.id === id;
  }

  /** The live version under `key`, created if missing or expired, living at least until `need`. */
  private current(key: string, now: number, need: number): Version {
    const v = this.versions.get(key);
    if (!live(v, now)) return this.replaceVersion(key, need);
    if (v!.expiresAt < need) v!.expiresAt = need;
    return v!;
  }

  private replaceVersion(key: string, expiresAt: number): Version {
    const v = new Version(this.nextVersion++, expiresAt);
    this.versions.set(key, v, versionSize(key));
    return v;
  }

  private sweep(): void {
    const now = Date.now();
    this.leases.sweep(now);
    for (const [id, e] of this.entries) {
      if (e.expiresAt <= now || this.isStale(e, now, false)) this.entries.delete(id);
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
