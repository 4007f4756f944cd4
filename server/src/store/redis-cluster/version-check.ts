import type { Hit, Versions } from "../../core/lookup.js";
import { digestMatches, VERSION_BYTES, type EntryLayout } from "../redis/entry-codec.js";
import type { NamespaceKeys } from "../keys.js";

/** An entry as read-entries.lua returned it, located but not yet checked. */
export interface ReadEntry {
  readonly raw: Buffer;
  readonly ttlMs: number;
  readonly layout: EntryLayout;
}

/**
 * The version keys a batch of entries depends on, each once: the namespace
 * version first, then the tags'. All share the namespace's hash tag, so one
 * MGET on one slot reads them.
 */
export class VersionKeys {
  /** The keys to read, in MGET order. */
  readonly keys: string[];
  private readonly tagAt = new Map<string, number>();

  constructor(private readonly ns: NamespaceKeys) {
    this.keys = [ns.allKey];
  }

  /** Adds the tags of an entry. */
  add(entry: ReadEntry): void {
    this.addTags(entry.layout.tags);
  }

  /** Adds tags by name: those a lookup asks for, so a miss can report them. */
  addTags(tags: readonly string[]): void {
    for (const tag of tags) {
      if (!this.tagAt.has(tag)) this.tagAt.set(tag, this.keys.push(this.ns.tagPrefix + tag) - 1);
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
   * Judges an entry against the versions read (in the order of `keys`): the
   * hit; "stale" when a version it recorded was replaced or is gone (it can
   * never hit again); undefined when `wanted` tags differ from its own, or
   * when an entry stored with a grace period is stale or past its logical
   * expiry (kept for Gets with grace, never deleted by a read). Checked as
   * get.lua checks, so both modes agree.
   */
  judge(entry: ReadEntry, wanted: readonly string[], current: readonly (Buffer | null)[]): Hit | "stale" | undefined {
    const { raw, layout } = entry;
    const tags = layout.tags;
    if (wanted.length > 0) {
      if (wanted.length !== tags.length) return undefined;
      for (let i = 0; i < tags.length; i++) if (wanted[i] !== tags[i]) return undefined;
    }
    const recorded = [current[0]!];
    for (let i = 0; i < tags.length; i++) recorded.push(current[this.tagAt.get(tags[i]!)!]!);
    let ttlMs = entry.ttlMs;
    if (layout.graced) {
      const now = Date.now();
      if (layout.expiry > 0) {
        if (layout.expiry <= now) return undefined;
        ttlMs = layout.expiry - now;
      }
      if (!digestMatches(raw, layout, recorded)) return undefined;
    } else if (!digestMatches(raw, layout, recorded)) {
      return "stale";
    }
    return { hit: true, value: raw.subarray(layout.valueAt), tags, ttlMs };
  }
}
