import type { EventEmitter } from "node:events";
import type { StoreState } from "../../core/store.js";

// Distinct causes told per outage; a flood of different ones is cut short.
const MAX_CAUSES = 16;

/**
 * Follows an ioredis connection or cluster through its "ready" and "close"
 * events and tells listeners when it becomes usable or stops being so.
 */
export class ConnectionState {
  private current: StoreState = "unavailable";
  private readonly listeners: ((state: StoreState) => void)[] = [];
  private readonly errorListeners: ((err: Error) => void)[] = [];
  // Error messages already told since the connection was last ready.
  private readonly causes = new Set<string>();

  constructor(private readonly source: EventEmitter) {
    source.on("ready", () => this.set("ready"));
    source.on("close", () => this.set("unavailable"));
    // Without a listener ioredis would print every retry.
    source.on("error", (err: Error) => this.failed(err));
  }

  /**
   * Registers a listener for the connection's errors until it is ready:
   * each distinct message once per outage, so retries every 500 ms do not
   * flood the log, yet the cause (refused, unknown host, auth) is told.
   */
  onError(listener: (err: Error) => void): void {
    this.errorListeners.push(listener);
  }

  private failed(err: Error): void {
    if (this.causes.has(err.message) || this.causes.size >= MAX_CAUSES) return;
    this.causes.add(err.message);
    for (const listener of this.errorListeners) listener(err);
  }

  /** The state last reported. */
  get state(): StoreState {
    return this.current;
  }

  /** Registers a listener for changes. */
  onChange(listener: (state: StoreState) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves true once ready, or false after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.current === "ready") return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.source.once("ready", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private set(state: StoreState): void {
    if (state === this.current) return;
    this.current = state;
    if (state === "ready") this.causes.clear();
    for (const listener of this.listeners) listener(state);
  }
}
