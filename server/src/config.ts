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
  readonly shutdownGraceMs: number;
  readonly logLevel: string;
  readonly leaseLifetimeMs: number;
  readonly maxLeaseLifetimeMs: number;
  readonly leaseWaitMs: number;
  readonly leaseRecheckMs: number;
}

interface Option {
  readonly key: keyof Config;
  readonly env: string;
  readonly kind: "string" | "int" | "optional";
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
  { key: "shutdownGraceMs", env: "SHUTDOWN_GRACE_MS", kind: "int", fallback: 10_000, min: 0, doc: "on SIGTERM, how long in-flight calls may take to finish" },
  { key: "logLevel", env: "LOG_LEVEL", kind: "string", fallback: "info", doc: "trace, debug, info, warn, error or fatal" },
  { key: "leaseLifetimeMs", env: "LEASE_LIFETIME_MS", kind: "int", fallback: 10_000, min: 1, doc: "lifetime of a lease whose Get names none" },
  { key: "maxLeaseLifetimeMs", env: "MAX_LEASE_LIFETIME_MS", kind: "int", fallback: 600_000, min: 1, doc: "longest lease lifetime, and longest wait, a Get may ask for" },
  { key: "leaseWaitMs", env: "LEASE_WAIT_MS", kind: "int", fallback: 10_000, min: 0, doc: "how long a Get waits for another caller's lease when it names no wait (the call's deadline also bounds it)" },
  { key: "leaseRecheckMs", env: "LEASE_RECHECK_MS", kind: "int", fallback: 250, min: 1, doc: "a waiting Get re-checks at least this often, should a wake-up notice be lost" },
];

/** A flag or variable has a value that cannot be used. */
export class ConfigError extends Error {}

function flagName(o: Option): string {
  return "--" + o.env.toLowerCase().replaceAll("_", "-");
}

function parse(o: Option, raw: string): string | number {
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
