import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RedisServer } from "../helpers/redis-server.js";

// Why the README says never to restore a snapshot older than an invalidation:
// the snapshot holds the old tag version beside the entries it hid.
describe("a Redis restored from an old snapshot", () => {
  let dir: string;
  let redis: RedisServer;
  let server: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tc-snapshot-"));
    redis = await RedisServer.start(["--dir", dir, "--dbfilename", "cache.rdb"]);
    server = await startTestServer({ REDIS_URL: redis.url });
  });
  after(async () => {
    await server?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("revives entries that were invalidated after the snapshot", async () => {
    const c = server.client("snap");
    await c.set("k", bytes("old"), { tags: ["t"] });
    const admin = redis.connect();
    await admin.save();
    await admin.quit();
    await c.invalidate("t");
    expect(await c.get("k")).to.equal(undefined);

    await redis.kill();
    await redis.launch();
    let value: string | undefined;
    for (let i = 0; i < 100 && value === undefined; i++) {
      value = await c.get("k").then(text, () => undefined);
      if (value === undefined) await sleep(50);
    }
    expect(value).to.equal("old");
  });
});
