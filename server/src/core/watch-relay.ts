import type { Change } from "./watch-change.js";

/**
 * What a server's near-cache needs from the other server replicas sharing its
 * store: to hear their changes, and to make their writes wait for its own
 * subscribers. A store that other servers can write to offers one (see
 * Store.openWatchRelay); the embedded store has none.
 */
export interface WatchRelay {
  /**
   * Resolves once this server is registered for `namespace` and hears every
   * change other servers make there. Until then no subscription to it may
   * be confirmed. May stay pending while the store is unreachable.
   */
  register(namespace: string): Promise<void>;
  /** True while `namespace` is registered: `register` would resolve at once. */
  registered(namespace: string): boolean;
  /**
   * Until when (local monotonic ms) other servers' writers are sure to wait
   * for this server in `namespace`; 0 when not registered. No lease granted
   * to a subscriber may run past it.
   */
  validUntil(namespace: string): number;
  /** No subscriber (live or lapsing) is left in `namespace`: writers need not wait for this server there. */
  unregister(namespace: string): void;
  /**
   * Tells every other registered server of `change` (made by this one) and
   * resolves once each acknowledged it (its subscribers did) or its
   * registration lapsed. Rejects when that cannot be made sure.
   */
  publish(change: Change): Promise<void>;
  /** Stops listening and renewing. */
  close(): void;
}

/** What the relay asks of the server's subscribers (the WatchHub). */
export interface RelayListener {
  /** Delivers another server's change; resolves once every local subscriber acked it or lapsed. */
  publish(change: Change): Promise<void>;
  /** True when some local subscriber (live or lapsing) watches `namespace`. */
  watched(namespace: string): boolean;
  /**
   * Events may have been missed in `namespace` (every namespace when
   * undefined): every subscriber there must be dropped.
   */
  lost(namespace?: string): void;
}
