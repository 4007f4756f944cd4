import { create, toBinary } from "@bufbuild/protobuf";
import type { Change } from "../core/watch-change.js";
import {
  WatchEventKind,
  WatchRequestSchema,
  WatchResponseSchema,
  type WatchRequest,
  type WatchResponse,
} from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { varintLength, writeVarint } from "./reply-encoding.js";

const KINDS = { keys: WatchEventKind.KEYS, tags: WatchEventKind.TAGS, all: WatchEventKind.ALL } as const;

// The last change encoded: a write sends one Change object to each of its
// subscribers in one loop, so one entry serves them all.
let lastChange: Change | undefined;
let lastBody = Buffer.alloc(0);

function body(c: Change): Buffer {
  if (c !== lastChange) {
    const u8 = toBinary(
      WatchResponseSchema,
      create(WatchResponseSchema, {
        kind: KINDS[c.kind],
        namespace: c.namespace,
        keys: c.kind === "keys" ? [...c.keys] : [],
        tags: c.kind === "tags" ? [...c.tags] : [],
      }),
    );
    lastBody = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    lastChange = c;
  }
  return lastBody;
}

/**
 * The encoded WatchResponse of change `c` with sequence number `seq`
 * (≥ 1), byte-identical to toBinary's: `seq` is field 1, so it comes first,
 * and the rest is the same for every subscriber. The change is encoded once
 * per write, not once per subscriber; each subscriber costs one small copy.
 */
export function encodeChange(seq: number, c: Change): Buffer {
  const rest = body(c);
  const buf = Buffer.allocUnsafe(1 + varintLength(seq) + rest.length);
  buf[0] = 0x08; // field 1, varint
  const pos = writeVarint(buf, 1, seq);
  rest.copy(buf, pos);
  return buf;
}

/** The Watch method's reply serializer: events already encoded by encodeChange pass as they are. */
export function serializeWatchResponse(msg: WatchResponse | Buffer): Buffer {
  if (Buffer.isBuffer(msg)) return msg;
  const u8 = toBinary(WatchResponseSchema, msg);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

// Should WatchRequest gain a field, the generic decoder reads every request.
const ACK_FIELDS_MATCH = WatchRequestSchema.fields.map((f) => f.number).join() === "1,2,3";

// A varint at `pos` of at most seven bytes (exact in a double) and the position after it; undefined otherwise.
function smallVarint(buf: Buffer, pos: number): [number, number] | undefined {
  let n = 0;
  for (let i = 0, mul = 1; i < 7 && pos < buf.length; i++, mul *= 128) {
    const b = buf[pos++]!;
    n += (b & 127) * mul;
    if (b < 128) return [n, pos];
  }
  return undefined;
}

/**
 * Decodes the common WatchRequest, an acknowledgement or a heartbeat (only
 * fields 2 and 3, as varints), to the message fromBinary would build; undefined
 * for anything else, which the generic decoder then reads. A write waits on
 * each subscriber's ack, and the server reads them one after another.
 */
export function decodeWatchAck(buf: Buffer): WatchRequest | undefined {
  if (!ACK_FIELDS_MATCH) return undefined;
  let ackSeq = 0n;
  let heartbeatId = 0n;
  for (let pos = 0; pos < buf.length; ) {
    const key = buf[pos];
    if (key !== 0x10 && key !== 0x18) return undefined;
    const v = smallVarint(buf, pos + 1);
    if (v === undefined) return undefined;
    if (key === 0x10) ackSeq = BigInt(v[0]);
    else heartbeatId = BigInt(v[0]);
    pos = v[1];
  }
  return { $typeName: WatchRequestSchema.typeName, subscribe: [], ackSeq, heartbeatId };
}
