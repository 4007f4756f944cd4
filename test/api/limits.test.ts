import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, rejection, startTestServer, text, type TestServer } from "../helpers/app.js";
import { rawUnary } from "../helpers/raw-call.js";
import { sharedRedis } from "../helpers/redis-server.js";

const LIMITS = {
  MAX_KEY_BYTES: "16",
  MAX_NAMESPACE_BYTES: "8",
  MAX_TAG_BYTES: "8",
  MAX_TAGS: "3",
  MAX_INVALIDATE_TAGS: "4",
  MAX_VALUE_BYTES: "32",
  MAX_BATCH_KEYS: "5",
  MAX_LIFETIME_MS: "60000",
};

describe("input limits", () => {
  let server: TestServer;
  let c: TaggedCacheClient;

  before(async () => {
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url, ...LIMITS });
    c = server.client("ns");
  });
  after(async () => server?.stop());

  // Every refusal names the field and the limit, and the server keeps serving.
  const cases: [string, (c: TaggedCacheClient, s: TestServer) => Promise<unknown>, string][] = [
    ["an empty key", (c) => c.get(""), "key: must not be empty"],
    ["a key over the limit", (c) => c.get("k".repeat(17)), "key: must be at most 16 bytes (got 17)"],
    ["a key over the limit in UTF-8 bytes", (c) => c.set("é".repeat(9), bytes("v")), "key: must be at most 16 bytes (got 18)"],
    ["a namespace over the limit", (_, s) => s.client("n".repeat(9)).get("k"), "namespace: must be at most 8 bytes (got 9)"],
    ["a tag over the limit", (c) => c.set("k", bytes("v"), { tags: ["ok", "t".repeat(9)] }), "tags[1]: must be at most 8 bytes (got 9)"],
    ["an empty tag", (c) => c.get("k", { tags: [""] }), "tags[0]: must not be empty"],
    ["too many tags on a set", (c) => c.set("k", bytes("v"), { tags: ["a", "b", "c", "d"] }), "tags: must hold at most 3 tags (got 4)"],
    ["too many tags on a get", (c) => c.get("k", { tags: ["a", "b", "c", "d"] }), "tags: must hold at most 3 tags (got 4)"],
    ["a value over the limit", (c) => c.set("k", new Uint8Array(33)), "value: must be at most 32 bytes (got 33)"],
    ["a negative lifetime", (c) => c.set("k", bytes("v"), { lifetimeMs: -1 }), "lifetime_ms: must not be negative (got -1)"],
    ["an absurd lifetime", (c) => c.set("k", bytes("v"), { lifetimeMs: 60_001 }), "lifetime_ms: must be at most 60000 ms (got 60001)"],
    ["an invalidate without tags", (c) => c.invalidate(), "tags: must hold at least one tag"],
    ["too many tags to invalidate", (c) => c.invalidate("a", "b", "c", "d", "e"), "tags: must hold at most 4 tags (got 5)"],
    ["an empty key to delete", (c) => c.delete(""), "key: must not be empty"],
    ["a namespace over the limit on invalidateAll", (_, s) => s.client("n".repeat(9)).invalidateAll(), "namespace: must be at most 8 bytes (got 9)"],
    ["a GetMany batch over the limit", (c) => c.getMany(["a", "b", "c", "d", "e", "f"], 6), "items: must hold at most 5 keys (got 6)"],
    ["a GetMany key over the limit", (c) => c.getMany(["a", "k".repeat(17)]), "items[1].key: must be at most 16 bytes (got 17)"],
    ["a GetMany tag over the limit", (c) => c.getMany(["a", { key: "b", tags: ["t".repeat(9)] }]), "items[1].tags[0]: must be at most 8 bytes (got 9)"],
  ];

  for (const [what, call, details] of cases) {
    it(`refuses ${what} with INVALID_ARGUMENT`, async () => {
      const err = await rejection(call(c, server));
      expect(err.code).to.equal(status.INVALID_ARGUMENT);
      expect(err.details).to.equal(details);
      await c.set("after", bytes("ok"));
      expect(text(await c.get("after"))).to.equal("ok");
    });
  }

  it("accepts values at exactly the limits", async () => {
    await c.set("k".repeat(16), new Uint8Array(32), { tags: ["a", "b", "t".repeat(8)], lifetimeMs: 60_000 });
    expect((await c.get("k".repeat(16), { tags: ["t".repeat(8), "b", "a"] }))?.length).to.equal(32);
    expect((await c.getMany(["a", "b", "c", "d", "k".repeat(16)], 5)).size).to.equal(1);
  });

  it("answers bytes that are not a message with INVALID_ARGUMENT", async () => {
    const err = await rejection(rawUnary(server.address, "Get", Buffer.from([0xff, 0xff, 0xff])));
    expect(err.code).to.equal(status.INVALID_ARGUMENT);
    expect(err.details).to.match(/^request: not a valid message/);
  });

  it("answers a GetMany stream's bad batch after the good ones before it", async () => {
    const got: number[] = [];
    const err = await rejection(
      (async () => {
        for await (const r of c.getManyStream([["a"], ["b", "c"], ["x".repeat(17)], ["d"]])) got.push(r.length);
      })(),
    );
    expect(got).to.deep.equal([1, 2]);
    expect(err.code).to.equal(status.INVALID_ARGUMENT);
    expect(err.details).to.equal("items[0].key: must be at most 16 bytes (got 17)");
  });
});
