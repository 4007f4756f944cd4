import { hash } from "node:crypto";
import type { Hit } from "../../core/lookup.js";

/**
 * Reads and builds entries in the format of lua/lib/entry-format.lua (the
 * one definition; set.lua writes it, get.lua reads it):
 *
 *   byte 0      format: 2, or 3 for an entry stored with a grace period
 *   byte 1      n, the number of tags
 *   n times     tag length (varint, 7 bits a byte, high bit = more), tag (UTF-8)
 *   7 bytes     digest: the first 7 bytes of SHA-1 over the recorded versions
 *               (namespace's, then each tag's, 8 bytes each)
 *   6 bytes     format 3 only: the grace period in ms (the key outlives the
 *               entry's lifetime by it: expired once PTTL <= grace)
 *   the rest    the value
 *
 * get.lua has already checked the versions; this only extracts the tags and
 * a view of the value (no copy). After read-entries.lua (GetMany, and every
 * Get on Redis Cluster) the versions are checked against the digest in
 * version-check.ts; on Cluster entries are built here.
 */
export const ENTRY_FORMAT = 2;
/** The format of an entry stored with a grace period (it records its expiry). */
export const GRACE_FORMAT = 3;
export const VERSION_BYTES = 8;
export const DIGEST_BYTES = 7;
const GRACE_BYTES = 6;

/** Where an entry's parts sit: its tags, its digest, its logical expiry and its value. */
export interface EntryLayout {
  readonly tags: string[];
  readonly digestAt: number;
  /** The grace period it was stored with, in ms; 0 for none (format 2). */
  readonly graceMs: number;
  readonly valueAt: number;
}

/** Locates an entry's parts, or undefined when it is not in our format. */
export function parseEntry(raw: Buffer): EntryLayout | undefined {
  const format = raw[0];
  if (raw.length < 2 + DIGEST_BYTES || (format !== ENTRY_FORMAT && format !== GRACE_FORMAT)) return undefined;
  const n = raw[1]!;
  const tags = new Array<string>(n);
  let pos = 2;
  for (let i = 0; i < n; i++) {
    let len = 0;
    let scale = 1;
    let b: number | undefined;
    do {
      b = raw[pos++];
      if (b === undefined) return undefined;
      len += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    if (pos + len > raw.length) return undefined;
    tags[i] = raw.toString("utf8", pos, pos + len);
    pos += len;
  }
  const digestAt = pos;
  pos += DIGEST_BYTES;
  let graceMs = 0;
  if (format === GRACE_FORMAT) {
    if (pos + GRACE_BYTES > raw.length) return undefined;
    graceMs = raw.readUIntBE(pos, GRACE_BYTES);
    pos += GRACE_BYTES;
  }
  return pos > raw.length ? undefined : { tags, digestAt, graceMs, valueAt: pos };
}

/** Decodes an entry returned by get.lua, or undefined when it is malformed. */
export function decodeEntry(raw: Buffer, ttlMs: number, staleMs?: number): Hit | undefined {
  const layout = parseEntry(raw);
  if (layout === undefined) return undefined;
  const value = raw.subarray(layout.valueAt);
  return staleMs === undefined
    ? { hit: true, value, tags: layout.tags, ttlMs }
    : { hit: true, value, tags: layout.tags, ttlMs, staleMs };
}

// The versions of one digest, side by side: at most the namespace's and
// 255 tags' (the format's limit). Digests are computed synchronously, so
// one buffer serves every call.
const scratch = Buffer.alloc(VERSION_BYTES * 256);

/**
 * The digest of a list of versions, as versionDigest in entry-format.lua;
 * undefined when one is missing or not a version.
 */
export function versionDigest(versions: readonly (Buffer | null | undefined)[]): Buffer | undefined {
  if (versions.length > 256) return undefined;
  let at = 0;
  for (const v of versions) {
    if (v == null || v.length !== VERSION_BYTES) return undefined;
    at += v.copy(scratch, at);
  }
  // One-shot hash: half the CPU of a createHash object per digest.
  return hash("sha1", scratch.subarray(0, at), "buffer").subarray(0, DIGEST_BYTES);
}

/** True when the entry's digest is that of `versions`. */
export function digestMatches(raw: Buffer, layout: EntryLayout, versions: readonly (Buffer | null | undefined)[]): boolean {
  const d = versionDigest(versions);
  if (d === undefined) return false;
  // Seven bytes compared here cost less than a native compare call.
  for (let i = 0, at = layout.digestAt; i < DIGEST_BYTES; i++, at++) if (raw[at] !== d[i]) return false;
  return true;
}

/**
 * Builds an entry as set.lua does, from the versions read beforehand (the
 * namespace's first, then one per tag, in the order of the sorted tags).
 */
export function encodeEntry(
  versions: readonly Buffer[],
  tags: readonly string[],
  value: Uint8Array,
  graceMs = 0,
): Buffer {
  const names = tags.map((t) => Buffer.from(t, "utf8"));
  const graced = graceMs > 0;
  const parts: Buffer[] = [Buffer.from([graced ? GRACE_FORMAT : ENTRY_FORMAT, names.length])];
  for (const name of names) parts.push(varint(name.length), name);
  parts.push(versionDigest(versions)!);
  if (graced) {
    const g = Buffer.alloc(GRACE_BYTES);
    g.writeUIntBE(graceMs, 0, GRACE_BYTES);
    parts.push(g);
  }
  parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  return Buffer.concat(parts);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 128) {
    out.push(128 + (n % 128));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
