/**
 * Work the transport has started and not yet finished. Each count returns to
 * zero once callers are gone, whatever way they left (end, error, cancel,
 * disconnect); tests read it to prove that no work or memory is left behind.
 */
export class InFlight {
  /** Unary calls waiting for the cache. */
  calls = 0;
  /** GetMany streams open. */
  streams = 0;
  /** GetMany messages waiting for the cache. */
  batches = 0;
}
