import { constants, type Http2Session } from "node:http2";
import type { EventEmitter } from "node:events";
import type { Server } from "@grpc/grpc-js";
import type { Logger } from "pino";

/** How often a client may ping the server. */
export interface PingPolicy {
  /** Pings closer together than this are strikes, in ms. */
  readonly minPingIntervalMs: number;
  /** Strikes in a row tolerated; the next closes the connection. */
  readonly maxPingStrikes: number;
}

// Sent with the GOAWAY, as gRPC servers do: grpc clients read it and slow
// their keepalive down.
const TOO_MANY_PINGS = Buffer.from("too_many_pings");

/**
 * Enforces the ping policy on one HTTP/2 connection: a ping that comes less
 * than `minPingIntervalMs` after the previous one is a strike; past
 * `maxPingStrikes` strikes in a row the connection gets GOAWAY
 * ENHANCE_YOUR_CALM ("too_many_pings") and is closed.
 */
export function enforcePingPolicy(session: Http2Session, policy: PingPolicy, log: Logger): void {
  let last = 0;
  let strikes = 0;
  session.on("ping", () => {
    const now = Date.now();
    strikes = now - last < policy.minPingIntervalMs ? strikes + 1 : 0;
    last = now;
    if (strikes <= policy.maxPingStrikes || session.destroyed) return;
    log.warn({ remote: session.socket?.remoteAddress }, "closing a connection that pings too often");
    session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, TOO_MANY_PINGS);
    session.destroy();
  });
}

/**
 * Applies the ping policy to every connection of a bound grpc-js server.
 * grpc-js has no such policy and does not expose its HTTP/2 servers, so this
 * reaches its private `http2Servers` map (checked against the pinned
 * version by the tests); if that ever changes, it logs that the policy is
 * off instead of failing.
 */
export function applyPingPolicy(server: Server, policy: PingPolicy, log: Logger): void {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) {
    log.warn("this grpc-js version hides its HTTP/2 servers: the ping policy is off");
    return;
  }
  for (const h2 of http2Servers.keys() as IterableIterator<EventEmitter>) {
    h2.on("session", (session: Http2Session) => enforcePingPolicy(session, policy, log));
  }
}
