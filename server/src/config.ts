/**
 * The server's configuration: one typed object, built once from flags and
 * the environment (flags win) and passed into constructors. This is the only
 * module that reads process.env.
 */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
  readonly defaultLifetimeMs: number;
  readonly maxLifetimeMs: number;
  readonly tagLifetimeMs: number;
  readonly maxNamespaceBytes: number;
  readonly maxKeyBytes: number;
  readonly maxTagBytes: number;
  readonly maxTags: number;
  readonly maxInvalidateTags: number;
  readonly maxValueBytes: number;
  readonly maxBatchKeys: number;
  readonly maxBatchesInFlight: number;
  readonly redisCommandTimeoutMs: number;
  readonly redisConnectTimeoutMs: number;
  readonly memoryMaxEntries: number;
  readonly memoryMaxBytes: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: string;
  readonly leaseLifetimeMs: number;
  readonly maxLeaseLifetimeMs: number;
  readonly leaseWaitMs: number;
  readonly leaseRecheckMs: number;
  readonly tokensFile: string | undefined;
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly tlsClientCaFile: string | undefined;
  readonly metricsPort: number | undefined;
  readonly metricsHost: string | undefined;
  readonly maxReceiveMessageBytes: number | undefined;
  readonly maxConcurrentStreams: number;
  readonly maxKeysInFlight: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly minPingIntervalMs: number;
  readonly maxPingStrikes: number;
  readonly redisClusterNodes: readonly HostPort[] | undefined;
  readonly redisSentinels: readonly HostPort[] | undefined;
  readonly redisSentinelName: string;
  readonly redisWaitReplicas: number;
}

