import { ConfigError } from "./core/errors.js";
import type { BatchBudget, LeaseSettings, Lifetimes, Limits, ReadSharing } from "./core/limits.js";
import type { NearSettings } from "./core/watch-change.js";

/**
 * The server's configuration: one typed object in sections, built once from
 * flags and the environment (flags win); each part of the server is handed
 * its section. Every default and derived value is computed here. This is the
 * only module that reads process.env.
 */
export interface Config {
  readonly server: ServerConfig;
  readonly store: StoreConfig;
  readonly limits: Limits & Lifetimes & BatchBudget & ReadSharing;
  readonly leases: LeaseSettings;
  readonly auth: AuthConfig;
  readonly observability: ObservabilityConfig;
  readonly near: NearSettings;
}

/** How the gRPC server listens, and how it treats connections and streams. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** On SIGTERM, how long in-flight calls may take to finish, in ms. */
  readonly shutdownGraceMs: number;
  /** Largest request message; derived: MAX_VALUE_BYTES + ENVELOPE_BYTES when unset. */
  readonly maxReceiveMessageBytes: number;
  readonly maxConcurrentStreams: number;
  readonly maxBatchesInFlight: number;
  readonly maxKeysInFlight: number;
  readonly maxBytesInFlight: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly minPingIntervalMs: number;
  readonly maxPingStrikes: number;
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly tlsClientCaFile: string | undefined;
}

/** Which store to open and how it uses Redis. At most one of the three Redis locations is set. */
export interface StoreConfig {
  readonly redisUrl: string | undefined;
  readonly redisClusterNodes: readonly HostPort[] | undefined;
  readonly redisSentinels: readonly HostPort[] | undefined;
  readonly redisSentinelName: string;
  readonly keyPrefix: string;
  readonly tagLifetimeMs: number;
  readonly redisCommandTimeoutMs: number;
  readonly redisConnectTimeoutMs: number;
  readonly redisWaitReplicas: number;
  /** How long WAIT may block, in ms; derived: half the command timeout, leaving the rest for the reply. */
  readonly redisWaitMs: number;
  readonly memoryMaxEntries: number;
  /** Bytes the embedded store may hold (values, keys, tags, versions, leases) before evicting. */
  readonly memoryMaxBytes: number;
}

/** Authentication. */
export interface AuthConfig {
  /** JSON file of accepted tokens; undefined: authentication off. */
  readonly tokensFile: string | undefined;
  /** 1: while a tokens file is loaded, reflection needs a known token; 0: it answers anyone. */
  readonly reflectionRequiresToken: number;
}

/** Logs and metrics. */
export interface ObservabilityConfig {
  readonly logLevel: string;
  /** Port of /metrics; undefined: no metrics endpoint. */
  readonly metricsPort: number | undefined;
  /** Address of /metrics; derived: the server's host when unset. */
  readonly metricsHost: string;
  /** OTLP/gRPC collector of traces; undefined: tracing off. */
  readonly otlpEndpoint: string | undefined;
}

/** One Redis node or Sentinel address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Room for the protobuf framing around the largest value, in bytes. */
export const ENVELOPE_BYTES = 64 * 1024;

interface Option {
  /** The section holding the setting, and its name there. */
  readonly section: keyof Config;
  readonly key: string;
  readonly env: string;
  readonly kind: "string" | "int" | "optional" | "addresses";
  readonly fallback: string | number | undefined;
  readonly doc: string;
  readonly min?: number;
  readonly max?: number;
}

const DAY = 86_400_000;

