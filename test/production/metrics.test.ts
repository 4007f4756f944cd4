import { expect } from "chai";
import { Metrics } from "../../server/src/observability/metrics.js";
import { bytes, startTestServer, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { sample, scrape } from "../helpers/scrape.js";

const SERVICE = "taggedcache.v1.TaggedCache";

describe("metrics", function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "metrics-test", METRICS_PORT: "0" });
  });
  after(() => server.stop());

  it("counts calls, codes, lookups, GetMany keys and invalidations, scraped over HTTP", async () => {
    const c = server.client("shop");
    await c.set("a", bytes("1"), { tags: ["t"] });
    await c.set("b", bytes("2"));
    await c.get("a");
    await c.get("missing");
    await c.getMany(["a", "b", "missing"]);
    await c.invalidate("t");
    await c.invalidateAll();
    await c.get("x".repeat(5000)).catch(() => undefined);

    const m = await scrape(server.app.metricsPort!);
    const calls = (method: string, code: string) =>
      sample(m, "taggedcache_calls_total", { service: SERVICE, method, code });
    expect(calls("Set", "OK")).to.equal(2);
    expect(calls("Get", "OK")).to.equal(2);
    expect(calls("Get", "INVALID_ARGUMENT")).to.equal(1);
    expect(calls("GetMany", "OK")).to.equal(1);
    expect(sample(m, "taggedcache_call_duration_seconds_count", { service: SERVICE, method: "Get" })).to.equal(3);
    expect(sample(m, "taggedcache_calls_in_flight", { service: SERVICE, method: "Get" })).to.equal(0);
    expect(sample(m, "taggedcache_lookups_total", { namespace: "shop", result: "hit" })).to.equal(3);
    expect(sample(m, "taggedcache_lookups_total", { namespace: "shop", result: "miss" })).to.equal(2);
    expect(sample(m, "taggedcache_getmany_keys_total", { namespace: "shop" })).to.equal(3);
    expect(sample(m, "taggedcache_getmany_batches_total", { namespace: "shop" })).to.equal(1);
    expect(sample(m, "taggedcache_invalidations_total", { namespace: "shop", scope: "tags" })).to.equal(1);
    expect(sample(m, "taggedcache_invalidations_total", { namespace: "shop", scope: "all" })).to.equal(1);
    expect(sample(m, "taggedcache_store_up")).to.equal(1);
    expect(sample(m, "taggedcache_process_resident_memory_bytes")).to.be.greaterThan(0);
  });

  it("answers 404 off /metrics, and is off unless METRICS_PORT is set", async () => {
    expect((await fetch(`http://127.0.0.1:${server.app.metricsPort}/other`)).status).to.equal(404);
    const plain = await startTestServer();
    expect(plain.app.metricsPort).to.equal(undefined);
    await plain.stop();
  });

  it("counts lease grants, waits and waits that ran out", async () => {
    const a = server.client("leases");
    const b = server.client("leases");
    expect((await a.read("cold", { lease: { waitMs: 0 } })).leaseToken).to.not.equal(undefined);
    const waited = await b.read("cold", { lease: { waitMs: 100 } });
    expect(waited.waited).to.equal(true);
    expect(waited.leaseToken).to.equal(undefined);
    const m = await scrape(server.app.metricsPort!);
    const leases = (event: string) => sample(m, "taggedcache_lease_events_total", { namespace: "leases", event });
    expect([leases("grant"), leases("wait"), leases("timeout")]).to.deep.equal([1, 1, 1]);
  });

  it("records nothing when no metrics are served", async () => {
    const metrics = new Metrics(false);
    metrics.recordLookups("ns", 1, 2);
    metrics.callStarted("taggedcache.v1.TaggedCache", "Get")("OK");
    const text = await metrics.registry.metrics();
    expect(text).to.not.include("taggedcache_lookups_total{");
    expect(text).to.not.include("taggedcache_calls_total{");
    expect(text).to.not.include("process_cpu");
  });

  it("folds namespaces past the first 1000 into one label value", async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 1005; i++) metrics.recordInvalidation(`ns${i}`, "all");
    const text = await metrics.registry.getSingleMetricAsString("taggedcache_invalidations_total");
    expect(text).to.include('namespace="ns999"');
    expect(text).not.to.include('namespace="ns1000"');
    expect(text).to.include('taggedcache_invalidations_total{namespace="(other)",scope="all"} 5');
  });
});
