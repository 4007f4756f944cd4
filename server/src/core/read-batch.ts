import { ReplyTooLargeError } from "./errors.js";
import type { BatchBudget } from "./limits.js";
import type { ReadGate } from "./read-gate.js";
import { isHit, type Lookup, type LookupResult } from "./lookup.js";
import type { Store } from "./store.js";

/**
 * The distinct lookups of a batch: a key asked twice with the same tags is
 * read once. `of[i]` is the position in `unique` answering lookup i, and
 * `copies[u]` how many lookups unique lookup u answers.
 */
interface Distinct {
  readonly unique: Lookup[];
  readonly of: Int32Array;
  readonly copies: number[];
}

function distinct(lookups: readonly Lookup[]): Distinct {
  const seen = new Map<string, number>();
  const unique: Lookup[] = [];
  const copies: number[] = [];
  const of = new Int32Array(lookups.length);
  for (let i = 0; i < lookups.length; i++) {
    const l = lookups[i]!;
    // Keys and tags may hold any character: JSON keeps the pair unambiguous.
    const id = l.tags.length === 0 ? l.key : JSON.stringify([l.key, l.tags]);
    let u = seen.get(id);
    if (u === undefined) {
      u = unique.length;
      seen.set(id, u);
      unique.push(l);
      copies.push(0);
    }
    copies[u]!++;
    of[i] = u;
  }
  return { unique, of, copies };
}

/** Who reads: the server's gate its store calls pass, the caller they queue as, and the call's end. */
export interface Reader {
  readonly gate: ReadGate;
  /** Callers take turns at the gate (a connection, say). */
  readonly caller: string;
  /** Aborts when the call has gone: no further store call is made for it. */
  readonly signal?: AbortSignal;
}

/**
 * Reads checked lookups of one namespace, one result per lookup in order.
 * Each distinct lookup is read once; the store is called on chunks of at
 * most `storeCallKeys` keys and `storeCallBytes` bytes of values, so no
 * single call holds the store long, whatever the batch. Fails with
 * ReplyTooLargeError, before reading further, once the values of the reply
 * pass `maxReplyBytes`. `graceMs` > 0 accepts stale values as Store.getMany
 * does. With a `reader`, each store call waits its turn at the gate, and
 * none is made once the call has gone.
 */
export async function readBatch(
  store: Store,
  namespace: string,
  lookups: readonly Lookup[],
  budget: BatchBudget,
  graceMs = 0,
  reader?: Reader,
): Promise<LookupResult[]> {
  const { unique, of, copies } = distinct(lookups);
  const found = new Array<LookupResult>(unique.length);
  let replyBytes = 0;
  let next = 0;
  while (next < unique.length) {
    const chunk = unique.length <= budget.storeCallKeys && next === 0
      ? unique
      : unique.slice(next, next + budget.storeCallKeys);
    const read = () => store.getMany(namespace, chunk, budget.storeCallBytes, graceMs);
    const results = await (reader === undefined ? read() : reader.gate.run(reader.caller, read, reader.signal));
    if (results.length === 0) throw new Error("the store answered no lookup of a chunk");
    for (let j = 0; j < results.length; j++) {
      const r = results[j];
      if (isHit(r)) replyBytes += r.value.length * copies[next + j]!;
      found[next + j] = r;
    }
    if (replyBytes > budget.maxReplyBytes) throw new ReplyTooLargeError("items", budget.maxReplyBytes);
    next += results.length;
  }
  if (unique.length === lookups.length) return found;
  const out = new Array<LookupResult>(lookups.length);
  for (let i = 0; i < lookups.length; i++) out[i] = found[of[i]!];
  return out;
}
