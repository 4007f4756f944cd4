import { create, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import fc from "fast-check";
import * as pb from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RawClient, type RawOutcome } from "../helpers/raw-call.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { seedFor } from "../helpers/seed.js";

// Malformed requests through a raw client that bypasses the message encoder.
// Each must be answered INVALID_ARGUMENT (RESOURCE_EXHAUSTED past the size
// limit), never INTERNAL or UNKNOWN, and the server must keep serving.
// Random and truncated bodies sometimes decode as a valid message: those
// are not malformed, may be answered OK, and are counted apart. Requests are
// counted once however often they are sent.
const SVC = "/taggedcache.v1.TaggedCache/";
const UNARY: [string, DescMessage][] = [
  ["Get", pb.GetRequestSchema],
  ["Set", pb.SetRequestSchema],
  ["Delete", pb.DeleteRequestSchema],
  ["Invalidate", pb.InvalidateRequestSchema],
  ["InvalidateAll", pb.InvalidateAllRequestSchema],
];
const MAX_VALUE = 65_536;
const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x61, 0xfe, 0x62], [0xf4, 0x90, 0x80, 0x80]];

const enc = <T extends DescMessage>(schema: T, init: object) => Buffer.from(toBinary(schema, create(schema, init as never)));
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
/** A length-delimited field, written by hand so it can hold any bytes. */
const ld = (no: number, data: readonly number[] | Uint8Array) => Buffer.from([(no << 3) | 2, ...varint(data.length), ...data]);

