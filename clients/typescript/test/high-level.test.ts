import { expect } from "chai";
import {
  stringSerializer,
  TaggedCacheClient,
  type CacheInfo,
  type Serializer,
} from "../src/index.js";
import { bytes, startTestServer, type TestServer } from "../../../test/helpers/app.js";
import { sharedRedis } from "../../../test/helpers/redis-server.js";

describe("client high level (Redis)", function () {
  let server: TestServer;
  let c: TaggedCacheClient;
  const infos: { kind: string; info: CacheInfo }[] = [];

  before(async () => {
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url });
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    const r = (await sharedRedis()).connect();
    await r.flushall();
    await r.quit();
    infos.length = 0;
    c?.close();
    c = new TaggedCacheClient(server.address, {
      namespace: "hl",
      logger: null,
      hooks: {
        onHit: (info) => infos.push({ kind: "hit", info }),
        onMiss: (info) => infos.push({ kind: "miss", info }),
        onError: (_err, info) => infos.push({ kind: "error", info }),
      },
    });
  });
  after(() => c?.close());

  it("keys a function by its name and JSON arguments, with tags from the arguments", async () => {
    let runs = 0;
    const add = c.cached(async function add(x: number, y: number) {
      runs++;
      return { sum: x + y };
    }, { tags: (x) => [`x:${x}`], lifetimeMs: 60_000, userData: "u" });
    // A tag never seen before: the miss's lease creates its version, so the
    // first result is stored.
    expect(await add(1, 2)).to.deep.equal({ sum: 3 });
    expect(await add(1, 2)).to.deep.equal({ sum: 3 });
    expect(runs).to.equal(1);
    expect(new TextDecoder().decode(await c.get("add(1,2)", { tags: ["x:1"] }))).to.equal('{"sum":3}');
    await c.invalidate("x:1");
    await add(1, 2);
    expect(runs).to.equal(2);
    const [miss, hit] = infos;
    expect(miss).to.deep.include({ kind: "miss" });
    expect(miss!.info).to.deep.include({ key: "add(1,2)", tags: ["x:1"], hit: false, size: 9, stored: true, userData: "u" });
    expect(miss!.info.fnMs).to.be.at.most(miss!.info.elapsedMs);
    expect(hit!.info).to.deep.include({ key: "add(1,2)", hit: true, size: 9, fnMs: 0 });
  });

  it("with lease: false, returns but does not store the first result under a tag never seen (its token records it absent)", async () => {
    let runs = 0;
    const f = c.cached(async (x: number) => (runs++, x), { key: (x) => `plain:${x}`, tags: ["never-seen"], lease: false });
    expect(await f(1)).to.equal(1);
    expect(infos.shift()!.info).to.deep.include({ hit: false, stored: false });
    expect(await f(1)).to.equal(1);
    expect(await f(1)).to.equal(1);
    expect(runs).to.equal(2);
  });

  it("caches a decorated method under Class.method and its arguments, not the instance", async () => {
    let runs = 0;
    class Repo {
      constructor(readonly suffix: string) {}
      @c.decorator({ tags: ["repo"] })
      async find(id: number): Promise<string> {
        runs++;
        return `item ${id}${this.suffix}`;
      }
    }
    expect(await new Repo("!").find(1)).to.equal("item 1!");
    expect(await new Repo("?").find(1)).to.equal("item 1!");
    expect(runs).to.equal(1);
    expect(await c.getValue("Repo.find(1)", { tags: ["repo"] })).to.equal("item 1!");
  });

  it("returns but does not store a result that cannot be serialized", async () => {
    const f = c.cached(async () => 10n, { key: "big" });
    expect(await f()).to.equal(10n);
    expect(infos.map((i) => i.kind)).to.deep.equal(["error", "miss"]);
    expect(infos[1]!.info.stored).to.equal(false);
    expect(await c.get("big")).to.equal(undefined);
  });

  it("treats a value that cannot be deserialized as a miss, and replaces it", async () => {
    await c.set("bad", bytes("{not json"));
    expect(await c.getValue("bad")).to.equal(undefined);
    const f = c.cached(async () => "good", { key: "bad" });
    expect(await f()).to.equal("good");
    expect(await f()).to.equal("good");
    expect(infos.map((i) => i.kind)).to.deep.equal(["error", "miss", "hit"]);
    expect(infos[1]!.info.stored).to.equal(true);
  });

  it("survives hooks that throw", async () => {
    const warnings: string[] = [];
    const loud = new TaggedCacheClient(server.address, {
      logger: { warn: (m) => warnings.push(m) },
      hooks: { onMiss: () => { throw new Error("hook bug"); } },
    });
    const f = loud.cached(async () => 1, { key: "k", hooks: { onHit: () => { throw new Error("hook bug"); } } });
    expect(await f()).to.equal(1);
    expect(await f()).to.equal(1);
    loud.close();
    expect(warnings).to.deep.equal(["TaggedCache: the onMiss hook threw; ignored", "TaggedCache: the onHit hook threw; ignored"]);
  });

  it("uses a serializer per client and per call; setValue refuses what it cannot serialize", async () => {
    const upper: Serializer<string> = {
      serialize: (s) => stringSerializer.serialize(s.toUpperCase()),
      deserialize: (b) => stringSerializer.deserialize(b),
    };
    const s = new TaggedCacheClient(server.address, { namespace: "hl", serializer: stringSerializer as Serializer });
    expect(await s.setValue("plain", "text")).to.equal(true);
    expect(new TextDecoder().decode(await s.get("plain"))).to.equal("text");
    expect(await s.setValue("shout", "text", { serializer: upper as Serializer })).to.equal(true);
    expect(await s.getValue("shout")).to.equal("TEXT");
    expect(await s.setValue("num", 42)).to.equal(false);
    expect(await c.setValue("undef", undefined)).to.equal(false);
    s.close();
  });

  it("getMany returns the hits as a Map", async () => {
    await c.setValue("a", 1);
    await c.setValue("b", 2);
    const hits = await c.getMany(["a", "b", "c"]);
    expect([...hits.keys()].sort()).to.deep.equal(["a", "b"]);
  });
});
