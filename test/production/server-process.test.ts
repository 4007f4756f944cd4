import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { expect } from "chai";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, text } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { BUILT_ENTRY, ServerProcess } from "../helpers/server-process.js";

describe("server processes", function () {
  this.timeout(40_000);
  const clients: TaggedCacheClient[] = [];
  const client = (address: string, namespace?: string) => {
    const c = new TaggedCacheClient(address, { namespace });
    clients.push(c);
    return c;
  };
  after(() => clients.forEach((c) => c.close()));

  // The second process is the built server in dist/, what `make run` starts:
  // its Lua scripts and descriptors must have been copied by the build.
  it("shares one Redis between the sources and the built server: an invalidation on one is a miss on the other", async () => {
    expect(existsSync(BUILT_ENTRY[0]!), "dist/ missing: run make build (make test does)").to.equal(true);
    const redis = await sharedRedis();
    const [one, two] = await Promise.all([
      ServerProcess.start({ REDIS_URL: redis.url }),
      ServerProcess.start({ REDIS_URL: redis.url }, [], BUILT_ENTRY),
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

  it("exits 2 with the reason, and no stack, on any setting it cannot start with", () => {
    const env = { ...process.env, HOST: "127.0.0.1", PORT: "0", REDIS_URL: "" };
    for (const [extra, reason] of [
      [{ TLS_CERT_FILE: "/nonexistent.pem" }, "TLS needs both TLS_CERT_FILE and TLS_KEY_FILE"],
      [{ TOKENS_FILE: "/nonexistent-tokens.json" }, "/nonexistent-tokens.json"],
    ] as const) {
      let failure: { status: number; stderr: Buffer } | undefined;
      try {
        execFileSync(process.execPath, ["--import", "tsx", "server/src/main.ts"], { env: { ...env, ...extra }, stdio: "pipe" });
      } catch (err) {
        failure = err as { status: number; stderr: Buffer };
      }
      expect(failure?.status, reason).to.equal(2);
      expect(String(failure?.stderr)).to.include(`taggedcache: `).and.include(reason).and.not.include("    at ");
    }
  });
});
