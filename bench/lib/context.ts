import type { Redis } from "ioredis";
import type { RedisStore } from "../../server/src/store/redis-standalone/redis-store.js";
import type { Row } from "./result.js";
import type { ServerProcess } from "./server-process.js";

/** What every case gets: the run's Redis and the real server, both already started. */
export interface BenchContext {
  readonly redisUrl: string;
  /** A plain connection, for INFO, FLUSHALL and baselines. */
  readonly redis: Redis;
  /** The store's own code, for filling through set.lua. */
  readonly store: RedisStore;
  /** The real server, in its own process, for the whole run. */
  readonly server: ServerProcess;
  /** The rows of the cases run so far, for cases that compare with them. */
  readonly rows: readonly Row[];
}
