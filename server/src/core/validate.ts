import { InvalidArgumentError } from "./errors.js";
import type { Limits } from "./limits.js";

/** The namespace used when a request leaves it empty. */
export const DEFAULT_NAMESPACE = "default";

/** The namespace a request means: DEFAULT_NAMESPACE when it leaves it empty. */
export function namespaceOrDefault(ns: string): string {
  return ns.length === 0 ? DEFAULT_NAMESPACE : ns;
}

// A UTF-16 code unit never takes more than 3 UTF-8 bytes, so most strings
// pass without being measured.
function utf8Bytes(s: string, limit: number): number {
  return s.length * 3 <= limit ? s.length : Buffer.byteLength(s, "utf8");
}

function checkText(field: string, s: string, limit: number): void {
  if (s.length === 0) throw new InvalidArgumentError(field, "must not be empty");
  const n = utf8Bytes(s, limit);
  if (n > limit) {
    throw new InvalidArgumentError(field, `must be at most ${limit} bytes (got ${n})`);
  }
}

/** Returns the namespace to use, or throws when it is too long. */
export function checkNamespace(limits: Limits, ns: string): string {
  if (ns.length === 0) return namespaceOrDefault(ns);
  checkText("namespace", ns, limits.maxNamespaceBytes);
  return ns;
}

/** Throws unless `key` is a non-empty key within limits. */
export function checkKey(limits: Limits, key: string, field = "key"): void {
  checkText(field, key, limits.maxKeyBytes);
}

/**
 * Checks every tag and returns the set sorted and without duplicates. The
 * array is sorted in place: it belongs to the decoded request.
 */
export function checkTags(
  limits: Limits,
  tags: string[],
  field = "tags",
  maxCount = limits.maxTags,
): string[] {
  if (tags.length === 0) return tags;
  if (tags.length > maxCount) {
    throw new InvalidArgumentError(field, `must hold at most ${maxCount} tags (got ${tags.length})`);
  }
  for (let i = 0; i < tags.length; i++) {
    checkText(`${field}[${i}]`, tags[i]!, limits.maxTagBytes);
  }
  if (tags.length === 1) return tags;
  tags.sort();
  let w = 1;
  for (let r = 1; r < tags.length; r++) {
    if (tags[r] !== tags[w - 1]) tags[w++] = tags[r]!;
  }
  tags.length = w;
  return tags;
}

/** Throws unless the value fits the limit. */
export function checkValue(limits: Limits, value: Uint8Array): void {
  if (value.byteLength > limits.maxValueBytes) {
    throw new InvalidArgumentError(
      "value",
      `must be at most ${limits.maxValueBytes} bytes (got ${value.byteLength})`,
    );
  }
}

/**
 * Returns the lifetime to store in milliseconds (0 = never expires), from
 * the requested one or the default when absent.
 */
export function checkLifetime(
  limits: Limits,
  requested: bigint | undefined,
  defaultMs: number,
): number {
  if (requested === undefined) return defaultMs;
  if (requested < 0n) {
    throw new InvalidArgumentError("lifetime_ms", `must not be negative (got ${requested})`);
  }
  const ms = Number(requested);
  if (ms > limits.maxLifetimeMs) {
    throw new InvalidArgumentError(
      "lifetime_ms",
      `must be at most ${limits.maxLifetimeMs} ms (got ${requested})`,
    );
  }
  return ms;
}
