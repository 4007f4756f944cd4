import type { EventEmitter } from "node:events";
import type { StoreState } from "../../core/store.js";

/**
 * Follows an ioredis connection or cluster through its "ready" and "close"
 * events and tells listeners when it becomes usable or stops being so.
 */
export class ConnectionState {
  private current: StoreState = "unavailable";
  private readonly listeners: ((state: StoreState) => void)[] = [];

  constructor(private readonly source: EventEmitter) {
    source.on("ready", () => this.set("ready"));
    source.on("close", () => this.set("unavailable"));
    // Errors surface through the commands that hit them and through state
    // changes; without a listener ioredis would print every retry.
    source.on("error", () => {});
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
    for (const listener of this.listeners) listener(state);
  }
}