describe("hostile input (fuzz)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let raw: RawClient;
  // Distinct requests (method and bytes) refused, by status; and accepted.
  const refused = new Map<string, string>();
  const accepted = new Set<string>();
  let sent = 0;

  before(async () => {
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "fz", MAX_VALUE_BYTES: String(MAX_VALUE) });
    raw = new RawClient(server.address);
  });
  after(async () => {
    const tally = new Map<string, number>();
    for (const code of refused.values()) tally.set(code, (tally.get(code) ?? 0) + 1);
    console.log(`      figures: ${sent} requests sent, ${refused.size} distinct malformed ones refused ` +
      `(${[...tally].map(([k, n]) => `${n} ${k}`).join(", ")}); ${accepted.size} distinct random bodies decoded as valid messages and were answered OK`);
    raw?.close();
    await server?.stop();
  });

  function count<T extends RawOutcome>(request: string, out: T): T {
    sent++;
    if (out.code === status.OK) accepted.add(request);
    else refused.set(request, status[out.code]!);
    return out;
  }
  const unary = async (method: string, body: Buffer) =>
    count(`${method} ${body.toString("base64")}`, await raw.unary(SVC + method, body));
  const stream = async (messages: Buffer[]) =>
    count(`GetMany ${messages.map((m) => m.toString("base64")).join(" ")}`, await raw.stream(SVC + "GetMany", messages));
  async function all<T>(items: readonly T[], send: (item: T) => Promise<RawOutcome>): Promise<RawOutcome[]> {
    const out: RawOutcome[] = [];
    for (let i = 0; i < items.length; i += 64) {
      out.push(...(await Promise.all(items.slice(i, i + 64).map(send))));
    }
    return out;
  }
  const expectCodes = (outs: RawOutcome[], allowed: status[]) => {
    const bad = outs.filter((o) => !allowed.includes(o.code));
    expect(bad.map((o) => `${status[o.code]}: ${o.details}`)).to.deep.equal([]);
  };
  afterEach(async () => {
    // A well-formed call right after each barrage.
    const c = server.client("fuzz-check");
    await c.set("ok", bytes("fine"), { tags: ["t"] });
    expect(text(await c.get("ok"))).to.equal("fine");
    expect(server.app.inFlight).to.include({ calls: 0, batches: 0, streams: 0 });
  });

  it("answers random bytes as a body with a status, never INTERNAL", async () => {
    // fast-check favours short arrays, so samples repeat: keep distinct ones.
    const sampled = fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: 4000, seed: seedFor("random bodies", 1) });
    const bodies = [...new Map(sampled.map((b) => [Buffer.from(b).toString("hex"), b])).values()].slice(0, 1800);
    for (const [m] of UNARY) {
      const outs = await all(bodies, (b) => unary(m, Buffer.from(b)));
      expectCodes(outs, [status.OK, status.INVALID_ARGUMENT]);
      expect(outs.some((o) => o.code === status.INVALID_ARGUMENT)).to.equal(true);
    }
  });

  it("answers truncated messages with a status, never INTERNAL", async () => {
    const full: [string, Buffer][] = [1, 2, 3].flatMap((n) => [
      ["Set", enc(pb.SetRequestSchema, { namespace: "fuzz-t", key: "k".repeat(40 * n), value: bytes("v".repeat(100 * n)), tags: ["a", "b", "c"], lifetimeMs: 60_000n })],
      ["Get", enc(pb.GetRequestSchema, { namespace: "fuzz-t", key: "kéy".repeat(20 * n), tags: ["a", "b"] })],
      ["Invalidate", enc(pb.InvalidateRequestSchema, { namespace: "fuzz-t", tags: ["a", "b", "ü".repeat(30 * n)] })],
    ] as [string, Buffer][]);
    const cuts = full.flatMap(([m, b]) => Array.from({ length: b.length - 1 }, (_, i) => [m, b.subarray(0, i + 1)] as const));
    const outs = await all(cuts, ([m, b]) => unary(m, b));
    expectCodes(outs, [status.OK, status.INVALID_ARGUMENT]);
    expect(outs.filter((o) => o.code === status.INVALID_ARGUMENT).length).to.be.greaterThan(cuts.length / 2);
  });

  it("refuses invalid UTF-8 in every string field, naming the field", async () => {
    const cases: [string, Buffer, string][] = [];
    for (const bad of BAD_UTF8) {
      cases.push(
        ["Get", Buffer.concat([ld(2, bytes("k")), ld(1, bad)]), "namespace"],
        ["Get", ld(2, bad), "key"],
        ["Get", Buffer.concat([ld(2, bytes("k")), ld(3, bytes("ok")), ld(3, bad)]), "tags[1]"],
        ["Set", Buffer.concat([ld(2, bytes("k")), ld(4, bad)]), "tags[0]"],
        ["Set", ld(2, bad), "key"],
        ["Delete", ld(2, bad), "key"],
        ["Invalidate", ld(2, bad), "tags[0]"],
        ["InvalidateAll", ld(1, bad), "namespace"],
      );
    }
    const outs = await all(cases, ([m, b]) => unary(m, b));
    outs.forEach((o, i) => {
      expect(o.code, o.details).to.equal(status.INVALID_ARGUMENT);
      expect(o.details).to.contain(`${cases[i]![2]}: must be valid UTF-8`);
    });
    // In a stream too, deep in an item.
    const item = (key: readonly number[] | Uint8Array, tag?: readonly number[]) => ld(2, Buffer.concat([ld(1, key), ...(tag ? [ld(2, tag)] : [])]));
    const s = await stream([Buffer.concat([item(bytes("a")), item(bytes("b"), BAD_UTF8[0])])]);
    expect(s.code).to.equal(status.INVALID_ARGUMENT);
    expect(s.details).to.contain("items[1].tags[0]: must be valid UTF-8");
  });

  it("refuses empty, oversized and too many fields, naming the field and the limit", async () => {
    const long = (n: number) => "x".repeat(n);
    const cases: [string, Buffer, status, string][] = [
      ["Get", enc(pb.GetRequestSchema, { key: "" }), status.INVALID_ARGUMENT, "key: must not be empty"],
      ["Set", enc(pb.SetRequestSchema, { key: "" }), status.INVALID_ARGUMENT, "key: must not be empty"],
      ["Get", enc(pb.GetRequestSchema, { key: long(1025) }), status.INVALID_ARGUMENT, "key: must be at most 1024 bytes (got 1025)"],
      ["Get", enc(pb.GetRequestSchema, { key: "é".repeat(513) }), status.INVALID_ARGUMENT, "key: must be at most 1024 bytes (got 1026)"],
      ["Get", enc(pb.GetRequestSchema, { namespace: long(257), key: "k" }), status.INVALID_ARGUMENT, "namespace: must be at most 256 bytes"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", tags: ["a", ""] }), status.INVALID_ARGUMENT, "tags[1]: must not be empty"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", tags: [long(257)] }), status.INVALID_ARGUMENT, "tags[0]: must be at most 256 bytes"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }), status.INVALID_ARGUMENT, "tags: must hold at most 32 tags (got 33)"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", tags: Array.from({ length: 5000 }, (_, i) => `t${i}`) }), status.INVALID_ARGUMENT, "tags: must hold at most 32 tags (got 5000)"],
      ["Get", enc(pb.GetRequestSchema, { key: "k", tags: Array.from({ length: 5000 }, (_, i) => `t${i}`) }), status.INVALID_ARGUMENT, "tags: must hold at most 32 tags"],
      ["Invalidate", enc(pb.InvalidateRequestSchema, { tags: [] }), status.INVALID_ARGUMENT, "tags: must hold at least one tag"],
      ["Invalidate", enc(pb.InvalidateRequestSchema, { tags: Array.from({ length: 1001 }, (_, i) => `t${i}`) }), status.INVALID_ARGUMENT, "tags: must hold at most 1000 tags (got 1001)"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", value: new Uint8Array(MAX_VALUE + 1) }), status.INVALID_ARGUMENT, `value: must be at most ${MAX_VALUE} bytes (got ${MAX_VALUE + 1})`],
      ["Set", enc(pb.SetRequestSchema, { key: "k", value: new Uint8Array(4 * MAX_VALUE) }), status.RESOURCE_EXHAUSTED, ""],
      ["Set", enc(pb.SetRequestSchema, { key: "k", lifetimeMs: -1n }), status.INVALID_ARGUMENT, "lifetime_ms: must not be negative (got -1)"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", lifetimeMs: -(2n ** 63n) }), status.INVALID_ARGUMENT, "lifetime_ms: must not be negative"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", lifetimeMs: 2n ** 63n - 1n }), status.INVALID_ARGUMENT, "lifetime_ms: must be at most 31536000000 ms (got 9223372036854775807)"],
      ["Set", enc(pb.SetRequestSchema, { key: "k", lifetimeMs: 31_536_000_001n }), status.INVALID_ARGUMENT, "lifetime_ms: must be at most 31536000000 ms"],
    ];
    const outs = await all(cases, ([m, b]) => unary(m, b));
    outs.forEach((o, i) => {
      const [m, , code, details] = cases[i]!;
      expect(status[o.code], `${m}: ${o.details}`).to.equal(status[code]);
      expect(o.details).to.contain(details);
    });
  });

  it("refuses huge and malformed GetMany batches, ending only that stream", async () => {
    const batch = (n: number) => enc(pb.GetManyRequestSchema, { items: Array.from({ length: n }, (_, i) => ({ key: `k${i}` })) });
    const over = await stream([batch(10), batch(1001)]);
    expect([over.code, over.replies]).to.deep.equal([status.INVALID_ARGUMENT, 1]);
    expect(over.details).to.contain("items: must hold at most 1000 keys (got 1001)");
    const huge = await stream([batch(100_000)]);
    expect(status[huge.code]).to.equal("RESOURCE_EXHAUSTED");
    const deep = await stream([enc(pb.GetManyRequestSchema, { items: [{ key: "k", tags: Array.from({ length: 3000 }, (_, i) => `t${i}`) }] })]);
    expect(deep.details).to.contain("items[0].tags: must hold at most 32 tags (got 3000)");
    const streams = fc.sample(fc.array(fc.uint8Array({ maxLength: 120 }), { minLength: 1, maxLength: 3 }), { numRuns: 600, seed: seedFor("random streams", 2) });
    const outs = await all(streams, (msgs) => stream(msgs.map((m) => Buffer.from(m))));
    expectCodes(outs, [status.OK, status.INVALID_ARGUMENT]);
  });

  it("refused at least 10,000 distinct malformed requests", () => {
    expect(refused.size).to.be.at.least(10_000);
    expect([...new Set(refused.values())].sort()).to.deep.equal(["INVALID_ARGUMENT", "RESOURCE_EXHAUSTED"]);
  });
});
