import type { RedisOptions } from "ioredis";

/** How long commands and connection attempts may take. */
export interface Timeouts {
  /** A command not answered within this many ms fails as unavailable. */
  readonly commandTimeoutMs: number;
  /** A connection attempt is abandoned after this many ms. */
  readonly connectTimeoutMs: number;
}

/**
 * The one reconnection policy of every Redis connection, Sentinel and
 * cluster: 50 ms more per attempt, at most 500 ms, never giving up.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(50 * attempt, 500);
}

/** The ioredis settings every store connection shares: fail fast, never resend. */
export function failFastOptions(timeouts: Timeouts): RedisOptions {
  return {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeouts.commandTimeoutMs,
    connectTimeout: timeouts.connectTimeoutMs,
    retryStrategy: retryDelayMs,
  };
}
