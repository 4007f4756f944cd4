import { execFileSync } from "node:child_process";
import { expect } from "chai";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, text } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { ServerProcess } from "../helpers/server-process.js";

describe("server processes", function () {
  this.timeout(40_000);
  const clients: TaggedCacheClient[] = [];
  const client = (address: string, namespace?: string) => {
    const c = new TaggedCacheClient(address, { namespace });
    clients.push(c);
    return c;
  };
  after(() => clients.forEach((c) => c.close()));

  it("shares one Redis between two processes: an invalidation on one is a miss on the other", async () => {
    const redis = await sharedRedis();
    const [one, two] = await Promise.all([
      ServerProcess.start({ REDIS_URL: redis.url }),
      ServerProcess.start({ REDIS_URL: redis.url }),
    ]);
    try {
      const a = client(one.address, "shared");
      const b = client(two.address, "shared");
      await a.set("k", bytes("v"), { tags: ["t"] });
      expect(text(await b.get("k"))).to.equal("v");
      await b.invalidate("t");
      expect(await a.get("k")).to.equal(undefined);
      expect(one.lines.join("\n")).to.include('"store":"redis"');
    } finally {
      expect(await one.stop()).to.equal(0);
      expect(await two.stop()).to.equal(0);
    }
  });

  it("runs with the embedded store when no Redis is configured, and says so", async () => {
    const srv = await ServerProcess.start({ REDIS_URL: "" });
    try {
      const c = client(srv.address);
      await c.set("k", bytes("v"));
      expect(text(await c.get("k"))).to.equal("v");
      expect(srv.lines.join("\n")).to.include("using the memory store");
    } finally {
      expect(await srv.stop("SIGINT")).to.equal(0);
    }
  });

  it("lists its settings with --help and refuses a bad one", () => {
    const help = execFileSync(process.execPath, ["--import", "tsx", "server/src/main.ts", "--help"]).toString();
    expect(help).to.include("--redis-url (REDIS_URL, default unset)");
    expect(help).to.include("--max-key-bytes (MAX_KEY_BYTES, default 1024)");
    let stderr = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "server/src/main.ts", "--port", "abc"], { stdio: "pipe" });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
      expect((err as { status: number }).status).to.equal(2);
    }
    expect(stderr).to.include("PORT: expected a whole number");
  });
});
