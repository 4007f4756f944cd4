import { InvalidArgumentError } from "./errors.js";
import type { LeaseSettings } from "./limits.js";
import type { Versions } from "./lookup.js";

/** A Get's lease options as they arrive (proto `LeaseOptions`). */
export interface LeaseOptionsInput {
  readonly lifetimeMs?: bigint | undefined;
  readonly waitMs?: bigint | undefined;
}

function checkMs(field: string, v: bigint | undefined, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  if (v < 0n) throw new InvalidArgumentError(field, `must not be negative (got ${v})`);
  if (v > BigInt(max)) throw new InvalidArgumentError(field, `must be at most ${max} ms (got ${v})`);
  return Number(v);
}

/** The lease lifetime and wait to use, or throws naming the field and limit. */
export function checkLeaseOptions(s: LeaseSettings, o: LeaseOptionsInput): { leaseMs: number; waitMs: number } {
  const leaseMs = checkMs("lease.lifetime_ms", o.lifetimeMs, s.leaseLifetimeMs, s.maxLeaseLifetimeMs);
  return {
    leaseMs: leaseMs === 0 ? s.leaseLifetimeMs : leaseMs,
    waitMs: checkMs("lease.wait_ms", o.waitMs, s.leaseWaitMs, s.maxLeaseLifetimeMs),
  };
}

/**
 * Throws unless every tag of a guarded Set is covered by its token: a tag the
 * token does not name could have been invalidated unseen. Both lists sorted.
 */
export function checkCovered(setTags: readonly string[], versions: Versions, field: string): void {
  let j = 0;
  for (const t of setTags) {
    while (j < versions.tags.length && versions.tags[j]! < t) j++;
    if (versions.tags[j] !== t) {
      throw new InvalidArgumentError(
        field,
        `covers the tags [${versions.tags.join(", ")}] but the Set's tags include "${t}": read with the Set's tags`,
      );
    }
  }
}
