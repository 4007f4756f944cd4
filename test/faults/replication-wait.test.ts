import { status } from "@grpc/grpc-js";
import calculateSlot from "cluster-key-slot";
import { expect } from "chai";
import { bytes, rejection, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import type { RedisServer } from "../helpers/redis-server.js";
import { until } from "../model/load.js";

// An Invalidate returns only once a replica holds the new versions, so a
// failover cannot bring the replaced ones back (README, Failover). With no
// replica answering it must fail UNAVAILABLE rather than return unconfirmed,
// while reads and writes, which need no replica, go on being served.
const COMMAND_TIMEOUT_MS = 1000;

/** With `replica` frozen, Invalidate is refused; once it runs again, accepted. */
async function expectRefusedWithoutReplica(server: TestServer, replica: RedisServer): Promise<void> {
  const c = server.client("wait");
  await c.set("k", bytes("v"), { tags: ["t"] });
  await c.invalidate("t");
  await c.set("k", bytes("v2"), { tags: ["t"] });
  replica.pause();
  try {
    // WAIT is bounded by half the command timeout: the caller's deadline
    // (5 s) would end the call as DEADLINE_EXCEEDED instead.
    const err = await rejection(c.invalidate("t"));
    expect(err.code, err.details).to.equal(status.UNAVAILABLE);
    expect(err.details).to.match(/replica/);
    // Only the confirmation is missing: the primary still serves.
    await c.set("other", bytes("w"), { tags: ["u"] });
    expect(text(await c.get("other"))).to.equal("w");
    expect((await rejection(c.invalidateAll())).code).to.equal(status.UNAVAILABLE);
  } finally {
    replica.resume();
  }
  // The replica catches up on what it missed, then confirms again.
  await until("an Invalidate to be confirmed", () => c.invalidate("t").then(() => true), 20_000);
  expect(await c.get("k")).to.equal(undefined);
}

describe("an Invalidate no replica confirms fails UNAVAILABLE", function () {
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
      await expectRefusedWithoutReplica(server, setup.servers.find((s) => s !== primary)!);
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

    it("while the replica of the namespace's versions is frozen, and succeeds once it answers", async () => {
      // The slot of namespace "wait"'s versions (see docs/design.md, Keys).
      const { replica } = await cluster.shardOf(calculateSlot("{4:wait}"));
      await expectRefusedWithoutReplica(server, replica);
    });
  });
});
