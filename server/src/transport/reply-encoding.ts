import type { DescMessage } from "@bufbuild/protobuf";
import {
  GetManyResponseSchema,
  GetResponseSchema,
  type GetManyResponse,
  type GetResponse,
} from "../gen/taggedcache/v1/tagged_cache_pb.js";

/**
 * Hand-written protobuf encoders for the two replies on the read path,
 * GetResponse and GetManyResponse. The profile of a GetMany load showed
 * protobuf-es's reflective toBinary (a TextEncoder allocation per string, a
 * chunk list joined at the end) as the largest cost in the server; these
 * measure the message first, then write it into one buffer. Their output is
 * byte-identical to toBinary's (test/unit/reply-encoding.test.ts): fields in
 * number order, defaults of implicit-presence fields left out.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// UTF-8 length of a string; ASCII (the usual tag) is counted without a call.
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, "utf8");
  return s.length;
}

export function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

// int64/uint64 as a varint: negatives take ten bytes (two's complement).
function int64Length(v: bigint): number {
  if (v >= 0n && v <= MAX_SAFE) return varintLength(Number(v));
  let u = BigInt.asUintN(64, v);
  let len = 1;
  while (u >= 128n) {
    u >>= 7n;
    len++;
  }
  return len;
}

export function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 128) {
    buf[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

function writeInt64(buf: Buffer, pos: number, v: bigint): number {
  if (v >= 0n && v <= MAX_SAFE) return writeVarint(buf, pos, Number(v));
  let u = BigInt.asUintN(64, v);
  while (u >= 128n) {
    buf[pos++] = Number(u & 127n) | 128;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}

function getResponseLength(r: GetResponse): number {
  let n = (r.hit ? 2 : 0) + bytesFieldLength(r.value);
  const tags = r.tags;
  for (let i = 0; i < tags.length; i++) {
    const t = utf8Length(tags[i]!);
    n += 1 + varintLength(t) + t;
  }
  if (r.ttlMs !== undefined) n += 1 + int64Length(r.ttlMs);
  n += bytesFieldLength(r.versionToken) + bytesFieldLength(r.leaseToken);
  if (r.waited) n += 2;
  if (r.leaseLifetimeMs !== undefined) n += 1 + int64Length(r.leaseLifetimeMs);
  if (r.stale) n += 2;
  if (r.staleMs !== undefined) n += 1 + int64Length(r.staleMs);
  return n;
}

// A bytes field of implicit presence: left out when empty.
function bytesFieldLength(b: Uint8Array): number {
  const len = b.byteLength;
  return len === 0 ? 0 : 1 + varintLength(len) + len;
}

function writeBytesField(buf: Buffer, pos: number, tag: number, b: Uint8Array): number {
  if (b.byteLength === 0) return pos;
  buf[pos++] = tag;
  pos = writeVarint(buf, pos, b.byteLength);
  buf.set(b, pos);
  return pos + b.byteLength;
}

function writeGetResponse(buf: Buffer, pos: number, r: GetResponse): number {
  if (r.hit) {
    buf[pos++] = 0x08; // field 1, varint
    buf[pos++] = 1;
  }
  pos = writeBytesField(buf, pos, 0x12, r.value); // field 2, length-delimited
  const tags = r.tags;
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i]!;
    buf[pos++] = 0x1a; // field 3, length-delimited
    pos = writeVarint(buf, pos, utf8Length(t));
    pos += buf.write(t, pos, "utf8");
  }
  if (r.ttlMs !== undefined) {
    buf[pos++] = 0x20; // field 4, varint
    pos = writeInt64(buf, pos, r.ttlMs);
  }
  pos = writeBytesField(buf, pos, 0x2a, r.versionToken); // field 5
  pos = writeBytesField(buf, pos, 0x32, r.leaseToken); // field 6
  if (r.waited) {
    buf[pos++] = 0x38; // field 7, varint
    buf[pos++] = 1;
  }
  if (r.leaseLifetimeMs !== undefined) {
    buf[pos++] = 0x40; // field 8, varint
    pos = writeInt64(buf, pos, r.leaseLifetimeMs);
  }
  if (r.stale) {
    buf[pos++] = 0x48; // field 9, varint
    buf[pos++] = 1;
  }
  if (r.staleMs !== undefined) {
    buf[pos++] = 0x50; // field 10, varint
    pos = writeInt64(buf, pos, r.staleMs);
  }
  return pos;
}

/** Encodes a GetResponse exactly as toBinary would. */
export function encodeGetResponse(r: GetResponse): Buffer {
  const buf = Buffer.allocUnsafe(getResponseLength(r));
  writeGetResponse(buf, 0, r);
  return buf;
}

/** Encodes a GetManyResponse exactly as toBinary would. */
export function encodeGetManyResponse(m: GetManyResponse): Buffer {
  const results = m.results;
  const lengths = new Array<number>(results.length);
  let n = m.batchId !== 0n ? 1 + int64Length(m.batchId) : 0;
  for (let i = 0; i < results.length; i++) {
    const len = getResponseLength(results[i]!);
    lengths[i] = len;
    n += 1 + varintLength(len) + len;
  }
  const buf = Buffer.allocUnsafe(n);
  let pos = 0;
  if (m.batchId !== 0n) {
    buf[pos++] = 0x08; // field 1, varint
    pos = writeInt64(buf, pos, m.batchId);
  }
  for (let i = 0; i < results.length; i++) {
    buf[pos++] = 0x12; // field 2, length-delimited
    pos = writeVarint(buf, pos, lengths[i]!);
    pos = writeGetResponse(buf, pos, results[i]!);
  }
  return buf;
}

// The field numbers each encoder writes. Should the proto gain a field, the
// encoders step aside (toBinary takes over) rather than drop it.
const KNOWN_FIELDS: [DescMessage, number[]][] = [
  [GetResponseSchema, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  [GetManyResponseSchema, [1, 2]],
];

/** True when every field of the replies is one the encoders write. */
export const ENCODERS_MATCH_SCHEMA = KNOWN_FIELDS.every(
  ([schema, numbers]) => schema.fields.map((f) => f.number).join() === numbers.join(),
);

/**
 * The hand-written encoders, by the type name of the message they encode;
 * empty when the schema has fields they do not know.
 */
export const REPLY_ENCODERS: ReadonlyMap<string, (msg: unknown) => Buffer> = new Map(
  ENCODERS_MATCH_SCHEMA
    ? [
        [GetResponseSchema.typeName, encodeGetResponse as (msg: unknown) => Buffer],
        [GetManyResponseSchema.typeName, encodeGetManyResponse as (msg: unknown) => Buffer],
      ]
    : [],
);
