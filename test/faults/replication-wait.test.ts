import { status } from "@grpc/grpc-js";
import calculateSlot from "cluster-key-slot";
import { expect } from "chai";
import { bytes, rejection, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import type { RedisServer } from "../helpers/redis-server.js";
import { until } from "../model/load.js";

// A write returns only once a replica holds it, so a failover cannot bring
// back what it replaced (docs/operations.md, Failover). With no replica answering,
// Invalidate, InvalidateAll, Set (plain or guarded) and Delete must fail
// UNAVAILABLE rather than return unconfirmed, while Gets, which need no
// replica, go on being served.
const COMMAND_TIMEOUT_MS = 1000;

/**
 * With `replica` frozen, every write is refused and Gets are served; once it
 * runs again, writes are accepted. `keys` (four) have their entries on the
 * frozen replica's shard.
 */
async function expectRefusedWithoutReplica(server: TestServer, replica: RedisServer, keys: readonly string[]): Promise<void> {
  const [k, del, guarded, plain] = keys as [string, string, string, string];
  const c = server.client("wait");
  await c.set(k, bytes("v"), { tags: ["t"] });
  await c.invalidate("t");
  await c.set(k, bytes("v2"), { tags: ["t"] });
  await c.set(del, bytes("d"));
  await c.set("read", bytes("r"));
  const miss = await c.read(guarded, { tags: ["t"] });
  expect(miss.versionToken).to.not.equal(undefined);
  replica.pause();
  try {
    // WAIT is bounded by half the command timeout: the caller's deadline
    // (5 s) would end the call as DEADLINE_EXCEEDED instead.
    const expectRefused = async (call: Promise<unknown>) => {
      const err = await rejection(call);
      expect(err.code, err.details).to.equal(status.UNAVAILABLE);
      expect(err.details).to.match(/replica/);
    };
    // The guarded Set first: its token is still current, so it writes.
    await expectRefused(c.set(guarded, bytes("g"), { tags: ["t"], versionToken: miss.versionToken }));
    await expectRefused(c.set(plain, bytes("w"), { tags: ["u"] }));
    await expectRefused(c.delete(del));
    // Reads need no replica: the primary still serves them.
    expect(text(await c.get("read"))).to.equal("r");
    await expectRefused(c.invalidate("t"));
    await expectRefused(c.invalidateAll());
  } finally {
    replica.resume();
  }
  // The replica catches up on what it missed, then confirms again.
  await until("an Invalidate to be confirmed", () => c.invalidate("t").then(() => true), 20_000);
  expect(await c.get(k)).to.equal(undefined);
  expect(await c.get("read")).to.equal(undefined);
  await c.set(plain, bytes("w2"));
  expect(text(await c.get(plain))).to.equal("w2");
  // The refused Delete took effect on the primary (an unknown outcome, not
  // a failed one); a confirmed one after it removes a value again.
  expect(await c.get(del)).to.equal(undefined);
  await c.set(del, bytes("d2"));
  expect(await c.delete(del)).to.equal(true);
  expect(await c.get(del)).to.equal(undefined);
}

describe("a write no replica confirms fails UNAVAILABLE", function () {
  this.timeout(120_000);

  describe("on Sentinel", () => {
    let setup: RedisSentinelSetup;
    let server: TestServer;
    before(async () => {
      setup = await RedisSentinelSetup.start();
      server = await startTestServer({
        REDIS_SENTINELS: setup.sentinelsVariable,
        REDIS_SENTINEL_NAME: PRIMARY_NAME,
        REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      });
    });
    after(async () => {
      await server?.stop();
      await setup?.stop();
    });

    it("while the replica is frozen, and succeeds once it answers", async () => {
      const primary = await setup.primary();
      await expectRefusedWithoutReplica(server, setup.servers.find((s) => s !== primary)!, ["k", "del", "guarded", "plain"]);
    });
  });

  describe("on Redis Cluster", () => {
    let cluster: RedisCluster;
    let server: TestServer;
    before(async () => {
      cluster = await RedisCluster.start();
      server = await startTestServer({
        REDIS_CLUSTER_NODES: cluster.nodesVariable,
        REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      });
    });
    after(async () => {
      await server?.stop();
      await cluster?.stop();
    });

    it("while the replica of the namespace's versions and of the entries is frozen, and succeeds once it answers", async () => {
      // The slot of namespace "wait"'s versions, and those of its entries
      // (see docs/design/storage.md, Keys): pick keys whose entries share its shard.
      const { master, replica } = await cluster.shardOf(calculateSlot("{4:wait}"));
      const keys: string[] = [];
      for (let i = 0; keys.length < 4; i++) {
        const shard = await cluster.shardOf(calculateSlot(`tc:e:4:wait:k${i}`));
        if (shard.master === master) keys.push(`k${i}`);
      }
      await expectRefusedWithoutReplica(server, replica, keys);
    });
  });
});
