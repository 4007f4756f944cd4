import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "./errors.js";
import { leasedGet, type LeasedGet, type LeaseRequest } from "./leases.js";
import type { LeaseWaiters } from "./lease-waiters.js";
import type { Limits } from "./limits.js";
import { isHit } from "./lookup.js";
import type { Store } from "./store.js";
import { LEASE_ID_BYTES } from "./version-token.js";

/**
 * Checks a grace period a request names (`grace_ms` of a Get, GetMany or
 * Set): 0 when absent; at most the longest lifetime, since an entry is never
 * kept longer than that past its own.
 */
export function checkGrace(limits: Limits, requested: bigint | undefined, field = "grace_ms"): number {
  if (requested === undefined) return 0;
  if (requested < 0n) throw new InvalidArgumentError(field, `must not be negative (got ${requested})`);
  const ms = Number(requested);
  if (ms > limits.maxLifetimeMs) {
    throw new InvalidArgumentError(field, `must be at most ${limits.maxLifetimeMs} ms (got ${requested})`);
  }
  return ms;
}

/**
 * A Get with grace and a lease: stale-while-revalidate. A current value is
 * returned as is. A stale one is returned at once, and the caller also takes
 * the key's lease if nobody holds it (never waiting), so one caller refreshes
 * while the others are served the stale value; should a fresh value have
 * been stored meanwhile, that is returned instead. With no value at all,
 * the Get is a plain leased Get (waits included).
 */
export async function graceLeasedGet(
  store: Store,
  namespace: string,
  key: string,
  tags: readonly string[],
  graceMs: number,
  req: LeaseRequest,
  recheckMs: number,
  waiters: LeaseWaiters,
): Promise<LeasedGet> {
  const found = await store.get(namespace, key, tags, graceMs);
  if (!isHit(found)) return leasedGet(store.leases, namespace, key, tags, req, recheckMs, waiters);
  const served = { hit: found, versions: undefined, leaseId: undefined, leaseMs: req.leaseMs, waited: false };
  if (found.staleMs === undefined) return served;
  const leaseId = randomBytes(LEASE_ID_BYTES);
  const a = await store.leases.acquire(namespace, key, tags, leaseId, req.leaseMs);
  if (a.state === "hit") return { ...served, hit: a.hit };
  if (a.state !== "granted") return served;
  // A caller that has gone would never use or release the lease (see leases.ts).
  if (req.signal?.aborted === true) {
    await store.leases.release(namespace, key, leaseId);
    return served;
  }
  return { ...served, versions: a.versions, leaseId };
}
