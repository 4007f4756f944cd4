import { existsSync, readFileSync } from "node:fs";
import { Child } from "./child.js";
import type { ServerMemory } from "./server-child.js";

// `make bench` compiles the server and this child to dist/ (tsconfig.bench.json)
// so the measured process runs plain JavaScript, as in production: tsx's
// loader thread alone holds some 35 MB. Without that build, the TypeScript
// sources run through tsx.
const COMPILED = "../../dist/bench/lib/server-child.js";

function serverModule(): string {
  return existsSync(new URL(COMPILED, import.meta.url)) ? COMPILED : "./server-child.ts";
}

/** The node flags of `npm start` (what `make run` runs), so the measured server runs as deployed. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((arg) => arg.startsWith("--"));
}

/** A server running in a child process. */
export interface ServerProcess {
  readonly address: string;
  /** CPU time (µs) the server process has used so far. */
  cpuUs(): Promise<number>;
  /** The server process's resident memory, bytes. */
  rss(): Promise<number>;
  /** The server process's memory, split as V8 reports it. */
  memory(): Promise<ServerMemory>;
  stop(): Promise<void>;
}

/**
 * Starts the real server on `redisUrl`, or the no-op server when `redisUrl`
 * is "noop", in a child process on a free port. Extra `execArgv` (e.g.
 * --cpu-prof) go to that process, `extraEnv` (e.g. NEAR_CACHE) to its environment.
 */
export async function startServerProcess(redisUrl: string, execArgv: string[] = [], extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const env: Record<string, string> =
    redisUrl === "noop" ? { BENCH_SERVER: "noop" } : { BENCH_SERVER: "cache", REDIS_URL: redisUrl, ...extraEnv };
  // BENCH_PROFILE=<dir> writes a CPU profile of every server process there.
  const dir = process.env.BENCH_PROFILE;
  const profile = dir ? ["--cpu-prof", "--cpu-prof-dir", dir] : [];
  const child = Child.start(serverModule(), env, [...startFlags(), ...profile, ...execArgv]);
  const port = await child.call<number>("start");
  const usage = () => child.call<{ cpuUs: number } & NodeJS.MemoryUsage>("usage");
  return {
    address: `127.0.0.1:${port}`,
    cpuUs: async () => (await usage()).cpuUs,
    rss: async () => (await usage()).rss,
    memory: () => child.call<ServerMemory>("memory"),
    stop: () => child.stop(),
  };
}
