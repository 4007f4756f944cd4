import { ConfigError } from "../../core/errors.js";

const FORM = "redis://[[user]:password@]host[:port][/db] (rediss:// for TLS)";

/**
 * Throws a ConfigError naming REDIS_URL unless `url` is a redis:// or
 * rediss:// URL with a host and at most a database number as its path.
 * ioredis would take `localhost:6379` or `http://x` without a word and then
 * fail every connection; refusing them at start says what is wrong. The
 * message echoes the value only when it holds no credentials.
 */
export function checkRedisUrl(url: string): void {
  const shown = url.includes("@") ? "" : ` "${url}"`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`REDIS_URL: expected ${FORM}, got${shown || " a value"} that is not a URL`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL: expected ${FORM}, got${shown} with the scheme "${parsed.protocol}"`);
  }
  if (parsed.hostname === "") throw new ConfigError(`REDIS_URL: expected ${FORM}, got${shown} without a host`);
  if (!/^\/?\d*$/.test(parsed.pathname)) {
    throw new ConfigError(`REDIS_URL: expected ${FORM}, got${shown} whose path is not a database number`);
  }
}
