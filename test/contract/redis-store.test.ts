import { sharedRedis } from "../helpers/redis-server.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract, versionKey, type ContractTarget } from "./cache-contract.js";
import { getManyBudgetContract, SMALL_BUDGET } from "./get-many-budget.js";
import { leaseContract } from "./lease-contract.js";

const target: ContractTarget = {
  start: async () => startTestServer({ REDIS_URL: (await sharedRedis()).url, MAX_BATCH_KEYS: "100" }),
  flush: async () => {
    const redis = (await sharedRedis()).connect();
    await redis.flushall();
    await redis.quit();
  },
  evictVersion: async (server, namespace, tag) => {
    const redis = (await sharedRedis()).connect();
    await redis.del(versionKey(server, namespace, tag));
    await redis.quit();
  },
};
cacheContract("Redis store", target);
leaseContract("Redis store", target);
getManyBudgetContract("Redis store", {
  ...target,
  start: async () => startTestServer({ REDIS_URL: (await sharedRedis()).url, ...SMALL_BUDGET }),
});
