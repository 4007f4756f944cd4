import { randomFillSync } from "node:crypto";
import { VERSION_BYTES } from "./entry-codec.js";

/**
 * Fresh random tag versions, cut from a pooled buffer refilled in bulk, so a
 * Set does not ask the OS for randomness each time. Versions are random, never
 * counters: a counter restarts after its key is evicted and would make old
 * entries valid again.
 */
export class RandomVersions {
  private pool = Buffer.allocUnsafe(VERSION_BYTES * 1024);
  private next = this.pool.length;

  /** A new 8-byte version; a view into the pool that is never rewritten. */
  take(): Buffer {
    if (this.next + VERSION_BYTES > this.pool.length) {
      // A fresh pool each time: earlier views may still be waiting to be sent.
      this.pool = randomFillSync(Buffer.allocUnsafe(this.pool.length));
      this.next = 0;
    }
    const v = this.pool.subarray(this.next, this.next + VERSION_BYTES);
    this.next += VERSION_BYTES;
    return v;
  }
}
