import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Redis } from "ioredis";

/** The machine a run measured, for the README and the JSON. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly redis: string;
}

/** Describes this machine and the Redis the run started. */
export async function describeMachine(redis: Redis): Promise<Machine> {
  let cpuModel = "unknown";
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {
    // Not Linux: leave it unknown.
  }
  const info = await redis.info("server");
  return {
    cpus: availableParallelism(),
    cpuModel,
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
  };
}
