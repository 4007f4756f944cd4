import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import { ask } from "../helpers/redis-server.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract, versionKey, type ContractTarget } from "./cache-contract.js";
import { leaseContract } from "./lease-contract.js";

let setup: RedisSentinelSetup | undefined;

const target: ContractTarget = {
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
  evictVersion: async (server, namespace, tag) => {
    await ask(await setup!.primary(), (r) => r.del(versionKey(server, namespace, tag)));
  },
};
cacheContract("Redis store under Sentinel (primary, replica, 3 sentinels)", target);
leaseContract("Redis store under Sentinel", target);
