import { spawn } from "node:child_process";
import { once } from "node:events";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { TaggedCacheClient, TaggedCacheError } from "../../clients/typescript/src/index.js";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { freePort, sharedRedis } from "../helpers/redis-server.js";
import { until } from "../model/load.js";

const batches = function* (n = 200) {
  for (let i = 0; i < n; i++) yield Array.from({ length: 100 }, (_, j) => `k${j}`);
};

/** Starts a node process running `args` and resolves once it prints `ready`. */
async function child(args: string[], ready: string, env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  await until(`${args[0]} to print ${ready}`, async () => (out.includes(ready) ? true : undefined), 15_000);
  return proc;
}

describe("GetMany streams cut short", function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "sd" });
  });
  after(async () => server?.stop());

  const idle = () => until("the server to let go", async () => {
    const { streams, batches: b, calls } = server.app.inFlight;
    return streams === 0 && b === 0 && calls === 0 ? true : undefined;
  });

  it("releases everything when the client cancels mid-stream", async () => {
    const c = new TaggedCacheClient(server.address, { namespace: "cut" });
    let seen = 0;
    for await (const results of c.getManyStream(batches())) {
      expect(results).to.have.length(100);
      if (++seen === 5) {
        expect(server.app.inFlight.streams).to.equal(1);
        break; // cancels the call
      }
    }
    await idle();
    c.close();
  });

  it("releases everything when a client process that stopped reading is killed", async () => {
    const proc = await child(["test/faults/fixtures/stream-without-reading.ts", server.address], "streaming");
    await until("the stream to be open", async () => (server.app.inFlight.streams > 0 ? true : undefined));
    await sleep(200);
    const held = server.app.inFlight.batches;
    proc.kill("SIGKILL");
    await once(proc, "exit");
    await idle();
    console.log(`      figures: ${held} batches held (limit 16) while the client did not read; 0 after it was killed`);
    expect(held).to.be.at.most(server.config.server.maxBatchesInFlight);
  });

  it("gives the client a clear UNAVAILABLE when the server is killed mid-stream", async () => {
    const port = await freePort();
    const proc = await child(["server/src/main.ts"], "listening", {
      REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "sd", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info",
    });
    const c = new TaggedCacheClient(`127.0.0.1:${port}`, { namespace: "cut" });
    let seen = 0;
    let error: unknown;
    try {
      for await (const results of c.getManyStream(batches())) {
        expect(results).to.have.length(100);
        if (++seen === 3) proc.kill("SIGKILL");
      }
    } catch (err) {
      error = err;
    } finally {
      c.close();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    expect(error).to.be.instanceOf(TaggedCacheError);
    expect(status[(error as TaggedCacheError).code]).to.equal("UNAVAILABLE");
  });
});
