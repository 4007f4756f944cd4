import { toBinary } from "@bufbuild/protobuf";
import { WatchRequestSchema, WatchResponseSchema, type WatchRequest, type WatchResponse } from "./gen/taggedcache/v1/tagged_cache_pb.js";
import { at, FALLBACK, tagString, varint, withFallback } from "./reply-decoding.js";

/**
 * Hand-written codec of the Watch stream's messages. A near-cache decodes one
 * event and encodes one acknowledgement per change, on the path a writer
 * waits on; in a profile of 10 subscriber processes protobuf-es's reflective
 * fromBinary, create and toBinary took a quarter of a subscriber's CPU per
 * event. Results equal protobuf-es's (test/watch-codec.test.ts); anything
 * unusual is handed to it.
 */

const MAX_INT32 = 0x7fffffff;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function decodeWatchResponseBytes(buf: Buffer): WatchResponse {
  let seq = 0n, kind = 0, heartbeatId = 0n, leaseMs = 0n;
  let namespace = "";
  const keys: string[] = [];
  const tags: string[] = [];
  let pos = 0;
  const end = buf.length;
  while (pos < end) {
    const key = buf[pos++]!;
    if (key === 0x08 || key === 0x10 || key === 0x30 || key === 0x38) {
      const n = varint(buf, pos, end);
      pos = at;
      if (key === 0x08) seq = BigInt(n);
      else if (key === 0x10) {
        if (n > MAX_INT32) throw FALLBACK;
        kind = n;
      } else if (key === 0x30) heartbeatId = BigInt(n);
      else leaseMs = BigInt(n);
    } else if (key === 0x1a || key === 0x22 || key === 0x2a) {
      const len = varint(buf, pos, end);
      const from = at;
      pos = from + len;
      if (pos > end) throw FALLBACK;
      const s = tagString(buf, from, pos);
      if (key === 0x1a) namespace = s;
      else if (key === 0x22) keys.push(s);
      else tags.push(s);
    } else {
      throw FALLBACK;
    }
  }
  return { $typeName: WatchResponseSchema.typeName, seq, kind, namespace, keys, tags, heartbeatId, leaseMs } as WatchResponse;
}

/** Decodes a WatchResponse to the message fromBinary would build. */
export const decodeWatchResponse: (buf: Buffer) => WatchResponse = withFallback(WatchResponseSchema, decodeWatchResponseBytes);

function varintLength(n: number): number {
  let len = 1;
  for (; n >= 128; len++) n = Math.floor(n / 128);
  return len;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  for (; n >= 128; n = Math.floor(n / 128)) buf[pos++] = (n % 128) | 128;
  buf[pos] = n;
  return pos + 1;
}

/** Encodes a WatchRequest, byte-identical to toBinary. */
export function encodeWatchRequest(msg: WatchRequest): Buffer {
  const { subscribe, ackSeq, heartbeatId } = msg;
  if (ackSeq > MAX_SAFE || heartbeatId > MAX_SAFE || (msg.$unknown?.length ?? 0) > 0) {
    const u8 = toBinary(WatchRequestSchema, msg);
    return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
  }
  const ack = Number(ackSeq);
  const hb = Number(heartbeatId);
  let len = (ack > 0 ? 1 + varintLength(ack) : 0) + (hb > 0 ? 1 + varintLength(hb) : 0);
  for (const s of subscribe) {
    const n = Buffer.byteLength(s, "utf8");
    len += 1 + varintLength(n) + n;
  }
  const buf = Buffer.allocUnsafe(len);
  let pos = 0;
  for (const s of subscribe) {
    buf[pos++] = 0x0a; // field 1, length-delimited
    pos = writeVarint(buf, pos, Buffer.byteLength(s, "utf8"));
    pos += buf.write(s, pos, "utf8");
  }
  if (ack > 0) {
    buf[pos++] = 0x10; // field 2, varint
    pos = writeVarint(buf, pos, ack);
  }
  if (hb > 0) {
    buf[pos++] = 0x18; // field 3, varint
    pos = writeVarint(buf, pos, hb);
  }
  return buf;
}

// The field numbers the codec knows; a proto that gained a field uses protobuf-es.
const MATCH =
  WatchResponseSchema.fields.map((f) => f.number).join() === "1,2,3,4,5,6,7" &&
  WatchRequestSchema.fields.map((f) => f.number).join() === "1,2,3";

/** The Watch codec's decoders by message type name; empty when the schema has fields they do not know. */
export const WATCH_DECODERS: ReadonlyMap<string, (buf: Buffer) => unknown> = new Map(
  MATCH ? [[WatchResponseSchema.typeName, decodeWatchResponse as (buf: Buffer) => unknown]] : [],
);
/** The Watch codec's encoders by message type name; empty when the schema has fields they do not know. */
export const WATCH_ENCODERS: ReadonlyMap<string, (msg: unknown) => Buffer> = new Map(
  MATCH ? [[WatchRequestSchema.typeName, encodeWatchRequest as (msg: unknown) => Buffer]] : [],
);
