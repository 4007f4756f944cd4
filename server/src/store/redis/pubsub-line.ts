import type { Redis } from "ioredis";

/** What a PubSubLine tells its owner. */
export interface PubSubEvents {
  message(channel: string, message: string): void;
  /** Redis confirmed the subscription: from now on no message is missed while the line holds. */
  subscribed(): void;
  /** The connection broke (or never subscribed): messages may have been missed since. */
  broke(): void;
}

const REOPEN_MS = 200;

/**
 * One pub/sub connection subscribed to fixed channels, opened afresh (by
 * `open`, which may pick another node) shortly after it breaks. Unlike
 * ioredis's silent resubscription, every break is told, since messages
 * published meanwhile are lost.
 */
export class PubSubLine {
  private sub: Redis | undefined;
  private closed = false;

  constructor(
    private readonly open: () => Redis,
    private readonly channels: readonly string[],
    private readonly events: PubSubEvents,
  ) {
    this.connect();
  }

  /** Closes the connection for good. */
  close(): void {
    this.closed = true;
    const sub = this.sub;
    this.sub = undefined;
    sub?.disconnect();
  }

  private connect(): void {
    if (this.closed) return;
    const sub = this.open();
    this.sub = sub;
    sub.on("message", (channel: string, message: string) => this.events.message(channel, message));
    sub.on("error", () => {});
    sub.on("close", () => this.broke(sub));
    sub.subscribe(...this.channels).then(
      () => this.sub === sub && this.events.subscribed(),
      () => this.broke(sub),
    );
  }

  private broke(sub: Redis): void {
    if (this.sub !== sub) return;
    this.sub = undefined;
    sub.disconnect();
    this.events.broke();
    setTimeout(() => this.connect(), REOPEN_MS).unref();
  }
}
