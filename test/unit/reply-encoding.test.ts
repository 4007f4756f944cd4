import { create, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";
import {
  GetManyResponseSchema,
  GetResponseSchema,
  type GetResponse,
} from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import {
  encodeGetManyResponse,
  encodeGetResponse,
  ENCODERS_MATCH_SCHEMA,
} from "../../server/src/transport/reply-encoding.js";
import { MISS } from "../../server/src/transport/responses.js";

const hex = (u8: Uint8Array) => Buffer.from(u8).toString("hex");

function reply(init: Omit<Partial<GetResponse>, "$typeName">): GetResponse {
  return create(GetResponseSchema, init);
}

// A deterministic pseudo-random source, so a failure can be replayed.
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

const TAG_CHARS = ["a", "Z", ":", "é", "中", "😀", "\u{10FFFF}", "\0", "\uD800"];

function randomReply(r: () => number): GetResponse {
  if (r() < 0.2) return MISS;
  const tags = Array.from({ length: Math.floor(r() * 5) }, () =>
    Array.from({ length: Math.floor(r() * 12) }, () => TAG_CHARS[Math.floor(r() * TAG_CHARS.length)]).join(""),
  );
  const value = new Uint8Array(Math.floor(r() ** 4 * 20_000)).map((_, i) => i * 7);
  const ttls = [undefined, 0n, 1n, 127n, 128n, 3_600_000n, 2n ** 53n + 1n, 2n ** 63n - 1n, -1n];
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const token = () => (r() < 0.5 ? new Uint8Array(0) : new Uint8Array(1 + Math.floor(r() * 200)).fill(9));
  return reply({
    hit: r() < 0.7,
    value,
    tags,
    ttlMs: pick(ttls),
    versionToken: token(),
    leaseToken: token(),
    waited: r() < 0.5,
    leaseLifetimeMs: pick(ttls),
    stale: r() < 0.3,
    staleMs: pick(ttls),
  });
}

describe("hand-written reply encoders", () => {
  it("know every field of GetResponse and GetManyResponse (else toBinary is used)", () => {
    expect(ENCODERS_MATCH_SCHEMA).to.equal(true);
  });

  it("encode GetResponse byte for byte as toBinary does", () => {
    const cases: GetResponse[] = [
      MISS,
      reply({ hit: true }),
      reply({ hit: true, value: new Uint8Array(100).fill(97), tags: ["a:1", "b:22", "c:333"], ttlMs: 3_599_000n }),
      reply({ hit: true, value: new Uint8Array(20_000), tags: [""], ttlMs: 0n }),
      reply({ hit: true, tags: ["naïve", "日本", "😀"], ttlMs: -5n }),
      reply({ hit: true, value: Buffer.from("view").subarray(1), ttlMs: 2n ** 63n - 1n }),
    ];
    const r = rng(7);
    for (let i = 0; i < 300; i++) cases.push(randomReply(r));
    for (const c of cases) expect(hex(encodeGetResponse(c))).to.equal(hex(toBinary(GetResponseSchema, c)));
  });

  it("encode GetManyResponse byte for byte as toBinary does", () => {
    const r = rng(11);
    const batchIds = [0n, 1n, 300n, 2n ** 53n, 2n ** 64n - 1n];
    for (let i = 0; i < 60; i++) {
      const results = Array.from({ length: Math.floor(r() * 50) }, () => randomReply(r));
      const msg = create(GetManyResponseSchema, { batchId: batchIds[i % batchIds.length], results });
      expect(hex(encodeGetManyResponse(msg))).to.equal(hex(toBinary(GetManyResponseSchema, msg)));
    }
  });
});
