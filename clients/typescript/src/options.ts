import { credentials as grpcCredentials, type ChannelCredentials, type ChannelOptions } from "@grpc/grpc-js";
import type { Duration } from "./duration.js";
import type { Hooks, Logger } from "./hooks.js";
import type { RetryOptions } from "./retry.js";
import { jsonSerializer, type Serializer } from "./serializers.js";

/** Keepalive pings on the channel, to notice a dead connection early. */
export interface KeepaliveOptions {
  /** Ping after this many ms without activity; default 60000. */
  timeMs?: number;
  /** Consider the connection dead when a ping is unanswered this long; default 20000. */
  timeoutMs?: number;
}

/** Options of the near-cache (ClientOptions.nearCache). */
export interface NearCacheOptions {
  /** Bytes of values, keys and tags held at most; the least recently used go first. */
  maxBytes: number;
  /** Heartbeat period in ms; default: a quarter of the lease the server grants. */
  heartbeatMs?: number;
}

/** Options of a TaggedCacheClient. */
export interface ClientOptions {
  /** Namespace of every call; default "default". */
  namespace?: string;
  /** Channel credentials: `credentials.createInsecure()` (default) or `credentials.createSsl(...)`. */
  credentials?: ChannelCredentials;
  /** A bearer token sent with every call as `authorization: Bearer <token>`. */
  token?: string;
  /**
   * Default deadline of every call, in ms or as a duration ("5s"): a unary
   * call's retries included, and the whole of a GetMany stream; default
   * 5000. 0: no deadline. A call's own `timeoutMs` or `deadline` wins.
   */
  timeoutMs?: Duration;
  /** @deprecated the same as `timeoutMs`, kept for existing callers. */
  deadlineMs?: number;
  /** Retries of calls failing with UNAVAILABLE, within the deadline; `false`: none. */
  retry?: RetryOptions | false;
  /** Keepalive pings; `false`: none. */
  keepalive?: KeepaliveOptions | false;
  /** Extra grpc-js channel options (they win over the ones above). */
  channelOptions?: ChannelOptions;
  /** Serializer of getValue/setValue and cached(); default JSON. */
  serializer?: Serializer;
  /** Hooks of cached() and the decorator. */
  hooks?: Hooks;
  /**
   * Where the high level reports a failing cache or hook, besides the
   * `onError` hook; default: nowhere (nothing is printed). `console` fits.
   */
  logger?: Logger | null;
  /**
   * Turns caching off: every read misses and every write does nothing, and
   * no call reaches the server; cached functions always run. Default: on,
   * unless the environment variable `TAGGEDCACHE_DISABLED` is `1` or `true`.
   */
  disabled?: boolean;
  /**
   * Keeps hot entries in this process's memory, never stale: served only
   * while the server's invalidation stream holds a fresh lease (see the
   * README's "Near-cache"). Off unless given. Call close() when done: the
   * stream keeps the process alive.
   */
  nearCache?: NearCacheOptions;
}

/** The channel options implied by the client options. */
export function channelOptions(o: ClientOptions): ChannelOptions {
  const keepalive: ChannelOptions =
    o.keepalive === false
      ? {}
      : {
          "grpc.keepalive_time_ms": o.keepalive?.timeMs ?? 60_000,
          "grpc.keepalive_timeout_ms": o.keepalive?.timeoutMs ?? 20_000,
        };
  return { ...keepalive, ...o.channelOptions };
}

/** The credentials to use: the given ones, or plaintext. */
export function channelCredentials(o: ClientOptions): ChannelCredentials {
  return o.credentials ?? grpcCredentials.createInsecure();
}

/** The serializer to use for a call: the call's, else the client's, else JSON. */
export function pickSerializer(call: Serializer | undefined, client: Serializer | undefined): Serializer {
  return call ?? client ?? jsonSerializer;
}

/** Whether the client is off: its option, else the TAGGEDCACHE_DISABLED environment variable. */
export function isDisabled(o: ClientOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (o.disabled !== undefined) return o.disabled;
  const v = env.TAGGEDCACHE_DISABLED?.trim().toLowerCase();
  return v === "1" || v === "true";
}