/** One Redis node or Sentinel address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

interface Option {
  readonly key: keyof Config;
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
  { key: "host", env: "HOST", kind: "string", fallback: "localhost", doc: "address to listen on (0.0.0.0 for all interfaces)" },
  { key: "port", env: "PORT", kind: "int", fallback: 50051, min: 0, max: 65535, doc: "port to listen on (0 picks a free one)" },
  { key: "redisUrl", env: "REDIS_URL", kind: "optional", fallback: undefined, doc: "redis:// URL; unset: the embedded in-memory store" },
  { key: "keyPrefix", env: "KEY_PREFIX", kind: "string", fallback: "tc", doc: "prefix of every Redis key the server writes" },
  { key: "defaultLifetimeMs", env: "DEFAULT_LIFETIME_MS", kind: "int", fallback: 3_600_000, min: 0, doc: "lifetime of an entry whose Set names none (0: no expiry)" },
  { key: "maxLifetimeMs", env: "MAX_LIFETIME_MS", kind: "int", fallback: 365 * DAY, min: 1, doc: "longest lifetime a Set may ask for" },
  { key: "tagLifetimeMs", env: "TAG_LIFETIME_MS", kind: "int", fallback: 7 * DAY, min: 1, doc: "least lifetime of a tag version (raised to its entries')" },
  { key: "maxNamespaceBytes", env: "MAX_NAMESPACE_BYTES", kind: "int", fallback: 256, min: 1, doc: "longest namespace, UTF-8 bytes" },
  { key: "maxKeyBytes", env: "MAX_KEY_BYTES", kind: "int", fallback: 1024, min: 1, doc: "longest key, UTF-8 bytes" },
  { key: "maxTagBytes", env: "MAX_TAG_BYTES", kind: "int", fallback: 256, min: 1, max: 65_535, doc: "longest tag, UTF-8 bytes" },
  { key: "maxTags", env: "MAX_TAGS", kind: "int", fallback: 32, min: 0, max: 255, doc: "most tags on one entry or lookup" },
  { key: "maxInvalidateTags", env: "MAX_INVALIDATE_TAGS", kind: "int", fallback: 1000, min: 1, doc: "most tags in one Invalidate" },
  { key: "maxValueBytes", env: "MAX_VALUE_BYTES", kind: "int", fallback: 1_048_576, min: 0, doc: "largest value" },
  { key: "maxBatchKeys", env: "MAX_BATCH_KEYS", kind: "int", fallback: 1000, min: 1, doc: "most keys in one GetMany message" },
  { key: "maxBatchesInFlight", env: "MAX_BATCHES_IN_FLIGHT", kind: "int", fallback: 16, min: 1, doc: "GetMany messages one stream may have unanswered before the server stops reading it" },
  { key: "redisCommandTimeoutMs", env: "REDIS_COMMAND_TIMEOUT_MS", kind: "int", fallback: 1000, min: 1, doc: "a Redis command unanswered this long fails as UNAVAILABLE" },
  { key: "redisConnectTimeoutMs", env: "REDIS_CONNECT_TIMEOUT_MS", kind: "int", fallback: 2000, min: 1, doc: "connection attempt timeout" },
  { key: "memoryMaxEntries", env: "MEMORY_MAX_ENTRIES", kind: "int", fallback: 100_000, min: 1, doc: "entries the embedded store keeps before evicting the least recently used" },
  { key: "memoryMaxBytes", env: "MEMORY_MAX_BYTES", kind: "int", fallback: 256 * 1_048_576, min: 1_048_576, doc: "memory the embedded store's entries, versions and leases may take before the least recently used are evicted" },
  { key: "shutdownGraceMs", env: "SHUTDOWN_GRACE_MS", kind: "int", fallback: 10_000, min: 0, doc: "on SIGTERM, how long in-flight calls may take to finish" },
  { key: "logLevel", env: "LOG_LEVEL", kind: "string", fallback: "info", doc: "trace, debug, info, warn, error or fatal" },
  { key: "leaseLifetimeMs", env: "LEASE_LIFETIME_MS", kind: "int", fallback: 10_000, min: 1, doc: "lifetime of a lease whose Get names none" },
  { key: "maxLeaseLifetimeMs", env: "MAX_LEASE_LIFETIME_MS", kind: "int", fallback: 600_000, min: 1, doc: "longest lease lifetime, and longest wait, a Get may ask for" },
  { key: "leaseWaitMs", env: "LEASE_WAIT_MS", kind: "int", fallback: 10_000, min: 0, doc: "how long a Get waits for another caller's lease when it names no wait (the call's deadline also bounds it)" },
  { key: "leaseRecheckMs", env: "LEASE_RECHECK_MS", kind: "int", fallback: 250, min: 1, doc: "a waiting Get re-checks at least this often, should a wake-up notice be lost" },
  { key: "tokensFile", env: "TOKENS_FILE", kind: "optional", fallback: undefined, doc: "JSON file of accepted tokens (re-read on SIGHUP); unset: authentication off" },
  { key: "tlsCertFile", env: "TLS_CERT_FILE", kind: "optional", fallback: undefined, doc: "server certificate chain (PEM); with TLS_KEY_FILE turns TLS on" },
  { key: "tlsKeyFile", env: "TLS_KEY_FILE", kind: "optional", fallback: undefined, doc: "server private key (PEM)" },
  { key: "tlsClientCaFile", env: "TLS_CLIENT_CA_FILE", kind: "optional", fallback: undefined, doc: "CA (PEM) client certificates must chain to; set: mutual TLS" },
  { key: "metricsPort", env: "METRICS_PORT", kind: "int", fallback: undefined, min: 0, max: 65535, doc: "port of the Prometheus /metrics HTTP endpoint; unset: no metrics endpoint" },
  { key: "metricsHost", env: "METRICS_HOST", kind: "optional", fallback: undefined, doc: "address of the metrics endpoint; unset: HOST" },
  { key: "maxReceiveMessageBytes", env: "MAX_RECEIVE_MESSAGE_BYTES", kind: "int", fallback: undefined, min: 1024, doc: "largest request message; unset: MAX_VALUE_BYTES + 64 KiB" },
  { key: "maxConcurrentStreams", env: "MAX_CONCURRENT_STREAMS", kind: "int", fallback: 100, min: 1, doc: "calls one connection may have open at once (HTTP/2 streams)" },
  { key: "maxKeysInFlight", env: "MAX_KEYS_IN_FLIGHT", kind: "int", fallback: 10_000, min: 1, doc: "GetMany keys one stream may have unanswered before the server stops reading it" },
  { key: "keepaliveTimeMs", env: "KEEPALIVE_TIME_MS", kind: "int", fallback: 60_000, min: 1000, doc: "the server pings a connection after this long without activity" },
  { key: "keepaliveTimeoutMs", env: "KEEPALIVE_TIMEOUT_MS", kind: "int", fallback: 20_000, min: 100, doc: "a connection that does not answer a ping within this is closed" },
  { key: "minPingIntervalMs", env: "MIN_PING_INTERVAL_MS", kind: "int", fallback: 10_000, min: 0, doc: "a client ping sooner than this after its previous one is a strike" },
  { key: "maxPingStrikes", env: "MAX_PING_STRIKES", kind: "int", fallback: 2, min: 0, doc: "strikes in a row tolerated before the connection is closed (GOAWAY too_many_pings)" },
  { key: "redisClusterNodes", env: "REDIS_CLUSTER_NODES", kind: "addresses", fallback: undefined, doc: "Redis Cluster seed nodes, host:port,host:port; instead of REDIS_URL" },
  { key: "redisSentinels", env: "REDIS_SENTINELS", kind: "addresses", fallback: undefined, doc: "Sentinels of a Redis primary, host:port,host:port; instead of REDIS_URL" },
  { key: "redisSentinelName", env: "REDIS_SENTINEL_NAME", kind: "string", fallback: "mymaster", doc: "name of the primary the Sentinels watch" },
  { key: "redisWaitReplicas", env: "REDIS_WAIT_REPLICAS", kind: "int", fallback: 1, min: 0, doc: "with Cluster or Sentinel: replicas that must hold a new tag version before Invalidate returns (0: do not wait)" },
];

/** A flag or variable has a value that cannot be used. */
export class ConfigError extends Error {}

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
  const config: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const raw = flags.get(flagName(o)) ?? env[o.env];
    config[o.key] = raw === undefined || raw === "" ? o.fallback : parse(o, raw);
  }
  const where = ["redisUrl", "redisClusterNodes", "redisSentinels"].filter((k) => config[k] !== undefined);
  if (where.length > 1) throw new ConfigError("set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS");
  // A brace in the prefix would become the hash tag of every key on a cluster.
  if (config.redisClusterNodes !== undefined && /[{}]/.test(String(config.keyPrefix))) {
    throw new ConfigError("KEY_PREFIX: must not contain { or } with REDIS_CLUSTER_NODES");
  }
  return config as unknown as Config;
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
