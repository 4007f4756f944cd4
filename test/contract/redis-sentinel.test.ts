import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract } from "./cache-contract.js";

let setup: RedisSentinelSetup | undefined;

cacheContract("Redis store under Sentinel (primary, replica, 3 sentinels)", {
  start: async () => {
    setup = await RedisSentinelSetup.start();
    const server = await startTestServer({
      REDIS_SENTINELS: setup.sentinelsVariable,
      REDIS_SENTINEL_NAME: PRIMARY_NAME,
      MAX_BATCH_KEYS: "100",
    });
    return { ...server, stop: async () => { await server.stop(); await setup?.stop(); } };
  },
  flush: async () => setup!.flush(),
});