/** Every setting, with its environment variable, default and meaning. */
export const OPTIONS: readonly Option[] = [
  { section: "server", key: "host", env: "HOST", kind: "string", fallback: "localhost", doc: "address to listen on (0.0.0.0 for all interfaces)" },
  { section: "server", key: "port", env: "PORT", kind: "int", fallback: 50051, min: 0, max: 65535, doc: "port to listen on (0 picks a free one)" },
  { section: "store", key: "redisUrl", env: "REDIS_URL", kind: "optional", fallback: undefined, doc: "redis:// URL; unset: the embedded in-memory store" },
  { section: "store", key: "keyPrefix", env: "KEY_PREFIX", kind: "string", fallback: "tc", doc: "prefix of every Redis key the server writes" },
  { section: "limits", key: "defaultLifetimeMs", env: "DEFAULT_LIFETIME_MS", kind: "int", fallback: 3_600_000, min: 0, doc: "lifetime of an entry whose Set names none (0: no expiry)" },
  { section: "limits", key: "maxLifetimeMs", env: "MAX_LIFETIME_MS", kind: "int", fallback: 365 * DAY, min: 1, doc: "longest lifetime a Set may ask for" },
  { section: "store", key: "tagLifetimeMs", env: "TAG_LIFETIME_MS", kind: "int", fallback: 7 * DAY, min: 1, doc: "least lifetime of a tag version (raised to its entries')" },
  { section: "limits", key: "maxNamespaceBytes", env: "MAX_NAMESPACE_BYTES", kind: "int", fallback: 256, min: 1, doc: "longest namespace, UTF-8 bytes" },
  { section: "limits", key: "maxKeyBytes", env: "MAX_KEY_BYTES", kind: "int", fallback: 1024, min: 1, doc: "longest key, UTF-8 bytes" },
  { section: "limits", key: "maxTagBytes", env: "MAX_TAG_BYTES", kind: "int", fallback: 256, min: 1, max: 65_535, doc: "longest tag, UTF-8 bytes" },
  { section: "limits", key: "maxTags", env: "MAX_TAGS", kind: "int", fallback: 32, min: 0, max: 255, doc: "most tags on one entry or lookup" },
  { section: "limits", key: "maxInvalidateTags", env: "MAX_INVALIDATE_TAGS", kind: "int", fallback: 1000, min: 1, doc: "most tags in one Invalidate" },
  { section: "limits", key: "maxValueBytes", env: "MAX_VALUE_BYTES", kind: "int", fallback: 1_048_576, min: 0, doc: "largest value" },
  { section: "limits", key: "maxBatchKeys", env: "MAX_BATCH_KEYS", kind: "int", fallback: 1000, min: 1, doc: "most keys in one GetMany message" },
  { section: "limits", key: "maxReplyBytes", env: "MAX_REPLY_BYTES", kind: "int", fallback: 4 * 1_048_576 - ENVELOPE_BYTES, min: 1, doc: "most bytes of values in one GetMany reply, a repeated key counted each time (the default fits a client's 4 MiB receive limit)" },
  { section: "limits", key: "storeCallBytes", env: "STORE_CALL_BYTES", kind: "int", fallback: 1_048_576, min: 1, doc: "most bytes of values one store call of GetMany returns (one value always fits), so no call holds Redis long" },
  { section: "limits", key: "storeCallKeys", env: "STORE_CALL_KEYS", kind: "int", fallback: 250, min: 1, doc: "most keys one store call of GetMany reads; larger messages take several calls" },
  { section: "limits", key: "storeReadsInFlight", env: "STORE_READS_IN_FLIGHT", kind: "int", fallback: 64, min: 1, doc: "most store calls of GetMany running at once on this server, all streams together; the others wait, taking turns by connection" },
  { section: "server", key: "maxBytesInFlight", env: "MAX_BYTES_IN_FLIGHT", kind: "int", fallback: 16 * 1_048_576, min: 1, doc: "bytes of values one GetMany stream may hold unsent before the server stops reading it" },
  { section: "server", key: "maxBatchesInFlight", env: "MAX_BATCHES_IN_FLIGHT", kind: "int", fallback: 16, min: 1, doc: "GetMany messages one stream may have unanswered before the server stops reading it" },
  { section: "store", key: "redisCommandTimeoutMs", env: "REDIS_COMMAND_TIMEOUT_MS", kind: "int", fallback: 1000, min: 1, doc: "a Redis command unanswered this long fails as UNAVAILABLE" },
  { section: "store", key: "redisConnectTimeoutMs", env: "REDIS_CONNECT_TIMEOUT_MS", kind: "int", fallback: 2000, min: 1, doc: "connection attempt timeout" },
  { section: "store", key: "memoryMaxBytes", env: "MEMORY_MAX_BYTES", kind: "int", fallback: 256 * 1_048_576, min: 1_048_576, doc: "memory the embedded store's entries, versions and leases may take before the least recently used are evicted" },
  { section: "store", key: "memoryMaxEntries", env: "MEMORY_MAX_ENTRIES", kind: "int", fallback: 100_000, min: 1, doc: "entries the embedded store keeps before evicting the least recently used" },
  { section: "server", key: "shutdownGraceMs", env: "SHUTDOWN_GRACE_MS", kind: "int", fallback: 10_000, min: 0, doc: "on SIGTERM, how long in-flight calls may take to finish" },
  { section: "observability", key: "logLevel", env: "LOG_LEVEL", kind: "string", fallback: "info", doc: "trace, debug, info, warn, error or fatal" },
  { section: "leases", key: "leaseLifetimeMs", env: "LEASE_LIFETIME_MS", kind: "int", fallback: 10_000, min: 1, doc: "lifetime of a lease whose Get names none" },
  { section: "leases", key: "maxLeaseLifetimeMs", env: "MAX_LEASE_LIFETIME_MS", kind: "int", fallback: 600_000, min: 1, doc: "longest lease lifetime, and longest wait, a Get may ask for" },
  { section: "leases", key: "leaseWaitMs", env: "LEASE_WAIT_MS", kind: "int", fallback: 10_000, min: 0, doc: "how long a Get waits for another caller's lease when it names no wait (the call's deadline also bounds it)" },
  { section: "leases", key: "leaseRecheckMs", env: "LEASE_RECHECK_MS", kind: "int", fallback: 250, min: 1, doc: "a waiting Get re-checks at least this often, should a wake-up notice be lost" },
  { section: "leases", key: "maxLeaseWaiters", env: "MAX_LEASE_WAITERS", kind: "int", fallback: 1000, min: 1, doc: "leased Gets this server lets wait for another caller's lease at once; past it, RESOURCE_EXHAUSTED" },
  { section: "auth", key: "tokensFile", env: "TOKENS_FILE", kind: "optional", fallback: undefined, doc: "JSON file of accepted tokens (re-read on SIGHUP); unset: authentication off" },
  { section: "auth", key: "reflectionRequiresToken", env: "REFLECTION_REQUIRES_TOKEN", kind: "int", fallback: 1, min: 0, max: 1, doc: "1: with TOKENS_FILE set, reflection needs a known token; 0: reflection answers anyone" },
  { section: "server", key: "tlsCertFile", env: "TLS_CERT_FILE", kind: "optional", fallback: undefined, doc: "server certificate chain (PEM); with TLS_KEY_FILE turns TLS on" },
  { section: "server", key: "tlsKeyFile", env: "TLS_KEY_FILE", kind: "optional", fallback: undefined, doc: "server private key (PEM)" },
  { section: "server", key: "tlsClientCaFile", env: "TLS_CLIENT_CA_FILE", kind: "optional", fallback: undefined, doc: "CA (PEM) client certificates must chain to; set: mutual TLS" },
  { section: "observability", key: "metricsPort", env: "METRICS_PORT", kind: "int", fallback: undefined, min: 0, max: 65535, doc: "port of the Prometheus /metrics HTTP endpoint; unset: no metrics endpoint" },
  { section: "observability", key: "otlpEndpoint", env: "OTEL_EXPORTER_OTLP_ENDPOINT", kind: "optional", fallback: undefined, doc: "OTLP/gRPC collector that receives a span per RPC and per store call (W3C traceparent honoured); unset: tracing off, at no cost" },
  { section: "observability", key: "metricsHost", env: "METRICS_HOST", kind: "optional", fallback: undefined, doc: "address of the metrics endpoint; unset: HOST" },
  { section: "server", key: "maxReceiveMessageBytes", env: "MAX_RECEIVE_MESSAGE_BYTES", kind: "int", fallback: undefined, min: 1024, doc: "largest request message; unset: MAX_VALUE_BYTES + 64 KiB" },
  { section: "server", key: "maxConcurrentStreams", env: "MAX_CONCURRENT_STREAMS", kind: "int", fallback: 100, min: 1, doc: "calls one connection may have open at once (HTTP/2 streams)" },
  { section: "server", key: "maxKeysInFlight", env: "MAX_KEYS_IN_FLIGHT", kind: "int", fallback: 10_000, min: 1, doc: "GetMany keys one stream may have unanswered before the server stops reading it" },
  { section: "server", key: "keepaliveTimeMs", env: "KEEPALIVE_TIME_MS", kind: "int", fallback: 60_000, min: 1000, doc: "the server pings a connection after this long without activity" },
  { section: "server", key: "keepaliveTimeoutMs", env: "KEEPALIVE_TIMEOUT_MS", kind: "int", fallback: 20_000, min: 100, doc: "a connection that does not answer a ping within this is closed" },
  { section: "server", key: "minPingIntervalMs", env: "MIN_PING_INTERVAL_MS", kind: "int", fallback: 10_000, min: 0, doc: "a client ping sooner than this after its previous one is a strike, unless the server sent HEADERS or DATA in between (gRFC A8)" },
  { section: "server", key: "maxPingStrikes", env: "MAX_PING_STRIKES", kind: "int", fallback: 2, min: 0, doc: "strikes in a row tolerated before the connection is closed (GOAWAY too_many_pings)" },
  { section: "store", key: "redisClusterNodes", env: "REDIS_CLUSTER_NODES", kind: "addresses", fallback: undefined, doc: "Redis Cluster seed nodes, host:port,host:port; instead of REDIS_URL" },
  { section: "store", key: "redisSentinels", env: "REDIS_SENTINELS", kind: "addresses", fallback: undefined, doc: "Sentinels of a Redis primary, host:port,host:port; instead of REDIS_URL" },
  { section: "store", key: "redisSentinelName", env: "REDIS_SENTINEL_NAME", kind: "string", fallback: "mymaster", doc: "name of the primary the Sentinels watch" },
  { section: "store", key: "redisWaitReplicas", env: "REDIS_WAIT_REPLICAS", kind: "int", fallback: 1, min: 0, doc: "with Cluster or Sentinel: replicas that must hold a write (Invalidate, InvalidateAll, Set, Delete) before it returns; UNAVAILABLE when fewer confirm (0: do not wait)" },
  { section: "near", key: "nearCache", env: "NEAR_CACHE", kind: "string", fallback: "auto", doc: "the Watch stream of client near-caches: on, off, or auto (the same as on: with Redis, server replicas relay changes to each other's subscribers; off saves that relay's script call per write, and must then be set on every replica sharing the Redis)" },
  { section: "near", key: "nearLeaseMs", env: "NEAR_LEASE_MS", kind: "int", fallback: 2000, min: 10, doc: "near-cache lease a heartbeat grants; a write waits at most about this long for a subscriber that stopped answering" },
  { section: "near", key: "nearMaxSubscribers", env: "NEAR_MAX_SUBSCRIBERS", kind: "int", fallback: 1000, min: 1, doc: "Watch streams one server holds at once" },
  { section: "near", key: "nearMaxSubscribersPerConnection", env: "NEAR_MAX_SUBSCRIBERS_PER_CONNECTION", kind: "int", fallback: 16, min: 1, doc: "Watch streams one client connection may hold at once" },
  { section: "near", key: "nearMaxNamespaces", env: "NEAR_MAX_NAMESPACES", kind: "int", fallback: 64, min: 1, doc: "namespaces one Watch stream may subscribe to" },
  { section: "near", key: "nearMaxPendingEvents", env: "NEAR_MAX_PENDING_EVENTS", kind: "int", fallback: 1024, min: 1, doc: "unacknowledged events a subscriber may have; past it the server drops it (ends its lease)" },
  { section: "near", key: "nearMaxServerNamespaces", env: "NEAR_MAX_SERVER_NAMESPACES", kind: "int", fallback: 1024, min: 1, doc: "namespaces one server watches at once over all its Watch streams; with Redis each is a registration renewed every quarter lease" },
];


