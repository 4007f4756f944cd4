/** Input limits the core enforces; every one is configurable (see config.ts). */
export interface Limits {
  /** Longest namespace, in UTF-8 bytes. */
  readonly maxNamespaceBytes: number;
  /** Longest key, in UTF-8 bytes. */
  readonly maxKeyBytes: number;
  /** Longest tag, in UTF-8 bytes. */
  readonly maxTagBytes: number;
  /** Most tags on one entry or in one lookup (at most 255: the entry format stores a byte). */
  readonly maxTags: number;
  /** Most tags in one Invalidate call. */
  readonly maxInvalidateTags: number;
  /** Largest value, in bytes. */
  readonly maxValueBytes: number;
  /** Most keys in one GetMany message. */
  readonly maxBatchKeys: number;
  /** Longest lifetime a Set may ask for, in milliseconds. */
  readonly maxLifetimeMs: number;
}

/** How GetMany reads a batch from the store (see read-batch.ts). */
export interface BatchBudget {
  /** Most bytes of values one reply may hold, a repeated key counted each time. */
  readonly maxReplyBytes: number;
  /** Most bytes of values one store call returns (at least one value always is). */
  readonly storeCallBytes: number;
  /** Most keys one store call reads. */
  readonly storeCallKeys: number;
}

/** How the GetMany streams of one server share the store (see read-gate.ts). */
export interface ReadSharing {
  /** Most store calls of GetMany running at once on this server, all streams together. */
  readonly storeReadsInFlight: number;
}

/** Lifetimes the core applies when a request leaves them out. */
export interface Lifetimes {
  /** Lifetime of an entry whose Set names none. */
  readonly defaultLifetimeMs: number;
}

/** How leases behave when a Get leaves the details out (see config.ts). */
export interface LeaseSettings {
  /** Lifetime of a lease whose Get names none. */
  readonly leaseLifetimeMs: number;
  /** Longest lease lifetime (and wait) a Get may ask for. */
  readonly maxLeaseLifetimeMs: number;
  /** How long a Get waits for another holder's lease when it names no wait. */
  readonly leaseWaitMs: number;
  /**
   * A waiter re-checks at least this often even without a notice, in case
   * one was lost (a dropped subscriber connection, a plain Set).
   */
  readonly leaseRecheckMs: number;
  /** Most leased Gets of this server waiting for a lease at once; past it, RESOURCE_EXHAUSTED. */
  readonly maxLeaseWaiters: number;
}
