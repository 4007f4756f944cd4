import type { Hit } from "../../core/lookup.js";

/**
 * Reads an entry as set.lua writes it:
 *
 *   byte 0      format (1)
 *   byte 1      n, the number of tags
 *   bytes 2-9   version of the namespace at Set time
 *   n times     u16 big-endian tag length, tag (UTF-8), 8-byte tag version
 *   the rest    the value
 *
 * get.lua has already checked the versions; this only extracts the tags and
 * a view of the value (no copy). On Redis Cluster the versions are checked
 * here instead (parseEntry) and entries are built here (encodeEntry).
 */
export const ENTRY_FORMAT = 1;
export const VERSION_BYTES = 8;
const HEADER_BYTES = 2 + VERSION_BYTES;

/**
 * Where an entry's parts sit: its tags, the offset of each recorded version
 * (the namespace's first, then one per tag) and where the value starts.
 */
export interface EntryLayout {
  readonly tags: string[];
  readonly versionAt: number[];
  readonly valueAt: number;
}

/** Locates an entry's parts, or undefined when it is not in our format. */
export function parseEntry(raw: Buffer): EntryLayout | undefined {
  if (raw.length < HEADER_BYTES || raw[0] !== ENTRY_FORMAT) return undefined;
  const n = raw[1]!;
  const tags = new Array<string>(n);
  const versionAt = new Array<number>(n + 1);
  versionAt[0] = 2;
  let pos = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    if (pos + 2 > raw.length) return undefined;
    const len = raw.readUInt16BE(pos);
    const end = pos + 2 + len;
    if (end + VERSION_BYTES > raw.length) return undefined;
    tags[i] = raw.toString("utf8", pos + 2, end);
    versionAt[i + 1] = end;
    pos = end + VERSION_BYTES;
  }
  return { tags, versionAt, valueAt: pos };
}

/** Decodes an entry returned by get.lua, or undefined when it is malformed. */
export function decodeEntry(raw: Buffer, ttlMs: number): Hit | undefined {
  const layout = parseEntry(raw);
  return layout && { hit: true, value: raw.subarray(layout.valueAt), tags: layout.tags, ttlMs };
}

/**
 * Builds an entry as set.lua does, from the versions read beforehand (the
 * namespace's first, then one per tag, in the order of the sorted tags).
 */
export function encodeEntry(versions: readonly Buffer[], tags: readonly string[], value: Uint8Array): Buffer {
  const names = tags.map((t) => Buffer.from(t, "utf8"));
  let size = HEADER_BYTES + value.byteLength;
  for (const name of names) size += 2 + name.length + VERSION_BYTES;
  const out = Buffer.allocUnsafe(size);
  out[0] = ENTRY_FORMAT;
  out[1] = names.length;
  let pos = 2 + versions[0]!.copy(out, 2);
  for (let i = 0; i < names.length; i++) {
    pos = out.writeUInt16BE(names[i]!.length, pos);
    pos += names[i]!.copy(out, pos);
    pos += versions[i + 1]!.copy(out, pos);
  }
  out.set(value, pos);
  return out;
}
