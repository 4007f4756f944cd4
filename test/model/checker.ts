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
    | "stale: replaced"
    | "missed"
    | "stale without grace"
    | "stale beyond grace";
  readonly read: Recorded;
  readonly lookup: ReadResult;
  /** The operation that makes the reply wrong (the Set read, the invalidation...). */
  readonly because?: Recorded;
}

/**
 * A write as the model sees it: an entry that may be current from when it
 * started. Extension point: a leased Set maps here only when its reply says
 * it was stored, and a refused one maps to nothing.
 */
interface Write {
  readonly rec: Recorded;
  readonly ns: string;
  readonly key: string;
  readonly tags: readonly string[];
  readonly value: string;
}

function writeOf(r: Recorded): Write | undefined {
  if (r.op.kind !== "set" || r.value === undefined) return undefined;
  return { rec: r, ns: r.op.ns, key: r.op.key, tags: r.op.tags, value: r.value };
}

const before = (a: Recorded, b: Recorded) => a.end < b.start;
const sortedSet = (tags: readonly string[]) => [...new Set(tags)].sort();
const sameSet = (a: readonly string[], b: readonly string[]) =>
  sortedSet(a).join("\u0000") === sortedSet(b).join("\u0000");
const hasFilter = (f: TagFilter): f is readonly string[] => f !== undefined && f.length > 0;

/** Whether `r` replaces a tag version `w` depends on (any outcome). */
function invalidates(r: Recorded, w: Write): boolean {
  if (r.op.ns !== w.ns) return false;
  if (r.op.kind === "invalidateAll") return true;
  return r.op.kind === "invalidate" && r.op.tags.some((t) => w.tags.includes(t));
}

/** Whether `r` removes or overwrites `w`'s entry (any outcome). */
function displaces(r: Recorded, w: Write): boolean {
  if (r === w.rec || r.op.ns !== w.ns) return false;
  return (r.op.kind === "set" || r.op.kind === "delete") && r.op.key === w.key;
}

/**
 * Checks every read of a recorded history against the allowed outcomes:
 *
 * - a hit returns a value some Set of that namespace and key wrote, a Set
 *   that started before the read ended, with that Set's tags (and the tags
 *   the read asked for, if any);
 * - no successful Invalidate of one of its tags (or InvalidateAll of its
 *   namespace) ran wholly after that Set and returned before the read began;
 * - no successful Delete or other Set of the key did so either (values are
 *   unique, so no concurrent Set can explain the old value);
 * - with `strictMisses`, a miss is wrong when a successful Set returned
 *   before the read began, its tags match, and no other write, delete or
 *   invalidation that could have touched it overlaps the span from that Set
 *   to the read;
 * - a value marked stale was asked for with grace (never otherwise), and was
 *   current at some moment within the grace before the read: no Invalidate,
 *   Delete or Set that made it stale had returned more than `graceMs` before
 *   the read began (wall clock; see staleAllowed).
 */
export function checkHistory(history: readonly Recorded[], options: CheckOptions): Violation[] {
  const writes = history.map(writeOf).filter((w): w is Write => w !== undefined);
  const violations: Violation[] = [];
  for (const read of history) {
    if (!read.ok || read.reads === undefined) continue;
    for (const lookup of read.reads) {
      const v = lookup.seen === undefined
        ? (options.strictMisses ? checkMiss(history, writes, read, lookup) : undefined)
        : lookup.seen.stale
          ? checkStale(history, writes, read, lookup)
          : checkHit(history, writes, read, lookup);
      if (v !== undefined) violations.push(v);
    }
  }
  return violations;
}

function checkHit(history: readonly Recorded[], writes: readonly Write[], read: Recorded, lookup: ReadResult): Violation | undefined {
  const ns = read.op.ns;
  const w = writes.find((x) => x.ns === ns && x.key === lookup.key && x.value === lookup.seen!.value);
  if (w === undefined || !(w.rec.start < read.end)) return { kind: "unknown value", read, lookup };
  // The server reports tags sorted and without duplicates.
  const tagsOk = sortedSet(w.tags).join("\u0000") === lookup.seen!.tags.join("\u0000")
    && (!hasFilter(lookup.tags) || sameSet(lookup.tags, w.tags));
  if (!tagsOk) return { kind: "wrong tags", read, lookup, because: w.rec };
  for (const r of history) {
    if (!r.ok || !before(w.rec, r) || !before(r, read)) continue;
    if (invalidates(r, w)) return { kind: "stale: invalidated", read, lookup, because: r };
    if (displaces(r, w)) return { kind: "stale: replaced", read, lookup, because: r };
  }
  return undefined;
}

// Redis's clock and the runner's are the same clock read at different
// moments, each truncated to the ms.
const CLOCK_SLACK_MS = 2;

/**
 * A stale value: from a Set of that key with those tags (as any hit), to a
 * read with grace, and current at some moment within the grace: the
 * earliest write, delete or invalidation that made it stale (wholly after
 * the Set) returned no more than `graceMs` before the read began.
 */
function checkStale(history: readonly Recorded[], writes: readonly Write[], read: Recorded, lookup: ReadResult): Violation | undefined {
  const op = read.op;
  const graceMs = op.kind === "get" || op.kind === "getMany" ? (op.graceMs ?? 0) : 0;
  if (graceMs === 0) return { kind: "stale without grace", read, lookup };
  const w = writes.find((x) => x.ns === op.ns && x.key === lookup.key && x.value === lookup.seen!.value);
  if (w === undefined || !(w.rec.start < read.end)) return { kind: "unknown value", read, lookup };
  if (sortedSet(w.tags).join("\u0000") !== lookup.seen!.tags.join("\u0000")) return { kind: "wrong tags", read, lookup, because: w.rec };
  for (const r of history) {
    if (!r.ok || !before(w.rec, r) || !(invalidates(r, w) || displaces(r, w))) continue;
    if (r.endMs + CLOCK_SLACK_MS < read.startMs - graceMs) return { kind: "stale beyond grace", read, lookup, because: r };
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
      (r) => (invalidates(r, w) || displaces(r, w)) && !before(r, w.rec) && !before(read, r),
    );
    if (!disturbed) return { kind: "missed", read, lookup, because: w.rec };
  }
  return undefined;
}

/** A readable account of violations, for assertion messages. */
export function describeViolations(violations: readonly Violation[]): string {
  const op = (r: Recorded) =>
    `lane ${r.lane} [${r.start}-${r.end}] ${JSON.stringify(r.op)}${r.value ? ` value ${r.value}` : ""}${r.ok ? "" : ` failed ${r.code}`}`;
  return violations
    .map((v) => `${v.kind}: read ${op(v.read)} saw ${JSON.stringify(v.lookup)}${v.because ? `\n  because ${op(v.because)}` : ""}`)
    .join("\n");
}
