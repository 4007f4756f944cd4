/**
 * A record kept under a budget: records extend this class (a class, so that
 * V8 keeps their fields in the object itself), and the pool keeping one
 * maintains these fields.
 */
export abstract class Sized {
  /** Bytes the record is accounted for. */
  bytes = 0;
  /** When it was last used, on the budget's clock: larger is more recent. */
  usedAt = 0;
  /** Its key in its pool. */
  key = "";
  /** Its neighbours in its pool's recency list. */
  older: Sized | undefined = undefined;
  newer: Sized | undefined = undefined;
}

/**
 * One memory budget shared by several pools of records, enforced like Redis's
 * allkeys-lru but exactly: whenever the records of all pools together exceed
 * `maxBytes`, the least recently used record of any pool is evicted, until
 * they fit again. Each pool keeps its records in recency order, so the least
 * recently used record overall is the oldest of the pools' oldest records.
 */
export class ByteBudget {
  private readonly pools: LruPool<Sized>[] = [];
  private clock = 0;
  private total = 0;
  private evicted = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes accounted to the records of every pool. */
  get bytes(): number {
    return this.total;
  }

  /** Records evicted so far, by the byte budget or a pool's record limit. */
  get evictions(): number {
    return this.evicted;
  }

  /** A new pool under this budget, optionally holding at most `maxRecords`. */
  pool<T extends Sized>(maxRecords = Infinity): LruPool<T> {
    const p = new LruPool<T>(this, maxRecords);
    this.pools.push(p as unknown as LruPool<Sized>);
    return p;
  }

  /** Empties every pool. */
  clear(): void {
    for (const p of this.pools) p.clear();
  }

  /** @internal The next tick of the recency clock. */
  tick(): number {
    return ++this.clock;
  }

  /** @internal Accounts `delta` bytes, then evicts down to the budget. */
  account(delta: number, evicted = 0): void {
    this.total += delta;
    this.evicted += evicted;
    while (this.total > this.maxBytes) {
      let oldest: LruPool<Sized> | undefined;
      for (const p of this.pools) {
        const at = p.oldestUse();
        if (at !== undefined && (oldest === undefined || at < oldest.oldestUse()!)) oldest = p;
      }
      if (oldest === undefined) return;
      this.total -= oldest.evictOldest();
      this.evicted++;
    }
  }
}

/**
 * Records by key, least recently used first, accounted to a ByteBudget.
 * Reading with `get` or writing with `set` makes a record the most recent.
 * Recency is a list threaded through the records themselves, so touching
 * and evicting cost O(1) and the key Map is changed only on insert and
 * removal (evicting through a Map's iteration order costs time in
 * proportion to the holes deletions leave at its front).
 */
export class LruPool<T extends Sized> {
  private readonly map = new Map<string, T>();
  private oldest: T | undefined;
  private newest: T | undefined;

  constructor(
    private readonly budget: ByteBudget,
    private readonly maxRecords: number,
  ) {}

  /** Records in the pool. */
  get size(): number {
    return this.map.size;
  }

  /** The record under `key`, made the most recently used. */
  get(key: string): T | undefined {
    const r = this.map.get(key);
    if (r !== undefined) this.touch(r);
    return r;
  }

  /** The record under `key`, its recency unchanged. */
  peek(key: string): T | undefined {
    return this.map.get(key);
  }

  /** Makes `record`, which must be in this pool, the most recently used. */
  touch(record: T): void {
    if (this.newest !== record) {
      this.unlink(record);
      this.append(record);
    }
    record.usedAt = this.budget.tick();
  }

  /**
   * Keeps `record` under `key` as the most recently used, replacing any
   * record there, then evicts the least recently used records (possibly this
   * one) while the pool or the budget is over its limit.
   */
  set(key: string, record: T, bytes: number): void {
    const old = this.map.get(key);
    if (old !== undefined) this.unlink(old);
    record.key = key;
    record.bytes = bytes;
    record.usedAt = this.budget.tick();
    this.map.set(key, record);
    this.append(record);
    let delta = bytes - (old?.bytes ?? 0);
    let evicted = 0;
    while (this.map.size > this.maxRecords) {
      delta -= this.evictOldest();
      evicted++;
    }
    this.budget.account(delta, evicted);
  }

  /** Removes the record under `key`; true when one was there. */
  delete(key: string): boolean {
    const r = this.map.get(key);
    if (r === undefined) return false;
    this.remove(r);
    this.budget.account(-r.bytes);
    return true;
  }

  /** Every key and record; deleting while iterating is safe. */
  [Symbol.iterator](): IterableIterator<[string, T]> {
    return this.map.entries();
  }

  /** Removes every record. */
  clear(): void {
    let bytes = 0;
    for (const r of this.map.values()) bytes += r.bytes;
    this.map.clear();
    this.oldest = this.newest = undefined;
    this.budget.account(-bytes);
  }

  /** @internal When the least recently used record was used; undefined when empty. */
  oldestUse(): number | undefined {
    return this.oldest?.usedAt;
  }

  /** @internal Removes the least recently used record; returns its bytes. */
  evictOldest(): number {
    const r = this.oldest;
    if (r === undefined) return 0;
    this.remove(r);
    return r.bytes;
  }

  private remove(r: T): void {
    this.map.delete(r.key);
    this.unlink(r);
  }

  private append(r: T): void {
    r.older = this.newest;
    r.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = r;
    else this.oldest = r;
    this.newest = r;
  }

  private unlink(r: T): void {
    if (r.older !== undefined) r.older.newer = r.newer;
    else if (this.oldest === r) this.oldest = r.newer as T | undefined;
    if (r.newer !== undefined) r.newer.older = r.older;
    else if (this.newest === r) this.newest = r.older as T | undefined;
    r.older = r.newer = undefined;
  }
}
