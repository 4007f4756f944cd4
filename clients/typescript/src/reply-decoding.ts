import { isUtf8 } from "node:buffer";
import { fromBinary, type DescMessage } from "@bufbuild/protobuf";
import {
  GetManyResponseSchema,
  GetResponseSchema,
  type GetManyResponse,
  type GetResponse,
} from "./gen/taggedcache/v1/tagged_cache_pb.js";

/**
 * Hand-written protobuf decoders for the two replies on the read path,
 * GetResponse and GetManyResponse, the counterpart of the server's
 * hand-written encoders. protobuf-es's reflective fromBinary looks up every
 * field's descriptor and allocates a reader state per message; at 100 results
 * per GetManyResponse that cost more client CPU than the gRPC call itself.
 * The messages built here equal fromBinary's (test/reply-decoding.test.ts):
 * same fields and defaults, bytes as views of the input, the last of a
 * repeated scalar winning. Anything unusual (an unknown field, an unexpected
 * wire type, a non-ASCII tag, a truncated message) is handed to fromBinary,
 * which keeps unknown fields and throws its own errors.
 */

/** Thrown inside the decoder to hand the whole message to fromBinary. */
export const FALLBACK = new Error("not decoded by hand");

const EMPTY = new Uint8Array(0);

/** Where the last varint read ended. */
export let at = 0;
/** A varint at `pos` as a number (at most 49 bits, else FALLBACK); the position after it is left in `at`. */
export function varint(buf: Buffer, pos: number, end: number): number {
  let n = 0;
  let mul = 1;
  // Seven bytes (49 bits) stay exact in a double.
  for (let i = 0; i < 7; i++) {
    if (pos >= end) throw FALLBACK;
    const b = buf[pos++]!;
    n += (b & 127) * mul;
    if (b < 128) {
      at = pos;
      return n;
    }
    mul *= 128;
  }
  // A negative or huge int64: fromBinary's BigInt path decides.
  throw FALLBACK;
}

// Tags are short and nearly always ASCII: latin1 then equals UTF-8
// decoding and skips the decoder. Others are checked as fromBinary checks.
/** A string field's text; invalid UTF-8 throws FALLBACK. */
export function tagString(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      if (!isUtf8(buf.subarray(start, end))) throw FALLBACK;
      return buf.toString("utf8", start, end);
    }
  }
  return buf.toString("latin1", start, end);
}

function decodeGetResponseAt(buf: Buffer, pos: number, end: number): GetResponse {
  let hit = false;
  let value: Uint8Array = EMPTY;
  const tags: string[] = [];
  let ttlMs: bigint | undefined;
  let versionToken: Uint8Array = EMPTY;
  let leaseToken: Uint8Array = EMPTY;
  let waited = false;
  let leaseLifetimeMs: bigint | undefined;
  let stale = false;
  let staleMs: bigint | undefined;
  while (pos < end) {
    const key = buf[pos++]!;
    if (key === 0x08 || key === 0x38 || key === 0x20 || key === 0x40 || key === 0x48 || key === 0x50) {
      const n = varint(buf, pos, end);
      pos = at;
      if (key === 0x08) hit = n !== 0;
      else if (key === 0x38) waited = n !== 0;
      else if (key === 0x20) ttlMs = BigInt(n);
      else if (key === 0x40) leaseLifetimeMs = BigInt(n);
      else if (key === 0x48) stale = n !== 0;
      else staleMs = BigInt(n);
    } else if (key === 0x12 || key === 0x1a || key === 0x2a || key === 0x32) {
      const len = varint(buf, pos, end);
      const from = at;
      pos = from + len;
      if (pos > end) throw FALLBACK;
      if (key === 0x1a) tags.push(tagString(buf, from, pos));
      else if (key === 0x12) value = buf.subarray(from, pos);
      else if (key === 0x2a) versionToken = buf.subarray(from, pos);
      else leaseToken = buf.subarray(from, pos);
    } else {
      throw FALLBACK;
    }
  }
  const r = { $typeName: GetResponseSchema.typeName, hit, value, tags, versionToken, leaseToken, waited, stale } as GetResponse;
  if (ttlMs !== undefined) r.ttlMs = ttlMs;
  if (leaseLifetimeMs !== undefined) r.leaseLifetimeMs = leaseLifetimeMs;
  if (staleMs !== undefined) r.staleMs = staleMs;
  return r;
}

function decodeGetManyResponseBytes(buf: Buffer): GetManyResponse {
  let batchId = 0n;
  const results: GetResponse[] = [];
  let pos = 0;
  const end = buf.length;
  while (pos < end) {
    const key = buf[pos++]!;
    if (key === 0x08) {
      batchId = BigInt(varint(buf, pos, end));
      pos = at;
    } else if (key === 0x12) {
      const len = varint(buf, pos, end);
      const from = at;
      pos = from + len;
      if (pos > end) throw FALLBACK;
      results.push(decodeGetResponseAt(buf, from, pos));
    } else {
      throw FALLBACK;
    }
  }
  return { $typeName: GetManyResponseSchema.typeName, batchId, results } as GetManyResponse;
}

/** `decode`, handing the message to fromBinary when it throws FALLBACK. */
export function withFallback<T>(schema: DescMessage, decode: (buf: Buffer) => T): (buf: Buffer) => T {
  return (buf) => {
    if (!Buffer.isBuffer(buf)) return fromBinary(schema, buf) as T;
    try {
      return decode(buf);
    } catch (err) {
      if (err !== FALLBACK) throw err;
      return fromBinary(schema, buf) as T;
    }
  };
}

/** Decodes a GetResponse to the message fromBinary would build. */
export const decodeGetResponse: (buf: Buffer) => GetResponse = withFallback(GetResponseSchema, (buf) =>
  decodeGetResponseAt(buf, 0, buf.length),
);

/** Decodes a GetManyResponse to the message fromBinary would build. */
export const decodeGetManyResponse: (buf: Buffer) => GetManyResponse = withFallback(
  GetManyResponseSchema,
  decodeGetManyResponseBytes,
);

// The field numbers the decoders know. Should the proto gain a field, they
// step aside (fromBinary takes over) rather than drop it.
const KNOWN_FIELDS: [DescMessage, number[]][] = [
  [GetResponseSchema, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  [GetManyResponseSchema, [1, 2]],
];

/** True when every field of the replies is one the decoders read. */
export const DECODERS_MATCH_SCHEMA = KNOWN_FIELDS.every(
  ([schema, numbers]) => schema.fields.map((f) => f.number).join() === numbers.join(),
);

/**
 * The hand-written decoders, by the type name of the message they decode;
 * empty when the schema has fields they do not know.
 */
export const REPLY_DECODERS: ReadonlyMap<string, (buf: Buffer) => unknown> = new Map(
  DECODERS_MATCH_SCHEMA
    ? [
        [GetResponseSchema.typeName, decodeGetResponse as (buf: Buffer) => unknown],
        [GetManyResponseSchema.typeName, decodeGetManyResponse as (buf: Buffer) => unknown],
      ]
    : [],
);
