import { readFileSync } from "node:fs";
import { TokensFileError } from "../../core/errors.js";

/** What a token may do; each RPC needs one (see the handlers in transport/handlers.ts). */
export type Permission = "read" | "write" | "invalidate" | "admin";

const PERMISSIONS: readonly Permission[] = ["read", "write", "invalidate", "admin"];

/** One entry of the tokens file. The token itself is never stored, only its SHA-256. */
export interface TokenEntry {
  /** A name for logs and error messages, e.g. the calling service. */
  readonly id: string;
  /** SHA-256 of the token, lowercase hex. */
  readonly sha256: string;
  /** Exact namespace names, or prefixes ending in `*` (`billing-*`; `*` alone is every namespace). */
  readonly namespaces: readonly string[];
  readonly permissions: ReadonlySet<Permission>;
}

function fail(where: string, rule: string): never {
  throw new TokensFileError(`${where}: ${rule}`);
}

function stringList(where: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) fail(where, "must be a non-empty array of strings");
  value.forEach((v, i) => {
    if (typeof v !== "string" || v === "") fail(`${where}[${i}]`, "must be a non-empty string");
  });
  return value as string[];
}

function parseEntry(raw: unknown, where: string): TokenEntry {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(where, "must be an object");
  const e = raw as Record<string, unknown>;
  for (const field of Object.keys(e)) {
    if (!["id", "sha256", "namespaces", "permissions"].includes(field)) fail(`${where}.${field}`, "unknown field");
  }
  if (typeof e.id !== "string" || e.id === "") fail(`${where}.id`, "must be a non-empty string");
  if (typeof e.sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(e.sha256)) {
    fail(`${where}.sha256`, "must be the token's SHA-256 as 64 hex digits");
  }
  const namespaces = stringList(`${where}.namespaces`, e.namespaces);
  namespaces.forEach((ns, i) => {
    if (ns.indexOf("*") !== -1 && ns.indexOf("*") !== ns.length - 1) {
      fail(`${where}.namespaces[${i}]`, "'*' may only end a prefix");
    }
  });
  const permissions = stringList(`${where}.permissions`, e.permissions);
  permissions.forEach((p, i) => {
    if (!PERMISSIONS.includes(p as Permission)) fail(`${where}.permissions[${i}]`, `must be one of ${PERMISSIONS.join(", ")}`);
  });
  return { id: e.id, sha256: e.sha256.toLowerCase(), namespaces, permissions: new Set(permissions as Permission[]) };
}

/**
 * Parses a tokens file: `{"tokens": [{"id", "sha256", "namespaces", "permissions"}, ...]}`.
 * Ids and hashes must be unique. Throws TokensFileError naming the bad field;
 * the message never quotes a hash.
 */
export function parseTokens(text: string): TokenEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail("tokens file", `not valid JSON (${(err as Error).message})`);
  }
  const list = (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) fail("tokens file", `must be an object with a "tokens" array`);
  const entries = list.map((raw, i) => parseEntry(raw, `tokens[${i}]`));
  const ids = new Set<string>();
  const hashes = new Set<string>();
  entries.forEach((e, i) => {
    if (ids.has(e.id)) fail(`tokens[${i}].id`, `"${e.id}" is used twice`);
    if (hashes.has(e.sha256)) fail(`tokens[${i}].sha256`, "the same hash appears twice");
    ids.add(e.id);
    hashes.add(e.sha256);
  });
  return entries;
}

/** Reads and parses the tokens file at `path`. */
export function loadTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new TokensFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseTokens(text);
}
