import fc from "fast-check";

/**
 * Random concurrent histories for the model checker: a few lanes (clients),
 * each running its operations one after another, all lanes at once. Keys,
 * tags and namespaces come from tiny pools so operations collide often.
 *
 * Every Set writes a value unique in the history (lane and position), so a
 * hit names the Set it came from.
 *
 * Extension point: a leased Set (a Set presenting the versions a missing Get
 * handed out, refused if any changed) becomes one more `Op` kind here, one
 * more case in run-history.ts, and a rule in checker.ts (see `writeOf`).
 */

/** A lookup's tag condition: undefined means "any tag set". */
export type TagFilter = readonly string[] | undefined;

/** One lookup of a GetMany. */
export interface ModelLookup {
  readonly key: string;
  readonly tags: TagFilter;
}

/**
 * One operation of a lane; `ns` is a short name the runner prefixes. A
 * `graceMs` of a Set keeps its entry for grace reads; of a Get or GetMany,
 * it accepts stale values that were current no more than that long ago
 * (absent: none).
 */
export type Op =
  | { readonly kind: "set"; readonly ns: string; readonly key: string; readonly tags: readonly string[]; readonly graceMs?: number }
  | { readonly kind: "get"; readonly ns: string; readonly key: string; readonly tags: TagFilter; readonly graceMs?: number }
  | { readonly kind: "getMany"; readonly ns: string; readonly lookups: readonly ModelLookup[]; readonly graceMs?: number }
  | { readonly kind: "delete"; readonly ns: string; readonly key: string }
  | { readonly kind: "invalidate"; readonly ns: string; readonly tags: readonly string[] }
  | { readonly kind: "invalidateAll"; readonly ns: string };

/** Lanes of operations; lanes run concurrently, a lane's operations in order. */
export type History = readonly (readonly Op[])[];

/** The pools operations draw from. */
export interface HistoryShape {
  readonly namespaces: readonly string[];
  readonly keys: readonly string[];
  readonly tags: readonly string[];
  /** Most lanes (concurrent clients). */
  readonly maxLanes: number;
  /** Fewest lanes; default 1. */
  readonly minLanes?: number;
  /** Most operations per lane. */
  readonly maxOpsPerLane: number;
  /** Grace periods Sets and Gets draw from, besides none; empty: no grace. */
  readonly graces?: readonly number[];
}

/** Small pools: collisions are the point. */
export const SMALL_SHAPE: HistoryShape = {
  namespaces: ["n0", "n1"],
  keys: ["k0", "k1", "k2"],
  tags: ["t0", "t1", "t2", "t3"],
  maxLanes: 6,
  maxOpsPerLane: 12,
};

/**
 * Small pools with grace: Sets keep entries for a minute, or not at all;
 * Gets accept none, a little (shorter than a run) or a minute of staleness.
 */
export const GRACE_SHAPE: HistoryShape = { ...SMALL_SHAPE, graces: [5, 60_000] };

/** An arbitrary operation over the shape's pools. */
export function opArb(shape: HistoryShape): fc.Arbitrary<Op> {
  const ns = fc.constantFrom(...shape.namespaces);
  const key = fc.constantFrom(...shape.keys);
  const tagSet = fc.uniqueArray(fc.constantFrom(...shape.tags), { maxLength: 3 });
  const filter: fc.Arbitrary<TagFilter> = fc.option(tagSet, { nil: undefined, freq: 3 });
  const graces = shape.graces ?? [];
  // Optional keys are left out, not undefined, when a shape has no grace.
  const grace: { graceMs?: fc.Arbitrary<number> } = graces.length === 0 ? {} : { graceMs: fc.constantFrom(0, ...graces) };
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("set" as const), ns, key, tags: tagSet, ...grace }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("get" as const), ns, key, tags: filter, ...grace }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("getMany" as const),
        ns,
        lookups: fc.array(fc.record({ key, tags: filter }), { minLength: 1, maxLength: 4 }),
        ...grace,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), ns, key }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("invalidate" as const),
        ns,
        tags: fc.uniqueArray(fc.constantFrom(...shape.tags), { minLength: 1, maxLength: 2 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("invalidateAll" as const), ns }) },
  );
}

/** An arbitrary history; fast-check shrinks it lane by lane, op by op. */
export function historyArb(shape: HistoryShape = SMALL_SHAPE): fc.Arbitrary<History> {
  return fc.array(fc.array(opArb(shape), { minLength: 1, maxLength: shape.maxOpsPerLane }), {
    minLength: shape.minLanes ?? 1,
    maxLength: shape.maxLanes,
  });
}
