import { setTimeout as sleep } from "node:timers/promises";
import { status } from "@grpc/grpc-js";
import { TaggedCacheError } from "./errors.js";

/** How calls failing with UNAVAILABLE are retried. */
export interface RetryOptions {
  /** Attempts in all, the first included; default 3. 1 disables retries. */
  attempts?: number;
  /** Wait before the second attempt, in ms; doubled each time; default 50. */
  initialBackoffMs?: number;
  /** Longest wait between attempts, in ms; default 1000. */
  maxBackoffMs?: number;
}

/** The retry policy with its defaults filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** Fills in the defaults; `false` means a single attempt. */
export function retryPolicy(o: RetryOptions | false | undefined): RetryPolicy {
  if (o === false) return { attempts: 1, initialBackoffMs: 0, maxBackoffMs: 0 };
  return { attempts: o?.attempts ?? 3, initialBackoffMs: o?.initialBackoffMs ?? 50, maxBackoffMs: o?.maxBackoffMs ?? 1000 };
}

/**
 * Runs `attempt` until it succeeds, fails otherwise than UNAVAILABLE, runs
 * out of attempts, or the next try could not start before `deadline` (epoch
 * ms). Waits grow exponentially with jitter, so many clients do not retry in
 * step; `signal` ends a wait. Only UNAVAILABLE is retried: the server did
 * not do the work.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  deadline: number,
  attempt: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  let backoff = policy.initialBackoffMs;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const e = TaggedCacheError.from(err);
      const wait = Math.min(backoff, policy.maxBackoffMs) * (0.5 + Math.random() / 2);
      if (e.code !== status.UNAVAILABLE || i >= policy.attempts || Date.now() + wait >= deadline) throw e;
      await sleep(wait, undefined, { signal });
      backoff *= 2;
    }
  }
}
