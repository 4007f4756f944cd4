import fc from "fast-check";

/**
 * Random concurrent histories for the model checker: a few lanes (clients),
 * each running its operations one after another, all lanes at once. Keys,
 * tags and namespaces come from tiny pools so operations collide often.
 *
 * Every Set writes a value unique in the history (lane and position), so a
 * hit names the Set it came from.
 *
 * Optional kinds (see HistoryShape): a fill, the read-compute-store of
 * cached(), whose Set presents the miss's lease or version token; and the
 * eviction of a namespace or tag version, a fault injected by the runner.
 */

/** A lookup's tag condition: undefined means "any tag set". */
export type TagFilter = readonly string[] | undefined;

/** One lookup of a GetMany. */
export interface ModelLookup {
  readonly key: string;
  readonly tags: TagFilter;
}

/** One operation of a lane; `ns` is a short name the runner prefixes. */
export type Op =
  | { readonly kind: "set"; readonly ns: string; readonly key: string; readonly tags: readonly string[] }
  | { readonly kind: "get"; readonly ns: string; readonly key: string; readonly tags: TagFilter }
  | { readonly kind: "getMany"; readonly ns: string; readonly lookups: readonly ModelLookup[] }
  | { readonly kind: "delete"; readonly ns: string; readonly key: string }
  /** With `evicted`, the versions it creates are evicted as soon as it returns (a fault). */
  | { readonly kind: "invalidate"; readonly ns: string; readonly tags: readonly string[]; readonly evicted?: boolean }
  | { readonly kind: "invalidateAll"; readonly ns: string; readonly evicted?: boolean }
  /**
   * A Get with `tags` (asking for a lease, without waiting, when `lease`)
   * that on a miss computes for a while, then stores with the miss's lease or
   * version token. It computes until `gap` ticks of the history's clock pass
   * (other lanes' calls), or with `gap` "invalidation" until an Invalidate of
   * one of its tags or an InvalidateAll of its namespace returns: the race
   * guarded Sets exist for.
   */
  | {
      readonly kind: "fill";
      readonly ns: string;
      readonly key: string;
      readonly tags: readonly string[];
      readonly lease: boolean;
      readonly gap: number | "invalidation";
    }
  /** The namespace's version (when `namespace`) and those of `tags` vanish, as evicted. */
  | { readonly kind: "evict"; readonly ns: string; readonly namespace: boolean; readonly tags: readonly string[] };

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
  /** Include fills (guarded Sets, leased or with a version token). */
  readonly fills?: boolean;
  /** Include evictions of versions (the target must offer `evict`). */
  readonly evictions?: boolean;
}

/** Small pools: collisions are the point. */
export const SMALL_SHAPE: HistoryShape = {
  namespaces: ["n0", "n1"],
  keys: ["k0", "k1", "k2"],
  tags: ["t0", "t1", "t2", "t3"],
  maxLanes: 6,
  maxOpsPerLane: 12,
};

/** An arbitrary operation over the shape's pools. */
export function opArb(shape: HistoryShape): fc.Arbitrary<Op> {
  const ns = fc.constantFrom(...shape.namespaces);
  const key = fc.constantFrom(...shape.keys);
  const tag = fc.constantFrom(...shape.tags);
  const tagSet = fc.uniqueArray(tag, { maxLength: 3 });
  const filter: fc.Arbitrary<TagFilter> = fc.option(tagSet, { nil: undefined, freq: 3 });
  const optional: fc.WeightedArbitrary<Op>[] = [];
  if (shape.fills) {
    const gap = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant("invalidation" as const));
    // Leased misses create their versions: most fills use a version token.
    const lease = fc.integer({ min: 0, max: 2 }).map((n) => n === 0);
    const fill = fc.record({ kind: fc.constant("fill" as const), ns, key, tags: tagSet, lease, gap });
    optional.push({ weight: 6, arbitrary: fill });
  }
  if (shape.evictions) {
    const tags = fc.uniqueArray(tag, { maxLength: shape.tags.length });
    const evict = fc.record({ kind: fc.constant("evict" as const), ns, namespace: fc.boolean(), tags });
    const evicted = fc.constant(true);
    const tagsInvalidated = fc.uniqueArray(tag, { minLength: 1, maxLength: 2 });
    optional.push(
      { weight: 2, arbitrary: evict },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant("invalidate" as const), ns, tags: tagsInvalidated, evicted }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("invalidateAll" as const), ns, evicted }) },
    );
  }
  return fc.oneof(
    ...optional,
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("set" as const), ns, key, tags: tagSet }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("get" as const), ns, key, tags: filter }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("getMany" as const),
        ns,
        lookups: fc.array(fc.record({ key, tags: filter }), { minLength: 1, maxLength: 4 }),
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
