import { randomBytes } from "node:crypto";
import type { LeaseAttempt, LeaseStore } from "./lease-store.js";
import type { LeaseWaiters } from "./lease-waiters.js";
import { LEASE_ID_BYTES } from "./version-token.js";
import type { Hit, Versions } from "./lookup.js";

/** The outcome of a Get that asked for a lease. */
export interface LeasedGet {
  /** The entry, when found (possibly after waiting). */
  readonly hit: Hit | undefined;
  /** On a miss: the versions seen. */
  readonly versions: Versions | undefined;
  /** On a miss: the lease id when this caller now holds the lease. */
  readonly leaseId: Uint8Array | undefined;
  /** Lifetime of the granted lease, in ms. */
  readonly leaseMs: number;
  /** True when the call waited for another caller's lease. */
  readonly waited: boolean;
}

/** What a leased Get asks for, already validated. */
export interface LeaseRequest {
  readonly leaseMs: number;
  /** How long to wait for another holder; 0: not at all. */
  readonly waitMs: number;
  /** Epoch ms by which the reply must be sent; Infinity without a deadline. */
  readonly deadline: number;
  /**
   * Aborts once the caller has gone (cancelled, connection closed): the wait
   * ends at once, and a lease granted to it is released.
   */
  readonly signal?: AbortSignal;
}

// Time kept back from the caller's deadline to send the reply.
const REPLY_MARGIN_MS = 20;
// Waiters wake this long after a lease's expected end, so that the lease has
// really gone from the store when they look.
const EXPIRY_SLACK_MS = 2;

/**
 * Runs a leased Get: one attempt; if another caller holds the lease, listen
 * for the key's notices and re-attempt on each (all waiters wake together),
 * or when the holder's lease runs out, or every `recheckMs` at worst; never
 * past the wait, the deadline, or the caller's going away. Waiting takes a
 * place among `waiters`.
 */
export async function leasedGet(
  store: LeaseStore,
  namespace: string,
  key: string,
  tags: readonly string[],
  req: LeaseRequest,
  recheckMs: number,
  waiters: LeaseWaiters,
): Promise<LeasedGet> {
  const { signal } = req;
  const gone = () => signal?.aborted === true;
  const leaseId = randomBytes(LEASE_ID_BYTES);
  const attempt = () => store.acquire(namespace, key, tags, leaseId, req.leaseMs);
  let a = await attempt();
  const waited = a.state === "busy" && req.waitMs > 0 && !gone();
  if (waited) {
    const leave = waiters.enter();
    try {
      const until = Math.min(Date.now() + req.waitMs, req.deadline - REPLY_MARGIN_MS);
      const watch = await store.watch(namespace, key);
      try {
        // Re-attempt once listening: a notice sent before then is not lost.
        a = await attempt();
        while (a.state === "busy" && !gone()) {
          const left = until - Date.now();
          if (left <= 0) break;
          await orAbort(watch.next(Math.min(left, a.leaseLeftMs + EXPIRY_SLACK_MS, recheckMs)), signal);
          if (gone()) break;
          a = await attempt();
        }
      } finally {
        watch.close();
      }
    } finally {
      leave();
    }
  }
  // Nobody would ever use or release a lease granted to a caller that has
  // gone: every later caller of the key would wait for it in vain.
  if (a.state === "granted" && gone()) {
    await store.release(namespace, key, leaseId);
    return { hit: undefined, versions: a.versions, leaseId: undefined, leaseMs: req.leaseMs, waited };
  }
  return outcome(a, leaseId, req.leaseMs, waited);
}

// Settles with `p`, or as soon as `signal` aborts.
function orAbort(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return p;
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void p.then(done);
  });
}

function outcome(a: LeaseAttempt, leaseId: Uint8Array, leaseMs: number, waited: boolean): LeasedGet {
  switch (a.state) {
    case "hit":
      return { hit: a.hit, versions: undefined, leaseId: undefined, leaseMs, waited };
    case "granted":
      return { hit: undefined, versions: a.versions, leaseId, leaseMs, waited };
    case "busy":
      return { hit: undefined, versions: a.versions, leaseId: undefined, leaseMs, waited };
  }
}
