import type { Hit } from "../../core/store.js";

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
 * a view of the value (no copy).
 */
export const ENTRY_FORMAT = 1;
export const VERSION_BYTES = 8;
const HEADER_BYTES = 2 + VERSION_BYTES;

/** Decodes an entry returned by get.lua, or undefined when it is malformed. */
export function decodeEntry(raw: Buffer, ttlMs: number): Hit | undefined {
  if (raw.length < HEADER_BYTES || raw[0] !== ENTRY_FORMAT) return undefined;
  const n = raw[1]!;
  const tags = new Array<string>(n);
  let pos = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    if (pos + 2 > raw.length) return undefined;
    const len = raw.readUInt16BE(pos);
    const end = pos + 2 + len;
    if (end + VERSION_BYTES > raw.length) return undefined;
    tags[i] = raw.toString("utf8", pos + 2, end);
    pos = end + VERSION_BYTES;
  }
  return { value: raw.subarray(pos), tags, ttlMs };
}