function flagName(o: Option): string {
  return "--" + o.env.toLowerCase().replaceAll("_", "-");
}

function parseAddresses(o: Option, raw: string): HostPort[] {
  return raw.split(",").map((part) => {
    const m = /^\s*(\S+):(\d{1,5})\s*$/.exec(part);
    if (m === null || Number(m[2]) > 65535) {
      throw new ConfigError(`${o.env}: expected host:port[,host:port...], got "${raw}"`);
    }
    return { host: m[1]!, port: Number(m[2]) };
  });
}

function parse(o: Option, raw: string): string | number | HostPort[] {
  if (o.kind === "addresses") return parseAddresses(o, raw);
  if (o.kind !== "int") return raw;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${o.env}: expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
    throw new ConfigError(`${o.env}: must be between ${o.min ?? 0} and ${o.max ?? "∞"}, got ${n}`);
  }
  return n;
}

/** Builds the configuration; flags (`--port 1`, `--port=1`) win over variables. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!OPTIONS.some((o) => flagName(o) === name)) throw new ConfigError(`unknown flag ${name} (see --help)`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`${name} needs a value`);
    flags.set(name, value);
  }
  const raw: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const given = flags.get(flagName(o)) ?? env[o.env];
    raw[o.key] = given === undefined || given === "" ? o.fallback : parse(o, given);
  }
  const where = ["redisUrl", "redisClusterNodes", "redisSentinels"].filter((k) => raw[k] !== undefined);
  if (where.length > 1) throw new ConfigError("set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS");
  // A brace in the prefix would become the hash tag of every key on a cluster.
  if (raw.redisClusterNodes !== undefined && /[{}]/.test(String(raw.keyPrefix))) {
    throw new ConfigError("KEY_PREFIX: must not contain { or } with REDIS_CLUSTER_NODES");
  }
  if (!["auto", "on", "off"].includes(String(raw.nearCache))) {
    throw new ConfigError(`NEAR_CACHE: expected on, off or auto, got "${String(raw.nearCache)}"`);
  }
  const sections: Record<keyof Config, Record<string, unknown>> = {
    server: {}, store: {}, limits: {}, leases: {}, auth: {}, observability: {}, near: {},
  };
  for (const o of OPTIONS) sections[o.section][o.key] = raw[o.key];
  const config = sections as unknown as { -readonly [S in keyof Config]: { -readonly [K in keyof Config[S]]: Config[S][K] } };
  config.server.maxReceiveMessageBytes ??= config.limits.maxValueBytes + ENVELOPE_BYTES;
  config.store.redisWaitMs = Math.ceil(config.store.redisCommandTimeoutMs / 2);
  config.observability.metricsHost ??= config.server.host;
  return config;
}

/** The --help text: every flag, its variable, default and meaning. */
export function helpText(): string {
  const lines = ["Usage: taggedcache [flags]", "", "Every flag can also be set by its environment variable.", ""];
  for (const o of OPTIONS) {
    const def = o.fallback === undefined ? "unset" : String(o.fallback);
    lines.push(`  ${flagName(o)} (${o.env}, default ${def})`, `      ${o.doc}`);
  }
  return lines.join("\n");
}
