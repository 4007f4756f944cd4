/**
 * Why a Watch subscriber stopped being renewed: its lease lapsed (it did not
 * renew, or left a change unacknowledged for a whole lease), it had too many
 * unacknowledged events, its stream closed (by the client, or the connection
 * broke), or the server is draining.
 */
export type DropReason = "lease_lapsed" | "too_many_pending" | "closed" | "draining";

/**
 * What the near-cache's hub reports as it runs, for metrics. Optional: a hub
 * without one skips every report (one property read each).
 */
export interface WatchObserver {
  /** A subscriber was admitted (a Watch stream opened). */
  subscriberOpened(): void;
  /** A subscriber was forgotten: dropped and its lease over, so no writer waits for it. */
  subscriberRemoved(): void;
  /** A change was sent to one subscriber. */
  eventSent(): void;
  /** A subscriber acknowledged changes (one acknowledgement message). */
  ackReceived(): void;
  /** A subscriber was dropped, for `reason`. */
  dropped(reason: DropReason): void;
  /** A write in a watched namespace waited `seconds` for its subscribers. */
  writeWaited(seconds: number): void;
}
