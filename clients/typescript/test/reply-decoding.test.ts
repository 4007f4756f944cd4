import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";
import {
  GetManyResponseSchema,
  GetResponseSchema,
  type GetResponse,
} from "../src/gen/taggedcache/v1/tagged_cache_pb.js";
import { decodeGetManyResponse, decodeGetResponse, DECODERS_MATCH_SCHEMA } from "../src/reply-decoding.js";

// A deterministic pseudo-random source, so a failure can be replayed.
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

const TAG_CHARS = ["a", "Z", ":", "é", "中", "😀", "\u{10FFFF}", "\0"];
const INT64S = [undefined, 0n, 1n, 127n, 128n, 3_600_000n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n + 1n, 2n ** 63n - 1n, -1n];

function randomReply(r: () => number): GetResponse {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const token = () => (r() < 0.5 ? new Uint8Array(0) : new Uint8Array(1 + Math.floor(r() * 200)).fill(9));
  return create(GetResponseSchema, {
    hit: r() < 0.7,
    value: new Uint8Array(Math.floor(r() ** 4 * 20_000)).map((_, i) => i * 7),
    tags: Array.from({ length: Math.floor(r() * 5) }, () =>
      Array.from({ length: Math.floor(r() * 12) }, () => pick(TAG_CHARS)).join(""),
    ),
    ttlMs: pick(INT64S),
    versionToken: token(),
    leaseToken: token(),
    waited: r() < 0.5,
    leaseLifetimeMs: pick(INT64S),
  });
}

// Bytes as grpc-js hands them over: a Buffer, here inside a larger one.
function received(u8: Uint8Array): Buffer {
  const big = Buffer.alloc(u8.length + 16, 0xee);
  big.set(u8, 8);
  return big.subarray(8, 8 + u8.length);
}

/**
 * Decoding by hand must give fromBinary's message; canonical bytes (as
 * toBinary writes them) must re-encode to themselves.
 */
function expectSameAsFromBinary(bytes: Uint8Array, many: boolean, canonical = true): void {
  const buf = received(bytes);
  const ours = many ? decodeGetManyResponse(buf) : decodeGetResponse(buf);
  const theirs = many ? fromBinary(GetManyResponseSchema, buf) : fromBinary(GetResponseSchema, buf);
  expect(ours).to.deep.equal(theirs);
  if (!canonical) return;
  const again = many ? toBinary(GetManyResponseSchema, ours as never) : toBinary(GetResponseSchema, ours as never);
  expect(Buffer.from(again).equals(Buffer.from(bytes))).to.equal(true);
}

describe("hand-written reply decoders", () => {
  it("know every field of GetResponse and GetManyResponse (else fromBinary is used)", () => {
    expect(DECODERS_MATCH_SCHEMA).to.equal(true);
  });

  it("decode GetResponse as fromBinary does", () => {
    const r = rng(5);
    const cases: GetResponse[] = [
      create(GetResponseSchema),
      create(GetResponseSchema, { hit: true, value: new Uint8Array(100).fill(97), tags: ["a:1", "b:22"], ttlMs: 3_599_000n }),
    ];
    for (let i = 0; i < 300; i++) cases.push(randomReply(r));
    for (const c of cases) expectSameAsFromBinary(toBinary(GetResponseSchema, c), false);
  });

  it("decode GetManyResponse as fromBinary does", () => {
    const r = rng(13);
    const batchIds = [0n, 1n, 300n, 2n ** 53n, 2n ** 64n - 1n];
    for (let i = 0; i < 60; i++) {
      const results = Array.from({ length: Math.floor(r() * 50) }, () => randomReply(r));
      const msg = create(GetManyResponseSchema, { batchId: batchIds[i % batchIds.length], results });
      expectSameAsFromBinary(toBinary(GetManyResponseSchema, msg), true);
    }
  });

  it("leave unknown fields, repeated scalars and odd encodings to fromBinary's rules", () => {
    const hit = toBinary(GetResponseSchema, create(GetResponseSchema, { hit: true, tags: ["t"] }));
    const cases = [
      Buffer.concat([hit, Buffer.from([0x48, 0x05])]), // unknown field 9, kept by fromBinary
      Buffer.concat([hit, Buffer.from([0x08, 0x00])]), // hit repeated: the last wins
      Buffer.from([0x88, 0x00, 0x01]), // field 1 with a two-byte key
      Buffer.from([0x1a, 0x02, 0x61, 0x62, 0x1a, 0x00]), // tags "ab" and ""
    ];
    for (const c of cases) expectSameAsFromBinary(c, false, false);
    const many = Buffer.concat([Buffer.from([0x12, hit.length]), hit, Buffer.from([0x18, 0x01])]);
    expectSameAsFromBinary(many, true, false);
  });

  it("fail as fromBinary fails on truncated data and invalid UTF-8", () => {
    for (const bad of [Buffer.from([0x12, 0x05, 0x01]), Buffer.from([0x1a, 0x02, 0xc3, 0x28]), Buffer.from([0x20])]) {
      expect(() => fromBinary(GetResponseSchema, bad)).to.throw();
      expect(() => decodeGetResponse(bad)).to.throw();
    }
  });
});
