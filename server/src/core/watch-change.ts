/** Settings of the near-cache invalidation stream. */
export interface NearSettings {
  /** "auto" (the same as "on"), "on" or "off". */
  readonly nearCache: string;
  /** Lease a heartbeat grants; a write waits at most about this for a dead subscriber. */
  readonly nearLeaseMs: number;
  /** Watch streams one server holds at once. */
  readonly nearMaxSubscribers: number;
  /** Watch streams one connection (peer) may hold at once. */
  readonly nearMaxSubscribersPerConnection: number;
  /** Namespaces one Watch stream may subscribe to. */
  readonly nearMaxNamespaces: number;
  /** Unacknowledged events a subscriber may have before it is dropped. */
  readonly nearMaxPendingEvents: number;
  /** Namespaces one server watches at once, over all its streams (each one a registration in Redis). */
  readonly nearMaxServerNamespaces: number;
}

/** A change that can make a near-cache entry wrong. */
export type Change =
  | { readonly kind: "keys"; readonly namespace: string; readonly keys: readonly string[] }
  | { readonly kind: "tags"; readonly namespace: string; readonly tags: readonly string[] }
  | { readonly kind: "all"; readonly namespace: string };
