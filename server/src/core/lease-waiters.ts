import { CacheError } from "./errors.js";

/**
 * Counts the leased Gets of this server that wait for another caller's
 * lease, and refuses a new waiter past the limit (MAX_LEASE_WAITERS): each
 * waiter re-runs a script on the store at least every LEASE_RECHECK_MS, so
 * their number bounds the load waiting puts on the store.
 */
export class LeaseWaiters {
  private waiting = 0;

  constructor(private readonly max: number) {}

  /** Calls waiting now. */
  get count(): number {
    return this.waiting;
  }

  /** Takes a place; throws a RESOURCE_EXHAUSTED CacheError when none is left. Returns the function that gives it back. */
  enter(): () => void {
    if (this.waiting >= this.max) {
      throw new CacheError(
        "resource_exhausted",
        `MAX_LEASE_WAITERS: ${this.max} leased Gets already wait for a lease on this server; retry later`,
      );
    }
    this.waiting++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.waiting--;
    };
  }
}
