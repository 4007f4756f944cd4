import { constants, type Http2Session, type ServerHttp2Stream } from "node:http2";
import type { EventEmitter } from "node:events";
import type { Server } from "@grpc/grpc-js";
import type { Logger } from "pino";

/** How often a client may ping the server. */
export interface PingPolicy {
  /** Pings closer together than this are strikes (unless the server sent something in between), in ms. */
  readonly minPingIntervalMs: number;
  /** Strikes in a row tolerated; the next closes the connection. */
  readonly maxPingStrikes: number;
}

// Sent with the GOAWAY, as gRPC servers do: grpc clients read it and slow
// their keepalive down.
const TOO_MANY_PINGS = Buffer.from("too_many_pings");

/**
 * Enforces the ping policy on one HTTP/2 connection, with the rule of gRPC's
 * own servers (gRFC A8): a ping is a strike only when it comes less than
 * `minPingIntervalMs` after the previous one and the server has sent no
 * HEADERS or DATA in between; sending HEADERS or DATA forgives every strike.
 * Clients send BDP (flow-control) pings while replies flow, so counting
 * those would cut healthy, busy connections. Past `maxPingStrikes` strikes
 * the connection gets GOAWAY ENHANCE_YOUR_CALM ("too_many_pings") and is
 * closed.
 */
export function enforcePingPolicy(session: Http2Session, policy: PingPolicy, log: Logger): void {
  let last = 0;
  let strikes = 0;
  let sent = false;
  const sending = () => {
    sent = true;
  };
  // Before grpc-js's own listener, which may answer at once.
  session.prependListener("stream", (stream: ServerHttp2Stream) => watchSends(stream, sending));
  session.on("ping", () => {
    const now = Date.now();
    const tooSoon = now - last < policy.minPingIntervalMs;
    last = now;
    if (sent) {
      sent = false;
      strikes = 0;
      return;
    }
    if (tooSoon) strikes++;
    if (strikes <= policy.maxPingStrikes || session.destroyed) return;
    log.warn({ remote: session.socket?.remoteAddress }, "closing a connection that pings too often");
    session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, TOO_MANY_PINGS);
    session.destroy();
  });
}

/**
 * Calls `sending` whenever the server sends HEADERS (respond; trailers only
 * follow a respond) or DATA (write) on `stream`. Node emits no event for
 * frames sent, so the two methods grpc-js sends through are wrapped on this
 * stream object only.
 */
function watchSends(stream: ServerHttp2Stream, sending: () => void): void {
  const respond = stream.respond;
  const write = stream.write;
  stream.respond = function (this: ServerHttp2Stream, ...args: Parameters<typeof respond>) {
    sending();
    return respond.apply(this, args);
  };
  stream.write = function (this: ServerHttp2Stream, ...args: unknown[]) {
    sending();
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
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
