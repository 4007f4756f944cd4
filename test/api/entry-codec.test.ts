import { expect } from "chai";
import { digestMatches, encodeEntry, parseEntry } from "../../server/src/store/redis/entry-codec.js";
import { RedisStore } from "../../server/src/store/redis-standalone/redis-store.js";
import { sharedRedis } from "../helpers/redis-server.js";

// The Cluster store builds entries in TypeScript and checks them outside
// Lua; both must agree byte for byte with what set.lua writes.
describe("entry codec against set.lua", () => {
  it("encodes exactly the bytes set.lua writes, and its digest names the versions", async () => {
    const r = await sharedRedis();
    const store = new RedisStore({ url: r.url, keyPrefix: "codec", tagLifetimeMs: 60_000, commandTimeoutMs: 1000, connectTimeoutMs: 1000 });
    const redis = r.connect();
    try {
      await store.waitUntilReady(2000);
      const tags = ["a", "ünï", "x".repeat(300)];
      const value = Buffer.from("value bytes \u0000\u00ff");
      await store.set("n", "k", value, tags, 60_000);
      const written = (await redis.getBuffer("codec:e:1:n:k"))!;
      const versions = await redis.mgetBuffer("codec:a:{1:n}", ...tags.map((t) => `codec:t:{1:n}:${t}`));
      expect(encodeEntry(versions as Buffer[], tags, value).equals(written)).to.equal(true);

      const layout = parseEntry(written)!;
      expect(layout.tags).to.deep.equal(tags);
      expect(digestMatches(written, layout, versions)).to.equal(true);
      expect(digestMatches(written, layout, [versions[0]!, versions[2]!, versions[1]!, versions[3]!])).to.equal(false);
      expect(layout.graceMs).to.equal(0);
      expect(written.subarray(layout.valueAt).equals(value)).to.equal(true);
    } finally {
      await redis.quit();
      await store.close();
    }
  });
});
