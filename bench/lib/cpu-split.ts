import type { BenchContext } from "./context.js";

/** CPU time (µs) used by each process taking part in a run. */
export interface CpuSplit {
  /** This process: the client, or the ioredis baseline. */
  readonly client: number;
  readonly redis: number;
  readonly server: number;
}

async function redisCpuUs(ctx: BenchContext): Promise<number> {
  const info = await ctx.redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)![1]);
  return (field("used_cpu_user") + field("used_cpu_sys")) * 1e6;
}

/** The CPU each process has used so far. */
export async function cpuNow(ctx: BenchContext): Promise<CpuSplit> {
  const own = process.cpuUsage();
  return { client: own.user + own.system, redis: await redisCpuUs(ctx), server: await ctx.server.cpuUs() };
}

/** CPU per unit (µs) between two readings. */
export function cpuPer(before: CpuSplit, after: CpuSplit, units: number): CpuSplit {
  return {
    client: (after.client - before.client) / units,
    redis: (after.redis - before.redis) / units,
    server: (after.server - before.server) / units,
  };
}
