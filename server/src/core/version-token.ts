import { InvalidArgumentError } from "./errors.js";
import type { Versions } from "./lookup.js";

/**
 * Version and lease tokens: opaque to clients, decoded only here.
 *
 * Version token:
 *   byte 0        format (1)
 *   version       namespace version
 *   byte          n, the number of tags
 *   n times       u16 big-endian tag length, tag (UTF-8), version
 * where a version is one length byte (0: there was none) and its bytes.
 *
 * Lease token: the 16-byte lease id, then the version token of the miss.
 */
const FORMAT = 1;
/** Length of a lease id. */
export const LEASE_ID_BYTES = 16;

/** Encodes the versions a miss saw. */
export function encodeVersionToken(v: Versions): Uint8Array {
  const names = v.tags.map((t) => Buffer.from(t, "utf8"));
  let size = 2 + 1 + (v.ns?.length ?? 0);
  for (let i = 0; i < names.length; i++) size += 2 + names[i]!.length + 1 + (v.tagVersions[i]?.length ?? 0);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  out[pos++] = FORMAT;
  pos = putVersion(out, pos, v.ns);
  out[pos++] = names.length;
  for (let i = 0; i < names.length; i++) {
    pos = out.writeUInt16BE(names[i]!.length, pos);
    pos += names[i]!.copy(out, pos);
    pos = putVersion(out, pos, v.tagVersions[i]);
  }
  return out;
}

/** Decodes a version token, or throws INVALID_ARGUMENT naming `field`. */
export function decodeVersionToken(token: Uint8Array, field = "version_token"): Versions {
  const b = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  const bad = () => new InvalidArgumentError(field, "is not a token this server issued");
  if (b.length < 3 || b[0] !== FORMAT) throw bad();
  let pos = 1;
  const take = (n: number): Buffer => {
    if (pos + n > b.length) throw bad();
    pos += n;
    return b.subarray(pos - n, pos);
  };
  const version = (): Uint8Array | undefined => {
    const len = take(1)[0]!;
    return len === 0 ? undefined : take(len);
  };
  const ns = version();
  const n = take(1)[0]!;
  const tags: string[] = [];
  const tagVersions: (Uint8Array | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    tags.push(take(take(2).readUInt16BE(0)).toString("utf8"));
    tagVersions.push(version());
  }
  if (pos !== b.length) throw bad();
  return { ns, tags, tagVersions };
}

/**
 * True when the versions record none for the namespace or a tag. Such a
 * token cannot guard a Set: a version created after the miss (by an
 * Invalidate) and then evicted or expired leaves the key as empty as it was,
 * so "still none" proves nothing.
 */
export function recordsAbsent(v: Versions): boolean {
  return v.ns === undefined || v.tagVersions.includes(undefined);
}

/** A lease token: the lease id followed by the version token of the miss. */
export function encodeLeaseToken(leaseId: Uint8Array, versions: Versions): Uint8Array {
  return Buffer.concat([leaseId, encodeVersionToken(versions)]);
}

/** Splits a lease token into its lease id and versions, or throws INVALID_ARGUMENT. */
export function decodeLeaseToken(token: Uint8Array, field = "lease_token"): { leaseId: Uint8Array; versions: Versions } {
  if (token.length <= LEASE_ID_BYTES) throw new InvalidArgumentError(field, "is not a token this server issued");
  return {
    leaseId: token.subarray(0, LEASE_ID_BYTES),
    versions: decodeVersionToken(token.subarray(LEASE_ID_BYTES), field),
  };
}

function putVersion(out: Buffer, pos: number, v: Uint8Array | undefined): number {
  if (v === undefined) {
    out[pos] = 0;
    return pos + 1;
  }
  out[pos] = v.length;
  out.set(v, pos + 1);
  return pos + 1 + v.length;
}
