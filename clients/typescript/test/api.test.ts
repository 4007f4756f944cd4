import { expect } from "chai";
import { InvalidArgumentError, TaggedCacheClient, TaggedCacheError, status, type CacheInfo } from "../src/index.js";
import { bytes, startTestServer, text, type TestServer } from "../../../test/helpers/app.js";

describe("client API: getOrSet, namespaces, bulk calls, durations, typed errors", function () {
  let server: TestServer;
  let c: TaggedCacheClient;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    c?.close();
    c = new TaggedCacheClient(server.address, { namespace: "api" });
    await c.invalidateAll();
  });
  after(() => c?.close());

  it("getOrSet computes a key once, stores it with its tags and lifetime, and recomputes after an invalidation", async () => {
    let runs = 0;
    const load = () => c.getOrSet({ key: "report", tags: ["team:7"], lifetimeMs: "5m", factory: async () => ({ n: ++runs }) });
    expect(await load()).to.deep.equal({ n: 1 });
    expect(await load()).to.deep.equal({ n: 1 });
    const entry = await c.getEntry("report");
    expect(entry!.tags).to.deep.equal(["team:7"]);
    expect(entry!.ttlMs).to.be.within(250_000, 300_000);
    await c.invalidate(["team:7"]);
    expect(await load()).to.deep.equal({ n: 2 });
  });

  it("namespace() views share the channel and see only their own namespace", async () => {
    const billing = c.namespace("billing");
    const other = c.namespace("other");
    await billing.invalidateAll();
    await billing.set("k", bytes("b"));
    expect(text(await billing.get("k"))).to.equal("b");
    expect(await other.has("k")).to.equal(false);
    expect(text(await other.namespace("billing").get("k"))).to.equal("b");
    expect(billing.namespaceName).to.equal("billing");
  });

  it("has, setMany and deleteMany", async () => {
    const stored = await c.setMany([
      { key: "a", value: bytes("1"), tags: ["x"] },
      { key: "b", value: bytes("2"), lifetimeMs: "1h" },
    ]);
    expect(stored).to.deep.equal([true, true]);
    expect(await c.has("a")).to.equal(true);
    expect(await c.has("a", { tags: ["y"] })).to.equal(false);
    expect((await c.getEntry("b"))!.ttlMs).to.be.within(3_500_000, 3_600_000);
    expect(await c.deleteMany(["a", "b", "c"])).to.deep.equal([true, true, false]);
    expect(await c.has("a")).to.equal(false);
  });

  it("refuses a duration it cannot read, naming the option", async () => {
    const err = await c.set("k", bytes("v"), { lifetimeMs: "soon" }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RangeError);
    expect((err as Error).message).to.match(/^lifetimeMs: .*"soon"/);
    expect(() => new TaggedCacheClient(server.address, { timeoutMs: -1 })).to.throw(RangeError, /timeoutMs: must not be negative/);
    expect(await c.get("k", { timeoutMs: "later" }).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
  });

  it("rejects with the error class of the status code", async () => {
    const err = await c.get("").catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError).and.instanceOf(TaggedCacheError);
    expect((err as InvalidArgumentError).code).to.equal(status.INVALID_ARGUMENT);
    expect((err as InvalidArgumentError).name).to.equal("InvalidArgumentError");
  });
});

describe("client API: the off switch, quiet failures, unique key names", function () {
  const unreachable = "127.0.0.1:1"; // nothing listens on port 1

  it("with `disabled`, reads miss, writes do nothing and cached functions run, without calling the server", async () => {
    const errors: unknown[] = [];
    const c = new TaggedCacheClient(unreachable, { disabled: true, retry: false, hooks: { onError: (e) => errors.push(e) } });
    try {
      expect(c.disabled).to.equal(true);
      expect(await c.set("k", bytes("v"))).to.equal(false);
      expect(await c.get("k")).to.equal(undefined);
      expect(await c.delete("k")).to.equal(false);
      await c.invalidate("t");
      expect((await c.getMany(["a", "b"])).size).to.equal(0);
      const streamed = [];
      for await (const r of c.getManyStream([["a"], ["b", "c"]])) streamed.push(r);
      expect(streamed).to.deep.equal([[undefined], [undefined, undefined]]);
      let runs = 0;
      const f = c.cached(async function count() {
        return ++runs;
      });
      expect([await f(), await f()]).to.deep.equal([1, 2]);
      expect(errors).to.deep.equal([]);
    } finally {
      c.close();
    }
  });

  it("TAGGEDCACHE_DISABLED=1 turns caching off without code changes; the option wins", () => {
    const saved = process.env.TAGGEDCACHE_DISABLED;
    process.env.TAGGEDCACHE_DISABLED = "1";
    try {
      const off = new TaggedCacheClient(unreachable);
      const on = new TaggedCacheClient(unreachable, { disabled: false });
      expect([off.disabled, on.disabled]).to.deep.equal([true, false]);
      off.close();
      on.close();
    } finally {
      if (saved === undefined) delete process.env.TAGGEDCACHE_DISABLED;
      else process.env.TAGGEDCACHE_DISABLED = saved;
    }
  });

  it("prints nothing when the cache fails; onError hooks hear of it", async () => {
    const printed: unknown[] = [];
    const saved = { warn: console.warn, error: console.error, log: console.log };
    console.warn = console.error = console.log = (...args: unknown[]) => printed.push(args);
    const infos: CacheInfo[] = [];
    const c = new TaggedCacheClient(unreachable, { retry: false, timeoutMs: 2000, hooks: { onError: (_e, i) => infos.push(i) } });
    try {
      const f = c.cached(async (x: number) => x * 2, { name: "double" });
      expect(await f(2)).to.equal(4);
      expect(await c.getOrSet({ key: "k", factory: () => "v" })).to.equal("v");
    } finally {
      Object.assign(console, saved);
      c.close();
    }
    expect(printed).to.deep.equal([]);
    expect(infos.map((i) => i.key)).to.deep.equal(["double(2)", "k"]);
  });

  it("refuses two different functions deriving keys from one name, as minified code makes them", () => {
    const c = new TaggedCacheClient(unreachable);
    try {
      const minified = [{ a: async (x: number) => x + 1 }.a, { a: async (x: number) => x * 2 }.a];
      c.cached(minified[0]!);
      c.cached(minified[0]!); // the same function again
      expect(() => c.cached(minified[1]!)).to.throw(TypeError, /"a".*`name` or `key`/);
      c.cached(minified[1]!, { name: "double" });
      c.cached(minified[1]!, { key: (x) => `twice:${x}` });
      c.namespace("elsewhere").cached(minified[1]!); // another namespace has its own names
      expect(() => c.cached(async () => 1)).to.throw(TypeError, /anonymous/);
    } finally {
      c.close();
    }
  });

  it("the decorator refuses what is not a method, saying what to do", () => {
    const c = new TaggedCacheClient(unreachable);
    try {
      const decorate = c.decorator() as unknown as (...args: unknown[]) => unknown;
      expect(() => decorate(undefined, { kind: "field", name: "x" })).to.throw(TypeError, /methods, not a field/);
      expect(() => decorate({}, "x", { value: 1 })).to.throw(TypeError, /experimentalDecorators/);
    } finally {
      c.close();
    }
  });
});
