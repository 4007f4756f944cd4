import type { Entry } from "./types.js";

/** What the near-cache reports through the `onNearCache` hook. */
export interface NearCacheEvent {
  /**
   * `hit`/`miss`: a read served from process memory, or not; `evict`: an
   * entry pushed out by `maxBytes`; `drop`: entries removed because the
   * server reported a change; `clear`: everything removed (stream lost,
   * client closed).
   */
  readonly kind: "hit" | "miss" | "evict" | "drop" | "clear";
  /** The namespace concerned ("" for `clear`). */
  readonly namespace: string;
  /** Entries concerned (1 for hit, miss and evict). */
  readonly count: number;
}

/** Counters of a near-cache since the client was made. */
export interface NearCacheStats {
  /** Reads served from memory. */
  hits: number;
  /** Reads that went to the server (absent, expired, or the lease not fresh). */
  misses: number;
  /** Entries pushed out by `maxBytes`. */
  evictions: number;
  /** Entries removed because the server reported a change. */
  drops: number;
  /** Entries held now. */
  entries: number;
  /** Their size in bytes (values plus keys and tags, and a fixed overhead each). */
  bytes: number;
}

interface Slot {
  readonly namespace: string;
  readonly key: string;
  readonly entry: Entry;
  /** Monotonic ms after which the entry has expired (Infinity: never). */
  readonly expiresAt: number;
  readonly bytes: number;
}

// Length-prefixed, so no two (namespace, key) pairs share an id.
const idOf = (ns: string, key: string) => `${ns.length}:${ns}:${key}`;

// Per-entry overhead counted besides the value, keys and tags.
const OVERHEAD_BYTES = 100;

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = [...b].sort();
  return a.every((t, i) => t === sorted[i]);
}

/**
 * Entries in process memory, bounded by bytes, least recently used evicted
 * first, indexed by tag so a change can drop what it affects. It only
 * stores and forgets; when it may be trusted is NearWatch's business.
 */
export class NearEntries {
  private readonly slots = new Map<string, Slot>();
  // namespace → tag → ids of the entries carrying it
  private readonly byTag = new Map<string, Map<string, Set<string>>>();
  readonly stats: NearCacheStats = { hits: 0, misses: 0, evictions: 0, drops: 0, entries: 0, bytes: 0 };

  constructor(
    private readonly maxBytes: number,
    private readonly report: (e: NearCacheEvent) => void,
  ) {}

  /** The entry, if held, unexpired at `now` and (when `tags` is given) carrying exactly those tags. */
  get(ns: string, key: string, tags: readonly string[] | undefined, now: number): Entry | undefined {
    const id = idOf(ns, key);
    const slot = this.slots.get(id);
    if (slot === undefined || slot.expiresAt <= now || (tags !== undefined && !sameTags(slot.entry.tags, tags))) return undefined;
    // Moved to the end: the Map's order is the LRU order.
    this.slots.delete(id);
    this.slots.set(id, slot);
    const ttlMs = slot.expiresAt === Infinity ? undefined : Math.max(1, Math.floor(slot.expiresAt - now));
    return ttlMs === slot.entry.ttlMs ? slot.entry : { ...slot.entry, ttlMs };
  }

  /** Stores an entry read at `readAt` (monotonic ms); its TTL counts from then. */
  put(ns: string, key: string, entry: Entry, readAt: number): void {
    const bytes = entry.value.byteLength + 2 * (ns.length + key.length) + entry.tags.reduce((n, t) => n + 2 * t.length, 0) + OVERHEAD_BYTES;
    if (bytes > this.maxBytes) return;
    const id = idOf(ns, key);
    this.remove(id);
    const expiresAt = entry.ttlMs === undefined ? Infinity : readAt + entry.ttlMs;
    this.slots.set(id, { namespace: ns, key, entry, expiresAt, bytes });
    this.stats.entries++;
    this.stats.bytes += bytes;
    for (const t of entry.tags) this.tagSet(ns, t, true)!.add(id);
    while (this.stats.bytes > this.maxBytes) {
      const [oldest] = this.slots.keys();
      const slot = this.slots.get(oldest!)!;
      this.remove(oldest!);
      this.stats.evictions++;
      this.report({ kind: "evict", namespace: slot.namespace, count: 1 });
    }
  }

  /** Drops the entries under `keys`. */
  dropKeys(ns: string, keys: readonly string[]): void {
    let n = 0;
    for (const k of keys) n += this.remove(idOf(ns, k)) ? 1 : 0;
    this.dropped(ns, n);
  }

  /** Drops the entries carrying any of `tags`. */
  dropTags(ns: string, tags: readonly string[]): void {
    let n = 0;
    for (const t of tags) for (const id of [...(this.tagSet(ns, t, false) ?? [])]) n += this.remove(id) ? 1 : 0;
    this.dropped(ns, n);
  }

  /** Drops every entry of the namespace. */
  dropNamespace(ns: string): void {
    let n = 0;
    for (const [id, slot] of this.slots) if (slot.namespace === ns) n += this.remove(id) ? 1 : 0;
    this.dropped(ns, n);
  }

  /** Drops everything. */
  clear(): void {
    const n = this.slots.size;
    this.slots.clear();
    this.byTag.clear();
    this.stats.entries = 0;
    this.stats.bytes = 0;
    if (n > 0) this.report({ kind: "clear", namespace: "", count: n });
  }

  private dropped(ns: string, n: number): void {
    if (n === 0) return;
    this.stats.drops += n;
    this.report({ kind: "drop", namespace: ns, count: n });
  }

  private tagSet(ns: string, tag: string, create: boolean): Set<string> | undefined {
    let tags = this.byTag.get(ns);
    if (tags === undefined) {
      if (!create) return undefined;
      this.byTag.set(ns, (tags = new Map()));
    }
    let ids = tags.get(tag);
    if (ids === undefined && create) tags.set(tag, (ids = new Set()));
    return ids;
  }

  private remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    this.slots.delete(id);
    this.stats.entries--;
    this.stats.bytes -= slot.bytes;
    const tags = this.byTag.get(slot.namespace);
    for (const t of slot.entry.tags) {
      const ids = tags?.get(t);
      ids?.delete(id);
      if (ids?.size === 0) tags!.delete(t);
    }
    if (tags?.size === 0) this.byTag.delete(slot.namespace);
    return true;
  }
}
