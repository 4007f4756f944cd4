import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { expectSurvives } from "../helpers/recovery.js";
import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import { ask, type RedisServer } from "../helpers/redis-server.js";

describe("Sentinel failover during a workload", function () {
  this.timeout(120_000);
  let setup: RedisSentinelSetup;
  let server: TestServer;
  let client: TaggedCacheClient;

  before(async () => {
    setup = await RedisSentinelSetup.start();
    server = await startTestServer({
      REDIS_SENTINELS: setup.sentinelsVariable,
      REDIS_SENTINEL_NAME: PRIMARY_NAME,
      REDIS_COMMAND_TIMEOUT_MS: "500",
    });
    client = server.client("fo");
  });
  after(async () => {
    await server?.stop();
    await setup?.stop();
  });

  // The model checker's histories reuse their namespaces from run to run.
  const workloadAround = async (disturb: () => Promise<void>) => {
    await setup.flush();
    await expectSurvives(server, client, disturb, () => setup.waitUntilHealthy());
  };

  /**
   * Waits until the Sentinels name another primary, then points the old one
   * at it, as the Sentinels would within 10 s (their INFO period); the wait
   * would only slow the test.
   */
  async function afterSwitch(old: RedisServer, restart: boolean): Promise<void> {
    // An election that fails is retried after twice failover-timeout (10 s).
    const deadline = Date.now() + 30_000;
    while ((await setup.primary()) === old && Date.now() < deadline) await sleep(100);
    if (restart) await old.launch();
    await ask(old, async (r) => r.replicaof("127.0.0.1", (await setup.primary()).port));
  }

  it("survives the primary being killed and coming back as a replica", async () => {
    const old = await setup.primary();
    await workloadAround(async () => {
      await old.kill();
      await afterSwitch(old, true);
    });
    expect(await setup.primary()).to.not.equal(old);
  });

  it("survives a SENTINEL FAILOVER", async () => {
    const old = await setup.primary();
    await workloadAround(async () => {
      await ask(setup.sentinels[0]!, (r) => r.call("SENTINEL", "FAILOVER", PRIMARY_NAME));
      await afterSwitch(old, false);
    });
    expect(await setup.primary()).to.not.equal(old);
  });
});
