import type { Hit, Versions } from "../../core/lookup.js";
import { digestMatches, VERSION_BYTES, type EntryLayout } from "./entry-codec.js";
import type { NamespaceKeys } from "../keys.js";

/** An entry as read-entries.lua returned it, located but not yet checked. */
export interface ReadEntry {
  readonly raw: Buffer;
  readonly ttlMs: number;
  readonly layout: EntryLayout;
}

/**
 * The version keys a batch of entries depends on, each once: the namespace
 * version first, then the tags'; with grace, each followed by its history
 * key. All share the namespace's hash tag, so one step on one slot reads
 * them (MGET, or read-versions.lua with grace, which adds the shard's time).
 */
export class VersionKeys {
  /** The keys to read, in order. */
  readonly keys: string[];
  private readonly tagAt = new Map<string, number>();

  /** `graceMs` is what the Get accepts (0: only current entries). */
  constructor(
    private readonly ns: NamespaceKeys,
    readonly graceMs = 0,
  ) {
    this.keys = graceMs > 0 ? [ns.allKey, ns.allHistoryKey] : [ns.allKey];
  }

  /** Adds the tags of an entry. */
  add(entry: ReadEntry): void {
    this.addTags(entry.layout.tags);
  }

  /** Adds tags by name: those a lookup asks for, so a miss can report them. */
  addTags(tags: readonly string[]): void {
    for (const tag of tags) {
      if (this.tagAt.has(tag)) continue;
      this.tagAt.set(tag, this.keys.push(this.ns.tagPrefix + tag) - 1);
      if (this.graceMs > 0) this.keys.push(this.ns.tagHistoryPrefix + tag);
    }
  }

  /**
   * The versions a miss reports for its version token: the namespace's and
   * each of `tags` (added before the read), as get.lua reports them (a value
   * that is not a version counts as none).
   */
  seen(tags: readonly string[], current: readonly (Buffer | null)[]): Versions {
    const version = (v: Buffer | null | undefined) => (v != null && v.length === VERSION_BYTES ? v : undefined);
    return { ns: version(current[0]), tags, tagVersions: tags.map((t) => version(current[this.tagAt.get(t)!])) };
  }

  /**
   * Judges an entry against the values read (in the order of `keys`; `now`
   * is the time of the namespace's shard, needed with grace): the hit, stale
   * ones marked; "stale" when an entry without a grace period recorded a
   * version that was replaced or is gone (it can never hit again); undefined
   * when `wanted` tags differ from its own, or an entry with a grace period
   * cannot be served (it is kept for Gets with grace). Judged as get.lua and
   * lib/entry-grace.lua judge, so both modes agree.
   */
  judge(entry: ReadEntry, wanted: readonly string[], current: readonly (Buffer | null)[], now = 0): Hit | "stale" | undefined {
    const { raw, layout } = entry;
    const tags = layout.tags;
    if (wanted.length > 0) {
      if (wanted.length !== tags.length) return undefined;
      for (let i = 0; i < tags.length; i++) if (wanted[i] !== tags[i]) return undefined;
    }
    const at = new Array<number>(tags.length + 1);
    const recorded = new Array<Buffer | null | undefined>(tags.length + 1);
    at[0] = 0;
    recorded[0] = current[0];
    for (let i = 0; i < tags.length; i++) recorded[i + 1] = current[(at[i + 1] = this.tagAt.get(tags[i]!)!)];
    const value = raw.subarray(layout.valueAt);
    if (layout.graceMs === 0) {
      return digestMatches(raw, layout, recorded) ? { hit: true, value, tags, ttlMs: entry.ttlMs } : "stale";
    }
    // The key outlives the entry's lifetime by its grace period.
    const pttl = entry.ttlMs;
    const ttlMs = pttl < 0 ? -1 : Math.max(0, pttl - layout.graceMs);
    let staleFor = pttl >= 0 && pttl <= layout.graceMs ? layout.graceMs - pttl : undefined;
    if (!digestMatches(raw, layout, recorded)) {
      if (this.graceMs === 0) return undefined;
      let replaced = false;
      const before = recorded.map((v, i) => {
        const h = current[at[i]! + 1];
        if (v == null || h == null || h.length <= 16 || h.compare(v, 0, VERSION_BYTES, 0, VERSION_BYTES) !== 0) return v;
        const since = now - Number(h.toString("latin1", 16));
        if (!(since <= this.graceMs)) return v;
        replaced = true;
        if (staleFor === undefined || since > staleFor) staleFor = since;
        return h.subarray(8, 16);
      });
      if (!replaced || !digestMatches(raw, layout, before)) return undefined;
    }
    if (staleFor === undefined) return { hit: true, value, tags, ttlMs };
    if (this.graceMs === 0 || staleFor > this.graceMs) return undefined;
    return { hit: true, value, tags, ttlMs, staleMs: Math.max(0, staleFor) };
  }
}
