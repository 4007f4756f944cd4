import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";
import { WatchRequestSchema, WatchResponseSchema } from "../src/gen/taggedcache/v1/tagged_cache_pb.js";
import { decodeWatchResponse, encodeWatchRequest, WATCH_DECODERS, WATCH_ENCODERS } from "../src/watch-codec.js";

// A deterministic pseudo-random source, so a failure can be replayed.
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

const CHARS = ["a", "Z", ":", "é", "中", "😀", "\0"];
const UINT64S = [0n, 1n, 127n, 128n, 300n, 2n ** 32n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n + 1n, 2n ** 64n - 1n];
const INT64S = [0n, 1n, 2000n, 2n ** 49n, -1n];

describe("Watch codec", () => {
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const text = () => Array.from({ length: Math.floor(r() * 10) }, () => pick(CHARS)).join("");
  const texts = () => Array.from({ length: Math.floor(r() * 4) }, text);

  it("is used for Watch's messages", () => {
    expect(WATCH_DECODERS.has(WatchResponseSchema.typeName)).to.equal(true);
    expect(WATCH_ENCODERS.has(WatchRequestSchema.typeName)).to.equal(true);
  });

  it("decodes events as fromBinary does", () => {
    for (let i = 0; i < 500; i++) {
      const msg = create(WatchResponseSchema, {
        seq: pick(UINT64S), kind: Math.floor(r() * 6), namespace: text(), keys: texts(), tags: texts(),
        heartbeatId: pick(UINT64S), leaseMs: pick(INT64S),
      });
      const bytes = Buffer.from(toBinary(WatchResponseSchema, msg));
      expect(decodeWatchResponse(bytes)).to.deep.equal(fromBinary(WatchResponseSchema, bytes));
    }
  });

  it("hands unknown fields and invalid UTF-8 to fromBinary", () => {
    const withUnknown = Buffer.concat([Buffer.from(toBinary(WatchResponseSchema, create(WatchResponseSchema, { seq: 3n }))), Buffer.from([0x40, 1])]);
    expect(decodeWatchResponse(withUnknown)).to.deep.equal(fromBinary(WatchResponseSchema, withUnknown));
    const invalid = Buffer.from([0x1a, 1, 0xff]);
    expect(() => decodeWatchResponse(invalid)).to.throw();
  });

  it("encodes requests byte for byte as toBinary does", () => {
    for (let i = 0; i < 500; i++) {
      const msg = create(WatchRequestSchema, { subscribe: texts(), ackSeq: pick(UINT64S), heartbeatId: pick(UINT64S) });
      expect(encodeWatchRequest(msg).equals(Buffer.from(toBinary(WatchRequestSchema, msg)))).to.equal(true);
    }
  });
});
