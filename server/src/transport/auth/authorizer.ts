import { createHash } from "node:crypto";
import type { Metadata } from "@grpc/grpc-js";
import { namespaceOrDefault } from "../../core/validate.js";
import { permissionDenied, unauthenticated, type CallStatus } from "../status.js";
import type { Permission, TokenEntry } from "./tokens-file.js";

const BEARER = /^bearer\s+(\S+)\s*$/i;
const UNKNOWN = unauthenticated("unknown token");
// Every caller while authentication is off; shared, so a call allocates none.
const ANYONE: Caller = Object.freeze({ digest: "" });

/** A caller that presented a known token: the token's SHA-256, hex. */
export interface Caller {
  readonly digest: string;
}

function allows(entry: TokenEntry, namespace: string): boolean {
  for (const pattern of entry.namespaces) {
    if (pattern.endsWith("*") ? namespace.startsWith(pattern.slice(0, -1)) : namespace === pattern) return true;
  }
  return false;
}

/**
 * Checks bearer tokens against the tokens file's entries. Off (everything
 * allowed) when built without entries. A presented token is hashed with
 * SHA-256 and the digest looked up: the lookup's timing depends only on the
 * digest of what the caller sent, never on a stored token, and no token is
 * kept in memory or compared byte by byte. Entries can be replaced at any
 * time (SIGHUP); open streams see the new entries at their next message.
 */
export class Authorizer {
  /** False when no tokens file is configured: every call is allowed. */
  readonly enabled: boolean;
  private byDigest = new Map<string, TokenEntry>();

  constructor(entries: readonly TokenEntry[] | undefined) {
    this.enabled = entries !== undefined;
    if (entries !== undefined) this.replace(entries);
  }

  /** Number of tokens known. */
  get size(): number {
    return this.byDigest.size;
  }

  /** Replaces the known tokens. */
  replace(entries: readonly TokenEntry[]): void {
    this.byDigest = new Map(entries.map((e) => [e.sha256, e]));
  }

  /**
   * Reads the `authorization: Bearer <token>` metadata of a call: the caller,
   * or UNAUTHENTICATED when the token is missing, malformed or unknown.
   * Always a caller while authorization is off.
   */
  identify(metadata: Metadata): Caller | CallStatus {
    if (!this.enabled) return ANYONE;
    const values = metadata.get("authorization");
    const match = values.length === 1 && typeof values[0] === "string" ? BEARER.exec(values[0]) : null;
    if (match === null) {
      return unauthenticated("missing or malformed authorization metadata (expected 'Bearer <token>')");
    }
    const digest = createHash("sha256").update(match[1]!).digest("hex");
    return this.byDigest.has(digest) ? { digest } : UNKNOWN;
  }

  /**
   * The status refusing `permission` on `namespace` to the caller, or
   * undefined when allowed. The message names the permission and the
   * namespace the caller asked for, nothing about other namespaces. A token
   * removed by a reload is unknown from then on.
   */
  check(caller: Caller, namespace: string, permission: Permission): CallStatus | undefined {
    if (!this.enabled) return undefined;
    const entry = this.byDigest.get(caller.digest);
    if (entry === undefined) return UNKNOWN;
    const ns = namespaceOrDefault(namespace);
    if (entry.permissions.has(permission) && allows(entry, ns)) return undefined;
    return permissionDenied(entry.id, permission, ns);
  }

  /** The status refusing the first of `permissions` the caller lacks on `namespace`; undefined when it has them all. */
  authorize(caller: Caller, namespace: string, permissions: readonly Permission[]): CallStatus | undefined {
    for (let i = 0; i < permissions.length; i++) {
      const denied = this.check(caller, namespace, permissions[i]!);
      if (denied !== undefined) return denied;
    }
    return undefined;
  }
}

/** True when identify() refused the caller. */
export function isRefusal(c: Caller | CallStatus): c is CallStatus {
  return "code" in c;
}
