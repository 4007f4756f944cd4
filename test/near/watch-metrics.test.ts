import { expect } from "chai";
import { bytes, startTestServer, type TestServer } from "../helpers/app.js";
import { sample, scrape } from "../helpers/scrape.js";
import { warm } from "./near-helpers.js";

// The near-cache's metrics, scraped over HTTP from a server with the embedded store.
describe("near-cache metrics", function () {
  let server: TestServer;
  before(async () => (server = await startTestServer({ METRICS_PORT: "0" })));
  after(async () => server?.stop());

  const metrics = async () => {
    const m = await scrape(server.app.metricsPort!);
    return {
      subscribers: sample(m, "taggedcache_watch_subscribers"),
      events: sample(m, "taggedcache_watch_events_total"),
      acks: sample(m, "taggedcache_watch_acks_total"),
      closed: sample(m, "taggedcache_watch_drops_total", { reason: "closed" }),
      waits: sample(m, "taggedcache_watch_write_wait_seconds_count"),
    };
  };

  it("counts subscribers, events, acknowledgements, drops and write waits", async () => {
    const before = await metrics();
    expect(before.subscribers).to.equal(0);
    const near = [0, 1].map(() => server.client("watched", { nearCache: { maxBytes: 4096 } }));
    const writer = server.client("watched");
    await writer.set("k", bytes("v"), { tags: ["t"] });
    for (const c of near) await warm(c, "k");
    expect((await metrics()).subscribers).to.equal(2);

    await writer.invalidate("t");
    await writer.set("other", bytes("v"));
    const after = await metrics();
    // Each write reached both subscribers and waited for both acknowledgements.
    expect(after.events - before.events).to.equal(4);
    expect(after.acks - before.acks).to.equal(4);
    expect(after.waits - before.waits).to.equal(2);

    // A namespace nobody watches: no event, no wait.
    await server.client("unwatched").invalidate("t");
    expect((await metrics()).waits).to.equal(after.waits);

    for (const c of near) c.close();
    writer.close();
    const end = Date.now() + 10_000;
    let last = await metrics();
    while ((last.subscribers !== 0 || last.closed < 2) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
      last = await metrics();
    }
    expect(last.subscribers).to.equal(0);
    expect(last.closed - before.closed).to.equal(2);
  });
});
