import { sharedRedis } from "../helpers/redis-server.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract } from "./cache-contract.js";

cacheContract("Redis store", {
  start: async () => startTestServer({ REDIS_URL: (await sharedRedis()).url, MAX_BATCH_KEYS: "100" }),
  flush: async () => {
    const redis = (await sharedRedis()).connect();
    await redis.flushall();
    await redis.quit();
  },
});
