import type { Redis } from "ioredis";

/**
 * Holds a connection's writes until the end of the current event-loop turn
 * (setImmediate), so that the commands of calls arriving together (unary
 * Sets under load) leave in one socket write and Redis answers them in one
 * read, without the Pipeline object ioredis's auto-pipelining builds per
 * flush. A call alone waits only for the end of its turn.
 */
export class TurnCork {
  private held = false;

  constructor(private readonly redis: Redis) {}

  /** Holds the writes of this turn, if not already held. */
  hold(): void {
    if (this.held) return;
    const stream = this.redis.stream;
    if (stream === undefined || !stream.writable) return;
    this.held = true;
    stream.cork();
    // Uncorks the stream corked, not one a reconnection put in its place.
    setImmediate(() => {
      this.held = false;
      stream.uncork();
    });
  }
}
