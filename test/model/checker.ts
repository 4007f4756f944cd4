import type { TagFilter } from "./history.js";
import type { ReadResult, Recorded } from "./run-history.js";

/** How strictly misses are judged. */
export interface CheckOptions {
  /**
   * Flag a miss the model can prove should have hit. Only for targets that
   * neither evict nor lose data during the run (Redis without maxmemory, no
   * restarts; the embedded store below its entry limit).
   */
  readonly strictMisses: boolean;
}

/** A reply the model does not allow, with the operations that prove it. */
export interface Violation {
  readonly kind:
    | "unknown value"
    | "wrong tags"
    | "stale: invalidated"
    | "stale: invalidated before its guarded Set"
    | "stale: replaced"
    | "missed";
  readonly read: Recorded;
  readonly lookup: ReadResult;
  /** The operation that makes the reply wrong (the Set read, the invalidation...). */
  readonly because?: Recorded;
}

/**
 * A write as the model sees it: an entry that may be current from when it
 * started. A fill's guarded Set maps here unless its reply says it was
 * refused; `tokenAt` is when its miss's token arrived.
 */
interface Write {
  readonly rec: Recorded;
  readonly ns: string;
  readonly key: string;
  readonly tags: readonly string[];
  readonly value: string;
  readonly tokenAt?: number | undefined;
}

function writeOf(r: Recorded): Write | undefined {
  const op = r.op;
  if (r.value === undefined || r.stored === false) return undefined;
  if (op.kind !== "set" && op.kind !== "fill") return undefined;
  return { rec: r, ns: op.ns, key: op.key, tags: op.tags, value: r.value, tokenAt: r.tokenAt };
}

const before = (a: Recorded, b: Recorded) => a.end < b.start;
const sortedSet = (tags: readonly string[]) => [...new Set(tags)].sort();
const sameSet = (a: readonly string[], b: readonly string[]) =>
  sortedSet(a).join("\u0000") === sortedSet(b).join("\u0000");
const hasFilter = (f: TagFilter): f is readonly string[] => f !== undefined && f.length > 0;

/** Whether `r` invalidates a tag (or the namespace) `w` depends on (any outcome). */
function invalidates(r: Recorded, w: Write): boolean {
  if (r.op.ns !== w.ns) return false;
  if (r.op.kind === "invalidateAll") return true;
  return r.op.kind === "invalidate" && r.op.tags.some((t) => w.tags.includes(t));
}

/** Whether `r` invalidates or evicts a version `w` depends on (any outcome). */
function replacesVersion(r: Recorded, w: Write): boolean {
  if (r.op.kind !== "evict") return invalidates(r, w);
  return r.op.ns === w.ns && (r.op.namespace || r.op.tags.some((t) => w.tags.includes(t)));
}

/** Whether `r` removes or overwrites `w`'s entry (any outcome but a refusal). */
function displaces(r: Recorded, w: Write): boolean {
  if (r === w.rec || r.op.ns !== w.ns) return false;
  if (r.op.kind === "fill") return r.op.key === w.key && r.value !== undefined && r.stored !== false;
  return (r.op.kind === "set" || r.op.kind === "delete") && r.op.key === w.key;
}

/**
 * Checks every read of a recorded history against the allowed outcomes:
 *
 * - a hit returns a value some Set of that namespace and key wrote, a Set
 *   that started before the read ended, with that Set's tags (and the tags
 *   the read asked for, if any);
 * - no successful Invalidate of one of its tags (or InvalidateAll of its
 *   namespace), nor eviction of such a version, ran wholly after that Set
 *   and returned before the read began;
 * - for a fill's guarded Set, no such Invalidate even began after its
 *   miss's token arrived (it refuses the Set, or replaces the versions the
 *   entry recorded), and returned before the read began;
 * - no successful Delete or other Set of the key did so either (values are
 *   unique, so no concurrent Set can explain the old value);
 * - with `strictMisses`, a miss is wrong when a successful Set returned
 *   before the read began, its tags match, and no other write, delete or
 *   invalidation that could have touched it overlaps the span from that Set
 *   to the read.
 */
export function checkHistory(history: readonly Recorded[], options: CheckOptions): Violation[] {
  const writes = history.map(writeOf).filter((w): w is Write => w !== undefined);
  // Values are unique, so a hit names at most one write.
  const byValue = new Map(writes.map((w) => [`${w.ns}\u0000${w.key}\u0000${w.value}`, w]));
  const violations: Violation[] = [];
  for (const read of history) {
    if (!read.ok || read.reads === undefined) continue;
    for (const lookup of read.reads) {
      const v = lookup.seen === undefined
        ? (options.strictMisses ? checkMiss(history, writes, read, lookup) : undefined)
        : checkHit(history, byValue, read, lookup);
      if (v !== undefined) violations.push(v);
    }
  }
  return violations;
}

function checkHit(history: readonly Recorded[], byValue: ReadonlyMap<string, Write>, read: Recorded, lookup: ReadResult): Violation | undefined {
  const w = byValue.get(`${read.op.ns}\u0000${lookup.key}\u0000${lookup.seen!.value}`);
  if (w === undefined || !(w.rec.start < read.end)) return { kind: "unknown value", read, lookup };
  // The server reports tags sorted and without duplicates.
  const tagsOk = sortedSet(w.tags).join("\u0000") === lookup.seen!.tags.join("\u0000")
    && (!hasFilter(lookup.tags) || sameSet(lookup.tags, w.tags));
  if (!tagsOk) return { kind: "wrong tags", read, lookup, because: w.rec };
  for (const r of history) {
    if (!r.ok || !before(r, read)) continue;
    if (before(w.rec, r) && replacesVersion(r, w)) return { kind: "stale: invalidated", read, lookup, because: r };
    if (before(w.rec, r) && displaces(r, w)) return { kind: "stale: replaced", read, lookup, because: r };
    if (w.tokenAt !== undefined && w.tokenAt < r.start && invalidates(r, w)) {
      return { kind: "stale: invalidated before its guarded Set", read, lookup, because: r };
    }
  }
  return undefined;
}

function checkMiss(history: readonly Recorded[], writes: readonly Write[], read: Recorded, lookup: ReadResult): Violation | undefined {
  const ns = read.op.ns;
  for (const w of writes) {
    if (w.ns !== ns || w.key !== lookup.key || !w.rec.ok || !before(w.rec, read)) continue;
    if (hasFilter(lookup.tags) && !sameSet(lookup.tags, w.tags)) continue;
    // Anything that might land between the Set and the read explains the miss.
    const disturbed = history.some(
      (r) => (replacesVersion(r, w) || displaces(r, w)) && !before(r, w.rec) && !before(read, r),
    );
    if (!disturbed) return { kind: "missed", read, lookup, because: w.rec };
  }
  return undefined;
}

/** A readable account of violations, for assertion messages. */
export function describeViolations(violations: readonly Violation[]): string {
  const op = (r: Recorded) =>
    `lane ${r.lane} [${r.start}-${r.end}] ${JSON.stringify(r.op)}${r.value ? ` value ${r.value}` : ""}` +
    `${r.tokenAt ? ` token at ${r.tokenAt}` : ""}${r.stored === undefined ? "" : r.stored ? " stored" : " refused"}` +
    `${r.ok ? "" : ` failed ${r.code}`}`;
  return violations
    .map((v) => `${v.kind}: read ${op(v.read)} saw ${JSON.stringify(v.lookup)}${v.because ? `\n  because ${op(v.because)}` : ""}`)
    .join("\n");
}
