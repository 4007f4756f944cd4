import { getHeapSpaceStatistics } from "node:v8";
import { pino } from "pino";
import { startApp } from "../../server/src/app.js";
import { loadConfig } from "../../server/src/config.js";
import { serve } from "./child.js";
import { startNoopServer } from "./noop-server.js";

/** A server process's memory: process.memoryUsage(), and per V8 heap space the bytes committed and in use. */
export type ServerMemory = NodeJS.MemoryUsage & { readonly spaces: Record<string, { committed: number; used: number }> };

// A server in its own process, so its CPU time and memory are its own.
// BENCH_SERVER=cache runs the real server (on REDIS_URL); =noop the no-op one.
serve({
  async start(): Promise<number> {
    const { REDIS_URL, NEAR_CACHE } = process.env;
    const config = loadConfig([], { REDIS_URL, NEAR_CACHE, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn" });
    if (process.env.BENCH_SERVER === "noop") return startNoopServer(config.server.maxReceiveMessageBytes);
    const app = await startApp(config, pino({ level: "warn" }));
    return app.port;
  },
  /** CPU time used so far (user + system, µs) and memory (bytes, as process.memoryUsage()). */
  usage(): { cpuUs: number } & NodeJS.MemoryUsage {
    const cpu = process.cpuUsage();
    return { cpuUs: cpu.user + cpu.system, ...process.memoryUsage() };
  },
  /** process.memoryUsage() and, per V8 heap space, the bytes committed and in use. */
  memory(): ServerMemory {
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, { committed: s.physical_space_size, used: s.space_used_size }]),
    );
    return { ...process.memoryUsage(), spaces };
  },
});
