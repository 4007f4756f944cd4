import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect as connectHttp2, constants } from "node:http2";
import { connect } from "node:net";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { sample, scrape } from "../helpers/scrape.js";
import { until } from "../model/load.js";

// Calls `get` in a loop until `stop` resolves; returns how many succeeded and the errors.
async function keepCalling(c: TaggedCacheClient, stop: Promise<unknown>) {
  let done = false;
  void stop.finally(() => (done = true));
  let ok = 0;
  const errors: string[] = [];
  while (!done) {
    try {
      if (text(await c.get("k")) === "v") ok++;
    } catch (err) {
      errors.push(String(err));
    }
  }
  return { ok, errors };
}

describe("limits that protect the server", function () {
  this.timeout(60_000);
  let server: TestServer;
  let polite: TaggedCacheClient;
  before(async () => {
    server = await startTestServer({
      REDIS_URL: (await sharedRedis()).url,
      KEY_PREFIX: "limits",
      METRICS_PORT: "0",
      MAX_CONCURRENT_STREAMS: "50",
      MAX_KEYS_IN_FLIGHT: "30",
      // Outlasts the 3 s CLIENT PAUSE below: held commands are slow, not lost.
      REDIS_COMMAND_TIMEOUT_MS: "10000",
    });
    polite = server.client("p");
    await polite.set("k", bytes("v"));
  });
  after(() => server.stop());

  it("refuses a 100 MB message with RESOURCE_EXHAUSTED while other clients keep being served", async () => {
    const abuser = server.client("p", { deadlineMs: 30_000 });
    const huge = abuser.set("big", new Uint8Array(100 * 1024 * 1024)).then(
      () => undefined,
      (e: { code: number; details: string }) => e,
    );
    const served = await keepCalling(polite, huge);
    const err = await huge;
    expect(err?.code).to.equal(status.RESOURCE_EXHAUSTED);
    expect(err?.details).to.match(/^Received message larger than max \(\d+ vs 1114112\)$/);
    expect(served.errors).to.deep.equal([]);
    expect(served.ok).to.be.greaterThan(0);
    expect(text(await polite.get("k"))).to.equal("v");
  });

  it("caps the streams one connection may have open; other connections keep being served", async function () {
    // Starting a process and 2000 streams took up to 38 s at load average 20.
    this.timeout(120_000);
    // The hostile client runs in its own process, as it would in production:
    // in this one, its 2000 calls (and their cancellation at the deadline)
    // blocked the event loop for seconds on a loaded machine and ended the
    // polite client's calls, which says nothing about the server.
    const hog = spawn(process.execPath, ["--import", "tsx", "test/helpers/stream-hog.ts", server.address, "2000", "8000"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    hog.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = once(hog, "exit");
    try {
      const streams = () =>
        scrape(server.app.metricsPort!).then((m) => sample(m, "taggedcache_calls_in_flight", { method: "GetMany" }));
      // The server lets 50 of the 2000 in and never more, however long the
      // client takes to open them.
      await until("the cap of 50 streams to be reached", async () => ((await streams()) >= 50 ? true : undefined), 30_000);
      const seen: number[] = [];
      for (let i = 0; i < 10; i++) {
        seen.push(await streams());
        await sleep(100);
      }
      expect(Math.max(...seen)).to.equal(50);
      const served = await keepCalling(polite, exited);
      const [code] = await exited;
      expect(code).to.equal(0);
      // Each fails at its deadline; when the client then cancels them all at
      // once, Node's HTTP/2 rapid-reset protection may close its connection
      // (GOAWAY INTERNAL_ERROR), which fails the open ones as INTERNAL.
      const failed = JSON.parse(out) as Record<string, number>;
      expect(failed).to.have.property("DEADLINE_EXCEEDED");
      expect(Object.keys(failed).filter((o) => o !== "DEADLINE_EXCEEDED" && o !== "INTERNAL")).to.deep.equal([]);
      expect(served.errors).to.deep.equal([]);
      expect(served.ok).to.be.greaterThan(0);
      await until("the streams to be closed", async () => ((await streams()) === 0 ? true : undefined), 10_000);
    } finally {
      hog.kill();
    }
  });

  it("stops reading a GetMany stream while MAX_KEYS_IN_FLIGHT keys wait for the store", async () => {
    const admin = (await sharedRedis()).connect();
    const batches = Array.from({ length: 20 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i + j === 0 ? "k" : `m${j}`)));
    try {
      // Redis holds every command for 3 s (an UNPAUSE would wait as long).
      await admin.call("CLIENT", "PAUSE", "3000", "ALL");
      const replies = (async () => {
        const out = [];
        for await (const r of polite.getManyStream(batches)) out.push(r);
        return out;
      })();
      const inFlight = async () => sample(await scrape(server.app.metricsPort!), "taggedcache_getmany_keys_in_flight");
      await until("keys to wait for the store", async () => ((await inFlight()) >= 30 ? true : undefined), 2500);
      // The server stopped reading there: no more keys wait, though 200 were sent.
      expect(await inFlight()).to.equal(30);
      const answered = await replies;
      expect(answered).to.have.length(20);
      expect(text(answered[0]![0]?.value)).to.equal("v");
      expect(sample(await scrape(server.app.metricsPort!), "taggedcache_getmany_keys_in_flight")).to.equal(0);
    } finally {
      admin.disconnect();
    }
  });

  it("pings quiet connections and closes those that do not answer", async () => {
    const quiet = await startTestServer({ KEEPALIVE_TIME_MS: "1000", KEEPALIVE_TIMEOUT_MS: "500" });
    try {
      // A peer that speaks just enough HTTP/2 to connect, then never answers.
      const sock = connect(quiet.app.port, "127.0.0.1");
      await once(sock, "connect");
      const frameTypes: number[] = [];
      let buf = Buffer.alloc(0);
      sock.on("data", (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 9 && buf.length >= 9 + buf.readUIntBE(0, 3)) {
          frameTypes.push(buf[3]!);
          buf = buf.subarray(9 + buf.readUIntBE(0, 3));
        }
      });
      const emptySettings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
      sock.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), emptySettings]));
      await once(sock, "close");
      const PING = 6;
      const GOAWAY = 7;
      expect(frameTypes).to.include.members([PING, GOAWAY]);
    } finally {
      await quiet.stop();
    }
  });

  it("closes a connection that pings too often with GOAWAY too_many_pings; others are served", async () => {
    const session = connectHttp2(`http://${server.address}`);
    await once(session, "connect");
    const goaway = once(session, "goaway");
    const closedWith = new Promise<string>((resolve) => session.on("error", (e: Error) => resolve(e.message)));
    const ping = () => new Promise<void>((resolve) => session.ping(() => resolve()));
    // The first ping and two strikes are tolerated.
    for (let i = 0; i < 3; i++) await ping();
    expect(session.destroyed || session.closed).to.equal(false);
    void ping();
    const [code, , reason] = (await goaway) as [number, number, Buffer];
    expect(code).to.equal(11); // ENHANCE_YOUR_CALM
    expect(String(reason)).to.equal("too_many_pings");
    expect(await closedWith).to.equal("Session closed with error code 11");
    expect(text(await polite.get("k"))).to.equal("v");
  });

  it("closes a connection that opens and resets streams in bulk (rapid reset); others are served", async () => {
    const session = connectHttp2(`http://${server.address}`);
    await once(session, "connect");
    const goaway = once(session, "goaway");
    session.on("error", () => {});
    for (let i = 0; i < 3000 && !session.destroyed; i++) {
      const stream = session.request({ ":method": "POST", ":path": "/taggedcache.v1.TaggedCache/Get", "content-type": "application/grpc" });
      stream.on("error", () => {});
      stream.close(constants.NGHTTP2_CANCEL);
    }
    const [code] = (await goaway) as [number];
    expect(code).to.equal(constants.NGHTTP2_INTERNAL_ERROR);
    session.destroy();
    expect(text(await polite.get("k"))).to.equal("v");
  });
});
